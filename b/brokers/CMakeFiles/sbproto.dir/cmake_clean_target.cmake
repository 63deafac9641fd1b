file(REMOVE_RECURSE
  "libsbproto.a"
)
