# Empty dependencies file for test_envelope.
# This may be replaced when dependencies are built.
