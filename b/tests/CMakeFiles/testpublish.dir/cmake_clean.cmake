file(REMOVE_RECURSE
  "../bin/testpublish"
  "../bin/testpublish.pdb"
  "CMakeFiles/testpublish.dir/broker/testpublish.c.o"
  "CMakeFiles/testpublish.dir/broker/testpublish.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/testpublish.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
