# Makes the target speexdsp::speexdsp exist (the echo canceller cue, src/echo.c) from pkg-config's
# speexdsp (Debian's libspeexdsp-dev ships no CMake package). The build and the installed
# tonemonConfig.cmake both include this file, so a static libtonemon's link interface names the
# target, never a library path.
if(NOT TARGET speexdsp::speexdsp)
  find_package(PkgConfig QUIET)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(TM_SPEEXDSP QUIET IMPORTED_TARGET speexdsp)
  endif()
  if(TARGET PkgConfig::TM_SPEEXDSP)
    add_library(speexdsp::speexdsp INTERFACE IMPORTED)
    set_property(TARGET speexdsp::speexdsp PROPERTY INTERFACE_LINK_LIBRARIES PkgConfig::TM_SPEEXDSP)
  endif()
endif()
