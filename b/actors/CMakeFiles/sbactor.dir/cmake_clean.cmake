file(REMOVE_RECURSE
  "CMakeFiles/sbactor.dir/runtime/sb_actor.c.o"
  "CMakeFiles/sbactor.dir/runtime/sb_actor.c.o.d"
  "CMakeFiles/sbactor.dir/runtime/sb_actor_ctx.c.o"
  "CMakeFiles/sbactor.dir/runtime/sb_actor_ctx.c.o.d"
  "CMakeFiles/sbactor.dir/runtime/sb_actor_harness.c.o"
  "CMakeFiles/sbactor.dir/runtime/sb_actor_harness.c.o.d"
  "CMakeFiles/sbactor.dir/runtime/sb_actor_run.c.o"
  "CMakeFiles/sbactor.dir/runtime/sb_actor_run.c.o.d"
  "libsbactor.a"
  "libsbactor.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/sbactor.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
