// dispatchkit/route/ch/index_file.hpp: saving a contraction hierarchy and loading it
// back, in a fraction of the time a build takes.
//
//   DK_RETURN_IF_ERROR(save_hierarchy(ch, "ny.ch"));
//   absl::StatusOr<ContractionHierarchy> ch = load_hierarchy("ny.ch", graph);
//   if (absl::IsFailedPrecondition(ch.status())) { /* index of another graph: rebuild */ }
//
// File layout (version 1, little-endian, all integers unsigned):
//   magic "DK-CHIX\n" | u32 version | u32 reserved | u64 graph fingerprint |
//   u32 node count | u32 graph arc count | u64 arcs m | u64 upward arcs | u64 shortcuts |
//   u32 rounds | u32 reserved | f64 build seconds | u64 peak memory bytes |
//   u32 rank[n] | {u32 begin, u32 up}[n+1] rows | {u32 head, u32 weight}[m] | u32 unpack[m] |
//   u64 checksum of every byte before it.
// (see ContractionHierarchy::rows() for the meaning of the arrays).
//
// Errors: NotFound (no file), DataLoss (not an index, truncated, trailing bytes, checksum
// mismatch, or contents inconsistent with themselves or with the graph's arcs),
// FailedPrecondition (another format version, or built for a different graph: the
// fingerprint, node or arc count differs). A file that loads has been checked arc by arc:
// every original arc it names exists in `expected_graph` with the same ends and weight,
// and every shortcut unpacks through strictly lower ranks into two arcs whose weights add
// up to its own, so no query can read out of bounds, loop or unpack a wrong route.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/route/ch/contraction_hierarchy.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

inline constexpr std::uint32_t kChIndexVersion = 1;

// Writes `ch` to `path` atomically (temporary file + rename).
[[nodiscard]] absl::Status save_hierarchy(const ContractionHierarchy& ch, const std::string& path);

// Reads a hierarchy saved by save_hierarchy() for `expected_graph`. O(file size).
[[nodiscard]] absl::StatusOr<ContractionHierarchy> load_hierarchy(const std::string& path,
                                                                  const RoadGraph& expected_graph);

// ---------------------------------------------------------------------------------------
namespace detail {

static_assert(std::endian::native == std::endian::little,
              "the CH index format is little-endian; add byte swapping for this platform");

inline constexpr char kChIndexMagic[8] = {'D', 'K', '-', 'C', 'H', 'I', 'X', '\n'};
inline constexpr std::size_t kChIndexHeaderBytes =
    8 + 4 + 4 + 8 + 4 + 4 + 8 + 8 + 8 + 4 + 4 + 8 + 8;

// Word-at-a-time 64-bit checksum (multiply-rotate, as in xxHash's round function): fast
// enough that verifying a 30 MB index costs a few milliseconds, and any flipped bit,
// swapped word or truncation changes it with probability 1 - 2^-64 in practice.
[[nodiscard]] inline std::uint64_t ch_checksum(std::string_view bytes) noexcept {
  constexpr std::uint64_t kP1 = 0x9E3779B185EBCA87ULL, kP2 = 0xC2B2AE3D27D4EB4FULL;
  std::uint64_t h = 0x27D4EB2F165667C5ULL ^ bytes.size();
  std::size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, bytes.data() + i, 8);
    h ^= std::rotl(w * kP2, 31) * kP1;
    h = std::rotl(h, 27) * kP1 + 0x85EBCA77C2B2AE63ULL;
  }
  for (; i < bytes.size(); ++i) {
    h ^= static_cast<unsigned char>(bytes[i]) * 0x165667B19E3779F9ULL;
    h = std::rotl(h, 11) * kP1;
  }
  h ^= h >> 33;
  h *= kP2;
  h ^= h >> 29;
  return h;
}

