# Empty compiler generated dependencies file for sbtestsupport.
# This may be replaced when dependencies are built.
