// dispatchkit/sim/recorded_fleet.hpp: the fleet a calls-for-service record shows.
//
//   absl::StatusOr<RecordedCalls> record = load_recorded_calls(calls_path);
//   absl::StatusOr<std::vector<Site>> stations = load_sites(stations_path);
//   ReplayOptions options;                               // options.shifts: on-duty model
//   std::vector<ReplayUnit> units = derive_fleet(*record, *stations, options);
//   units[0].call_sign;                                  // "55", "KM01", ...
//   (*stations)[units[0].station].name;                  // its home station
//
// A calls export has no roster, so the fleet is inferred: each ambulance that appears in
// the record becomes a unit, homed at the station whose area it served most often, with
// ALS or BLS capabilities by what most of its rows say, and on duty in the periods the
// ShiftModel reads from its dispatches. prepare_replay (sim/prepare_replay.hpp) uses it
// unless a fleet file (sim/io/fleet_csv.hpp) gives the units. Cost: O(rows log units).
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/ems/vocabulary.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/io/text.hpp"
#include "dispatchkit/sim/local_time.hpp"
#include "dispatchkit/sim/recorded_calls.hpp"
#include "dispatchkit/sim/replay_inputs.hpp"
#include "dispatchkit/sim/sites.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// The fleet the record shows: every ambulance unit, based at the station whose area it
// served most often (ties: lowest station number; unmatched: nearest station to its first
// call), ALS if most of its rows say so (ALS units: als&bls&transport, others
// bls&transport); on duty per ReplayOptions::shifts.
[[nodiscard]] std::vector<ReplayUnit> derive_fleet(const RecordedCalls& record,
                                                   const std::vector<Site>& stations,
                                                   const ReplayOptions& options = {});

// ---------------------------------------------------------------------------------------
// Implementation.

inline std::vector<ReplayUnit> derive_fleet(const RecordedCalls& record,
                                            const std::vector<Site>& stations,
                                            const ReplayOptions& options) {
  struct Tally {
    std::map<std::int32_t, std::uint32_t> areas;  // station number -> responses
    std::uint32_t rows = 0, als = 0;
    LatLon first_location;
    std::vector<std::int64_t> blocks;                              // shift blocks with a dispatch
    std::map<std::int64_t, std::pair<SimTime, SimTime>> activity;  // block -> first, last
  };
  std::map<std::uint32_t, Tally> tally;  // by unit index; ordered for determinism
  const std::int64_t block_s = std::int64_t{options.shift_block_hours} * 3600;
  const std::int64_t block_origin = std::int64_t{options.shift_first_block_local_hour} * 3600;
  for (const RecordedCall& c : record.calls)
    for (const RecordedResponse& r : c.responses) {
      if (r.kind != RecordedUnitKind::kAmbulance) continue;
      Tally& t = tally[r.unit];
      if (t.rows == 0) t.first_location = c.location;
      ++t.rows;
      t.als += r.als;
      int area = -1;
      if (parse_number(r.station_area, area)) ++t.areas[area];
      const SimTime when = is_set(r.dispatched) ? r.dispatched : c.received;
      const std::int64_t local = detail::secs(when) + utc_offset_at(when, record.zone);
      const std::int64_t block = detail::floor_div(local - block_origin, block_s);
      t.blocks.push_back(block);
      const SimTime last = is_set(r.available) ? r.available : when;
      auto [it, fresh] = t.activity.try_emplace(block, when, last);
      if (!fresh) {
        it->second.first = std::min(it->second.first, when);
        it->second.second = std::max(it->second.second, last);
      }
    }
  std::vector<ReplayUnit> units;
  for (auto& [index, t] : tally) {
    ReplayUnit u;
    u.call_sign = record.unit_names[index];
    std::int32_t best_area = -1;
    std::uint32_t best_count = 0;
    for (const auto& [area, count] : t.areas)
      if (count > best_count) best_area = area, best_count = count;  // map order: lowest wins ties
    bool found = false;
    for (std::uint32_t i = 0; i < stations.size() && !found; ++i)
      if (stations[i].number == best_area && best_area >= 0) u.station = i, found = true;
    if (!found) {
      double best = 1e300;
      for (std::uint32_t i = 0; i < stations.size(); ++i) {
        const double d = haversine(stations[i].location, t.first_location).value();
        if (d < best) best = d, u.station = i;
      }
    }
    u.capabilities = 2 * t.als >= t.rows ? CapabilitySet{Capability::kAls} | Capability::kBls |
                                               Capability::kTransport
                                         : CapabilitySet{Capability::kBls} | Capability::kTransport;
    if (options.shifts == ShiftModel::kRecordedActivity) {
      for (const auto& [block, span] : t.activity) {  // block order = time order
        if (!u.on_duty.empty() && u.on_duty.back().second >= span.first)
          u.on_duty.back().second = std::max(u.on_duty.back().second, span.second);
        else
          u.on_duty.emplace_back(span.first, span.second);
      }
    } else if (options.shifts == ShiftModel::kRecordedBlocks) {
      std::sort(t.blocks.begin(), t.blocks.end());
      t.blocks.erase(std::unique(t.blocks.begin(), t.blocks.end()), t.blocks.end());
      for (std::size_t i = 0; i < t.blocks.size();) {
        std::size_t j = i;
        while (j + 1 < t.blocks.size() && t.blocks[j + 1] == t.blocks[j] + 1) ++j;
        const std::int64_t lo = t.blocks[i] * block_s + block_origin;
        const std::int64_t hi = (t.blocks[j] + 1) * block_s + block_origin;
        u.on_duty.emplace_back(utc_from_local(lo, record.zone), utc_from_local(hi, record.zone));
        i = j + 1;
      }
    }
    units.push_back(std::move(u));
  }
  return units;
}

DISPATCHKIT_NAMESPACE_END
