// dispatchkit/graph/io/graph_file.hpp: a road graph saved whole, street details and turn
// states included, and loaded back much faster than it was imported (the .dkg file).
//
//   GraphFileInfo info{.profile = "ambulance", .source_name = "monaco.osm.pbf"};
//   DK_RETURN_IF_ERROR(save_graph_file(city.graph, "/tmp/monaco.dkg", info));
//   GraphFileInfo read_info;
//   absl::StatusOr<RoadGraph> g = load_graph_file("/tmp/monaco.dkg", &read_info);
//   // or load_graph("/tmp/monaco.dkg") and every tool's --graph=/tmp/monaco.dkg
//
// On the project's one binary container (io/container.hpp), magic "DK-GRAPH", version 1;
// the container's fingerprint is the graph's, so a CH index built for the imported graph
// is valid for the loaded one. Sections: META (source, profile, the source file's own
// fingerprint), NODE (external ids, coordinates, ids by external id), ARCS (CSR offsets,
// heads, weights, lengths), TURN (road node per node, road arc per arc; absent without turn
// states), SEGS + NAME + SHAP (street details; absent without). Loading rebuilds only what
// is cheap to derive (tails, the backward CSR, the turn-state indexes) and validates every
// id, so a file that passes the checksum but holds an inconsistent graph is rejected
// (DataLoss), never trusted. Another version: FailedPrecondition.
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/io/container.hpp"
#include "dispatchkit/io/file.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct GraphFileInfo {
  std::string profile;                   // the OpenStreetMap profile it was imported with
  std::string source_name;               // the input it came from (a file name)
  std::uint64_t source_fingerprint = 0;  // of that input's bytes (0: unknown)
};

inline constexpr std::string_view kGraphFileMagic = "DK-GRAPH";
inline constexpr std::uint32_t kGraphFileVersion = 1;

namespace detail {

struct RoadGraphFileAccess {
  static std::string serialize(const RoadGraph& g, const GraphFileInfo& info) {
    ContainerWriter out(kGraphFileMagic, kGraphFileVersion, g.fingerprint());
    auto& meta = out.section("META");
    meta.str(g.source());
    meta.str(info.profile);
    meta.str(info.source_name);
    meta.u64(info.source_fingerprint);
    meta.u32(g.node_count());
    meta.u32(g.arc_count());
    meta.u32(static_cast<std::uint32_t>(g.by_external_id_.size()));
    meta.u32((g.has_coordinates() ? 1u : 0u) | (g.details_ ? 2u : 0u) |
             (g.has_turn_states() ? 4u : 0u));
    auto& node = out.section("NODE");
    node.array(std::span<const std::int64_t>(g.external_id_));
    node.array(std::span<const LatLon>(g.coordinate_));
    node.array(std::span<const std::uint32_t>(g.by_external_id_));
    auto& arcs = out.section("ARCS");
    arcs.array(std::span<const std::uint32_t>(g.first_out_));
    arcs.array(std::span<const std::uint32_t>(g.head_));
    arcs.array(std::span<const Weight>(g.weight_));
    arcs.array(std::span<const float>(g.length_));
    if (g.has_turn_states()) {
      auto& turn = out.section("TURN");
      turn.array(std::span<const std::uint32_t>(g.road_node_));
      turn.array(std::span<const std::uint32_t>(g.road_arc_));
    }
    if (const RoadDetails* d = g.details()) {
      auto& segs = out.section("SEGS");
      segs.u32(d->segment_count());
      segs.u32(static_cast<std::uint32_t>(d->names().size()));
      segs.u64(d->shape_points().size());
      segs.array(d->way_ids());
      segs.array(d->road_classes());
      segs.array(d->flag_column());
      segs.array(d->name_ids());
      segs.array(d->first_shape());
      segs.array(std::span<const std::uint32_t>(g.segment_));
      auto& names = out.section("NAME");
      for (const std::string& n : d->names()) names.str(n);
      out.section("SHAP").array(d->shape_points());
    }
    return out.finish();
  }

