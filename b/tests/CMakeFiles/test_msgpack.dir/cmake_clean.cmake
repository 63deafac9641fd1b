file(REMOVE_RECURSE
  "../bin/test_msgpack"
  "../bin/test_msgpack.pdb"
  "CMakeFiles/test_msgpack.dir/unit/test_msgpack.c.o"
  "CMakeFiles/test_msgpack.dir/unit/test_msgpack.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_msgpack.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
