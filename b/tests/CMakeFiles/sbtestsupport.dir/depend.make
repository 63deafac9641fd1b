# Empty dependencies file for sbtestsupport.
# This may be replaced when dependencies are built.
