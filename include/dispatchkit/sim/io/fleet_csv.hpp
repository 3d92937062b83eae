// dispatchkit/sim/io/fleet_csv.hpp: a fleet file, the replay's units given by hand.
//
//   absl::StatusOr<std::vector<Site>> stations = load_sites("data/sf/sf_fire_stations.csv");
//   absl::StatusOr<std::vector<ReplayUnit>> fleet = load_fleet_file("fleet.csv", *stations);
//   prepare_replay(graph, snapper, record, *stations, hospitals, mapping, plans, {}, *fleet);
//
// Format: a header row naming call_sign, station and capabilities (any order, other
// columns ignored; io/csv.hpp's rules), then one unit per row; blank lines and lines
// starting with '#' are ignored:
//   # call_sign,station,capabilities: station by number or by name
//   call_sign,station,capabilities
//   M15,15,als&bls&transport
//   B7,Fire Station #7,bls&transport
// Capabilities are ems/vocabulary.hpp's names joined by '&'. Units from a file are on duty
// for the whole replay (no ShiftModel). Errors: NotFound / DataLoss from reading the file,
// InvalidArgument "PATH:LINE: ..." for a missing column, a short row, an empty call sign,
// an unknown station or capability, or a file without units.
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
#include "dispatchkit/io/csv.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/io/text.hpp"
#include "dispatchkit/sim/replay_inputs.hpp"
#include "dispatchkit/sim/sites.hpp"
#include "dispatchkit/triage/io/agency_table.hpp"  // detail::without_comment_lines

DISPATCHKIT_NAMESPACE_BEGIN

// Units of a fleet file (see the banner); `stations` resolves each row's station by its
// exact name first (a planned site may be named "12"), then by its number ("15").
[[nodiscard]] absl::StatusOr<std::vector<ReplayUnit>> load_fleet_file(
    const std::string& path, const std::vector<Site>& stations);
// The same from text already in memory (`path` only names it in messages).
[[nodiscard]] absl::StatusOr<std::vector<ReplayUnit>> parse_fleet_file(
    const std::string& path, std::string_view text, const std::vector<Site>& stations);

// ---------------------------------------------------------------------------------------
// Implementation.

inline absl::StatusOr<std::vector<ReplayUnit>> parse_fleet_file(const std::string& path,
                                                                std::string_view text,
                                                                const std::vector<Site>& stations) {
  enum Column : std::size_t { kCallSign, kStation, kCapabilities };
  static constexpr CsvColumn kColumns[] = {{"call_sign"}, {"station"}, {"capabilities"}};
  const std::string table = detail::without_comment_lines(text);
  DK_ASSIGN_OR_RETURN(CsvReader csv,
                      CsvReader::open(path, table, kColumns, {.format = "a fleet file"}));
  std::vector<ReplayUnit> units;
  while (csv.next()) {
    DK_RETURN_IF_ERROR(csv.check_width());
    ReplayUnit u;
    u.call_sign = csv.text(kCallSign);
    if (u.call_sign.empty()) return csv.error("empty call sign");
    // A station by its exact name first (a planned site may be named "12"), then by number.
    const std::string st = csv.text(kStation);
    int number = -1;
    const bool numeric = parse_number(st, number);
    bool found = false;
    for (std::uint32_t i = 0; i < stations.size() && !found; ++i)
      if (stations[i].name == st) {
        u.station = i;
        found = true;
      }
    for (std::uint32_t i = 0; i < stations.size() && !found && numeric; ++i)
      if (stations[i].number == number) {
        u.station = i;
        found = true;
      }
    if (!found) return csv.error(absl::StrCat("unknown station '", st, "'"));
    std::string_view caps = csv.field(kCapabilities);
    while (!caps.empty()) {
      const std::size_t amp = caps.find('&');
      const std::string_view name = trim(caps.substr(0, amp));
      const std::optional<Capability> c = parse_capability(name);
      if (!c) return csv.error(absl::StrCat("unknown capability '", detail::as_absl(name), "'"));
      u.capabilities |= *c;
      if (amp == std::string_view::npos) break;
      caps.remove_prefix(amp + 1);
    }
    units.push_back(std::move(u));
  }
  DK_RETURN_IF_ERROR(csv.status());
  if (units.empty()) return absl::InvalidArgumentError(absl::StrCat(path, ": no units"));
  return units;
}

inline absl::StatusOr<std::vector<ReplayUnit>> load_fleet_file(const std::string& path,
                                                               const std::vector<Site>& stations) {
  DK_ASSIGN_OR_RETURN(std::string text, read_file(path));
  return parse_fleet_file(path, text, stations);
}

DISPATCHKIT_NAMESPACE_END
