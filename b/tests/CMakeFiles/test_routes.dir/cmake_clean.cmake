file(REMOVE_RECURSE
  "../bin/test_routes"
  "../bin/test_routes.pdb"
  "CMakeFiles/test_routes.dir/unit/test_routes.c.o"
  "CMakeFiles/test_routes.dir/unit/test_routes.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_routes.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
