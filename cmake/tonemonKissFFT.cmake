# Makes the target kissfft::kissfft-float exist: from KissFFT's own CMake package (its static or
# its shared build, whichever is installed; Debian ships only the shared one), else from
# pkg-config's kissfft-float. The build and the installed tonemonConfig.cmake both include this
# file, so a static libtonemon's link interface names the target, never a library path.
if(NOT TARGET kissfft::kissfft-float)
  find_package(kissfft CONFIG QUIET)
endif()
if(NOT TARGET kissfft::kissfft-float)
  find_package(kissfft CONFIG QUIET COMPONENTS SHARED)
endif()
if(NOT TARGET kissfft::kissfft-float)
  find_package(PkgConfig QUIET)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(TM_KISSFFT QUIET IMPORTED_TARGET kissfft-float)
  endif()
  if(TARGET PkgConfig::TM_KISSFFT)
    add_library(kissfft::kissfft-float INTERFACE IMPORTED)
    set_property(TARGET kissfft::kissfft-float PROPERTY INTERFACE_LINK_LIBRARIES PkgConfig::TM_KISSFFT)
  endif()
endif()
