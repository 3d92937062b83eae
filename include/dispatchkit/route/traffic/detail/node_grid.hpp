// dispatchkit/route/traffic/detail/node_grid.hpp: nearest graph node to a WGS84 point.
// Internal: used to key traffic-profile rows given by segment coordinates onto the graph's
// intersections (segment ends are intersections, so nearest-node is the right match; a
// point mid-street is the snapping engineer's graph/snap.hpp).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/types.hpp"

DISPATCHKIT_NAMESPACE_BEGIN
namespace detail {

// A uniform grid over the graph's bounding box in an equirectangular projection.
// Build O(n), query O(nodes in the 3x3 cells around the point, widened until found).
class NodeGrid {
 public:
  explicit NodeGrid(const RoadGraph& g, double cell_m = 250.0) : graph_(&g), cell_m_(cell_m) {
    const auto coords = g.coordinates();
    if (coords.empty()) return;
    min_lat_ = max_lat_ = coords[0].lat;
    min_lon_ = max_lon_ = coords[0].lon;
    for (const LatLon& c : coords) {
      min_lat_ = std::min(min_lat_, c.lat);
      max_lat_ = std::max(max_lat_, c.lat);
      min_lon_ = std::min(min_lon_, c.lon);
      max_lon_ = std::max(max_lon_, c.lon);
    }
    constexpr double kMPerDegLat = 111195.0;
    const double mid = (min_lat_ + max_lat_) / 2 * 3.14159265358979323846 / 180.0;
    deg_lat_ = cell_m_ / kMPerDegLat;
    deg_lon_ = cell_m_ / (kMPerDegLat * std::max(0.01, std::cos(mid)));
    rows_ = static_cast<std::uint32_t>((max_lat_ - min_lat_) / deg_lat_) + 1;
    cols_ = static_cast<std::uint32_t>((max_lon_ - min_lon_) / deg_lon_) + 1;
    first_.assign(std::size_t{rows_} * cols_ + 1, 0);
    for (const LatLon& c : coords) ++first_[cell_of(c) + 1];
    for (std::size_t i = 1; i < first_.size(); ++i) first_[i] += first_[i - 1];
    nodes_.resize(coords.size());
    std::vector<std::uint32_t> fill(first_.begin(), first_.end() - 1);
    for (std::uint32_t n = 0; n < coords.size(); ++n) nodes_[fill[cell_of(coords[n])]++] = n;
  }

  // The node nearest to `p` if it lies within `max_distance_m`. No allocation.
  [[nodiscard]] std::optional<NodeId> nearest(LatLon p, double max_distance_m) const noexcept {
    if (nodes_.empty() || !p.is_valid()) return std::nullopt;
    const auto r = static_cast<std::int64_t>(std::floor((p.lat - min_lat_) / deg_lat_));
    const auto c = static_cast<std::int64_t>(std::floor((p.lon - min_lon_) / deg_lon_));
    const auto reach = static_cast<std::int64_t>(std::ceil(max_distance_m / cell_m_));
    double best = max_distance_m;
    std::optional<NodeId> found;
    for (std::int64_t i = std::max<std::int64_t>(0, r - reach);
         i <= std::min<std::int64_t>(rows_ - 1, r + reach); ++i) {
      for (std::int64_t j = std::max<std::int64_t>(0, c - reach);
           j <= std::min<std::int64_t>(cols_ - 1, c + reach); ++j) {
        const std::size_t cell = static_cast<std::size_t>(i) * cols_ + static_cast<std::size_t>(j);
        for (std::uint32_t k = first_[cell]; k < first_[cell + 1]; ++k) {
          const double d = haversine(p, graph_->coordinate(NodeId(nodes_[k]))).value();
          if (d <= best) {
            best = d;
            found = NodeId(nodes_[k]);
          }
        }
      }
    }
    return found;
  }

 private:
  [[nodiscard]] std::size_t cell_of(LatLon c) const noexcept {
    const auto r = std::min<std::uint32_t>(
        rows_ - 1, static_cast<std::uint32_t>((c.lat - min_lat_) / deg_lat_));
    const auto k = std::min<std::uint32_t>(
        cols_ - 1, static_cast<std::uint32_t>((c.lon - min_lon_) / deg_lon_));
    return std::size_t{r} * cols_ + k;
  }
  const RoadGraph* graph_;
  double cell_m_;
  double min_lat_ = 0, max_lat_ = 0, min_lon_ = 0, max_lon_ = 0;
  double deg_lat_ = 1, deg_lon_ = 1;
  std::uint32_t rows_ = 0, cols_ = 0;
  std::vector<std::uint32_t> first_;
  std::vector<std::uint32_t> nodes_;
};

}  // namespace detail
DISPATCHKIT_NAMESPACE_END
