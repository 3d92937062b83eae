// dispatchkit/graph/road_details.hpp: what a road graph knows about its streets beyond
// travel time and length: class, OpenStreetMap way, name, shape and flags.
//
//   if (const RoadDetails* d = graph.details()) {
//     const RoadSegmentRef s = graph.segment_of(arc);          // which street piece, which way
//     std::string_view street = d->name(s.index);              // "Boulevard Albert 1er"
//     RoadClass c = d->road_class(s.index);                    // RoadClass::kPrimary
//     for (LatLon p : d->shape(s.index)) draw(p);              // shape points, tail to head
//     bool boat = d->has(s.index, RoadFlag::kFerry);
//   }
//
// An OpenStreetMap import splits each way at intersections only; every piece between two
// intersections is one *segment*, and each direction it may be driven in is one arc. The
// segment keeps the intermediate shape points (degree-2 nodes are not graph nodes), so a
// route draws as the road runs and its length is the road's. Formats without names or
// shapes (DIMACS, JEMSS, the OSMnx CSV) have no details: `graph.details()` is null.
//
// Immutable once built, shared by the graph that owns it (and by its copies).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/enum_names.hpp"
#include "dispatchkit/graph/types.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// OpenStreetMap highway classes that can carry a vehicle, plus ferries; see docs/osm.md.
enum class RoadClass : std::uint8_t {
  kMotorway,
  kMotorwayLink,
  kTrunk,
  kTrunkLink,
  kPrimary,
  kPrimaryLink,
  kSecondary,
  kSecondaryLink,
  kTertiary,
  kTertiaryLink,
  kUnclassified,
  kResidential,
  kLivingStreet,
  kService,
  kTrack,
  kBusway,
  kFerry,
  kOther,
};
inline constexpr std::size_t kRoadClassCount = 18;
// The OpenStreetMap `highway=` values (and "ferry" for route=ferry), in RoadClass order.
inline constexpr std::array<std::string_view, kRoadClassCount> kRoadClassNames = {
    "motorway",      "motorway_link",  "trunk",    "trunk_link",    "primary",      "primary_link",
    "secondary",     "secondary_link", "tertiary", "tertiary_link", "unclassified", "residential",
    "living_street", "service",        "track",    "busway",        "ferry",        "other"};
[[nodiscard]] constexpr std::string_view road_class_name(RoadClass c) noexcept {
  return kRoadClassNames[static_cast<std::size_t>(c)];
}
[[nodiscard]] constexpr std::optional<RoadClass> parse_road_class(std::string_view s) noexcept {
  return detail::enum_from_name<RoadClass>(kRoadClassNames, s);
}

// Properties of a segment a dispatcher or a map needs to see.
enum class RoadFlag : std::uint8_t {
  kFerry = 1,           // a water link (route=ferry): its time is the crossing's duration
  kToll = 2,            // toll=yes
  kTunnel = 4,          // tunnel=yes|building_passage|...
  kBridge = 8,          // bridge=yes|viaduct|...
  kEmergencyOnly = 16,  // closed to the public, open to emergency vehicles (emergency=yes)
  kRoundabout = 32,     // junction=roundabout|circular
};

// One piece of a street between two intersections, seen from one of its arcs.
struct RoadSegmentRef {
  std::uint32_t index = UINT32_MAX;  // into RoadDetails; UINT32_MAX: the arc has no segment
  bool reversed = false;             // the arc runs against the segment's stored direction
  [[nodiscard]] constexpr bool valid() const noexcept { return index != UINT32_MAX; }
};

