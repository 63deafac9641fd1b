file(REMOVE_RECURSE
  "../bin/bench_broker"
  "../bin/bench_broker.pdb"
  "CMakeFiles/bench_broker.dir/bench_broker.c.o"
  "CMakeFiles/bench_broker.dir/bench_broker.c.o.d"
  "CMakeFiles/bench_broker.dir/bench_load.c.o"
  "CMakeFiles/bench_broker.dir/bench_load.c.o.d"
  "CMakeFiles/bench_broker.dir/bench_plain.c.o"
  "CMakeFiles/bench_broker.dir/bench_plain.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/bench_broker.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
