// dispatchkit/graph/osm/profile.hpp: how a vehicle reads OpenStreetMap, as data.
//
//   absl::StatusOr<OsmProfile> amb = builtin_osm_profile("ambulance");   // lights and sirens
//   absl::StatusOr<OsmProfile> car = builtin_osm_profile("car");         // normal driving
//   absl::StatusOr<OsmProfile> own = load_osm_profile("agency.csv");     // your own table
//   absl::StatusOr<OsmProfile> any = resolve_osm_profile(flag_value);    // a name or a file
//
// A profile is a table, not a code path: per road class whether it is routable and its
// speed when no maxspeed is tagged; which access keys bind the vehicle (most specific
// last) and which access values open or close a way; which barriers block; and the
// lights-and-sirens model (speed = min(max_speed_kmh, emergency_factor x legal speed)).
// The tag rules that read it are in graph/osm/tags.hpp; docs/osm.md documents both and
// cites their sources.
//
// The profile file (CSV, one row per setting; start from a built-in and override):
//
//   kind,name,value,speed_kmh,emergency_factor
//   setting,base,ambulance,,                 # start from a built-in ("car" or "ambulance")
//   class,residential,yes,25,1.3             # routable, default speed, lights-and-sirens factor
//   class,track,no,,                         # not routable
//   setting,obey_turn_restrictions,no,,      # yes | no
//   setting,max_speed_kmh,120,,              # the cap after the factor
//   access,private,allow,,                   # an access value opens (allow) or closes (deny)
//   barrier,lift_gate,pass,,                 # a barrier value passes or blocks
//
// Settings: base, emergency_vehicle, obey_turn_restrictions, use_psv_lanes, max_speed_kmh,
// ferry_speed_kmh, maxspeed_factor, access_keys (";"-separated, most specific last). Every
// bad row is an error "PATH:LINE: expected ...", never ignored.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_details.hpp"
#include "dispatchkit/io/csv.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct OsmProfile {
  std::string name;
  struct ClassRule {
    bool routable = false;
    double speed_kmh = 0;           // driving speed when the way has no maxspeed
    double emergency_factor = 1.0;  // lights-and-sirens speed over the legal speed
  };
  std::array<ClassRule, kRoadClassCount> classes{};  // indexed by RoadClass
  // Reads emergency=*, oneway:emergency, service=emergency_access and, with use_psv_lanes,
  // psv/bus access (busways, bus-only streets).
  bool emergency_vehicle = false;
  bool use_psv_lanes = false;
  bool obey_turn_restrictions = true;
  double max_speed_kmh = 130;  // cap after the emergency factor
  double ferry_speed_kmh = 5;  // a ferry without duration
  // A tagged maxspeed is the limit, not the speed driven: free-flow speed is a share of it
  // on ordinary driving (1.0 keeps the limit).
  double maxspeed_factor = 1.0;
  // Access keys that bind this vehicle, general first, most specific last (wiki: Key:access).
  std::vector<std::string> access_keys;
  std::vector<std::string> access_allow, access_deny;  // access values
  std::vector<std::string> barrier_block, barrier_pass;

  [[nodiscard]] const ClassRule& rule(RoadClass c) const noexcept {
    return classes[static_cast<std::size_t>(c)];
  }
  [[nodiscard]] static bool listed(const std::vector<std::string>& list, std::string_view v) {
    return std::find(list.begin(), list.end(), v) != list.end();
  }
};

