file(REMOVE_RECURSE
  "CMakeFiles/sbingress.dir/ingress/sb_form.c.o"
  "CMakeFiles/sbingress.dir/ingress/sb_form.c.o.d"
  "CMakeFiles/sbingress.dir/ingress/sb_ingress.c.o"
  "CMakeFiles/sbingress.dir/ingress/sb_ingress.c.o.d"
  "CMakeFiles/sbingress.dir/ingress/sb_twilio.c.o"
  "CMakeFiles/sbingress.dir/ingress/sb_twilio.c.o.d"
  "libsbingress.a"
  "libsbingress.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/sbingress.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
