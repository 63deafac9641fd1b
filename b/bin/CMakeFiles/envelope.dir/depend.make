# Empty dependencies file for envelope.
# This may be replaced when dependencies are built.
