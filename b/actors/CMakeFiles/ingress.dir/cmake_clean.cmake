file(REMOVE_RECURSE
  "../bin/ingress"
  "../bin/ingress.pdb"
  "CMakeFiles/ingress.dir/ingress/ingress_main.c.o"
  "CMakeFiles/ingress.dir/ingress/ingress_main.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/ingress.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