  static absl::StatusOr<RoadGraph> parse(const std::string& path, std::string_view data,
                                         GraphFileInfo* info) {
    DK_ASSIGN_OR_RETURN(
        const ContainerReader in,
        ContainerReader::open(path, data, kGraphFileMagic, kGraphFileVersion, "road graph file"));
    DK_ASSIGN_OR_RETURN(auto meta, in.section("META"));
    RoadGraph g;
    GraphFileInfo read_info;
    std::uint32_t n = 0, m = 0, road_nodes = 0, flags = 0;
    if (!meta.str(g.source_) || !meta.str(read_info.profile) || !meta.str(read_info.source_name) ||
        !meta.u64(read_info.source_fingerprint) || !meta.u32(n) || !meta.u32(m) ||
        !meta.u32(road_nodes) || !meta.u32(flags) || !meta.at_end())
      return in.data_loss("has a META section of the wrong size");
    // Counts are bounded by the file size before anything is allocated for them.
    if (std::uint64_t{n} * 8 > data.size() || std::uint64_t{m} * 4 > data.size() ||
        road_nodes > n || flags > 7)
      return in.data_loss(absl::StrCat("has a corrupt META section (", n, " nodes, ", m, " arcs, ",
                                       road_nodes, " road nodes)"));
    const bool coords = (flags & 1) != 0, details = (flags & 2) != 0, turns = (flags & 4) != 0;
    auto read = [&in](ByteReader& r, std::string_view tag, std::uint64_t count,
                      auto& v) -> absl::Status {
      if (!r.array(count, v))
        return in.data_loss(absl::StrCat("has a ", detail::as_absl(tag),
                                         " section too short for its ", count, " entries"));
      return absl::OkStatus();
    };
    auto end = [&in](const ByteReader& r, std::string_view tag) -> absl::Status {
      if (!r.at_end())
        return in.data_loss(
            absl::StrCat("has bytes after the end of its ", detail::as_absl(tag), " section"));
      return absl::OkStatus();
    };
    {
      DK_ASSIGN_OR_RETURN(auto node, in.section("NODE"));
      DK_RETURN_IF_ERROR(read(node, "NODE", n, g.external_id_));
      DK_RETURN_IF_ERROR(read(node, "NODE", coords ? n : 0, g.coordinate_));
      DK_RETURN_IF_ERROR(read(node, "NODE", road_nodes, g.by_external_id_));
      DK_RETURN_IF_ERROR(end(node, "NODE"));
    }
    {
      DK_ASSIGN_OR_RETURN(auto arcs, in.section("ARCS"));
      DK_RETURN_IF_ERROR(read(arcs, "ARCS", n + 1ull, g.first_out_));
      DK_RETURN_IF_ERROR(read(arcs, "ARCS", m, g.head_));
      DK_RETURN_IF_ERROR(read(arcs, "ARCS", m, g.weight_));
      DK_RETURN_IF_ERROR(read(arcs, "ARCS", m, g.length_));
      DK_RETURN_IF_ERROR(end(arcs, "ARCS"));
    }
    // The CSR: monotone offsets ending at m, heads in range and sorted within each row
    // (find_arc() relies on it), finite travel times and lengths.
    if (g.first_out_.front() != 0 || g.first_out_.back() != m)
      return in.data_loss("has arc offsets that do not span its arcs");
    g.tail_.resize(m);
    for (std::uint32_t v = 0; v < n; ++v) {
      const std::uint32_t b = g.first_out_[v], e = g.first_out_[v + 1];
      if (e < b || e > m) return in.data_loss(absl::StrCat("has a bad arc offset at node ", v));
      for (std::uint32_t a = b; a < e; ++a) {
        g.tail_[a] = v;
        if (g.head_[a] >= n || (a > b && g.head_[a] <= g.head_[a - 1]) || g.head_[a] == v)
          return in.data_loss(absl::StrCat("has a bad arc ", a, " (head ", g.head_[a], ")"));
        if (g.weight_[a] == kInfWeight || !(g.length_[a] >= 0.0f) || std::isinf(g.length_[a]))
          return in.data_loss(absl::StrCat("has arc ", a, " with a bad time or length"));
      }
    }
    for (const LatLon& c : g.coordinate_)
      if (!c.is_valid()) return in.data_loss("has an invalid node coordinate");
    if (turns) {
      DK_ASSIGN_OR_RETURN(auto turn, in.section("TURN"));
      DK_RETURN_IF_ERROR(read(turn, "TURN", n, g.road_node_));
      DK_RETURN_IF_ERROR(read(turn, "TURN", m, g.road_arc_));
      DK_RETURN_IF_ERROR(end(turn, "TURN"));
      // A state names a road node (which names itself) with its external id; a twin arc
      // names a road arc leaving that road node.
      for (std::uint32_t v = 0; v < n; ++v) {
        const std::uint32_t r = g.road_node_[v];
        if (r >= n || g.road_node_[r] != r || g.external_id_[r] != g.external_id_[v])
          return in.data_loss(absl::StrCat("has a bad turn state ", v));
      }
      for (std::uint32_t a = 0; a < m; ++a) {
        const std::uint32_t r = g.road_arc_[a];
        if (r >= m || g.road_arc_[r] != r || g.road_node_[g.tail_[r]] != g.road_node_[g.tail_[a]] ||
            (r != a && g.road_node_[g.tail_[a]] == g.tail_[a]))
          return in.data_loss(absl::StrCat("has a bad twin arc ", a));
      }
    } else if (road_nodes != n) {
      return in.data_loss("has fewer road nodes than nodes but no turn states");
    }
    // Ids by external id: sorted, distinct, road nodes only.
    for (std::size_t i = 0; i < g.by_external_id_.size(); ++i) {
      const std::uint32_t v = g.by_external_id_[i];
      if (v >= n || (turns && g.road_node_[v] != v) ||
          (i > 0 && g.external_id_[g.by_external_id_[i - 1]] >= g.external_id_[v]))
        return in.data_loss("has a node index that is not sorted by external id");
    }
    if (details) {
      DK_ASSIGN_OR_RETURN(auto segs, in.section("SEGS"));
      std::uint32_t count = 0, name_count = 0;
      std::uint64_t points = 0;
      if (!segs.u32(count) || !segs.u32(name_count) || !segs.u64(points) ||
          std::uint64_t{count} * 8 > data.size() || name_count > data.size() ||
          points * 16 > data.size() || name_count == 0)
        return in.data_loss("has a corrupt SEGS header");
      std::vector<std::int64_t> way;
      std::vector<RoadClass> cls;
      std::vector<std::uint8_t> fl;
      std::vector<std::uint32_t> name, first_shape;
      DK_RETURN_IF_ERROR(read(segs, "SEGS", count, way));
      DK_RETURN_IF_ERROR(read(segs, "SEGS", count, cls));
      DK_RETURN_IF_ERROR(read(segs, "SEGS", count, fl));
      DK_RETURN_IF_ERROR(read(segs, "SEGS", count, name));
      DK_RETURN_IF_ERROR(read(segs, "SEGS", count + 1ull, first_shape));
      DK_RETURN_IF_ERROR(read(segs, "SEGS", m, g.segment_));
      DK_RETURN_IF_ERROR(end(segs, "SEGS"));
      for (std::uint32_t s = 0; s < count; ++s) {
        if (static_cast<std::size_t>(cls[s]) >= kRoadClassCount || name[s] >= name_count ||
            first_shape[s + 1] < first_shape[s])
          return in.data_loss(absl::StrCat("has a bad segment ", s));
      }
      if (first_shape.front() != 0 || first_shape.back() != points)
        return in.data_loss("has shape offsets that do not span its shape points");
      for (std::uint32_t a = 0; a < m; ++a)
        if ((g.segment_[a] & ~RoadGraph::kReversedBit) >= count)
          return in.data_loss(absl::StrCat("has arc ", a, " naming a missing segment"));
      DK_ASSIGN_OR_RETURN(auto name_section, in.section("NAME"));
      std::vector<std::string> names(name_count);
      for (std::string& s : names)
        if (!name_section.str(s)) return in.data_loss("has a NAME section that is short");
      DK_RETURN_IF_ERROR(end(name_section, "NAME"));
      DK_ASSIGN_OR_RETURN(auto shap, in.section("SHAP"));
      std::vector<LatLon> shape;
      DK_RETURN_IF_ERROR(read(shap, "SHAP", points, shape));
      DK_RETURN_IF_ERROR(end(shap, "SHAP"));
      for (const LatLon& c : shape)
        if (!c.is_valid()) return in.data_loss("has an invalid shape point");
      g.details_ = std::make_shared<const RoadDetails>(
          RoadDetails::from_columns(std::move(way), std::move(cls), std::move(fl), std::move(name),
                                    std::move(names), std::move(first_shape), std::move(shape)));
    }
    g.index_in_arcs();
    if (turns) g.index_turn_states();
    g.fingerprint_ = g.compute_fingerprint();
    if (g.fingerprint_ != in.fingerprint())
      return in.data_loss("holds a graph whose fingerprint differs from the one it records");
    if (info) *info = std::move(read_info);
    return g;
  }
};

}  // namespace detail

// Writes `g` to `path` (a temporary file, then renamed: a crash leaves the old file).
[[nodiscard]] inline absl::Status save_graph_file(const RoadGraph& g, const std::string& path,
                                                  const GraphFileInfo& info = {}) {
  const std::string bytes = detail::RoadGraphFileAccess::serialize(g, info);
  return write_file_atomically(path, bytes);
}

// Reads a file save_graph_file() wrote; `info`, if given, receives what it records.
[[nodiscard]] inline absl::StatusOr<RoadGraph> load_graph_file(const std::string& path,
                                                               GraphFileInfo* info = nullptr) {
  DK_ASSIGN_OR_RETURN(const std::string bytes, read_file(path));
  return detail::RoadGraphFileAccess::parse(path, bytes, info);
}

// Whether `bytes` (a file's first bytes) start like a graph file.
[[nodiscard]] inline bool is_graph_file_header(std::string_view bytes) noexcept {
  return bytes.starts_with(kGraphFileMagic);
}

DISPATCHKIT_NAMESPACE_END
