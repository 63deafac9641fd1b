file(REMOVE_RECURSE
  "../bin/test_actor"
  "../bin/test_actor.pdb"
  "CMakeFiles/test_actor.dir/actors/test_actor.c.o"
  "CMakeFiles/test_actor.dir/actors/test_actor.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_actor.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
