# The components of dispatchkit, as data: the headers each one holds, the packages it needs,
# the targets it links and the components it builds on. One list, read by CMakeLists.txt (to
# define dispatchkit::<component>), by tests/ (one translation unit per component that includes
# all its headers) and, installed, by dispatchkitConfig.cmake (to find only what the requested
# components need). The split follows the #include lines: only route/cch/order.hpp includes
# <metis.h>; route/traffic/closures.hpp customizes a CCH metric; recommend/ and sim/ reach
# route/ch and route/dijkstra but never route/cch, so neither needs METIS. The oracles that
# decide on live and recorded traffic (recommend/traffic/) sit on the CCH, hence in traffic;
# the replay reaches them only through AnyOracle and OracleFactory (recommend/).
#
# Adding a component (osm, plan, capi) is one block below plus its name in the list:
#   set(DISPATCHKIT_COMPONENT_osm_HEADERS osm/)          # folders end in '/', else files
#   set(DISPATCHKIT_COMPONENT_osm_DEPENDS core)
#   set(DISPATCHKIT_COMPONENT_osm_PACKAGES Osmium)       # find_package() names
#   set(DISPATCHKIT_COMPONENT_osm_LINK Osmium::Osmium)
# A package whose headers must not leak into other components names a macro its header
# defines (DISPATCHKIT_PACKAGE_<pkg>_MARKER): the component check fails if a component's
# headers define it without the component bringing that package.
# `all` (target dispatchkit::dispatchkit, the umbrella header) is every component.
# A component may set DISPATCHKIT_COMPONENT_<name>_DEFINITIONS (compile definitions its
# consumers get). A header belongs to the component whose matching entry is longest.

set(DISPATCHKIT_COMPONENTS core osm cch traffic sim generate plan plan_mip)

# core: ids, readers, the road graph, snapping, Dijkstra, CH, triage, recommendation. Graph
# files arrive gzip- or xz-compressed, hence zlib and liblzma; CH contraction uses threads.
set(DISPATCHKIT_COMPONENT_core_HEADERS
    config.hpp detail/ io/ ems/ graph/ route/dijkstra.hpp route/ch.hpp route/ch/ route/polyline.hpp
    route/travel_modes.hpp
    triage/ recommend/)
set(DISPATCHKIT_COMPONENT_core_DEPENDS)
set(DISPATCHKIT_COMPONENT_core_PACKAGES Boost absl ZLIB LibLZMA Threads)
set(DISPATCHKIT_COMPONENT_core_LINK
    Boost::headers absl::status absl::statusor absl::strings absl::str_format absl::flat_hash_map
    ZLIB::ZLIB LibLZMA::LibLZMA Threads::Threads)

# osm: OpenStreetMap import (.osm.pbf, .osm, .osm.bz2/.gz) with profiles and turn
# restrictions, on libosmium. Headers under graph/osm/ belong here although core holds
# graph/: a header belongs to the component with the longest matching entry. Linking it
# defines DISPATCHKIT_WITH_OSM, so that load_graph() (graph/io.hpp) also reads OpenStreetMap.
set(DISPATCHKIT_COMPONENT_osm_HEADERS graph/osm/ graph/osm.hpp)
set(DISPATCHKIT_COMPONENT_osm_DEPENDS core)
set(DISPATCHKIT_COMPONENT_osm_PACKAGES Osmium)
set(DISPATCHKIT_COMPONENT_osm_LINK Osmium::Osmium)
set(DISPATCHKIT_COMPONENT_osm_DEFINITIONS DISPATCHKIT_WITH_OSM=1)

# cch: customizable CH; METIS computes its nested dissection order.
set(DISPATCHKIT_COMPONENT_cch_HEADERS route/cch.hpp route/cch/)
set(DISPATCHKIT_COMPONENT_cch_DEPENDS core)
set(DISPATCHKIT_COMPONENT_cch_PACKAGES METIS)
set(DISPATCHKIT_COMPONENT_cch_LINK METIS::METIS)

# traffic: time-sliced profiles, GPS map matching, closures and the metric store, and the
# oracles that put them into decisions (recommend/traffic/); closures customize a CCH
# metric, hence cch.
set(DISPATCHKIT_COMPONENT_traffic_HEADERS route/traffic.hpp route/traffic/ route/metric_store.hpp
    recommend/traffic/)
set(DISPATCHKIT_COMPONENT_traffic_DEPENDS cch)
set(DISPATCHKIT_COMPONENT_traffic_PACKAGES)
set(DISPATCHKIT_COMPONENT_traffic_LINK)

