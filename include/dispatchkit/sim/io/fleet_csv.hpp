// dispatchkit/sim/io/fleet_csv.hpp: a fleet file, the replay's units given by hand.
//
//   absl::StatusOr<std::vector<Site>> stations = load_sites("data/sf/sf_fire_stations.csv");
//   absl::StatusOr<std::vector<ReplayUnit>> fleet = load_fleet_file("fleet.csv", *stations);
//   prepare_replay(graph, snapper, record, *stations, hospitals, mapping, plans, {}, *fleet);
//
// Format (blank lines and '#' comments ignored):
//   call_sign,station,capabilities
//   M15,15,als&bls&transport          # station by number ("15") ...
//   B7,Fire Station #7,bls&transport  # ... or by name
// Capabilities are ems/vocabulary.hpp's names joined by '&'. Units from a file are on duty
// for the whole replay (no ShiftModel). Errors: NotFound / DataLoss from reading the file,
// InvalidArgument "PATH:LINE: ..." for a wrong header, an unknown station or capability,
// or a file without units.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/ems/vocabulary.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/io/text.hpp"
#include "dispatchkit/sim/replay_inputs.hpp"
#include "dispatchkit/sim/sites.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// Units of a fleet file: CSV with header call_sign,station,capabilities; station is the
// station number ("15") or its name; capabilities joined by '&' ("als&bls&transport").
// Units from a file are on duty for the whole replay. InvalidArgument file:line.
[[nodiscard]] absl::StatusOr<std::vector<ReplayUnit>> load_fleet_file(
    const std::string& path, const std::vector<Site>& stations);

// ---------------------------------------------------------------------------------------
// Implementation.

inline absl::StatusOr<std::vector<ReplayUnit>> load_fleet_file(const std::string& path,
                                                               const std::vector<Site>& stations) {
  DK_ASSIGN_OR_RETURN(std::string text, read_file(path));
  LineReader lines(path, text);
  std::vector<std::string_view> f;
  std::vector<ReplayUnit> units;
  bool header = false;
  while (std::optional<std::string_view> line = lines.next()) {
    const std::string_view t = trim(*line);
    if (t.empty() || t.front() == '#') continue;
    split_csv(t, f);
    if (!header) {
      header = true;
      if (f.size() < 3 || trim(f[0]) != "call_sign" || trim(f[1]) != "station" ||
          trim(f[2]) != "capabilities")
        return lines.error("expected the header call_sign,station,capabilities");
      continue;
    }
    if (f.size() < 3) return lines.error("expected call_sign,station,capabilities");
    ReplayUnit u;
    u.call_sign = std::string(trim(f[0]));
    if (u.call_sign.empty()) return lines.error("empty call sign");
    const std::string_view st = trim(f[1]);
    int number = -1;
    const bool numeric = parse_number(st, number);
    bool found = false;
    for (std::uint32_t i = 0; i < stations.size() && !found; ++i)
      if ((numeric && stations[i].number == number) || stations[i].name == st) {
        u.station = i;
        found = true;
      }
    if (!found) return lines.error(absl::StrCat("unknown station '", detail::as_absl(st), "'"));
    std::string_view caps = trim(f[2]);
    while (!caps.empty()) {
      const std::size_t amp = caps.find('&');
      const std::string_view name = trim(caps.substr(0, amp));
      const std::optional<Capability> c = parse_capability(name);
      if (!c) return lines.error(absl::StrCat("unknown capability '", detail::as_absl(name), "'"));
      u.capabilities |= *c;
      if (amp == std::string_view::npos) break;
      caps.remove_prefix(amp + 1);
    }
    units.push_back(std::move(u));
  }
  if (units.empty()) return absl::InvalidArgumentError(absl::StrCat(path, ": no units"));
  return units;
}

DISPATCHKIT_NAMESPACE_END
