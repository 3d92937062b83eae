// dispatchkit/route/traffic/detail/arc_grid.hpp: k nearest streets to a GPS fix, for map
// matching. Internal. Streets are the straight segments between their end nodes (the
// bundled OSM networks are topologically simplified with a median length/straight ratio
// of 1.002, so the chord is a fair stand-in for the geometry). A two-way street is one
// candidate (the arc with the smaller id, its reverse arc named in the RoadPosition).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/types.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// A street a GPS fix may have been taken on, and how far the fix is from it.
struct MatchCandidate {
  RoadPosition position;
  double distance_m = 0.0;
};

namespace detail {

class ArcGrid {
 public:
  explicit ArcGrid(const RoadGraph& g, double cell_m = 200.0) : graph_(&g), cell_m_(cell_m) {
    const auto coords = g.coordinates();
    if (coords.empty() || g.arc_count() == 0) return;
    min_lat_ = max_lat_ = coords[0].lat;
    min_lon_ = max_lon_ = coords[0].lon;
    for (const LatLon& c : coords) {
      min_lat_ = std::min(min_lat_, c.lat);
      max_lat_ = std::max(max_lat_, c.lat);
      min_lon_ = std::min(min_lon_, c.lon);
      max_lon_ = std::max(max_lon_, c.lon);
    }
    const double mid = (min_lat_ + max_lat_) / 2 * kRad;
    m_per_deg_lon_ = kMPerDegLat * std::max(0.01, std::cos(mid));
    rows_ = static_cast<std::uint32_t>((max_lat_ - min_lat_) * kMPerDegLat / cell_m_) + 1;
    cols_ = static_cast<std::uint32_t>((max_lon_ - min_lon_) * m_per_deg_lon_ / cell_m_) + 1;
    reverse_.assign(g.arc_count(), ArcId::invalid());
    std::vector<std::pair<std::uint32_t, std::uint32_t>> entries;  // (cell, arc)
    for (std::uint32_t a = 0; a < g.arc_count(); ++a) {
      const NodeId u = g.tail(ArcId(a)), v = g.head(ArcId(a));
      if (auto r = g.find_arc(v, u)) {
        reverse_[a] = *r;
        if (r->value() < a) continue;  // the two-way street is indexed once
      }
      const auto [r0, c0] = cell(coords[u.value()]);
      const auto [r1, c1] = cell(coords[v.value()]);
      for (std::uint32_t r = std::min(r0, r1); r <= std::max(r0, r1); ++r)
        for (std::uint32_t c = std::min(c0, c1); c <= std::max(c0, c1); ++c)
          entries.emplace_back(r * cols_ + c, a);
    }
    std::sort(entries.begin(), entries.end());
    first_.assign(std::size_t{rows_} * cols_ + 1, 0);
    arcs_.reserve(entries.size());
    for (const auto& [c, a] : entries) {
      ++first_[c + 1];
      arcs_.push_back(a);
    }
    for (std::size_t i = 1; i < first_.size(); ++i) first_[i] += first_[i - 1];
    seen_.assign(g.arc_count(), 0);
  }

  // Up to `k` streets within `radius_m` of `p`, nearest first, into `out` (cleared).
  // Not thread-safe (uses a scratch array); allocation-free after warm-up.
  void nearest(LatLon p, double radius_m, std::uint32_t k, std::vector<MatchCandidate>& out) {
    out.clear();
    if (arcs_.empty() || !p.is_valid()) return;
    if (++stamp_ == 0) {
      std::fill(seen_.begin(), seen_.end(), 0);
      stamp_ = 1;
    }
    const double py = (p.lat - min_lat_) * kMPerDegLat, px = (p.lon - min_lon_) * m_per_deg_lon_;
    const auto r_lo = static_cast<std::int64_t>(std::floor((py - radius_m) / cell_m_));
    const auto r_hi = static_cast<std::int64_t>(std::floor((py + radius_m) / cell_m_));
    const auto c_lo = static_cast<std::int64_t>(std::floor((px - radius_m) / cell_m_));
    const auto c_hi = static_cast<std::int64_t>(std::floor((px + radius_m) / cell_m_));
    const auto coords = graph_->coordinates();
    for (std::int64_t r = std::max<std::int64_t>(0, r_lo);
         r <= std::min<std::int64_t>(rows_ - 1, r_hi); ++r) {
      for (std::int64_t c = std::max<std::int64_t>(0, c_lo);
           c <= std::min<std::int64_t>(cols_ - 1, c_hi); ++c) {
        const std::size_t cellid =
            static_cast<std::size_t>(r) * cols_ + static_cast<std::size_t>(c);
        for (std::uint32_t i = first_[cellid]; i < first_[cellid + 1]; ++i) {
          const std::uint32_t a = arcs_[i];
          if (seen_[a] == stamp_) continue;
          seen_[a] = stamp_;
          const LatLon u = coords[graph_->tails()[a]], v = coords[graph_->heads()[a]];
          const double ux = (u.lon - min_lon_) * m_per_deg_lon_,
                       uy = (u.lat - min_lat_) * kMPerDegLat;
          const double vx = (v.lon - min_lon_) * m_per_deg_lon_,
                       vy = (v.lat - min_lat_) * kMPerDegLat;
          const double dx = vx - ux, dy = vy - uy, len2 = dx * dx + dy * dy;
          double t = len2 > 0 ? ((px - ux) * dx + (py - uy) * dy) / len2 : 0.0;
          t = std::clamp(t, 0.0, 1.0);
          const double ex = ux + t * dx - px, ey = uy + t * dy - py;
          const double d = std::sqrt(ex * ex + ey * ey);
          if (d > radius_m) continue;
          out.push_back({RoadPosition::on_arc(ArcId(a), static_cast<float>(t), reverse_[a]), d});
        }
      }
    }
    const std::size_t keep = std::min<std::size_t>(k, out.size());
    std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(keep), out.end(),
                      [](const MatchCandidate& a, const MatchCandidate& b) {
                        return a.distance_m < b.distance_m;
                      });
    out.resize(keep);
  }

 private:
  static constexpr double kMPerDegLat = 111195.0;
  static constexpr double kRad = 3.14159265358979323846 / 180.0;
  [[nodiscard]] std::pair<std::uint32_t, std::uint32_t> cell(LatLon c) const noexcept {
    const auto r = std::min<std::uint32_t>(
        rows_ - 1, static_cast<std::uint32_t>((c.lat - min_lat_) * kMPerDegLat / cell_m_));
    const auto k = std::min<std::uint32_t>(
        cols_ - 1, static_cast<std::uint32_t>((c.lon - min_lon_) * m_per_deg_lon_ / cell_m_));
    return {r, k};
  }
  const RoadGraph* graph_;
  double cell_m_;
  double min_lat_ = 0, max_lat_ = 0, min_lon_ = 0, max_lon_ = 0, m_per_deg_lon_ = 1;
  std::uint32_t rows_ = 0, cols_ = 0;
  std::vector<ArcId> reverse_;
  std::vector<std::uint32_t> first_, arcs_;
  std::vector<std::uint32_t> seen_;
  std::uint32_t stamp_ = 0;
};

}  // namespace detail
DISPATCHKIT_NAMESPACE_END
