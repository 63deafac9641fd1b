# Empty compiler generated dependencies file for sbingress.
# This may be replaced when dependencies are built.
