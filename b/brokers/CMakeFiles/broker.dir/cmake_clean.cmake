file(REMOVE_RECURSE
  "../bin/broker"
  "../bin/broker.pdb"
  "CMakeFiles/broker.dir/broker_main.c.o"
  "CMakeFiles/broker.dir/broker_main.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/broker.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