// Segments as columns; filled by an importer through `add_segment`.
class RoadDetails {
 public:
  [[nodiscard]] std::uint32_t segment_count() const noexcept {
    return static_cast<std::uint32_t>(way_id_.size());
  }
  [[nodiscard]] std::int64_t way_id(std::uint32_t s) const noexcept { return way_id_[s]; }
  [[nodiscard]] RoadClass road_class(std::uint32_t s) const noexcept { return road_class_[s]; }
  [[nodiscard]] std::uint8_t flags(std::uint32_t s) const noexcept { return flags_[s]; }
  [[nodiscard]] bool has(std::uint32_t s, RoadFlag f) const noexcept {
    return (flags_[s] & static_cast<std::uint8_t>(f)) != 0;
  }
  // The street's name ("" when the way has none); names are stored once each.
  [[nodiscard]] std::string_view name(std::uint32_t s) const noexcept { return names_[name_[s]]; }
  [[nodiscard]] std::uint32_t name_id(std::uint32_t s) const noexcept { return name_[s]; }
  // Intermediate shape points, in the segment's stored direction (tail node excluded,
  // head node excluded): a straight segment has none.
  [[nodiscard]] std::span<const LatLon> shape(std::uint32_t s) const noexcept {
    return {shape_.data() + first_shape_[s], shape_.data() + first_shape_[s + 1]};
  }

  // Appends a segment and returns its index. `name` is interned.
  std::uint32_t add_segment(std::int64_t way_id, RoadClass road_class, std::uint8_t flags,
                            std::string_view name, std::span<const LatLon> shape) {
    way_id_.push_back(way_id);
    road_class_.push_back(road_class);
    flags_.push_back(flags);
    name_.push_back(intern(name));
    shape_.insert(shape_.end(), shape.begin(), shape.end());
    first_shape_.push_back(static_cast<std::uint32_t>(shape_.size()));
    return segment_count() - 1;
  }

  // Raw columns, for the binary graph file (graph/io/graph_file.hpp).
  [[nodiscard]] std::span<const std::int64_t> way_ids() const noexcept { return way_id_; }
  [[nodiscard]] std::span<const RoadClass> road_classes() const noexcept { return road_class_; }
  [[nodiscard]] std::span<const std::uint8_t> flag_column() const noexcept { return flags_; }
  [[nodiscard]] std::span<const std::uint32_t> name_ids() const noexcept { return name_; }
  [[nodiscard]] std::span<const std::string> names() const noexcept { return names_; }
  [[nodiscard]] std::span<const std::uint32_t> first_shape() const noexcept { return first_shape_; }
  [[nodiscard]] std::span<const LatLon> shape_points() const noexcept { return shape_; }
  // Rebuilds from raw columns (the binary graph file); the caller has validated them.
  static RoadDetails from_columns(std::vector<std::int64_t> way_id, std::vector<RoadClass> cls,
                                  std::vector<std::uint8_t> flags, std::vector<std::uint32_t> name,
                                  std::vector<std::string> names,
                                  std::vector<std::uint32_t> first_shape,
                                  std::vector<LatLon> shape) {
    RoadDetails d;
    d.way_id_ = std::move(way_id);
    d.road_class_ = std::move(cls);
    d.flags_ = std::move(flags);
    d.name_ = std::move(name);
    d.names_ = std::move(names);
    d.first_shape_ = std::move(first_shape);
    d.shape_ = std::move(shape);
    return d;
  }

 private:
  std::uint32_t intern(std::string_view name) {
    if (name.empty()) return 0;  // id 0 is "no name"
    const auto [it, added] =
        by_name_.try_emplace(std::string(name), static_cast<std::uint32_t>(names_.size()));
    if (added) names_.emplace_back(name);
    return it->second;
  }

  std::vector<std::int64_t> way_id_;
  std::vector<RoadClass> road_class_;
  std::vector<std::uint8_t> flags_;
  std::vector<std::uint32_t> name_;
  std::vector<std::string> names_{std::string()};
  std::vector<std::uint32_t> first_shape_{0};
  std::vector<LatLon> shape_;
  absl::flat_hash_map<std::string, std::uint32_t> by_name_;  // importing only
};

DISPATCHKIT_NAMESPACE_END
