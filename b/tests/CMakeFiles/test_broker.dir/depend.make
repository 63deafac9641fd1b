# Empty dependencies file for test_broker.
# This may be replaced when dependencies are built.
