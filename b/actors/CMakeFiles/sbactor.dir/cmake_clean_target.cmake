file(REMOVE_RECURSE
  "libsbactor.a"
)
