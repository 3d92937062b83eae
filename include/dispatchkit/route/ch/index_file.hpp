// dispatchkit/route/ch/index_file.hpp: saving a contraction hierarchy and loading it
// back, in a fraction of the time a build takes.
//
//   DK_RETURN_IF_ERROR(save_hierarchy(ch, "ny.ch"));
//   absl::StatusOr<ContractionHierarchy> ch = load_hierarchy("ny.ch", graph);
//   if (absl::IsFailedPrecondition(ch.status())) { /* index of another graph: rebuild */ }
//
// File layout: an io/container.hpp container, magic "DK-CHIX\n", version 2, whose header
// fingerprint is the graph's (RoadGraph::fingerprint()), with five sections (little-endian,
// all integers unsigned; see ContractionHierarchy::rows() for the meaning of the arrays):
//   STAT  u32 node count n | u32 graph arc count | u64 arcs m | u64 upward arcs |
//         u64 shortcuts | u32 rounds | u32 0 | f64 build seconds | u64 peak memory bytes
//   RANK  u32 rank[n]
//   ROWS  {u32 begin, u32 up}[n+1]
//   ARCS  {u32 head, u32 weight}[m]
//   UNPK  u32 unpack[m]
// Version 1 (one flat layout with its own checksum) is no longer read: such a file is
// FailedPrecondition, like any other version, and is rebuilt.
//
// Errors: NotFound (no file), DataLoss (not an index, truncated, trailing bytes, checksum
// mismatch, a missing or mis-sized section, or contents inconsistent with themselves or
// with the graph's arcs), FailedPrecondition (another format version, or built for a
// different graph: the fingerprint, node or arc count differs). A file that loads has been
// checked arc by arc: every original arc it names exists in `expected_graph` with the same
// ends and weight, and every shortcut unpacks through strictly lower ranks into two arcs
// whose weights add up to its own, so no query can read out of bounds, loop or unpack a
// wrong route.
#pragma once

#include <cstdint>
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
#include "dispatchkit/route/ch/contraction_hierarchy.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

inline constexpr std::uint32_t kChIndexVersion = 2;

// Writes `ch` to `path` atomically (temporary file + rename).
[[nodiscard]] absl::Status save_hierarchy(const ContractionHierarchy& ch, const std::string& path);

// Reads a hierarchy saved by save_hierarchy() for `expected_graph`. O(file size).
[[nodiscard]] absl::StatusOr<ContractionHierarchy> load_hierarchy(const std::string& path,
                                                                  const RoadGraph& expected_graph);

// ---------------------------------------------------------------------------------------
namespace detail {

inline constexpr std::string_view kChIndexMagic = "DK-CHIX\n";

struct ChIndexAccess {
  static std::string serialize(const ContractionHierarchy& ch) {
    ContainerWriter out(kChIndexMagic, kChIndexVersion, ch.graph_fingerprint_);
    auto& stat = out.section("STAT");  // auto: triage has a detail::ByteWriter of its own
    stat.u32(ch.node_count());
    stat.u32(ch.graph_arc_count_);
    stat.u64(ch.arc_.size());
    stat.u64(ch.stats_.upward_arc_count);
    stat.u64(ch.stats_.shortcut_count);
    stat.u32(ch.stats_.rounds);
    stat.u32(0);
    stat.f64(ch.stats_.build_seconds);
    stat.u64(ch.stats_.peak_memory_bytes);
    out.section("RANK").array(std::span<const std::uint32_t>(ch.rank_));
    out.section("ROWS").array(std::span<const ChRow>(ch.row_));
    out.section("ARCS").array(std::span<const ChArc>(ch.arc_));
    out.section("UNPK").array(std::span<const std::uint32_t>(ch.unpack_));
    return out.finish();
  }

