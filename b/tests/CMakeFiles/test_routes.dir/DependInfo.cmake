
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/tests/unit/test_routes.c" "tests/CMakeFiles/test_routes.dir/unit/test_routes.c.o" "gcc" "tests/CMakeFiles/test_routes.dir/unit/test_routes.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/b/brokers/CMakeFiles/sbbroker.dir/DependInfo.cmake"
  "/work/main/b/brokers/CMakeFiles/sbproto.dir/DependInfo.cmake"
  "/work/main/b/schemas/CMakeFiles/sbcore.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
