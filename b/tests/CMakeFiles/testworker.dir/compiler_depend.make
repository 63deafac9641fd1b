# Empty compiler generated dependencies file for testworker.
# This may be replaced when dependencies are built.
