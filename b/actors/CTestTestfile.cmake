# CMake generated Testfile for 
# Source directory: /work/main/actors
# Build directory: /work/main/b/actors
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
