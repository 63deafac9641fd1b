# Empty dependencies file for sbactor.
# This may be replaced when dependencies are built.
