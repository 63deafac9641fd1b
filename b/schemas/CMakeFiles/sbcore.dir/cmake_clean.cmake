file(REMOVE_RECURSE
  "CMakeFiles/sbcore.dir/sb_config.c.o"
  "CMakeFiles/sbcore.dir/sb_config.c.o.d"
  "CMakeFiles/sbcore.dir/sb_envelope.c.o"
  "CMakeFiles/sbcore.dir/sb_envelope.c.o.d"
  "CMakeFiles/sbcore.dir/sb_error.c.o"
  "CMakeFiles/sbcore.dir/sb_error.c.o.d"
  "CMakeFiles/sbcore.dir/sb_id.c.o"
  "CMakeFiles/sbcore.dir/sb_id.c.o.d"
  "CMakeFiles/sbcore.dir/sb_limits.c.o"
  "CMakeFiles/sbcore.dir/sb_limits.c.o.d"
  "CMakeFiles/sbcore.dir/sb_msgpack.c.o"
  "CMakeFiles/sbcore.dir/sb_msgpack.c.o.d"
  "CMakeFiles/sbcore.dir/sb_schema.c.o"
  "CMakeFiles/sbcore.dir/sb_schema.c.o.d"
  "CMakeFiles/sbcore.dir/sb_schema_builtin.c.o"
  "CMakeFiles/sbcore.dir/sb_schema_builtin.c.o.d"
  "libsbcore.a"
  "libsbcore.pdb"
  "sb_schema_builtin.c"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/sbcore.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
