# Empty compiler generated dependencies file for test_actor_redis.
# This may be replaced when dependencies are built.
