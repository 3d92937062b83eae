// The libosmium passes of the OpenStreetMap import (graph/osm/import.hpp). Internal.
//
// Pass 1 reads ways and relations: each way is judged by the profile (graph/osm/tags.hpp)
// and the routable ones keep their node list and rule; restriction relations keep their
// members. Pass 2 reads nodes, keeping the location of every node a routable way names
// (a sorted id table sized by the ways, not by the planet: a city or province extract fits
// in a few hundred MB) and the barrier verdict of tagged nodes. Two passes instead of a
// node-location index because an extract's nodes come first in the file, and most of them
// (buildings, footpaths) are never needed.
#pragma once

#include <algorithm>
#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <osmium/handler.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/osm/node.hpp>
#include <osmium/osm/relation.hpp>
#include <osmium/osm/way.hpp>
#include <osmium/visitor.hpp>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/osm/profile.hpp"
#include "dispatchkit/graph/osm/tags.hpp"
#include "dispatchkit/graph/types.hpp"

DISPATCHKIT_NAMESPACE_BEGIN
namespace detail {

// A routable way as the profile judged it.
struct OsmWay {
  std::int64_t id = 0;
  std::uint32_t first_ref = 0, ref_count = 0;  // into OsmExtract::refs
  bool forward = false, backward = false;
  float speed_forward_kmh = 0, speed_backward_kmh = 0;
  RoadClass road_class = RoadClass::kOther;
  std::uint8_t flags = 0;
  float duration_s = -1;   // route=ferry duration, whole way; < 0: none
  std::uint32_t name = 0;  // into OsmExtract::names
};

// A member of a restriction relation.
struct OsmMember {
  char type = 'w';  // 'n' or 'w'
  std::int64_t ref = 0;
};

// A type=restriction relation, as tagged.
struct OsmRestrictionRelation {
  std::int64_t id = 0;
  bool only = false;  // only_* (else no_*)
  std::string value;  // "no_left_turn", ...
  OsmMember from, to;
  std::vector<OsmMember> via;
};

struct OsmExtract {
  std::vector<OsmWay> ways;
  std::vector<std::int64_t> refs;  // node ids of all kept ways, way after way
  std::vector<std::string> names{std::string()};
  std::vector<OsmRestrictionRelation> restrictions;
  // Needed nodes: sorted ids, their locations, whether they block the profile.
  std::vector<std::int64_t> node_ids;
  std::vector<LatLon> node_location;
  std::vector<bool> node_found, node_blocks;
  // Statistics.
  std::uint64_t ways_read = 0, nodes_read = 0, relations_read = 0;
  std::uint64_t restrictions_conditional = 0;    // restriction:conditional, ignored
  std::uint64_t restrictions_other_vehicle = 0;  // restriction:hgv, except=motorcar, ...
  std::vector<std::pair<std::string, std::uint64_t>> not_routable;  // reason -> ways
  std::uint64_t barriers_blocking = 0;

