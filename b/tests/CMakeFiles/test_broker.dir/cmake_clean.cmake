file(REMOVE_RECURSE
  "../bin/test_broker"
  "../bin/test_broker.pdb"
  "CMakeFiles/test_broker.dir/broker/test_broker.c.o"
  "CMakeFiles/test_broker.dir/broker/test_broker.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_broker.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
