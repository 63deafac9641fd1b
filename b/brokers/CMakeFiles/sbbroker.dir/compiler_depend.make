# Empty compiler generated dependencies file for sbbroker.
# This may be replaced when dependencies are built.
