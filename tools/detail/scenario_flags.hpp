// tools/detail/scenario_flags.hpp: the flags that name a recorded city, shared by dk-replay
// and dk-calibrate (not part of dispatchkit).
//
//   if (dk_tools::recorded_city_flag(arg, paths)) continue;      // --graph, --calls, ...
//   if (std::optional<bool> d = dk_tools::days_flag(arg, options.replay.days)) { ... }
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "detail/tool_flags.hpp"
#include "dispatchkit/sim/local_time.hpp"
#include "dispatchkit/sim/scenario.hpp"

namespace dk_tools {

// --graph, --calls, --stations, --hospitals, --fleet, --mapping, --plans, --jemss,
// --extra-units: true
// when `arg` is one of them (its value stored in `paths`).
[[nodiscard]] inline bool recorded_city_flag(std::string_view arg,
                                             dispatchkit::ReplayPaths& paths) {
  const std::pair<std::string_view, std::string*> flags[] = {{"--graph", &paths.graph},
                                                             {"--calls", &paths.calls},
                                                             {"--stations", &paths.stations},
                                                             {"--hospitals", &paths.hospitals},
                                                             {"--fleet", &paths.fleet},
                                                             {"--mapping", &paths.mapping},
                                                             {"--plans", &paths.plans},
                                                             {"--jemss", &paths.jemss},
                                                             {"--extra-units", &paths.extra_units}};
  for (const auto& [flag, out] : flags)
    if (const std::optional<std::string_view> v = flag_value(arg, flag)) {
      *out = std::string(*v);
      return true;
    }
  return false;
}

// The usage message when one of the required city flags was not given, else nullptr.
[[nodiscard]] inline const char* missing_city_flags(const dispatchkit::ReplayPaths& p) noexcept {
  if (!p.jemss.empty()) {
    if (p.calls.empty()) return "--jemss=DIR needs --calls=FILE (e.g. from dk-gencalls)";
    if (!p.stations.empty() || !p.hospitals.empty() || !p.fleet.empty())
      return "--jemss=DIR gives the stations, hospitals and ambulances: not with --stations, "
             "--hospitals or --fleet";
    return nullptr;
  }
  if (p.graph.empty() || p.calls.empty() || p.stations.empty() || p.hospitals.empty())
    return "--graph, --calls, --stations and --hospitals are required (or --jemss=DIR "
           "--calls=FILE)";
  return nullptr;
}

// --days=YYYY-MM-DD..YYYY-MM-DD (or one day): nullopt when `arg` is another flag, false
// when the value is not a range of calendar dates, true when `days` was set.
[[nodiscard]] inline std::optional<bool> days_flag(
    std::string_view arg, std::optional<dispatchkit::LocalDayRange>& days) {
  const std::optional<std::string_view> v = flag_value(arg, "--days");
  if (!v) return std::nullopt;
  days = dispatchkit::parse_local_day_range(*v);
  return days.has_value();
}

// --timezone=ZONE (an IANA name, UTC or +08:00): true when `arg` is it; the name is
// loaded, and an unknown one reported, by load_replay_scenario (bad input, exit 1).
[[nodiscard]] inline bool timezone_flag(std::string_view arg, std::string& timezone) {
  const std::optional<std::string_view> v = flag_value(arg, "--timezone");
  if (v) timezone = std::string(*v);
  return v.has_value();
}

inline constexpr const char* kDaysFlagError =
    "--days needs YYYY-MM-DD..YYYY-MM-DD (calendar dates, first <= last)";

}  // namespace dk_tools