struct ChIndexAccess {
  static std::string serialize(const ContractionHierarchy& ch) {
    std::string out;
    const std::uint32_t n = ch.node_count();
    out.reserve(kChIndexHeaderBytes + ch.memory_bytes() + 8);
    auto put = [&out](const auto& v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); };
    auto put_vec = [&out](const auto& v) {
      out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(v[0]));
    };
    out.append(kChIndexMagic, 8);
    put(kChIndexVersion);
    put(std::uint32_t{0});
    put(ch.graph_fingerprint_);
    put(n);
    put(ch.graph_arc_count_);
    put(std::uint64_t{ch.arc_.size()});
    put(ch.stats_.upward_arc_count);
    put(ch.stats_.shortcut_count);
    put(ch.stats_.rounds);
    put(std::uint32_t{0});
    put(ch.stats_.build_seconds);
    put(ch.stats_.peak_memory_bytes);
    put_vec(ch.rank_);
    put_vec(ch.row_);
    put_vec(ch.arc_);
    put_vec(ch.unpack_);
    put(ch_checksum(out));
    return out;
  }

  static absl::StatusOr<ContractionHierarchy> parse(const std::string& path, std::string_view data,
                                                    const RoadGraph& g) {
    auto loss = [&path](auto&&... parts) {
      return absl::DataLossError(absl::StrCat(path, ": ", parts...));
    };
    if (data.size() < kChIndexHeaderBytes + 8) {
      if (data.size() >= 8 && std::memcmp(data.data(), kChIndexMagic, 8) == 0)
        return loss("truncated: ", data.size(), " bytes, shorter than the header");
      return loss("not a dispatchkit contraction-hierarchy index (too short)");
    }
    if (std::memcmp(data.data(), kChIndexMagic, 8) != 0)
      return loss("not a dispatchkit contraction-hierarchy index (bad magic bytes)");
    std::size_t at = 8;
    auto get = [&](auto& v) {
      std::memcpy(&v, data.data() + at, sizeof v);
      at += sizeof v;
    };
    std::uint32_t version = 0, reserved = 0, n = 0, arcs = 0, rounds = 0;
    std::uint64_t fingerprint = 0, m = 0, up = 0, shortcuts = 0, peak = 0;
    double seconds = 0;
    get(version);
    get(reserved);
    if (version != kChIndexVersion) {
      return absl::FailedPreconditionError(absl::StrCat(path, ": index format version ", version,
                                                        ", this build reads version ",
                                                        kChIndexVersion));
    }
    get(fingerprint);
    get(n);
    get(arcs);
    get(m);
    get(up);
    get(shortcuts);
    get(rounds);
    get(reserved);
    get(seconds);
    get(peak);
    // Sizes first, with 64-bit arithmetic bounded by the file size (no overflow).
    if (n == 0 || n >= kChShortcutBit || m > data.size() || up > m)
      return loss("corrupt header (node count ", n, ", arc counts ", m, "/", up, ")");
    const std::uint64_t expected =
        kChIndexHeaderBytes + 4ull * n + 8ull * (n + 1ull) + 12ull * m + 8;
    if (data.size() < expected)
      return loss("truncated: ", data.size(), " bytes, the header announces ", expected);
    if (data.size() > expected)
      return loss(data.size() - expected, " unexpected bytes after the index");
    std::uint64_t stored;
    std::memcpy(&stored, data.data() + data.size() - 8, 8);
    if (stored != ch_checksum(data.substr(0, data.size() - 8)))
      return loss("checksum mismatch: the file is corrupt");
    if (fingerprint != g.fingerprint() || n != g.node_count() || arcs != g.arc_count()) {
      return absl::FailedPreconditionError(absl::StrCat(
          path, ": index built for another graph (", n, " nodes, ", arcs, " arcs, fingerprint ",
          fingerprint, "), expected ", g.source(), " (", g.node_count(), " nodes, ", g.arc_count(),
          " arcs, fingerprint ", g.fingerprint(), ")"));
    }
    ContractionHierarchy ch;
    auto get_vec = [&](auto& v, std::uint64_t count) {
      v.resize(count);
      std::memcpy(v.data(), data.data() + at, count * sizeof(v[0]));
      at += count * sizeof(v[0]);
    };
    ch.graph_fingerprint_ = fingerprint;
    ch.graph_arc_count_ = arcs;
    get_vec(ch.rank_, n);
    get_vec(ch.row_, n + 1ull);
    get_vec(ch.arc_, m);
    get_vec(ch.unpack_, m);
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
      if (r >= n || ch.order_[r] != UINT32_MAX) return loss("rank array is not a permutation");
      ch.order_[r] = v;
    }
    const auto weights = g.weights();
    const auto tails = g.tails();
    const auto heads = g.heads();
    std::uint64_t counted_shortcuts = 0, counted_up = 0;
    auto rows_ok = [&]() -> bool {
      if (ch.row_[0].begin != 0 || ch.row_[n].begin != m || ch.row_[n].up != m) return false;
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
      return loss("inconsistent hierarchy arrays (checksum matched: written by a faulty writer?)");
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
  absl::StatusOr<std::string> data = read_file(path);
  if (!data.ok()) return data.status();
  return detail::ChIndexAccess::parse(path, *data, expected_graph);
}

DISPATCHKIT_NAMESPACE_END