  // Index of node id `id` in node_ids, or UINT32_MAX.
  [[nodiscard]] std::uint32_t node_index(std::int64_t id) const noexcept {
    const auto it = std::lower_bound(node_ids.begin(), node_ids.end(), id);
    return it == node_ids.end() || *it != id ? UINT32_MAX
                                             : static_cast<std::uint32_t>(it - node_ids.begin());
  }
};

// A member list that names anything else than the restriction roles is a tagging error
// the import reports, instead of guessing what the mapper meant.
inline absl::Status read_restriction(const std::string& path, const osmium::Relation& r,
                                     const OsmProfile& profile, OsmExtract& out) {
  const char* type = r.tags().get_value_by_key("type");
  if (type == nullptr) return absl::OkStatus();
  const std::string_view t(type);
  const char* value = nullptr;
  if (t == "restriction") {
    value = r.tags().get_value_by_key("restriction");
    if (value == nullptr) value = r.tags().get_value_by_key("restriction:motorcar");
    if (value == nullptr) {
      if (r.tags().has_key("restriction:conditional"))
        ++out.restrictions_conditional;
      else if (r.tags().has_key("restriction:hgv") || r.tags().has_key("restriction:bus") ||
               r.tags().has_key("restriction:bicycle"))
        ++out.restrictions_other_vehicle;
      return absl::OkStatus();
    }
  } else if (t == "restriction:motorcar") {
    value = r.tags().get_value_by_key("restriction");
  } else if (t.starts_with("restriction:")) {
    ++out.restrictions_other_vehicle;  // restriction:hgv, :bus, ... bind other vehicles
    return absl::OkStatus();
  } else {
    return absl::OkStatus();
  }
  if (value == nullptr) return absl::OkStatus();
  // except=* exempts vehicle kinds (wiki: Relation:restriction, "except").
  if (const char* except = r.tags().get_value_by_key("except")) {
    const std::string_view e(except);
    const bool exempt =
        e.find("motorcar") != std::string_view::npos ||
        (profile.emergency_vehicle && (e.find("emergency") != std::string_view::npos ||
                                       e.find("psv") != std::string_view::npos));
    if (exempt) {
      ++out.restrictions_other_vehicle;
      return absl::OkStatus();
    }
  }
  OsmRestrictionRelation rr;
  rr.id = r.id();
  rr.value = value;
  const std::string_view v(value);
  if (v.starts_with("only_")) {
    rr.only = true;
  } else if (!v.starts_with("no_")) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": relation ", r.id(), ": restriction=", std::string(v),
                     " is neither no_* nor only_* (wiki: Relation:restriction)"));
  }
  int froms = 0, tos = 0;
  for (const osmium::RelationMember& m : r.members()) {
    const std::string_view role(m.role());
    const char kind = m.type() == osmium::item_type::node  ? 'n'
                      : m.type() == osmium::item_type::way ? 'w'
                                                           : 'r';
    const OsmMember member{kind, m.ref()};
    if (role == "from" && kind == 'w') {
      rr.from = member;
      ++froms;
    } else if (role == "to" && kind == 'w') {
      rr.to = member;
      ++tos;
    } else if (role == "via" && kind != 'r') {
      rr.via.push_back(member);
    } else if (role == "location_hint" || (role.empty() && kind == 'n')) {
      continue;  // documentation only
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": relation ", r.id(), ": unknown restriction member ",
                       kind == 'n'   ? "node "
                       : kind == 'w' ? "way "
                                     : "relation ",
                       m.ref(), " with role '", std::string(role),
                       "' (expected a 'from' way, 'via' node or ways, a 'to' way)"));
    }
  }
  if (froms != 1 || tos != 1 || rr.via.empty() ||
      (rr.via.size() > 1 && std::any_of(rr.via.begin(), rr.via.end(),
                                        [](const OsmMember& m) { return m.type == 'n'; }))) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": relation ", r.id(), ": a restriction needs one 'from' way, one 'to' way and ",
        "either one 'via' node or 'via' ways; it has ", froms, " from, ", tos, " to, ",
        rr.via.size(), " via"));
  }
  out.restrictions.push_back(std::move(rr));
  return absl::OkStatus();
}

