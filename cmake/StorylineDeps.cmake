# Finds storyline's Debian dependencies and makes imported targets for the ones
# Debian ships without a CMake config. Used by the build and by storylineConfig.cmake.
include(CMakeFindDependencyMacro)
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(simdjson REQUIRED)
find_package(TBB REQUIRED)
find_package(ZLIB REQUIRED)
find_package(SQLite3 REQUIRED)
pkg_check_modules(ICU REQUIRED IMPORTED_TARGET icu-uc icu-i18n)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
pkg_check_modules(GUMBO REQUIRED IMPORTED_TARGET gumbo)

if(NOT TARGET storyline_dep::stemmer)
  find_path(STEMMER_INCLUDE_DIR libstemmer.h REQUIRED)
  find_library(STEMMER_LIBRARY stemmer REQUIRED)
  add_library(storyline_dep::stemmer UNKNOWN IMPORTED)
  set_target_properties(storyline_dep::stemmer PROPERTIES
    IMPORTED_LOCATION ${STEMMER_LIBRARY} INTERFACE_INCLUDE_DIRECTORIES ${STEMMER_INCLUDE_DIR})
endif()
if(NOT TARGET storyline_dep::cld2)
  find_path(CLD2_INCLUDE_DIR cld2/public/compact_lang_det.h REQUIRED)
  find_library(CLD2_LIBRARY cld2 REQUIRED)
  add_library(storyline_dep::cld2 UNKNOWN IMPORTED)
  set_target_properties(storyline_dep::cld2 PROPERTIES
    IMPORTED_LOCATION ${CLD2_LIBRARY} INTERFACE_INCLUDE_DIRECTORIES ${CLD2_INCLUDE_DIR})
endif()
