file(REMOVE_RECURSE
  "../bin/testworker"
  "../bin/testworker.pdb"
  "CMakeFiles/testworker.dir/broker/testworker.c.o"
  "CMakeFiles/testworker.dir/broker/testworker.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/testworker.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
