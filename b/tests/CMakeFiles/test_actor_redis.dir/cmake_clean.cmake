file(REMOVE_RECURSE
  "../bin/test_actor_redis"
  "../bin/test_actor_redis.pdb"
  "CMakeFiles/test_actor_redis.dir/actors/test_actor_redis.c.o"
  "CMakeFiles/test_actor_redis.dir/actors/test_actor_redis.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_actor_redis.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
