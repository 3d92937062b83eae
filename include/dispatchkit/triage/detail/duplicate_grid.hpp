// dispatchkit/triage/detail/duplicate_grid.hpp: the spatial index TriageQueue finds
// probable duplicate calls with. Internal: users call TriageQueue::find_probable_duplicate.
//
//   detail::DuplicateGrid grid(rule.radius);    // cells about `radius` wide
//   grid.reserve(slots);                        // the one allocating call
//   grid.insert(slot, where, received_s, complaint);   // noexcept, O(1)
//   grid.set_complaint(slot, complaint);        // after a re-triage
//   grid.for_each_candidate(where, received_s, complaint, rule,
//       [&](std::uint32_t slot, Meters d, SimDuration apart) { ... });  // 3 x 3 cells
//   grid.erase(slot);                           // noexcept, O(1)
//
// Entries are keyed by the queue's slot index (0 .. capacity - 1). Each cell of a
// latitude/longitude grid holds an intrusive doubly linked list of its slots, found
// through an open-addressing table of cells (U64SlotMap), so insert and erase are O(1)
// and allocation-free after reserve(). A cell is at least `radius` wide everywhere in its
// row, so every match within `radius` lies in the 3 x 3 neighbourhood of the query's cell
// (wider in longitude near the poles; cells stop shrinking at 89 degrees).
//
// What a query reads (location, received time, complaint, list links) is kept in a dense
// array apart from the queue's slots, so walking a crowded cell touches 40 bytes per
// candidate instead of a whole call.
//
// Thread safety: thread-compatible.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/triage/detail/queue_index.hpp"
#include "dispatchkit/triage/duplicates.hpp"
#include "dispatchkit/triage/time.hpp"

DISPATCHKIT_NAMESPACE_BEGIN
namespace detail {

// Metres per degree of latitude on the sphere haversine() uses (graph/types.hpp).
inline constexpr double kMetersPerDegree = kMetersPerDegreeLat;
inline constexpr double kMaxGridLatitude = 89.0;  // cells near the poles are capped

class DuplicateGrid {
 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;

  // A cell at least as wide as the radius keeps every match within the 3 x 3
  // neighbourhood; a floor of 10 m bounds the cell count for a zero radius.
  explicit DuplicateGrid(Meters radius) noexcept : cell_meters_(cell_size(radius)) {}

  // Room for slots 0 .. slots - 1. Allocates; on failure (std::bad_alloc) the grid is
  // unchanged. Never shrinks.
  void reserve(std::size_t slots);
  [[nodiscard]] std::size_t capacity() const noexcept { return entries_.size(); }
  [[nodiscard]] bool empty() const noexcept { return cells_.size() == 0; }

  // Indexes `slot` at `where` (nothing if `where` is not a valid position); returns
  // whether it was indexed. Precondition: slot < capacity() and not indexed. O(1).
  bool insert(std::uint32_t slot, LatLon where, std::int64_t received,
              std::uint8_t complaint) noexcept;
  // Removes `slot` if it is indexed. O(1).
  void erase(std::uint32_t slot) noexcept;
  void set_complaint(std::uint32_t slot, std::uint8_t complaint) noexcept {
    entries_[slot].complaint = complaint;
  }
  [[nodiscard]] bool contains(std::uint32_t slot) const noexcept { return entries_[slot].indexed; }

  // Calls f(slot, distance, time_apart) for every indexed slot within rule.radius of
  // `where`, received within rule.window of `received`, with a complaint compatible with
  // `complaint`. Visits the few cells around `where`; allocation-free.
  template <class F>
  void for_each_candidate(LatLon where, std::int64_t received, int complaint,
                          const DuplicateRule& rule, F&& f) const noexcept;

  // Does `slot`'s entry hold these values, and is it reachable from its cell? For
  // TriageQueue::check_invariants.
  [[nodiscard]] bool check(std::uint32_t slot, std::int64_t received,
                           std::uint8_t complaint) const noexcept;

 private:
  struct Entry {  // what a query reads
    double lat = 0, lon = 0;
    std::int64_t received = 0;
    std::uint32_t prev = kNone, next = kNone;  // the cell's intrusive list
    std::uint8_t complaint = 0;                // MPDS protocol, 0 for none
    bool indexed = false;
  };
  [[nodiscard]] static double cell_size(Meters radius) noexcept {
    const double m = std::max(10.0, radius.value());  // a NaN radius gives 10 m
    return std::isfinite(m) ? m : 1e6;
  }
  [[nodiscard]] static std::uint64_t cell_key(std::int64_t row, std::int64_t col) noexcept {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(row)) << 32) |
           static_cast<std::uint32_t>(col);
  }
  [[nodiscard]] std::int64_t row_of(double lat) const noexcept {
    return static_cast<std::int64_t>(std::floor(lat * kMetersPerDegree / cell_meters_));
  }
  [[nodiscard]] double row_width_degrees(std::int64_t row) const noexcept;

  double cell_meters_;
  std::vector<Entry> entries_;       // by slot; 40 bytes, read by every query
  std::vector<std::uint64_t> cell_;  // by slot: the cell of an indexed slot (cold)
  U64SlotMap cells_;                 // grid cell -> first slot of its list
};

// ---------------------------------------------------------------------------------------
// Implementation.

