# Empty compiler generated dependencies file for sbcore.
# This may be replaced when dependencies are built.
