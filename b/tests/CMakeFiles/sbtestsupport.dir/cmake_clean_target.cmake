file(REMOVE_RECURSE
  "libsbtestsupport.a"
)
