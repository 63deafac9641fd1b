file(REMOVE_RECURSE
  "../bin/test_envelope"
  "../bin/test_envelope.pdb"
  "CMakeFiles/test_envelope.dir/unit/test_envelope.c.o"
  "CMakeFiles/test_envelope.dir/unit/test_envelope.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_envelope.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
