# FindOsmium: Debian's libosmium2-dev (header-only, with libprotozero-dev) ships no CMake
# config; this finds its headers and the libraries its readers decompress and parse with
# (zlib for PBF blobs and .gz, bzip2 for .bz2, expat for OSM XML), and defines the imported
# target Osmium::Osmium used by dispatchkit::osm (graph/osm/).
find_path(Osmium_INCLUDE_DIR osmium/version.hpp)
find_path(Protozero_INCLUDE_DIR protozero/version.hpp)
include(CMakeFindDependencyMacro)
find_package(ZLIB QUIET)
find_package(BZip2 QUIET)
find_package(EXPAT QUIET)
find_package(Threads QUIET)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Osmium REQUIRED_VARS Osmium_INCLUDE_DIR Protozero_INCLUDE_DIR
                                  ZLIB_FOUND BZIP2_FOUND EXPAT_FOUND)
if(Osmium_FOUND AND NOT TARGET Osmium::Osmium)
  add_library(Osmium::Osmium INTERFACE IMPORTED)
  set_target_properties(Osmium::Osmium PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${Osmium_INCLUDE_DIR};${Protozero_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "ZLIB::ZLIB;BZip2::BZip2;EXPAT::EXPAT;Threads::Threads")
endif()
mark_as_advanced(Osmium_INCLUDE_DIR Protozero_INCLUDE_DIR)
