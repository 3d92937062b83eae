// dispatchkit/recommend/hospital.hpp: where to take the patient, and the call ahead.
//
//   absl::StatusOr<std::vector<Hospital>> hs =        // recommend/io/hifld_hospitals.hpp
//       load_hifld_hospitals("data/sf/sf_hospitals.csv", snapper);
//   HospitalRanker ranker(graph, *std::move(hs));       // per-hospital travel-time tables
//   ranker.set_status(HospitalId{3}, HospitalStatus::kDiversion);
//   std::vector<HospitalChoice> choices;
//   ranker.rank(scene, Specialty::kTrauma, TravelMode::kLightsAndSirens, choices);
//   PreArrivalNotification note = make_pre_arrival(incident, unit_id, choices[0], now);
//   std::cout << to_string(note, ranker, fleet);
//
// Rule (explained in each HospitalChoice):
//   1. closed hospitals and hospitals no road reaches are never proposed;
//   2. open hospitals with the required specialty centre come first, as long as their ETA
//      is within `specialty_bypass_limit` of the nearest open emergency department
//      (field triage bypasses the nearest ED for a trauma, stroke or STEMI centre, but
//      not at any cost: CDC/ACS field triage guidelines; 30 min by default);
//   3. then the other open hospitals (nearest first); a specialty centre beyond the limit
//      ranks among them by ETA;
//   4. hospitals on diversion last (an ambulance may still have to go there);
//   ties by ETA, then hospital id.
//
// ETAs are exact road times from the scene: the constructor runs one backward Dijkstra
// per hospital and keeps every node's time to it (4 bytes x nodes x hospitals: 0.7 MB
// for JEMSS Manhattan's 10 hospitals), so a ranking costs O(hospitals log hospitals)
// and never searches. Thread-compatible; rank() is const, noexcept and allocation-free
// once `out` has grown.
//
// Reading hospitals from a file (the HIFLD Hospitals layer) lives in
// recommend/io/hifld_hospitals.hpp, which this header includes at its end so that code
// calling load_hifld_hospitals through it keeps compiling.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/ems/vocabulary.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/recommend/concepts.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/recommend/fleet.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "dispatchkit/triage/time.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct HospitalTag {};
// A hospital, dense from 0 in the order given to HospitalRanker.
using HospitalId = StrongId<HospitalTag>;

enum class HospitalStatus : std::uint8_t { kOpen = 0, kDiversion, kClosed };
[[nodiscard]] constexpr std::string_view to_string(HospitalStatus s) noexcept {
  return s == HospitalStatus::kOpen ? "open"
                                    : (s == HospitalStatus::kDiversion ? "diversion" : "closed");
}

// A small set of specialty centres (bit per Specialty; kNone is implied for every ED).
class SpecialtySet {
 public:
  constexpr SpecialtySet() noexcept = default;
  constexpr SpecialtySet(Specialty s) noexcept : bits_(bit(s)) {}  // NOLINT: implicit on purpose
  [[nodiscard]] constexpr bool contains(Specialty s) const noexcept {
    return s == Specialty::kNone || (bits_ & bit(s)) != 0;
  }
  constexpr SpecialtySet& operator|=(SpecialtySet o) noexcept {
    bits_ |= o.bits_;
    return *this;
  }
  friend constexpr SpecialtySet operator|(SpecialtySet a, SpecialtySet b) noexcept {
    return a |= b;
  }
  [[nodiscard]] constexpr std::uint8_t bits() const noexcept { return bits_; }

 private:
  static constexpr std::uint8_t bit(Specialty s) noexcept {
    return static_cast<std::uint8_t>(1u << static_cast<unsigned>(s));
  }
  std::uint8_t bits_ = 0;
};

struct Hospital {
  std::string name;
  LatLon location;
  RoadPosition position;  // snapped entrance; an invalid one makes the hospital unreachable
  SpecialtySet specialties;
  HospitalStatus status = HospitalStatus::kOpen;
  std::uint8_t trauma_level = 0;  // 1 (highest) .. 5; 0: not a trauma centre / unknown
  bool helipad = false;
  std::string source;  // "PATH:LINE" of the row it was read from, for messages; or ""
};

enum class HospitalRankReason : std::uint8_t {
  kSpecialtyCentre = 0,  // has the centre the patient needs, within the bypass limit
  kNearestOpen,          // open emergency department, by ETA
  kSpecialtyTooFar,      // has the centre but beyond the bypass limit: ranked by ETA
  kOnDiversion,          // on diversion: only if nothing else
};
[[nodiscard]] constexpr std::string_view to_string(HospitalRankReason r) noexcept {
  constexpr std::array<std::string_view, 4> kNames = {"specialty_centre", "nearest_open",
                                                      "specialty_too_far", "on_diversion"};
  return kNames[static_cast<std::size_t>(r)];
}