  static absl::StatusOr<ContractionHierarchy> parse(const std::string& path, std::string_view data,
                                                    const RoadGraph& g) {
    DK_ASSIGN_OR_RETURN(const ContainerReader in,
                        ContainerReader::open(path, data, kChIndexMagic, kChIndexVersion,
                                              "contraction-hierarchy index"));
    DK_ASSIGN_OR_RETURN(auto stat, in.section("STAT"));
    std::uint32_t n = 0, arcs = 0, rounds = 0, reserved = 0;
    std::uint64_t m = 0, up = 0, shortcuts = 0, peak = 0;
    double seconds = 0;
    if (!stat.u32(n) || !stat.u32(arcs) || !stat.u64(m) || !stat.u64(up) || !stat.u64(shortcuts) ||
        !stat.u32(rounds) || !stat.u32(reserved) || !stat.f64(seconds) || !stat.u64(peak) ||
        !stat.at_end())
      return in.data_loss("has a STAT section of the wrong size");
    // Sizes first, with 64-bit arithmetic bounded by the file size (no overflow).
    if (n == 0 || n >= kChShortcutBit || m > data.size() || up > m)
      return in.data_loss(absl::StrCat("has a corrupt STAT section (node count ", n,
                                       ", arc counts ", m, "/", up, ")"));
    if (in.fingerprint() != g.fingerprint() || n != g.node_count() || arcs != g.arc_count()) {
      return in.failed_precondition(
          absl::StrCat("was built for another graph (", n, " nodes, ", arcs, " arcs, fingerprint ",
                       in.fingerprint(), "), expected ", g.source(), " (", g.node_count(),
                       " nodes, ", g.arc_count(), " arcs, fingerprint ", g.fingerprint(), ")"));
    }
    ContractionHierarchy ch;
    // Each array section holds exactly the announced count: a short one is truncated, a
    // long one has bytes that belong to nothing.
    auto read_array = [&in](std::string_view tag, std::uint64_t count, auto& v) -> absl::Status {
      DK_ASSIGN_OR_RETURN(auto r, in.section(tag));
      if (!r.array(count, v) || !r.at_end())
        return in.data_loss(absl::StrCat("has a ", detail::as_absl(tag),
                                         " section of the wrong size (expected ", count,
                                         " entries of ", sizeof(v[0]), " bytes)"));
      return absl::OkStatus();
    };
    DK_RETURN_IF_ERROR(read_array("RANK", n, ch.rank_));
    DK_RETURN_IF_ERROR(read_array("ROWS", n + 1ull, ch.row_));
    DK_RETURN_IF_ERROR(read_array("ARCS", m, ch.arc_));
    DK_RETURN_IF_ERROR(read_array("UNPK", m, ch.unpack_));
    ch.graph_fingerprint_ = in.fingerprint();
    ch.graph_arc_count_ = arcs;
    ch.stats_.shortcut_count = shortcuts;
    ch.stats_.upward_arc_count = up;
    ch.stats_.downward_arc_count = m - up;
    ch.stats_.rounds = rounds;
    ch.stats_.build_seconds = seconds;
    ch.stats_.peak_memory_bytes = peak;
    // Structure: a permutation, monotone rows, heads above their row and sorted within
    // each part, original arcs that exist with these ends and weight, shortcuts through
    // lower ranks (checked with their halves by link_shortcuts()).
    ch.order_.assign(n, UINT32_MAX);
    for (std::uint32_t v = 0; v < n; ++v) {
      const std::uint32_t r = ch.rank_[v];
      if (r >= n || ch.order_[r] != UINT32_MAX)
        return in.data_loss("has a rank array that is not a permutation");
      ch.order_[r] = v;
    }
    const auto weights = g.weights();
    const auto tails = g.tails();
    const auto heads = g.heads();
    std::uint64_t counted_shortcuts = 0, counted_up = 0;
    auto rows_ok = [&]() -> bool {
      if (ch.row_[0].begin != 0 || ch.row_[n].begin != m || ch.row_[n].up != m) return false;
      // Every row within [0, m] before any arc is read: a row beyond the end followed by
      // one back inside passes the per-row check below until it is too late (found by
      // fuzz/ ch_index).
      for (std::uint32_t r = 0; r < n; ++r)
        if (ch.row_[r].begin > ch.row_[r].up || ch.row_[r].up > ch.row_[r + 1].begin) return false;
      for (std::uint32_t r = 0; r < n; ++r) {
        const ChRow row = ch.row_[r];
        if (row.begin > row.up || row.up > ch.row_[r + 1].begin) return false;
        counted_up += ch.row_[r + 1].begin - row.up;
        for (const bool upward : {false, true}) {
          const std::uint32_t lo = upward ? row.up : row.begin;
          const std::uint32_t hi = upward ? ch.row_[r + 1].begin : row.up;
          std::uint32_t previous = r;
          for (std::uint32_t i = lo; i < hi; ++i) {
            const std::uint32_t h = ch.arc_[i].head;
            if (h >= n || h <= previous) return false;
            previous = h;
            const std::uint32_t u = ch.unpack_[i];
            if ((u & kChShortcutBit) != 0) {
              ++counted_shortcuts;
              continue;
            }
            if (u >= g.arc_count() || weights[u] != ch.arc_[i].weight) return false;
            const std::uint32_t tail = upward ? ch.order_[r] : ch.order_[h];
            const std::uint32_t head = upward ? ch.order_[h] : ch.order_[r];
            if (tails[u] != tail || heads[u] != head) return false;
          }
        }
      }
      return true;
    };
    if (!rows_ok() || counted_shortcuts != shortcuts || counted_up != up || !ch.link_shortcuts()) {
      return in.data_loss(
          "has inconsistent hierarchy arrays (checksum matched: written by a faulty writer?)");
    }
    return ch;
  }
};

}  // namespace detail

inline absl::Status save_hierarchy(const ContractionHierarchy& ch, const std::string& path) {
  if (ch.node_count() == 0)
    return absl::FailedPreconditionError(absl::StrCat(path, ": cannot save an empty hierarchy"));
  return write_file_atomically(path, detail::ChIndexAccess::serialize(ch));
}

inline absl::StatusOr<ContractionHierarchy> load_hierarchy(const std::string& path,
                                                           const RoadGraph& expected_graph) {
  DK_ASSIGN_OR_RETURN(const std::string data, read_file(path));
  return detail::ChIndexAccess::parse(path, data, expected_graph);
}

DISPATCHKIT_NAMESPACE_END
