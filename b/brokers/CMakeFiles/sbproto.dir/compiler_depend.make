# Empty compiler generated dependencies file for sbproto.
# This may be replaced when dependencies are built.
