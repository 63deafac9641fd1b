file(REMOVE_RECURSE
  "../bin/test_testredis"
  "../bin/test_testredis.pdb"
  "CMakeFiles/test_testredis.dir/support/test_testredis.c.o"
  "CMakeFiles/test_testredis.dir/support/test_testredis.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_testredis.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
