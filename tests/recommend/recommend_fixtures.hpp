// Shared fixtures of the recommend tests: a hand-drawn town, fleet builders and a
// researcher's strategy written with the public kit only.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "dispatchkit/recommend/recommend.hpp"
#include "fixtures/drawn_graphs.hpp"

namespace dk_rec_test {
using namespace dispatchkit;

// The hand-drawn town: see fixtures/drawn_graphs.hpp.
using dk_fixtures::drawn_town;

inline const CapabilitySet kAlsAmb = CapabilitySet{Capability::kAls} | Capability::kTransport;
inline const CapabilitySet kBlsAmb = CapabilitySet{Capability::kBls} | Capability::kTransport;

inline UnitId add(Fleet& f, const std::string& name, std::uint32_t node, CapabilitySet caps,
                  UnitStatus status = UnitStatus::kAvailableAtStation) {
  auto id = f.add_unit({.call_sign = name,
                        .home_station = node,
                        .capabilities = caps,
                        .status = status,
                        .position = RoadPosition::at_node(NodeId(node))});
  REQUIRE(id.ok());
  return *id;
}

inline Incident incident_at(const RoadPosition& p, CapabilitySet needs = {}, std::uint64_t id = 1) {
  Incident i;
  i.id = IncidentId(id);
  i.position = p;
  i.time = sim_time_from_unix(1483228800);
  i.grade = PriorityGrade::kI;
  i.needs = needs;
  return i;
}

// A researcher's rule written with the public kit alone (kit.hpp, rank_reason.hpp), as
// examples/my_strategy.hpp is: closest first, except that among the nearest candidates
// a crew already on the road (available_mobile) that arrives within `slack` of the
// fastest goes first, under a reason of its own. The conformance suite runs it beside
// the shipped strategies: a kit-built rule keeps their filters and ties.
inline const RankReason kRollingWithinSlack =
    RankReason::register_reason("test.rolling_within_slack").value();

class RollingFirst {
 public:
  static constexpr std::string_view kName = "test_rolling_first";

  explicit RollingFirst(RecommendOptions options = {},
                        Deciseconds slack = Deciseconds::from_seconds(60))
      : options_(options), slack_(slack) {}

  template <TravelTimeOracle Oracle>
  void recommend(const Incident& incident, const Fleet& fleet, Oracle& oracle,
                 Recommendation& out) noexcept {
    const std::size_t k = rank_closest_qualified(incident, fleet, oracle, options_, kName, out);
    std::size_t lead = 0;  // pool index of the rolling unit that goes first, 0: none
    for (std::size_t i = 1; i < k; ++i) {
      if (Deciseconds(out.pool[i].eta) > Deciseconds(out.pool[0].eta) + slack_) break;
      if (fleet.unit(UnitId(out.pool[i].unit)).status() == UnitStatus::kAvailableMobile) {
        lead = i;
        break;
      }
    }
    if (lead != 0)
      out.candidates.push_back(
          make_candidate(fleet, incident, out.pool[lead], kRollingWithinSlack));
    for (std::size_t i = 0; i < k; ++i)
      if (i != lead || lead == 0)
        out.candidates.push_back(
            make_candidate(fleet, incident, out.pool[i], RankReason::kClosest));
  }

 private:
  RecommendOptions options_;
  Deciseconds slack_;
};
static_assert(UnitRecommender<RollingFirst>);

}  // namespace dk_rec_test

// Rank reasons print by name in failed checks.
namespace Catch {
template <>
struct StringMaker<dispatchkit::RankReason> {
  static std::string convert(dispatchkit::RankReason r) { return std::string(r.name()); }
};
}  // namespace Catch
