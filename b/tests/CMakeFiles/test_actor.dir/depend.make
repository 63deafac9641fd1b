# Empty dependencies file for test_actor.
# This may be replaced when dependencies are built.
