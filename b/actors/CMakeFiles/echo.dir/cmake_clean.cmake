file(REMOVE_RECURSE
  "../bin/echo"
  "../bin/echo.pdb"
  "CMakeFiles/echo.dir/echo/echo.c.o"
  "CMakeFiles/echo.dir/echo/echo.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/echo.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
