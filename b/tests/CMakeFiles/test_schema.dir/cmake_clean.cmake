file(REMOVE_RECURSE
  "../bin/test_schema"
  "../bin/test_schema.pdb"
  "CMakeFiles/test_schema.dir/unit/test_schema.c.o"
  "CMakeFiles/test_schema.dir/unit/test_schema.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_schema.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
