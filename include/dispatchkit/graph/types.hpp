// dispatchkit/graph/types.hpp: strong ids and quantities shared by every capability.
//
//   NodeId n{42};                      // an intersection of the road graph
//   Deciseconds t = Deciseconds{95};   // 9.5 s of driving
//   double s = t.seconds();            // 9.5
//   Meters d{120.0};                   // 120 m of road
//
// Seconds and metres never add up silently: each quantity is its own type. Travel
// times are integers in deciseconds (0.1 s) so that shortest-path sums are exact and
// every fast path can be compared bit for bit with the reference Dijkstra.
#pragma once

#include <cmath>
#include <compare>
#include <cstdint>
#include <functional>
#include <limits>

#include "dispatchkit/config.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// A typed index. `Rep` is an unsigned integer; the maximum value means "none".
template <class Tag, class Rep = std::uint32_t>
class StrongId {
 public:
  using rep_type = Rep;
  constexpr StrongId() noexcept = default;  // invalid
  constexpr explicit StrongId(Rep value) noexcept : value_(value) {}
  [[nodiscard]] constexpr Rep value() const noexcept { return value_; }
  [[nodiscard]] constexpr bool valid() const noexcept { return value_ != kInvalid; }
  [[nodiscard]] static constexpr StrongId invalid() noexcept { return StrongId(); }
  friend constexpr auto operator<=>(StrongId, StrongId) noexcept = default;

 private:
  static constexpr Rep kInvalid = std::numeric_limits<Rep>::max();
  Rep value_ = kInvalid;
};

struct NodeTag {};
struct ArcTag {};
// An intersection (or shape point) of the road graph, dense from 0.
using NodeId = StrongId<NodeTag>;
// A directed road segment, dense from 0, in CSR (tail-sorted) order.
using ArcId = StrongId<ArcTag>;

// Travel time in deciseconds. Arithmetic saturates at `infinite()` ("no route"),
// so `unreachable + turnout` stays unreachable instead of wrapping.
class Deciseconds {
 public:
  using rep_type = std::uint32_t;
  constexpr Deciseconds() noexcept = default;
  constexpr explicit Deciseconds(rep_type count) noexcept : count_(count) {}
  [[nodiscard]] static constexpr Deciseconds infinite() noexcept { return Deciseconds(kInf); }
  // Rounds to the nearest decisecond; negative or NaN input gives 0, huge input infinite().
  [[nodiscard]] static constexpr Deciseconds from_seconds(double s) noexcept {
    if (!(s > 0)) return Deciseconds(0);
    const double ds = std::round(s * 10.0);
    return ds >= static_cast<double>(kInf) ? infinite() : Deciseconds(static_cast<rep_type>(ds));
  }
  [[nodiscard]] constexpr rep_type count() const noexcept { return count_; }
  [[nodiscard]] constexpr double seconds() const noexcept { return count_ / 10.0; }
  [[nodiscard]] constexpr double minutes() const noexcept { return count_ / 600.0; }
  [[nodiscard]] constexpr bool is_infinite() const noexcept { return count_ == kInf; }
  friend constexpr Deciseconds operator+(Deciseconds a, Deciseconds b) noexcept {
    const std::uint64_t s = std::uint64_t{a.count_} + b.count_;
    return s >= kInf ? infinite() : Deciseconds(static_cast<rep_type>(s));
  }
  friend constexpr auto operator<=>(Deciseconds, Deciseconds) noexcept = default;

 private:
  static constexpr rep_type kInf = std::numeric_limits<rep_type>::max();
  rep_type count_ = 0;
};

// Raw travel-time weight used inside search loops (deciseconds or, for the unitless
// PACE16 benchmark graphs, the documented default weight).
using Weight = std::uint32_t;
inline constexpr Weight kInfWeight = std::numeric_limits<Weight>::max();

// Saturating sum of two raw weights (either may be kInfWeight).
[[nodiscard]] constexpr Weight add_weights(Weight a, Weight b) noexcept {
  const std::uint64_t s = std::uint64_t{a} + b;
  return s >= kInfWeight ? kInfWeight : static_cast<Weight>(s);
}

// Road length in metres.
class Meters {
 public:
  constexpr Meters() noexcept = default;
  constexpr explicit Meters(double value) noexcept : value_(value) {}
  [[nodiscard]] constexpr double value() const noexcept { return value_; }
  friend constexpr Meters operator+(Meters a, Meters b) noexcept {
    return Meters(a.value_ + b.value_);
  }
  friend constexpr Meters operator-(Meters a, Meters b) noexcept {
    return Meters(a.value_ - b.value_);
  }
  friend constexpr Meters operator*(Meters a, double f) noexcept { return Meters(a.value_ * f); }
  friend constexpr auto operator<=>(Meters, Meters) noexcept = default;

 private:
  double value_ = 0.0;
};

// A WGS84 position in degrees.
struct LatLon {
  double lat = 0.0;
  double lon = 0.0;
  [[nodiscard]] constexpr bool is_valid() const noexcept {
    return lat >= -90.0 && lat <= 90.0 && lon >= -180.0 && lon <= 180.0;  // false for NaN
  }
  friend constexpr bool operator==(LatLon, LatLon) noexcept = default;
};

// The sphere every distance in dispatchkit is measured on (IUGG mean Earth radius), so
// haversine(), snapping and duplicate-call grids agree to the metre.
inline constexpr double kEarthRadiusM = 6371008.8;
inline constexpr double kRadiansPerDegree = 3.14159265358979323846 / 180.0;
inline constexpr double kMetersPerDegreeLat = kEarthRadiusM * kRadiansPerDegree;

// Great-circle distance (haversine, mean Earth radius), accurate to ~0.5% at city scale.
[[nodiscard]] inline Meters haversine(LatLon a, LatLon b) noexcept {
  constexpr double kRad = kRadiansPerDegree;
  const double dlat = (b.lat - a.lat) * kRad;
  const double dlon = (b.lon - a.lon) * kRad;
  const double h =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(a.lat * kRad) * std::cos(b.lat * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return Meters(2 * kEarthRadiusM * std::asin(std::sqrt(std::fmin(1.0, h))));
}

DISPATCHKIT_NAMESPACE_END

template <class Tag, class Rep>
struct std::hash<dispatchkit::StrongId<Tag, Rep>> {
  std::size_t operator()(dispatchkit::StrongId<Tag, Rep> id) const noexcept {
    return std::hash<Rep>{}(id.value());
  }
};