inline void DuplicateGrid::reserve(std::size_t slots) {
  if (slots <= entries_.size()) return;
  // Build the new cell table on the side: if an allocation fails, nothing has changed.
  U64SlotMap cells;
  cells.init(slots);
  for (std::uint32_t i = 0; i < entries_.size(); ++i)
    if (entries_[i].indexed && entries_[i].prev == kNone) cells.put(cell_[i], i);
  // Strong guarantee: trivially copyable elements; a larger cell_ alone is harmless.
  cell_.resize(slots);
  entries_.resize(slots);
  cells_ = std::move(cells);
}

inline double DuplicateGrid::row_width_degrees(std::int64_t row) const noexcept {
  // Wide enough that a cell spans cell_meters_ east-west everywhere in the row: measured
  // at the row's pole-ward edge, where a degree of longitude is shortest.
  const double lo = static_cast<double>(row) * cell_meters_ / kMetersPerDegree;
  const double hi = lo + cell_meters_ / kMetersPerDegree;
  const double edge = std::min(kMaxGridLatitude, std::max(std::fabs(lo), std::fabs(hi)));
  return cell_meters_ / (kMetersPerDegree * std::cos(edge * 3.14159265358979323846 / 180));
}

inline bool DuplicateGrid::insert(std::uint32_t slot, LatLon where, std::int64_t received,
                                  std::uint8_t complaint) noexcept {
  Entry& e = entries_[slot];
  e.indexed = where.is_valid();
  if (!e.indexed) return false;
  const std::int64_t row = row_of(where.lat);
  const auto col = static_cast<std::int64_t>(std::floor(where.lon / row_width_degrees(row)));
  const std::uint64_t cell = cell_key(row, col);
  cell_[slot] = cell;
  const std::uint32_t head = cells_.find(cell);  // kAbsent == kNone
  e.lat = where.lat;
  e.lon = where.lon;
  e.received = received;
  e.prev = kNone;
  e.next = head;
  e.complaint = complaint;
  if (head != kNone) entries_[head].prev = slot;
  cells_.put(cell, slot);
  return true;
}

inline void DuplicateGrid::erase(std::uint32_t slot) noexcept {
  Entry& e = entries_[slot];
  if (!e.indexed) return;
  if (e.next != kNone) entries_[e.next].prev = e.prev;
  if (e.prev != kNone) {
    entries_[e.prev].next = e.next;
  } else if (e.next != kNone) {
    cells_.put(cell_[slot], e.next);
  } else {
    cells_.erase(cell_[slot]);
  }
  e.indexed = false;
  e.prev = e.next = kNone;
}

template <class F>
void DuplicateGrid::for_each_candidate(LatLon where, std::int64_t received, int complaint,
                                       const DuplicateRule& rule, F&& f) const noexcept {
  if (!where.is_valid() || cells_.size() == 0) return;
  const double radius = rule.radius.value();
  // Longitude half-width of the search: from the haversine formula, a point within d of
  // `where` differs in longitude by at most about d / (R cos(phi_max)); 1% slack.
  const double lat_span = cell_meters_ / kMetersPerDegree;
  const double phi_max =
      std::min(kMaxGridLatitude, std::fabs(where.lat) + lat_span) * 3.14159265358979323846 / 180;
  const double lon_half = 1.01 * cell_meters_ / (kMetersPerDegree * std::cos(phi_max));
  const std::int64_t row0 = row_of(where.lat);
  const auto window_s = static_cast<std::uint64_t>(std::max<std::int64_t>(0, rule.window.count()));
  const double lat_radius_deg = 1.0001 * radius / kMetersPerDegree;
  for (std::int64_t row = row0 - 1; row <= row0 + 1; ++row) {
    const double w = row_width_degrees(row);
    const auto c0 = static_cast<std::int64_t>(std::floor((where.lon - lon_half) / w));
    const auto c1 = static_cast<std::int64_t>(std::floor((where.lon + lon_half) / w));
    for (std::int64_t col = c0; col <= c1 && col - c0 < 64; ++col) {
      for (std::uint32_t i = cells_.find(cell_key(row, col)); i != kNone; i = entries_[i].next) {
        const Entry& g = entries_[i];
        // Cheap rejections first: time, complaint, then the north-south distance (a
        // lower bound of the great-circle distance), before any trigonometry.
        // Unsigned difference: exact even for absurd query times.
        const std::uint64_t apart_u =
            g.received > received
                ? static_cast<std::uint64_t>(g.received) - static_cast<std::uint64_t>(received)
                : static_cast<std::uint64_t>(received) - static_cast<std::uint64_t>(g.received);
        if (apart_u > window_s) continue;
        if (!rule.compatibility.compatible(complaint, g.complaint)) continue;
        if (std::fabs(g.lat - where.lat) > lat_radius_deg) continue;
        const Meters d = haversine(where, LatLon{g.lat, g.lon});
        if (!(d.value() <= radius)) continue;
        f(i, d, SimDuration(static_cast<std::int64_t>(apart_u)));
      }
    }
  }
}

inline bool DuplicateGrid::check(std::uint32_t slot, std::int64_t received,
                                 std::uint8_t complaint) const noexcept {
  const Entry& e = entries_[slot];
  if (!e.indexed) return true;
  // Walk back to the head of its cell list; the cell table must point at it.
  std::uint32_t head = slot;
  for (std::size_t steps = 0; entries_[head].prev != kNone; ++steps) {
    if (steps > entries_.size()) return false;
    head = entries_[head].prev;
  }
  return e.complaint == complaint && e.received == received && cells_.find(cell_[slot]) == head;
}

}  // namespace detail
DISPATCHKIT_NAMESPACE_END
