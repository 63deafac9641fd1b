file(REMOVE_RECURSE
  "libsbcore.a"
)
