file(REMOVE_RECURSE
  "CMakeFiles/sbproto.dir/sb_client.c.o"
  "CMakeFiles/sbproto.dir/sb_client.c.o.d"
  "CMakeFiles/sbproto.dir/sb_hist.c.o"
  "CMakeFiles/sbproto.dir/sb_hist.c.o.d"
  "CMakeFiles/sbproto.dir/sb_proto.c.o"
  "CMakeFiles/sbproto.dir/sb_proto.c.o.d"
  "libsbproto.a"
  "libsbproto.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/sbproto.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
