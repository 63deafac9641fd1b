file(REMOVE_RECURSE
  "CMakeFiles/sbbroker.dir/sb_broker.c.o"
  "CMakeFiles/sbbroker.dir/sb_broker.c.o.d"
  "CMakeFiles/sbbroker.dir/sb_routes.c.o"
  "CMakeFiles/sbbroker.dir/sb_routes.c.o.d"
  "CMakeFiles/sbbroker.dir/sb_store.c.o"
  "CMakeFiles/sbbroker.dir/sb_store.c.o.d"
  "CMakeFiles/sbbroker.dir/sb_store_scripts.c.o"
  "CMakeFiles/sbbroker.dir/sb_store_scripts.c.o.d"
  "libsbbroker.a"
  "libsbbroker.pdb"
  "sb_store_scripts.c"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/sbbroker.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
