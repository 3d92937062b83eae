// dispatchkit/graph/osm.hpp: OpenStreetMap import (component dispatchkit::osm).
//
//   #include "dispatchkit/graph/osm.hpp"
//   absl::StatusOr<OsmImport> city = import_osm("monaco.osm.pbf");   // ambulance profile
//   const RoadGraph& g = city->graph;
//
// Profiles (graph/osm/profile.hpp), tag rules (graph/osm/tags.hpp), turn restrictions
// (graph/osm/turn_restrictions.hpp) and the import (graph/osm/import.hpp); docs/osm.md
// documents every rule. Programs that link dispatchkit::osm also get OpenStreetMap input
// through load_graph() (graph/io.hpp).
#pragma once

#include "dispatchkit/graph/osm/import.hpp"
#include "dispatchkit/graph/osm/profile.hpp"
#include "dispatchkit/graph/osm/tags.hpp"
#include "dispatchkit/graph/osm/turn_restrictions.hpp"
