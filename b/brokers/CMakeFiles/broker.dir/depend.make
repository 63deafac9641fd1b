# Empty dependencies file for broker.
# This may be replaced when dependencies are built.