namespace detail {

inline void set_class(OsmProfile& p, RoadClass c, bool routable, double kmh, double factor) {
  p.classes[static_cast<std::size_t>(c)] = {routable, kmh, factor};
}

// Class speeds when no maxspeed is tagged: OSRM's car profile defaults (profiles/car.lua,
// speeds in km/h), the speeds every integrator knows; busway as a bus road at 40 km/h.
inline OsmProfile car_profile() {
  OsmProfile p;
  p.name = "car";
  using C = RoadClass;
  set_class(p, C::kMotorway, true, 90, 1);
  set_class(p, C::kMotorwayLink, true, 45, 1);
  set_class(p, C::kTrunk, true, 85, 1);
  set_class(p, C::kTrunkLink, true, 40, 1);
  set_class(p, C::kPrimary, true, 65, 1);
  set_class(p, C::kPrimaryLink, true, 30, 1);
  set_class(p, C::kSecondary, true, 55, 1);
  set_class(p, C::kSecondaryLink, true, 25, 1);
  set_class(p, C::kTertiary, true, 40, 1);
  set_class(p, C::kTertiaryLink, true, 20, 1);
  set_class(p, C::kUnclassified, true, 25, 1);
  set_class(p, C::kResidential, true, 25, 1);
  set_class(p, C::kLivingStreet, true, 10, 1);
  set_class(p, C::kService, true, 15, 1);
  set_class(p, C::kTrack, false, 10, 1);
  set_class(p, C::kBusway, false, 40, 1);
  set_class(p, C::kFerry, true, 5, 1);
  set_class(p, C::kOther, false, 0, 1);
  p.maxspeed_factor = 0.8;  // OSRM car.lua's speed_reduction: traffic drives below the limit
  p.access_keys = {"access", "vehicle", "motor_vehicle", "motorcar"};
  p.access_allow = {"yes", "permissive", "designated", "destination", "customers", "delivery"};
  p.access_deny = {"no",  "private", "agricultural",  "forestry",    "emergency",
                   "psv", "bus",     "delivery_only", "use_sidepath"};
  p.barrier_block = {"bollard",
                     "block",
                     "jersey_barrier",
                     "cycle_barrier",
                     "turnstile",
                     "stile",
                     "kissing_gate",
                     "log",
                     "chain",
                     "fence",
                     "wall",
                     "debris",
                     "planter",
                     "rope",
                     "swing_gate",
                     "motorcycle_barrier",
                     "full-height_turnstile",
                     "horse_stile",
                     "bus_trap"};
  p.barrier_pass = {"gate",        "lift_gate",         "kerb",
                    "cattle_grid", "toll_booth",        "border_control",
                    "entrance",    "height_restrictor", "sliding_gate",
                    "no",          "checkpoint"};
  return p;
}

// Lights and sirens: the car's roads and speeds, a factor over the legal speed per class
// (docs/osm.md, "Lights-and-sirens model": prospective chase-car studies measured 31-39 %
// shorter response intervals with lights and sirens, Ho & Casey 1998 urban, Ho & Lindquist
// 2001 rural; a 1.3 factor on city streets is a 23 % saving, 1.15 on roads that already run
// near their limit). Emergency access, bus lanes and private roads open; restrictions obeyed.
inline OsmProfile ambulance_profile() {
  OsmProfile p = car_profile();
  p.name = "ambulance";
  p.emergency_vehicle = true;
  p.use_psv_lanes = true;
  p.maxspeed_factor = 1.0;  // the limit is the base the factor multiplies
  p.max_speed_kmh = 130;
  using C = RoadClass;
  for (C c : {C::kMotorway, C::kMotorwayLink, C::kTrunk, C::kTrunkLink})
    p.classes[static_cast<std::size_t>(c)].emergency_factor = 1.15;
  for (C c : {C::kPrimary, C::kPrimaryLink, C::kSecondary, C::kSecondaryLink, C::kTertiary,
              C::kTertiaryLink, C::kUnclassified, C::kResidential, C::kBusway})
    p.classes[static_cast<std::size_t>(c)].emergency_factor = 1.3;
  for (C c : {C::kLivingStreet, C::kService, C::kTrack})
    p.classes[static_cast<std::size_t>(c)].emergency_factor = 1.0;  // geometry, not traffic
  p.classes[static_cast<std::size_t>(C::kBusway)].routable = true;
  p.access_keys = {"access", "vehicle", "motor_vehicle", "emergency"};
  // An ambulance reaches patients on private roads and delivery-only streets; "no" still
  // closes a way unless emergency=yes|designated says otherwise.
  p.access_allow = {"yes",      "permissive", "designated", "destination", "customers",
                    "delivery", "private",    "emergency",  "official"};
  p.access_deny = {"no", "agricultural", "forestry", "use_sidepath"};
  return p;
}

}  // namespace detail

// "ambulance" or "car"; NotFound naming both otherwise.
[[nodiscard]] inline absl::StatusOr<OsmProfile> builtin_osm_profile(std::string_view name) {
  if (name == "car") return detail::car_profile();
  if (name == "ambulance") return detail::ambulance_profile();
  return absl::NotFoundError(absl::StrCat("no built-in OpenStreetMap profile '", std::string(name),
                                          "'; the built-ins are 'ambulance' and 'car'"));
}

