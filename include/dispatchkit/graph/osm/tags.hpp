// dispatchkit/graph/osm/tags.hpp: what a way's or a node's OpenStreetMap tags mean for a
// profile (graph/osm/profile.hpp).
//
//   OsmWayRule r = evaluate_osm_way(profile, way.tags());   // osmium::TagList, or any map
//   if (r.routable && r.forward) add_arc(..., r.speed_forward_kmh);
//   bool closed = osm_node_blocks(profile, node.tags());    // a bollard, a locked gate
//   std::optional<double> kmh = parse_osm_maxspeed("30 mph");  // 48.28
//
// Pure functions over any tag source with `get_value_by_key(key)` returning the value or
// nullptr (osmium::TagList has it), so each rule is testable without a file. The rules
// follow the OpenStreetMap wiki (Key:highway, Key:access, Key:oneway, Key:maxspeed,
// Default speed limits, Key:barrier, Tag:route=ferry, Key:emergency, Key:service); docs/osm.md
// lists each with its source.
#pragma once

#include <cctype>
#include <charconv>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/osm/profile.hpp"
#include "dispatchkit/graph/road_details.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

template <class Tags>
concept OsmTagSource = requires(const Tags& t, const char* k) {
  { t.get_value_by_key(k) } -> std::convertible_to<const char*>;
};

// A way as one profile may drive it.
struct OsmWayRule {
  bool routable = false;
  bool forward = false, backward = false;  // along the way's node order, and against it
  double speed_forward_kmh = 0, speed_backward_kmh = 0;
  RoadClass road_class = RoadClass::kOther;
  std::uint8_t flags = 0;                 // RoadFlag bits
  std::optional<double> duration_s;       // route=ferry duration=*, for the whole way
  std::string_view name;                  // name=*, else ref=*; a view into the tag source
  std::string_view not_routable_because;  // for the import's statistics
};

// The km/h of a maxspeed value: "50", "50 km/h", "30 mph", "10 knots", a zone code
// ("DE:urban", "FR:rural", "RU:motorway", "GB:nsl_single", "DE:zone30", "CN:urban"), "walk"
// (6 km/h). nullopt for "none", "signals", "variable" and anything unknown (the class
// speed applies then).
[[nodiscard]] inline std::optional<double> parse_osm_maxspeed(std::string_view v) noexcept {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v.empty()) return std::nullopt;
  if (v == "walk") return 6.0;
  if (std::isdigit(static_cast<unsigned char>(v.front()))) {
    double x = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
    if (ec != std::errc() || !(x > 0) || x > 400) return std::nullopt;
    std::string_view unit(end, static_cast<std::size_t>(v.data() + v.size() - end));
    while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
    if (unit.empty() || unit == "km/h" || unit == "kmh" || unit == "kph") return x;
    if (unit == "mph") return x * 1.609344;
    if (unit == "knots") return x * 1.852;
    return std::nullopt;
  }
  // Zone codes (wiki: Default speed limits). COUNTRY:zoneNN / COUNTRY:zone:NN first.
  const std::size_t colon = v.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const std::string_view country = v.substr(0, colon), zone = v.substr(colon + 1);
  for (std::string_view prefix : {"zone:", "zone"}) {
    if (zone.starts_with(prefix)) {
      double x = 0;
      const std::string_view n = zone.substr(prefix.size());
      const auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), x);
      if (ec == std::errc() && end == n.data() + n.size() && x > 0 && x < 200) return x;
      return std::nullopt;
    }
  }
  struct Default {
    std::string_view country, zone;
    double kmh;
  };
  static constexpr Default kDefaults[] = {
      {"AT", "urban", 50},         {"AT", "rural", 100},       {"AT", "motorway", 130},
      {"BE", "urban", 50},         {"BE", "rural", 70},        {"BE", "motorway", 120},
      {"CH", "urban", 50},         {"CH", "rural", 80},        {"CH", "motorway", 120},
      {"CN", "urban", 50},         {"CN", "rural", 70},        {"CN", "motorway", 120},
      {"CZ", "urban", 50},         {"CZ", "rural", 90},        {"CZ", "motorway", 130},
      {"DE", "urban", 50},         {"DE", "rural", 100},       {"DE", "living_street", 7},
      {"DK", "urban", 50},         {"DK", "rural", 80},        {"DK", "motorway", 130},
      {"ES", "urban", 50},         {"ES", "rural", 90},        {"ES", "motorway", 120},
      {"FR", "urban", 50},         {"FR", "rural", 80},        {"FR", "motorway", 130},
      {"GB", "nsl_single", 96.56}, {"GB", "nsl_dual", 112.65}, {"GB", "motorway", 112.65},
      {"IT", "urban", 50},         {"IT", "rural", 90},        {"IT", "motorway", 130},
      {"NL", "urban", 50},         {"NL", "rural", 80},        {"NL", "motorway", 130},
      {"PL", "urban", 50},         {"PL", "rural", 90},        {"PL", "motorway", 140},
      {"RU", "urban", 60},         {"RU", "rural", 90},        {"RU", "motorway", 110},
      {"SE", "urban", 50},         {"SE", "rural", 70},        {"SE", "motorway", 110},
      {"AD", "urban", 50},         {"AD", "rural", 90},        {"MC", "urban", 50},
  };
  for (const Default& d : kDefaults)
    if (d.country == country && d.zone == zone) return d.kmh;
  return std::nullopt;  // DE:motorway ("none"), US:... (no national default), unknown
}