// Both passes. Errors: NotFound (no such file), DataLoss (a truncated or corrupt file:
// whatever libosmium could not decode), InvalidArgument (a way naming a node the file
// lacks, a malformed restriction).
inline absl::StatusOr<OsmExtract> read_osm_extract(
    const std::string& path, const OsmProfile& profile,
    const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  OsmExtract out;
  absl::flat_hash_map<std::string, std::uint32_t> name_ids;
  absl::flat_hash_map<std::string, std::uint64_t> not_routable;
  absl::Status status;
  std::uint64_t total_bytes = 0;
  try {
    const osmium::io::File file(path);
    // Pass 1: ways and relations.
    {
      osmium::io::Reader reader(file,
                                osmium::osm_entity_bits::way | osmium::osm_entity_bits::relation);
      total_bytes = 2 * static_cast<std::uint64_t>(reader.file_size());
      while (osmium::memory::Buffer buffer = reader.read()) {
        for (const osmium::OSMObject& object : buffer.select<osmium::OSMObject>()) {
          if (object.type() == osmium::item_type::way) {
            const auto& w = static_cast<const osmium::Way&>(object);
            ++out.ways_read;
            const OsmWayRule rule = evaluate_osm_way(profile, w.tags());
            if (!rule.routable) {
              if (w.tags().has_key("highway") || w.tags().has_key("route"))
                ++not_routable[std::string(rule.not_routable_because)];
              continue;
            }
            OsmWay way;
            way.id = w.id();
            way.first_ref = static_cast<std::uint32_t>(out.refs.size());
            for (const osmium::NodeRef& n : w.nodes()) out.refs.push_back(n.ref());
            way.ref_count = static_cast<std::uint32_t>(out.refs.size() - way.first_ref);
            way.forward = rule.forward;
            way.backward = rule.backward;
            way.speed_forward_kmh = static_cast<float>(rule.speed_forward_kmh);
            way.speed_backward_kmh = static_cast<float>(rule.speed_backward_kmh);
            way.road_class = rule.road_class;
            way.flags = rule.flags;
            way.duration_s = rule.duration_s ? static_cast<float>(*rule.duration_s) : -1.0f;
            if (!rule.name.empty()) {
              const auto [it, added] = name_ids.try_emplace(
                  std::string(rule.name), static_cast<std::uint32_t>(out.names.size()));
              if (added) out.names.emplace_back(rule.name);
              way.name = it->second;
            }
            if (way.ref_count < 2) {
              // Real extracts hold a few (a way whose other nodes were deleted): no road,
              // counted among the ways not kept.
              out.refs.resize(way.first_ref);
              ++not_routable["fewer than two nodes"];
              continue;
            }
            out.ways.push_back(way);
          } else if (object.type() == osmium::item_type::relation) {
            ++out.relations_read;
            status =
                read_restriction(path, static_cast<const osmium::Relation&>(object), profile, out);
            if (!status.ok()) break;
          }
        }
        if (!status.ok()) break;
        if (progress) progress(reader.offset(), total_bytes);
      }
      reader.close();
      if (!status.ok()) return status;
    }
    out.node_ids = out.refs;
    for (const OsmRestrictionRelation& r : out.restrictions)
      for (const OsmMember& m : r.via)
        if (m.type == 'n') out.node_ids.push_back(m.ref);
    std::sort(out.node_ids.begin(), out.node_ids.end());
    out.node_ids.erase(std::unique(out.node_ids.begin(), out.node_ids.end()), out.node_ids.end());
    out.node_location.assign(out.node_ids.size(), LatLon{});
    out.node_found.assign(out.node_ids.size(), false);
    out.node_blocks.assign(out.node_ids.size(), false);
    // Pass 2: the needed nodes.
    {
      osmium::io::Reader reader(file, osmium::osm_entity_bits::node);
      while (osmium::memory::Buffer buffer = reader.read()) {
        for (const osmium::Node& n : buffer.select<osmium::Node>()) {
          ++out.nodes_read;
          const std::uint32_t i = out.node_index(n.id());
          if (i == UINT32_MAX) continue;
          const osmium::Location loc = n.location();
          if (!loc.valid()) {
            status = absl::InvalidArgumentError(
                absl::StrCat(path, ": node ", n.id(), " has no valid location"));
            break;
          }
          out.node_location[i] = LatLon{loc.lat(), loc.lon()};
          out.node_found[i] = true;
          if (!n.tags().empty() && osm_node_blocks(profile, n.tags())) {
            out.node_blocks[i] = true;
            ++out.barriers_blocking;
          }
        }
        if (!status.ok()) break;
        if (progress) progress(total_bytes / 2 + reader.offset(), total_bytes);
      }
      reader.close();
      if (!status.ok()) return status;
    }
  } catch (const osmium::io_error& e) {
    if (e.what() && std::string_view(e.what()).find("No such file") != std::string_view::npos)
      return absl::NotFoundError(absl::StrCat(path, ": ", e.what()));
    return absl::DataLossError(absl::StrCat(path, ": cannot read OpenStreetMap data: ", e.what()));
  } catch (const std::system_error& e) {
    return absl::NotFoundError(absl::StrCat(path, ": ", e.what()));
  } catch (const std::exception& e) {
    // pbf_error, xml_error, gzip/bzip2 errors: the file is damaged or truncated.
    return absl::DataLossError(
        absl::StrCat(path, ": damaged or truncated OpenStreetMap file: ", e.what()));
  }
  // A way naming a node that is not in the file would become a shorter road or a hole in
  // the network: refuse the input instead (extracts cut with complete ways never do this).
  for (const OsmWay& w : out.ways) {
    for (std::uint32_t k = 0; k < w.ref_count; ++k) {
      const std::int64_t id = out.refs[w.first_ref + k];
      if (!out.node_found[out.node_index(id)]) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": way ", w.id, " names node ", id,
                         ", which is not in the file (cut the extract with complete ways)"));
      }
    }
  }
  for (auto& [reason, count] : not_routable) out.not_routable.emplace_back(reason, count);
  std::sort(out.not_routable.begin(), out.not_routable.end(),
            [](const auto& a, const auto& b) { return a.second > b.second; });
  if (progress) progress(total_bytes, total_bytes);
  return out;
}

}  // namespace detail
DISPATCHKIT_NAMESPACE_END