// Reads a profile table file (format at the top of this header).
[[nodiscard]] inline absl::StatusOr<OsmProfile> load_osm_profile(const std::string& path) {
  const std::array<CsvColumn, 5> columns = {
      CsvColumn{"kind", "", true}, CsvColumn{"name", "", true}, CsvColumn{"value", "", false},
      CsvColumn{"speed_kmh", "", false}, CsvColumn{"emergency_factor", "", false}};
  CsvOptions options;
  options.format = "OpenStreetMap profile";
  absl::StatusOr<CsvReader> opened = CsvReader::open_file(path, columns, options);
  if (!opened.ok()) return opened.status();
  CsvReader& csv = *opened;
  OsmProfile p = detail::ambulance_profile();
  p.name = path;
  bool first = true;
  auto yes_no = [&](std::string_view v) -> absl::StatusOr<bool> {
    if (v == "yes" || v == "true" || v == "1") return true;
    if (v == "no" || v == "false" || v == "0") return false;
    return csv.error(absl::StrCat("expected yes or no, got '", std::string(v), "'"));
  };
  auto number = [&](std::size_t column, double& out) -> absl::Status {
    double v = 0;
    if (absl::Status s = csv.parse(column, "a number", v); !s.ok()) return s;
    if (!(v > 0) || v > 500)
      return csv.error(absl::StrCat("expected a speed or factor in (0, 500], got ", v));
    out = v;
    return absl::OkStatus();
  };
  while (csv.next()) {
    const std::string kind(csv.text(0)), name(csv.text(1)), value(csv.text(2));
    if (kind == "setting") {
      if (name == "base") {
        if (!first) return csv.error("'setting,base' must be the first row");
        absl::StatusOr<OsmProfile> base = builtin_osm_profile(value);
        if (!base.ok()) return csv.error(std::string(base.status().message()));
        p = *std::move(base);
        p.name = path;
      } else if (name == "emergency_vehicle" || name == "obey_turn_restrictions" ||
                 name == "use_psv_lanes") {
        absl::StatusOr<bool> b = yes_no(value);
        if (!b.ok()) return b.status();
        (name == "emergency_vehicle"        ? p.emergency_vehicle
         : name == "obey_turn_restrictions" ? p.obey_turn_restrictions
                                            : p.use_psv_lanes) = *b;
      } else if (name == "max_speed_kmh" || name == "ferry_speed_kmh" ||
                 name == "maxspeed_factor") {
        double& target = name == "max_speed_kmh"     ? p.max_speed_kmh
                         : name == "ferry_speed_kmh" ? p.ferry_speed_kmh
                                                     : p.maxspeed_factor;
        if (absl::Status s = number(2, target); !s.ok()) return s;
      } else if (name == "access_keys") {
        p.access_keys = absl::StrSplit(value, ';', absl::SkipEmpty());
        if (p.access_keys.empty()) return csv.error("expected access keys like access;vehicle");
      } else {
        return csv.error(absl::StrCat(
            "unknown setting '", name,
            "' (expected base, emergency_vehicle, obey_turn_restrictions, use_psv_lanes, "
            "max_speed_kmh, ferry_speed_kmh, maxspeed_factor or access_keys)"));
      }
    } else if (kind == "class") {
      const std::optional<RoadClass> c = parse_road_class(name);
      if (!c) return csv.error(absl::StrCat("unknown road class '", name, "'"));
      OsmProfile::ClassRule& rule = p.classes[static_cast<std::size_t>(*c)];
      absl::StatusOr<bool> routable = yes_no(value);
      if (!routable.ok()) return routable.status();
      rule.routable = *routable;
      if (!csv.text(3).empty())
        if (absl::Status s = number(3, rule.speed_kmh); !s.ok()) return s;
      if (!csv.text(4).empty())
        if (absl::Status s = number(4, rule.emergency_factor); !s.ok()) return s;
      if (rule.routable && !(rule.speed_kmh > 0))
        return csv.error(absl::StrCat("class ", name, " is routable but has no speed_kmh"));
    } else if (kind == "access" || kind == "barrier") {
      const bool access = kind == "access";
      const std::string_view open = access ? "allow" : "pass", shut = access ? "deny" : "block";
      if (value != open && value != shut)
        return csv.error(absl::StrCat("expected '", std::string(open), "' or '", std::string(shut),
                                      "', got '", value, "'"));
      auto& yes_list = access ? p.access_allow : p.barrier_pass;
      auto& no_list = access ? p.access_deny : p.barrier_block;
      std::erase(yes_list, name);
      std::erase(no_list, name);
      (value == open ? yes_list : no_list).push_back(name);
    } else {
      return csv.error(absl::StrCat("unknown row kind '", kind,
                                    "' (expected setting, class, access or barrier)"));
    }
    first = false;
  }
  if (!csv.status().ok()) return csv.status();
  return p;
}

// A built-in profile's name, else the path of a profile file.
[[nodiscard]] inline absl::StatusOr<OsmProfile> resolve_osm_profile(std::string_view name_or_path) {
  if (name_or_path == "car" || name_or_path == "ambulance")
    return builtin_osm_profile(name_or_path);
  return load_osm_profile(std::string(name_or_path));
}

DISPATCHKIT_NAMESPACE_END
