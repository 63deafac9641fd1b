# Empty compiler generated dependencies file for testpublish.
# This may be replaced when dependencies are built.
