// dispatchkit/plan/candidates.hpp: where a new station could go, when no parcel list is given.
//
//   std::vector<Site> c = grid_candidates(graph, snapper, Meters{500}, placed.locations);
//   // c[i].name == "grid-17", c[i].location: a point on a street near a 500 m grid corner
//
// A planner without a list of available parcels asks "anywhere on the roads, every 500 m".
// grid_candidates lays a square grid of that spacing over the bounding box of the given
// points (the demand), snaps every grid corner to its street and keeps the corners that
// land on one (within half a spacing, so that a corner in the bay does not become a site on
// the far shore); two corners landing on the same street point are kept once. Candidates
// are named "grid-N" in row-major order of the grid, so the same inputs give the same names.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/snap.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/sim/sites.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

template <class SnapperT>
[[nodiscard]] std::vector<Site> grid_candidates(const SnapperT& snapper, Meters spacing,
                                                std::span<const LatLon> area) {
  std::vector<Site> out;
  if (area.empty() || !(spacing.value() > 0)) return out;
  double lat0 = 90, lat1 = -90, lon0 = 180, lon1 = -180;
  for (const LatLon& p : area) {
    lat0 = std::min(lat0, p.lat);
    lat1 = std::max(lat1, p.lat);
    lon0 = std::min(lon0, p.lon);
    lon1 = std::max(lon1, p.lon);
  }
  const double mid = (lat0 + lat1) / 2 * kRadiansPerDegree;
  const double dlat = spacing.value() / kMetersPerDegreeLat;
  const double dlon = spacing.value() / (kMetersPerDegreeLat * std::max(0.01, std::cos(mid)));
  const SnapOptions options{.max_distance = Meters{spacing.value() / 2}};
  absl::flat_hash_set<std::pair<std::uint32_t, std::uint32_t>> seen;  // (arc, fraction bits)
  std::uint32_t index = 0;
  for (double lat = lat0; lat <= lat1 + dlat / 2; lat += dlat) {
    for (double lon = lon0; lon <= lon1 + dlon / 2; lon += dlon) {
      const std::uint32_t n = index++;
      absl::StatusOr<SnapResult> s = snapper.snap(LatLon{lat, lon}, options);
      if (!s.ok()) continue;
      std::uint32_t bits;
      const float f = s->position.fraction();
      static_assert(sizeof(bits) == sizeof(f));
      std::memcpy(&bits, &f, sizeof(bits));
      if (!seen.insert({s->position.arc().value(), bits}).second) continue;
      out.push_back(Site{.name = absl::StrCat("grid-", n), .location = s->snapped_point});
    }
  }
  return out;
}

DISPATCHKIT_NAMESPACE_END
