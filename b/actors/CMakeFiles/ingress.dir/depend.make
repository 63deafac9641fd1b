# Empty dependencies file for ingress.
# This may be replaced when dependencies are built.