struct HospitalChoice {
  HospitalId hospital;
  Deciseconds eta;  // road time from the scene in the requested mode
  HospitalRankReason reason = HospitalRankReason::kNearestOpen;
  bool has_specialty = false;
};

struct HospitalOptions {
  Deciseconds specialty_bypass_limit = Deciseconds::from_seconds(30 * 60);
  TravelModeOptions modes;
  // Build the free-flow tables behind rank(scene, ...) and travel_time(). A caller that
  // brings its own times (rank(times, ...): the replay, from its oracle) turns them off;
  // then travel_time() is kInfWeight and rank(scene, ...) finds nothing.
  bool tables = true;
};

class HospitalRanker {
 public:
  // Builds the per-hospital tables: one backward Dijkstra per hospital (O(H (n+m) log n)).
  HospitalRanker(const RoadGraph& graph, std::vector<Hospital> hospitals,
                 HospitalOptions options = {});

  // Fills `out` (cleared) with every reachable, not closed hospital, best first.
  void rank(const RoadPosition& scene, Specialty need, TravelMode mode,
            std::vector<HospitalChoice>& out) const noexcept;
  // The same ranking on the caller's road times from the scene: times[h] for hospital h in
  // the mode of the drive (kInfWeight: unreachable; missing entries count as unreachable).
  // What the replay uses, with times from its oracle (traffic and closures included).
  void rank(std::span<const Weight> times, Specialty need,
            std::vector<HospitalChoice>& out) const noexcept;
  // Road time from `scene` to hospital `h` (kInfWeight if unreachable), mode applied.
  [[nodiscard]] Weight travel_time(const RoadPosition& scene, HospitalId h,
                                   TravelMode mode) const noexcept;

  // Status feed (diversion boards). OutOfRange for a bad id.
  absl::Status set_status(HospitalId h, HospitalStatus status);
  [[nodiscard]] std::span<const Hospital> hospitals() const noexcept { return hospitals_; }
  [[nodiscard]] const Hospital& hospital(HospitalId h) const noexcept {
    return hospitals_[h.value()];
  }
  [[nodiscard]] std::size_t size() const noexcept { return hospitals_.size(); }

 private:
  const RoadGraph* graph_;
  std::vector<Hospital> hospitals_;
  HospitalOptions options_;
  std::vector<Weight> to_hospital_;  // [h * n + v]: time from node v to hospital h

  // Orders `out` (reachable hospitals with their ETAs): specialty centres within the bypass
  // limit first, diversion last, then by ETA.
  void order(Specialty need, std::vector<HospitalChoice>& out) const noexcept;
};

// The call ahead to the receiving hospital ("pre-alert"): who is coming, how urgent,
// which team to assemble, when.
struct PreArrivalNotification {
  IncidentId incident;
  UnitId unit;
  HospitalId hospital;
  PriorityGrade grade = PriorityGrade::kII;
  Specialty specialty = Specialty::kNone;
  Deciseconds eta_to_hospital;  // from the scene
  SimTime expected_arrival{};   // departure time + ETA, to the second
};

// `departure`: when the unit leaves the scene (now, or the scene time + expected on-scene
// time when notifying early).
[[nodiscard]] inline PreArrivalNotification make_pre_arrival(const Incident& incident, UnitId unit,
                                                             const HospitalChoice& choice,
                                                             SimTime departure) noexcept {
  PreArrivalNotification n;
  n.incident = incident.id;
  n.unit = unit;
  n.hospital = choice.hospital;
  n.grade = incident.grade;
  n.specialty = incident.destination;
  n.eta_to_hospital = choice.eta;
  n.expected_arrival = departure + std::chrono::seconds((choice.eta.count() + 5) / 10);
  return n;
}

// "PRE-ARRIVAL to ZUCKERBERG SF GENERAL: unit M12, incident 1042, grade I, trauma, ETA 7:40"
[[nodiscard]] std::string to_string(const PreArrivalNotification& n, const HospitalRanker& ranker,
                                    const Fleet& fleet);

// ---------------------------------------------------------------------------------------
// Implementation.

inline HospitalRanker::HospitalRanker(const RoadGraph& graph, std::vector<Hospital> hospitals,
                                      HospitalOptions options)
    : graph_(&graph), hospitals_(std::move(hospitals)), options_(options) {
  if (!options_.tables) return;
  const std::size_t n = graph.node_count();
  to_hospital_.assign(n * hospitals_.size(), kInfWeight);
  Dijkstra dijkstra(graph);
  for (std::size_t h = 0; h < hospitals_.size(); ++h) {
    if (!hospitals_[h].position.valid()) continue;
    const SeedPair t = target_seeds(graph, graph.weights(), hospitals_[h].position);
    dijkstra.run(t.view(), Dijkstra::Direction::kBackward, NodeId::invalid());
    for (std::uint32_t v = 0; v < n; ++v)
      to_hospital_[h * n + v] = dijkstra.distance_to(NodeId(v)).count();
  }
}

