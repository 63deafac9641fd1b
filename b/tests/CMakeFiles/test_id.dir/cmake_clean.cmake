file(REMOVE_RECURSE
  "../bin/test_id"
  "../bin/test_id.pdb"
  "CMakeFiles/test_id.dir/unit/test_id.c.o"
  "CMakeFiles/test_id.dir/unit/test_id.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_id.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
