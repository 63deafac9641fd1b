# Empty dependencies file for test_msgpack.
# This may be replaced when dependencies are built.
