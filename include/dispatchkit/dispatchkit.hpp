// dispatchkit/dispatchkit.hpp: the umbrella header (everything public).
#pragma once

#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/route/dijkstra.hpp"