inline Weight HospitalRanker::travel_time(const RoadPosition& scene, HospitalId h,
                                          TravelMode mode) const noexcept {
  if (h.value() >= hospitals_.size() || !scene.valid()) return kInfWeight;
  const Hospital& hosp = hospitals_[h.value()];
  if (!hosp.position.valid() || to_hospital_.empty()) return kInfWeight;
  const std::size_t n = graph_->node_count();
  Weight best = same_street_weight(graph_->weights(), scene, hosp.position);
  const SeedPair s = source_seeds(*graph_, graph_->weights(), scene);
  for (const SearchSeed& seed : s.view())
    best =
        std::min(best, add_weights(seed.offset, to_hospital_[h.value() * n + seed.node.value()]));
  return weight_in_mode(best, mode, options_.modes);
}

inline void HospitalRanker::rank(const RoadPosition& scene, Specialty need, TravelMode mode,
                                 std::vector<HospitalChoice>& out) const noexcept {
  out.clear();
  for (std::uint32_t h = 0; h < hospitals_.size(); ++h) {
    if (hospitals_[h].status == HospitalStatus::kClosed) continue;
    const Weight t = travel_time(scene, HospitalId(h), mode);
    if (t == kInfWeight) continue;
    out.push_back(HospitalChoice{HospitalId(h), Deciseconds(t)});
  }
  order(need, out);
}

inline void HospitalRanker::rank(std::span<const Weight> times, Specialty need,
                                 std::vector<HospitalChoice>& out) const noexcept {
  out.clear();
  for (std::uint32_t h = 0; h < hospitals_.size() && h < times.size(); ++h) {
    if (hospitals_[h].status == HospitalStatus::kClosed || times[h] == kInfWeight) continue;
    out.push_back(HospitalChoice{HospitalId(h), Deciseconds(times[h])});
  }
  order(need, out);
}

inline void HospitalRanker::order(Specialty need, std::vector<HospitalChoice>& out) const noexcept {
  Weight nearest_open = kInfWeight;
  for (HospitalChoice& c : out) {
    const Hospital& h = hospitals_[c.hospital.value()];
    c.has_specialty = h.specialties.contains(need);
    if (h.status == HospitalStatus::kOpen) nearest_open = std::min(nearest_open, c.eta.count());
  }
  const Deciseconds limit = Deciseconds(nearest_open) + options_.specialty_bypass_limit;
  for (HospitalChoice& c : out) {
    const Hospital& h = hospitals_[c.hospital.value()];
    if (h.status == HospitalStatus::kDiversion) {
      c.reason = HospitalRankReason::kOnDiversion;
    } else if (need != Specialty::kNone && c.has_specialty) {
      c.reason = c.eta <= limit ? HospitalRankReason::kSpecialtyCentre
                                : HospitalRankReason::kSpecialtyTooFar;
    } else {
      c.reason = HospitalRankReason::kNearestOpen;
    }
  }
  auto tier = [](HospitalRankReason r) {
    return r == HospitalRankReason::kSpecialtyCentre
               ? 0
               : (r == HospitalRankReason::kOnDiversion ? 2 : 1);
  };
  std::sort(out.begin(), out.end(), [&](const HospitalChoice& a, const HospitalChoice& b) {
    if (tier(a.reason) != tier(b.reason)) return tier(a.reason) < tier(b.reason);
    if (a.eta != b.eta) return a.eta < b.eta;
    return a.hospital < b.hospital;
  });
}

inline absl::Status HospitalRanker::set_status(HospitalId h, HospitalStatus status) {
  if (h.value() >= hospitals_.size())
    return absl::OutOfRangeError(absl::StrCat("hospital id ", h.value(), " does not exist (",
                                              hospitals_.size(), " hospitals)"));
  hospitals_[h.value()].status = status;
  return absl::OkStatus();
}

inline std::string to_string(const PreArrivalNotification& n, const HospitalRanker& ranker,
                             const Fleet& fleet) {
  const std::string hospital = n.hospital.value() < ranker.size()
                                   ? ranker.hospital(n.hospital).name
                                   : std::string("<unknown hospital>");
  const std::string unit =
      fleet.contains(n.unit) ? fleet.unit(n.unit).call_sign() : std::string("<unknown unit>");
  return absl::StrCat("PRE-ARRIVAL to ", hospital, ": unit ", unit, ", incident ",
                      n.incident.value(), ", grade ", detail::as_absl(to_string(n.grade)), ", ",
                      detail::as_absl(to_string(n.specialty)), ", ETA ",
                      detail::mmss(n.eta_to_hospital));
}

DISPATCHKIT_NAMESPACE_END

// The HIFLD Hospitals reader (load_hifld_hospitals, parse_trauma_level).
#include "dispatchkit/recommend/io/hifld_hospitals.hpp"  // IWYU pragma: export
