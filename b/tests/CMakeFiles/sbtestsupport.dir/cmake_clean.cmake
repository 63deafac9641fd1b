file(REMOVE_RECURSE
  "CMakeFiles/sbtestsupport.dir/support/sb_testproc.c.o"
  "CMakeFiles/sbtestsupport.dir/support/sb_testproc.c.o.d"
  "CMakeFiles/sbtestsupport.dir/support/sb_testredis.c.o"
  "CMakeFiles/sbtestsupport.dir/support/sb_testredis.c.o.d"
  "libsbtestsupport.a"
  "libsbtestsupport.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/sbtestsupport.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
