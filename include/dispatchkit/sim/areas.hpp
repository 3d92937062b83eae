// dispatchkit/sim/areas.hpp: which area class (urban, rural, mountain/island) a location is
// in, for the targets the EMS plans judge a centre by (8 / 12 / 14 min for emergencies).
//
//   AreaMap map;
//   map.add({.area = AreaClass::kRural, .rings = {{{37.70, -122.52}, {37.70, -122.50},
//                                                  {37.72, -122.50}, {37.70, -122.52}}}});
//   AreaClass a = map.class_at({37.71, -122.505});           // kRural
//   AreaClass b = map.class_at({37.78, -122.42});            // kUrban: the default
//
// An area is a polygon: an outer ring and optional holes (GeoJSON's order), each ring a
// closed list of WGS84 points. A location is inside when it is inside the outer ring and
// in no hole (even-odd ray casting on the plane of longitude and latitude, exact enough
// for district boundaries a few kilometres across). Areas are tested in the order added;
// the first that contains the location gives its class, and a location in none gets the
// fallback (urban unless told). sim/io/areas_geojson.hpp reads a GeoJSON file into one.
//
// A value type; class_at() is const, noexcept and allocation-free: O(points) per area
// whose bounding box holds the location.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/ems/vocabulary.hpp"
#include "dispatchkit/graph/types.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct AreaPolygon {
  AreaClass area = AreaClass::kUrban;
  std::vector<std::vector<LatLon>> rings;  // [0] outer, then holes; each closed
  std::string name;                        // for messages and reports (may be empty)
};

class AreaMap {
 public:
  // Adds `p` (rings of at least 4 points, first == last: sim/io/areas_geojson.hpp checks).
  void add(AreaPolygon p) {
    Box b{90, 180, -90, -180};  // south, west, north, east: empty
    if (!p.rings.empty())
      for (const LatLon& q : p.rings.front()) {
        b.south = std::min(b.south, q.lat);
        b.north = std::max(b.north, q.lat);
        b.west = std::min(b.west, q.lon);
        b.east = std::max(b.east, q.lon);
      }
    boxes_.push_back(b);
    polygons_.push_back(std::move(p));
  }

  // The class of the first area containing `p`, else `fallback`.
  [[nodiscard]] AreaClass class_at(LatLon p,
                                   AreaClass fallback = AreaClass::kUrban) const noexcept {
    for (std::size_t i = 0; i < polygons_.size(); ++i) {
      const Box& b = boxes_[i];
      if (p.lat < b.south || p.lat > b.north || p.lon < b.west || p.lon > b.east) continue;
      const auto& rings = polygons_[i].rings;
      if (rings.empty() || !inside(rings[0], p)) continue;
      bool in_hole = false;
      for (std::size_t h = 1; h < rings.size() && !in_hole; ++h) in_hole = inside(rings[h], p);
      if (!in_hole) return polygons_[i].area;
    }
    return fallback;
  }

  [[nodiscard]] std::size_t size() const noexcept { return polygons_.size(); }
  [[nodiscard]] const std::vector<AreaPolygon>& polygons() const noexcept { return polygons_; }

 private:
  struct Box {
    double south, west, north, east;
  };
  // Even-odd rule: a ray towards +longitude crosses the ring an odd number of times.
  [[nodiscard]] static bool inside(const std::vector<LatLon>& ring, LatLon p) noexcept {
    bool in = false;
    for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
      const LatLon& a = ring[i];
      const LatLon& b = ring[j];
      if ((a.lat > p.lat) != (b.lat > p.lat) &&
          p.lon < (b.lon - a.lon) * (p.lat - a.lat) / (b.lat - a.lat) + a.lon)
        in = !in;
    }
    return in;
  }

  std::vector<AreaPolygon> polygons_;
  std::vector<Box> boxes_;
};

DISPATCHKIT_NAMESPACE_END
