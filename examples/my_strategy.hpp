// examples/my_strategy.hpp: a researcher's own dispatch rule, in one header.
//
// "Keep a station covered": send the fastest suitable unit, except that a unit whose
// station would be left empty gives way to one from a station that keeps another unit
// in quarters, if that one arrives at most `slack` later. (A crude cousin of
// CoverageAware that needs no demand data.)
//
// Everything a strategy needs: a kName, a noexcept recommend() template over the oracle,
// the public kit (recommend/kit.hpp: screening, ordering by ETA, candidates), a reason of
// its own when it ranks by a rule the built-in reasons do not name (rank_reason.hpp), and
// one line to make it available by name to every integrator (AnyRecommender).
#pragma once

#include <algorithm>
#include <string_view>

#include "dispatchkit/recommend/recommend.hpp"

namespace my_lab {
using namespace dispatchkit;

// The reason given when the fastest unit is passed over to keep its station covered;
// explain() prints its name, as every printer of reasons does (to_string()). Registered
// at static initialisation, where a name the registry refused would stop the program
// (value() fails) rather than mid-call; every translation unit including this header
// gets the same reason.
inline const RankReason kSparedLastInQuarters =
    RankReason::register_reason("keep_station_covered.spared_last_in_quarters").value();

class KeepStationCovered {
 public:
  static constexpr std::string_view kName = "keep_station_covered";

  explicit KeepStationCovered(Deciseconds slack = Deciseconds::from_seconds(60)) : slack_(slack) {}
  // Registry factories may pass the shared context; this rule needs none of it.
  explicit KeepStationCovered(const RecommenderContext&) : KeepStationCovered() {}

  template <TravelTimeOracle Oracle>
  void recommend(const Incident& incident, const Fleet& fleet, Oracle& oracle,
                 Recommendation& out) noexcept {
    if (!out.begin(incident, kName, fleet.size())) return;  // out of memory: out.status
    if (fleet.empty() || !incident.position.valid()) return;
    // The library's shared filters: available, qualified, reachable, shift long enough.
    // False (out.status set) if the oracle could not take in the fleet.
    auto qualified = [&](const Unit& u) { return incident.primary_accepts(u.capabilities()); };
    if (!screen_available(incident, fleet, oracle, RecommendOptions{}, out, qualified)) return;
    if (out.pool.empty()) return;
    std::sort(out.pool.begin(), out.pool.end(), by_eta);  // the shared tie rule: ETA, unit id
    auto last_in_quarters = [&](const Unit& u) {
      if (u.status() != UnitStatus::kAvailableAtStation) return false;
      for (const Unit& other : fleet.units())
        if (other.id() != u.id() && other.home_station() == u.home_station() &&
            other.status() == UnitStatus::kAvailableAtStation)
          return false;
      return true;
    };
    const auto fastest = out.pool.front();
    auto chosen = fastest;
    if (last_in_quarters(fleet.unit(UnitId(fastest.unit))))
      for (const auto& e : out.pool) {
        if (Deciseconds(e.eta) > Deciseconds(fastest.eta) + slack_) break;
        if (!last_in_quarters(fleet.unit(UnitId(e.unit)))) {
          chosen = e;
          break;
        }
      }
    out.candidates.push_back(
        make_candidate(fleet, incident, chosen,
                       chosen.unit == fastest.unit ? RankReason::kClosest : kSparedLastInQuarters));
  }

 private:
  Deciseconds slack_;
};
static_assert(UnitRecommender<KeepStationCovered>);

}  // namespace my_lab

// The one line: "keep_station_covered" is now a name RecommenderRegistry can create.
DISPATCHKIT_REGISTER_RECOMMENDER(my_lab::KeepStationCovered);
