# CMake generated Testfile for 
# Source directory: /work/main/bin
# Build directory: /work/main/b/bin
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
