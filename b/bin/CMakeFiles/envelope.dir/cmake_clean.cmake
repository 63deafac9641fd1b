file(REMOVE_RECURSE
  "CMakeFiles/envelope.dir/envelope.c.o"
  "CMakeFiles/envelope.dir/envelope.c.o.d"
  "envelope"
  "envelope.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/envelope.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
