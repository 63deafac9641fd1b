file(REMOVE_RECURSE
  "libsbingress.a"
)
