
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/schemas/sb_config.c" "schemas/CMakeFiles/sbcore.dir/sb_config.c.o" "gcc" "schemas/CMakeFiles/sbcore.dir/sb_config.c.o.d"
  "/work/main/schemas/sb_envelope.c" "schemas/CMakeFiles/sbcore.dir/sb_envelope.c.o" "gcc" "schemas/CMakeFiles/sbcore.dir/sb_envelope.c.o.d"
  "/work/main/schemas/sb_error.c" "schemas/CMakeFiles/sbcore.dir/sb_error.c.o" "gcc" "schemas/CMakeFiles/sbcore.dir/sb_error.c.o.d"
  "/work/main/schemas/sb_id.c" "schemas/CMakeFiles/sbcore.dir/sb_id.c.o" "gcc" "schemas/CMakeFiles/sbcore.dir/sb_id.c.o.d"
  "/work/main/schemas/sb_limits.c" "schemas/CMakeFiles/sbcore.dir/sb_limits.c.o" "gcc" "schemas/CMakeFiles/sbcore.dir/sb_limits.c.o.d"
  "/work/main/schemas/sb_msgpack.c" "schemas/CMakeFiles/sbcore.dir/sb_msgpack.c.o" "gcc" "schemas/CMakeFiles/sbcore.dir/sb_msgpack.c.o.d"
  "/work/main/schemas/sb_schema.c" "schemas/CMakeFiles/sbcore.dir/sb_schema.c.o" "gcc" "schemas/CMakeFiles/sbcore.dir/sb_schema.c.o.d"
  "/work/main/b/schemas/sb_schema_builtin.c" "schemas/CMakeFiles/sbcore.dir/sb_schema_builtin.c.o" "gcc" "schemas/CMakeFiles/sbcore.dir/sb_schema_builtin.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