// Seconds of a duration value: "mm", "hh:mm", "hh:mm:ss", or ISO 8601 "PT1H30M".
[[nodiscard]] inline std::optional<double> parse_osm_duration(std::string_view v) noexcept {
  if (v.starts_with("PT")) {
    double total = 0;
    v.remove_prefix(2);
    if (v.empty()) return std::nullopt;
    while (!v.empty()) {
      double x = 0;
      const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
      if (ec != std::errc() || end == v.data() + v.size()) return std::nullopt;
      const char unit = *end;
      total += x * (unit == 'H' ? 3600 : unit == 'M' ? 60 : unit == 'S' ? 1 : -1e12);
      v.remove_prefix(static_cast<std::size_t>(end - v.data()) + 1);
    }
    return total >= 0 ? std::optional<double>(total) : std::nullopt;
  }
  double parts[3] = {0, 0, 0};
  int count = 0;
  while (true) {
    if (count == 3) return std::nullopt;
    double x = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
    if (ec != std::errc() || x < 0) return std::nullopt;
    parts[count++] = x;
    if (end == v.data() + v.size()) break;
    if (*end != ':') return std::nullopt;
    v.remove_prefix(static_cast<std::size_t>(end - v.data()) + 1);
  }
  if (count == 1) return parts[0] * 60;                    // minutes
  if (count == 2) return parts[0] * 3600 + parts[1] * 60;  // hh:mm
  return parts[0] * 3600 + parts[1] * 60 + parts[2];       // hh:mm:ss
}

namespace detail {

template <OsmTagSource T>
[[nodiscard]] std::string_view osm_tag(const T& tags, const char* key) {
  const char* v = tags.get_value_by_key(key);
  return v == nullptr ? std::string_view() : std::string_view(v);
}

[[nodiscard]] inline bool osm_yes(std::string_view v) {
  return v == "yes" || v == "designated" || v == "permissive" || v == "official";
}

// The access verdict of the most specific key of `keys` that is tagged: true open, false
// closed, nullopt untagged (wiki: Key:access, "the most specific applies").
template <OsmTagSource T>
[[nodiscard]] std::optional<bool> osm_access(const OsmProfile& p, const T& tags,
                                             const std::vector<std::string>& keys) {
  std::optional<bool> verdict;
  for (const std::string& key : keys) {
    const std::string_view v = osm_tag(tags, key.c_str());
    if (v.empty()) continue;
    if (OsmProfile::listed(p.access_deny, v))
      verdict = false;
    else
      verdict = true;  // allowed values and unknown ones ("unknown", "permit"): open
  }
  return verdict;
}

inline std::optional<RoadClass> osm_highway_class(std::string_view h) {
  if (h == "road") return RoadClass::kUnclassified;  // "road of unknown type" (wiki)
  const std::optional<RoadClass> c = parse_road_class(h);
  if (!c || *c == RoadClass::kFerry || *c == RoadClass::kOther) return std::nullopt;
  return c;
}

}  // namespace detail

