// dispatchkit/recommend/detail/fleet_buckets.hpp: a bucket many-to-one engine that follows a
// fleet's change journal; what ChOracle and CchOracle share. Not for users: build one of
// those oracles.
//
// `Engine` is ChManyToOne or CchManyToOne (set_source, remove_source, reserve,
// slot_capacity, distances_to). Each unit that may be sent (needs_travel_time()) holds
// bucket entries at its position; a GPS fix moves exactly one unit's entries, a unit going
// busy removes them. If memory runs out in sync(), the unit being placed is left untracked
// (unreachable), sync() returns ResourceExhausted and the next sync() replays the fleet's
// changes from where the last complete one ended.
#pragma once

#include <algorithm>
#include <cstdint>
#include <new>
#include <span>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/recommend/fleet.hpp"
#include "dispatchkit/route/travel_modes.hpp"

DISPATCHKIT_NAMESPACE_BEGIN
namespace detail {

template <class Engine>
class FleetBuckets {
 public:
  template <class... Args>
  explicit FleetBuckets(Args&&... engine_args) : engine_(std::forward<Args>(engine_args)...) {}

  // `who` names the oracle in the out-of-memory message.
  [[nodiscard]] absl::Status sync(const Fleet& fleet, const char* who) noexcept {
    try {
      if (tracked_.size() < fleet.size()) {
        tracked_.resize(fleet.size());
        engine_.reserve(static_cast<std::uint32_t>(fleet.size()));
      }
      const bool incremental =
          fleet_instance_ == fleet.instance() && fleet.for_each_change_since(seen_, [&](UnitId id) {
            if (id.value() < fleet.size()) update(fleet.unit(id));
          });
      if (!incremental) {
        for (const Unit& u : fleet.units()) update(u);
        for (std::size_t slot = fleet.size(); slot < tracked_.size(); ++slot) {
          if (tracked_[slot].valid()) engine_.remove_source(static_cast<std::uint32_t>(slot));
          tracked_[slot] = RoadPosition();
        }
      }
    } catch (const std::bad_alloc&) {
      // update() left the unit it was placing untracked; fleet_instance_ and seen_ still
      // name the last complete sync, so the next one takes every change in again.
      return out_of_memory(who);
    }
    fleet_instance_ = fleet.instance();
    seen_ = fleet.generation();
    return absl::OkStatus();
  }

  // out[u] = unit u's time to `target` in `mode` (kInfWeight: untracked or unreachable).
  void travel_times_to(const RoadPosition& target, TravelMode mode, const TravelModeOptions& modes,
                       std::span<Weight> out) noexcept {
    const std::size_t covered = std::min<std::size_t>(out.size(), engine_.slot_capacity());
    std::fill(out.begin() + static_cast<std::ptrdiff_t>(covered), out.end(), kInfWeight);
    if (!target.valid()) {
      std::fill(out.begin(), out.end(), kInfWeight);
      return;
    }
    engine_.distances_to(target, out.first(covered));
    if (mode != TravelMode::kLightsAndSirens)
      for (Weight& w : out) w = weight_in_mode(w, mode, modes);
  }

  // Units currently holding bucket entries.
  [[nodiscard]] std::size_t tracked_units() const noexcept {
    return static_cast<std::size_t>(std::count_if(tracked_.begin(), tracked_.end(),
                                                  [](const RoadPosition& p) { return p.valid(); }));
  }
  [[nodiscard]] Engine& engine() noexcept { return engine_; }
  [[nodiscard]] const Engine& engine() const noexcept { return engine_; }

 private:
  // Throws std::bad_alloc from set_source(), which then leaves the slot empty.
  void update(const Unit& u) {
    const std::uint32_t slot = u.id().value();
    const bool want = needs_travel_time(u.status()) && u.position().valid();
    if (!want) {
      if (tracked_[slot].valid()) engine_.remove_source(slot);
      tracked_[slot] = RoadPosition();
    } else if (!(tracked_[slot] == u.position())) {
      tracked_[slot] = RoadPosition();  // untracked until set_source() has completed
      engine_.set_source(slot, u.position());
      tracked_[slot] = u.position();
    }
  }

  Engine engine_;
  std::vector<RoadPosition> tracked_;  // position held in the buckets; invalid = none
  std::uint64_t fleet_instance_ = 0;   // Fleet::instance() last synced; 0 = none
  std::uint64_t seen_ = 0;
};

}  // namespace detail
DISPATCHKIT_NAMESPACE_END
