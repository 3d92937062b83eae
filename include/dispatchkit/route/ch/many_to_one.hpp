// dispatchkit/route/ch/many_to_one.hpp: rank every unit against one incident with one
// search (and the mirror: one origin to many destinations).
//
//   ChManyToOne etas(ch, graph);                 // one per thread (or per dispatcher desk)
//   etas.set_source(7, unit_position);           // unit in slot 7 reported a GPS fix
//   etas.remove_source(3);                       // unit 3 went off duty
//   std::vector<Weight> t(etas.slot_capacity());
//   etas.distances_to(incident_position, t);     // t[slot]: unit -> incident, kInfWeight if none
//
//   ChOneToMany from_scene(ch, graph);           // e.g. scene -> every hospital
//   from_scene.set_target(h, hospital_position);
//   from_scene.distances_from(incident_position, t);
//
// Each unit keeps its forward upward search space as bucket entries (see
// route/ch/detail/buckets.hpp); one backward upward search from the incident then gives
// every unit's travel time. Moving a unit changes only that unit's entries: one upward
// search and O(1) work per entry, independent of the number of other units. Results equal
// N separate ChQuery::distance() calls, to the decisecond.
//
// Thread safety: thread-compatible; the hierarchy and graph are shared read-only.
// distances_to() is noexcept and allocation-free. set_source() allocates only while the
// buckets grow to their working size (warm-up); afterwards moving a unit does not allocate.
#pragma once

#include <cstdint>
#include <span>

#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/route/ch/contraction_hierarchy.hpp"
#include "dispatchkit/route/ch/detail/buckets.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// Many sources (units), one target at a time (the incident).
class ChManyToOne {
 public:
  // Both must outlive this object; `ch` must be built from `graph`. Allocates O(nodes).
  ChManyToOne(const ContractionHierarchy& ch, const RoadGraph& graph) : index_(ch, graph) {}

  // Puts the unit in `slot` at `position` (adds it, or moves it there). Slots are dense
  // small integers chosen by the caller (e.g. a unit's index); capacity grows to slot + 1.
  // An invalid position keeps the slot occupied but unreachable. O(upward search space).
  // Throws std::bad_alloc if the buckets cannot grow; the slot is then left empty and
  // every other slot keeps its entries.
  void set_source(std::uint32_t slot, const RoadPosition& position) { index_.set(slot, position); }
  // Empties `slot` (its distances become kInfWeight). No-op for an empty slot.
  void remove_source(std::uint32_t slot) noexcept { index_.remove(slot); }
  // Pre-sizes the slot table (optional).
  void reserve(std::uint32_t slots) { index_.reserve(slots); }

  // out[slot] = travel time (graph weight units) from the unit in `slot` to `target`, for
  // every slot < min(slot_capacity(), out.size()); kInfWeight for empty slots and units
  // that cannot reach it. One backward upward search plus a scan of the met buckets.
  void distances_to(const RoadPosition& target, std::span<Weight> out) noexcept {
    index_.query(target, out);
  }

  [[nodiscard]] std::uint32_t slot_capacity() const noexcept { return index_.capacity(); }
  [[nodiscard]] bool has_source(std::uint32_t slot) const noexcept { return index_.occupied(slot); }
  [[nodiscard]] RoadPosition source(std::uint32_t slot) const noexcept {
    return index_.position(slot);
  }
  // Bucket entries held (sum of the units' search-space sizes).
  [[nodiscard]] std::size_t entry_count() const noexcept { return index_.entry_count(); }
  // The buckets and the units' back-references agree. O(entries): tests, debugging.
  [[nodiscard]] bool consistent() const noexcept { return index_.consistent(); }

 private:
  detail::ChBucketIndex<true> index_;
};

// One source at a time, many targets (hospitals, stations, demand points): the mirror
// of ChManyToOne, with the targets' backward search spaces in the buckets.
class ChOneToMany {
 public:
  ChOneToMany(const ContractionHierarchy& ch, const RoadGraph& graph) : index_(ch, graph) {}

  void set_target(std::uint32_t slot, const RoadPosition& position) { index_.set(slot, position); }
  void remove_target(std::uint32_t slot) noexcept { index_.remove(slot); }
  void reserve(std::uint32_t slots) { index_.reserve(slots); }

  // out[slot] = travel time from `source` to the target in `slot` (kInfWeight if none).
  void distances_from(const RoadPosition& source, std::span<Weight> out) noexcept {
    index_.query(source, out);
  }

  [[nodiscard]] std::uint32_t slot_capacity() const noexcept { return index_.capacity(); }
  [[nodiscard]] bool has_target(std::uint32_t slot) const noexcept { return index_.occupied(slot); }
  [[nodiscard]] RoadPosition target(std::uint32_t slot) const noexcept {
    return index_.position(slot);
  }
  [[nodiscard]] std::size_t entry_count() const noexcept { return index_.entry_count(); }
  [[nodiscard]] bool consistent() const noexcept { return index_.consistent(); }

 private:
  detail::ChBucketIndex<false> index_;
};

DISPATCHKIT_NAMESPACE_END