template <OsmTagSource T>
[[nodiscard]] OsmWayRule evaluate_osm_way(const OsmProfile& p, const T& tags) {
  using detail::osm_tag;
  OsmWayRule r;
  const std::string_view highway = osm_tag(tags, "highway");
  const bool ferry = osm_tag(tags, "route") == "ferry";
  if (ferry) {
    r.road_class = RoadClass::kFerry;
    r.flags |= static_cast<std::uint8_t>(RoadFlag::kFerry);
  } else if (highway.empty()) {
    r.not_routable_because = "no highway";
    return r;
  } else if (const auto c = detail::osm_highway_class(highway)) {
    r.road_class = *c;
  } else {
    r.not_routable_because = highway == "construction" ? "highway=construction"
                             : highway == "proposed"   ? "highway=proposed"
                                                       : "highway not for vehicles";
    return r;
  }
  if (osm_tag(tags, "area") == "yes") {
    r.not_routable_because = "area=yes";
    return r;
  }
  if (osm_tag(tags, "impassable") == "yes" || osm_tag(tags, "status") == "impassable") {
    r.not_routable_because = "impassable=yes";
    return r;
  }
  if (!p.rule(r.road_class).routable && r.road_class != RoadClass::kBusway) {
    r.not_routable_because = "class not routable for the profile";
    return r;
  }

  // Access. The public's verdict (the car's keys) tells whether a way open to this profile
  // is open only to it: an emergency-only passage.
  const std::vector<std::string> public_keys = {"access", "vehicle", "motor_vehicle", "motorcar"};
  const std::optional<bool> public_access = detail::osm_access(p, tags, public_keys);
  std::optional<bool> access = detail::osm_access(p, tags, p.access_keys);
  const std::string_view service = osm_tag(tags, "service");
  bool open = access.value_or(true);
  bool emergency_only = false;
  if (p.emergency_vehicle) {
    const std::string_view e = osm_tag(tags, "emergency");
    const bool psv_open = p.use_psv_lanes && (detail::osm_yes(osm_tag(tags, "psv")) ||
                                              detail::osm_yes(osm_tag(tags, "bus")));
    if (e == "no") {
      open = false;
    } else if (!open && (detail::osm_yes(e) || psv_open)) {
      open = true;
    }
    if (r.road_class == RoadClass::kBusway) open = e != "no";
    if (open && (service == "emergency_access" || r.road_class == RoadClass::kBusway ||
                 public_access == false))
      emergency_only = true;
  } else {
    if (service == "emergency_access" || r.road_class == RoadClass::kBusway) open = false;
  }
  if (!p.rule(r.road_class).routable &&
      !(p.emergency_vehicle && r.road_class == RoadClass::kBusway))
    open = false;
  if (!open) {
    r.not_routable_because = "access";
    return r;
  }
  if (emergency_only) r.flags |= static_cast<std::uint8_t>(RoadFlag::kEmergencyOnly);

  // Direction (wiki: Key:oneway; implied on motorways, motorway links and roundabouts).
  const std::string_view junction = osm_tag(tags, "junction");
  if (junction == "roundabout" || junction == "circular")
    r.flags |= static_cast<std::uint8_t>(RoadFlag::kRoundabout);
  std::string_view oneway = osm_tag(tags, "oneway");
  if (p.emergency_vehicle && !osm_tag(tags, "oneway:emergency").empty())
    oneway = osm_tag(tags, "oneway:emergency");
  else if (p.emergency_vehicle && p.use_psv_lanes && osm_tag(tags, "oneway:psv") == "no")
    oneway = "no";    // a contraflow bus lane
  int direction = 0;  // 0 both, 1 forward, -1 backward
  if (oneway == "yes" || oneway == "1" || oneway == "true") {
    direction = 1;
  } else if (oneway == "-1" || oneway == "reverse") {
    direction = -1;
  } else if (oneway == "reversible" || oneway == "alternating") {
    r.not_routable_because = "oneway=reversible";  // direction changes by time: unknown
    return r;
  } else if (oneway.empty() &&
             (r.flags & static_cast<std::uint8_t>(RoadFlag::kRoundabout) ||
              r.road_class == RoadClass::kMotorway || r.road_class == RoadClass::kMotorwayLink)) {
    direction = 1;
  }
  r.forward = direction >= 0;
  r.backward = direction <= 0;

  // Speed: the legal speed per direction (maxspeed:forward/backward over maxspeed), else the
  // class's; the car drives a share of a tagged limit; lights and sirens multiply, capped.
  const OsmProfile::ClassRule& rule = p.rule(r.road_class);
  auto speed = [&](const char* directional) {
    std::optional<double> legal = parse_osm_maxspeed(osm_tag(tags, directional));
    if (!legal) legal = parse_osm_maxspeed(osm_tag(tags, "maxspeed"));
    double kmh = legal ? *legal * p.maxspeed_factor : rule.speed_kmh;
    if (ferry) kmh = p.ferry_speed_kmh;
    if (service == "driveway" || service == "parking_aisle" || service == "drive-through")
      kmh *= 0.5;  // slow manoeuvring, not driving
    if (p.emergency_vehicle) kmh *= rule.emergency_factor;
    return std::min(kmh, p.max_speed_kmh);
  };
  r.speed_forward_kmh = speed("maxspeed:forward");
  r.speed_backward_kmh = speed("maxspeed:backward");
  if (ferry) {
    if (const std::string_view d = osm_tag(tags, "duration"); !d.empty())
      r.duration_s = parse_osm_duration(d);
  }
  auto flag_unless_no = [&](const char* key, RoadFlag f) {
    const std::string_view v = osm_tag(tags, key);
    if (!v.empty() && v != "no") r.flags |= static_cast<std::uint8_t>(f);
  };
  flag_unless_no("toll", RoadFlag::kToll);
  flag_unless_no("tunnel", RoadFlag::kTunnel);
  flag_unless_no("bridge", RoadFlag::kBridge);
  r.name = osm_tag(tags, "name");
  if (r.name.empty()) r.name = osm_tag(tags, "ref");
  r.routable = r.forward || r.backward;
  return r;
}

// Whether a node's barrier closes the way for the profile (wiki: Key:barrier). A barrier in
// the profile's block list blocks unless the node's own access tags open it to the profile
// (a removable bollard with emergency=yes); one in the pass list passes unless they close it
// (a gate with access=private, for the car). Unknown barrier values block, as in OSRM: a
// barrier the profile does not know is not assumed open.
template <OsmTagSource T>
[[nodiscard]] bool osm_node_blocks(const OsmProfile& p, const T& tags) {
  const std::string_view barrier = detail::osm_tag(tags, "barrier");
  if (barrier.empty()) return false;
  std::optional<bool> access = detail::osm_access(p, tags, p.access_keys);
  if (p.emergency_vehicle) {
    const std::string_view e = detail::osm_tag(tags, "emergency");
    if (detail::osm_yes(e)) access = true;
    if (e == "no") access = false;
  }
  if (OsmProfile::listed(p.barrier_pass, barrier)) return access == false;
  return access != true;
}

DISPATCHKIT_NAMESPACE_END
