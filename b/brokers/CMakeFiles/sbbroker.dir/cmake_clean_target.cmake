file(REMOVE_RECURSE
  "libsbbroker.a"
)