# sim: recorded calls, the replay engine, KPIs and reports (over CH and Dijkstra oracles),
# and the calibration fitted from a record, read and written as JSON with nlohmann::json;
# local time through Abseil's time zones on the system tz database (Debian tzdata).
set(DISPATCHKIT_COMPONENT_sim_HEADERS sim/)
set(DISPATCHKIT_COMPONENT_sim_DEPENDS core)
set(DISPATCHKIT_COMPONENT_sim_PACKAGES nlohmann_json)
set(DISPATCHKIT_COMPONENT_sim_LINK nlohmann_json::nlohmann_json absl::time)

# generate: JEMSS's call generation for cities without a call record: gen_config.xml read
# with Expat, population rasters (GeoTIFF, in a zip) read with GDAL. Separate from sim so
# that replaying a recorded city needs neither. (Expat has no leak marker: the osm component
# includes it too, through libosmium's XML reader.)
set(DISPATCHKIT_COMPONENT_generate_HEADERS sim/generate/)
set(DISPATCHKIT_COMPONENT_generate_DEPENDS sim)
set(DISPATCHKIT_COMPONENT_generate_PACKAGES GDAL EXPAT)
set(DISPATCHKIT_COMPONENT_generate_LINK GDAL::GDAL EXPAT::EXPAT)

# plan: coverage, isochrones and station siting (plan/, plan.hpp). It reads demand from call
# records and sites from the replay's files, so it builds on sim; nothing below includes it.
set(DISPATCHKIT_COMPONENT_plan_HEADERS plan/ plan.hpp)
set(DISPATCHKIT_COMPONENT_plan_DEPENDS sim)
set(DISPATCHKIT_COMPONENT_plan_PACKAGES)
set(DISPATCHKIT_COMPONENT_plan_LINK)

# plan_mip: the siting models as mixed-integer programs, solved exactly with GLPK (Debian
# libglpk-dev), and the offline bound's program; apart from plan so that coverage, the
# heuristics and the bound's model need no solver.
set(DISPATCHKIT_COMPONENT_plan_mip_HEADERS plan/mip/)
set(DISPATCHKIT_COMPONENT_plan_mip_DEPENDS plan)
set(DISPATCHKIT_COMPONENT_plan_mip_PACKAGES GLPK)
set(DISPATCHKIT_COMPONENT_plan_mip_LINK GLPK::GLPK)

set(DISPATCHKIT_COMPONENT_all_HEADERS dispatchkit.hpp)
set(DISPATCHKIT_COMPONENT_all_DEPENDS ${DISPATCHKIT_COMPONENTS})

set(DISPATCHKIT_PACKAGE_Boost_VERSION 1.74)
set(DISPATCHKIT_PACKAGE_METIS_MARKER METIS_VER_MAJOR)
set(DISPATCHKIT_PACKAGE_Osmium_MARKER LIBOSMIUM_VERSION_MAJOR)
set(DISPATCHKIT_PACKAGE_nlohmann_json_MARKER NLOHMANN_JSON_VERSION_MAJOR)
set(DISPATCHKIT_PACKAGE_GDAL_MARKER GDAL_RELEASE_NAME)
set(DISPATCHKIT_PACKAGE_GLPK_MARKER GLP_MAJOR_VERSION)
set(DISPATCHKIT_PACKAGE_nlohmann_json_VERSION 3.10)

# dispatchkit_component_closure(<out> <component>...): the components named and every one they
# build on, dependencies first; unknown names are left out (see dispatchkit_known_component).
function(dispatchkit_component_closure out)
  set(closure)
  foreach(component IN LISTS DISPATCHKIT_COMPONENTS)  # the list is in dependency order
    set(wanted FALSE)
    foreach(asked IN LISTS ARGN)
      if(asked STREQUAL "all" OR asked STREQUAL component)
        set(wanted TRUE)
      endif()
    endforeach()
    if(wanted)
      list(APPEND closure ${component})
    endif()
  endforeach()
  # Add what the components build on until nothing changes.
  set(size -1)
  list(LENGTH closure new_size)
  while(NOT size EQUAL new_size)
    set(size ${new_size})
    foreach(component IN LISTS closure)
      list(APPEND closure ${DISPATCHKIT_COMPONENT_${component}_DEPENDS})
    endforeach()
    list(REMOVE_DUPLICATES closure)
    list(LENGTH closure new_size)
  endwhile()
  set(ordered)
  foreach(component IN LISTS DISPATCHKIT_COMPONENTS)
    if(component IN_LIST closure)
      list(APPEND ordered ${component})
    endif()
  endforeach()
  set(${out} ${ordered} PARENT_SCOPE)
endfunction()

# dispatchkit_known_component(<out> <name>): TRUE for a component's name or `all`.
function(dispatchkit_known_component out name)
  if(name STREQUAL "all" OR name IN_LIST DISPATCHKIT_COMPONENTS)
    set(${out} TRUE PARENT_SCOPE)
  else()
    set(${out} FALSE PARENT_SCOPE)
  endif()
endfunction()
