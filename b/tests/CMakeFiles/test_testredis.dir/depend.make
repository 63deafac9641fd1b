# Empty dependencies file for test_testredis.
# This may be replaced when dependencies are built.
