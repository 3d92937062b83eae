// dispatchkit/recommend/drive_time_model.hpp: what the road model's drive time is on real streets.
//
//   const DriveTimeModel& model = calibration.drive;      // fitted from a record
//   double s = model.median_s(road_s, crow_km, hour, DayKind::kWorking,
//                             TravelMode::kLightsAndSirens);   // sim/calibration.hpp fits it
//   double p90 = model.quantile_s(road_s, crow_km, hour, DayKind::kHoliday,
//                                 TravelMode::kNormal, 0.9);
//
//   CalibratedOracle<ChOracle> oracle(ch_oracle, graph, model);   // any TravelTimeOracle
//   oracle.set_local_hour(14);                    // the CAD's local hour of day
//   oracle.set_day_kind(DayKind::kWeekend);       // and kind of day (sim/holidays.hpp tells)
//   strategy.recommend(incident, fleet, oracle, rec);   // ETAs on the calibrated scale
//   attach_eta_bands(rec, oracle);                // Candidate::eta_low / eta_high (p10..p90)
//
// A road graph's times are free-flow estimates; real drives differ by a start-up cost
// (crew leaving the bay, accelerating, slowing into the scene), by a speed factor that
// depends on how long the trip is (short trips spend most of it on local streets), by
// hour of day and kind of day (traffic) and by a spread no model removes. The model is
//
//   drive = f_hour * f_day * f_mode * (a_b + k_b * T) * r,   b = the trip's crow-fly band,
//
// with T the road model's time (in the trip's travel mode), a_b and k_b a median (least
// absolute deviations) fit per band, f_hour, f_day and f_mode the median ratios of real to
// fitted drives in that hour, kind of day (working day, weekend, public holiday: a
// holiday's streets are a Sunday's or emptier, which an hour factor fitted across days
// cannot know) and travel mode (crews on a non-urgent call drive slower
// than a fixed lights-and-sirens ratio says, and the record tells by how much), and r the
// multiplicative residual whose quantiles are kept per band. The shape follows the EMS
// travel-time literature: Kolesar, Walker and Hausner (1975, "Determining the relation
// between fire engine travel times and travel distances in New York City", Operations
// Research 23(4)) found travel time concave in distance for short trips (acceleration and
// deceleration) and linear beyond, which a per-band intercept and slope follows; Budge,
// Ingolfsson and Zerom (2010, "Empirical analysis of ambulance travel times: the case of
// Calgary emergency medical services", Management Science 56(4)) model the median as a
// function of distance with multiplicative errors whose spread depends on distance, which
// is what the per-band residual quantiles are. A band or hour with too few drives falls
// back (to the pooled fit, to factor 1) and says so (`fitted`); working days and lights
// and sirens are the reference (factor 1), so a kind of day with too few drives drives
// like a working day.
//
// CalibratedOracle wraps any TravelTimeOracle and answers with the model's median, so every
// strategy ranks and shows calibrated ETAs; it keeps each unit's p10..p90 band of the last
// query for attach_eta_bands. Lookups are noexcept and allocation-free; the oracle
// allocates only in sync() while the fleet grows (warm-up).
//
// Thread safety: a DriveTimeModel is immutable once fitted (share it across threads);
// a CalibratedOracle is a per-thread workspace, like the oracle it wraps (eta_oracle.hpp).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <new>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/recommend/concepts.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/recommend/fleet.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// An empirical distribution kept as its quantiles at 0, 5, ..., 100 %; read back with
// linear interpolation between them.
struct QuantileTable {
  static constexpr std::size_t kSteps = 21;
  std::array<double, kSteps> q{};

  // The quantile at p in [0, 1] (clamped).
  [[nodiscard]] double at(double p) const noexcept {
    const double x = std::clamp(p, 0.0, 1.0) * static_cast<double>(kSteps - 1);
    const auto i = static_cast<std::size_t>(std::min(x, static_cast<double>(kSteps - 2)));
    const double w = x - static_cast<double>(i);
    return q[i] + w * (q[i + 1] - q[i]);
  }
  // From a sample (sorted in place); all zeros when empty. Nearest-rank at each step, so
  // every kept value was observed.
  [[nodiscard]] static QuantileTable of(std::vector<double>& sample) {
    QuantileTable t;
    if (sample.empty()) return t;
    std::sort(sample.begin(), sample.end());
    for (std::size_t i = 0; i < kSteps; ++i) {
      const double p = static_cast<double>(i) / static_cast<double>(kSteps - 1);
      auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sample.size())));
      rank = std::clamp<std::size_t>(rank, 1, sample.size());
      t.q[i] = sample[rank - 1];
    }
    return t;
  }
  // A distribution with every quantile equal to v.
  [[nodiscard]] static constexpr QuantileTable constant(double v) noexcept {
    QuantileTable t;
    for (double& x : t.q) x = v;
    return t;
  }
};

// One crow-fly distance band of the drive-time model.
struct DriveTimeBand {
  double up_to_km = std::numeric_limits<double>::infinity();  // upper edge (exclusive)
  double intercept_s = 0.0;  // a_b: start-up and slowing cost of a trip in this band
  double factor = 1.0;       // k_b: real seconds per road-model second
  QuantileTable residual = QuantileTable::constant(1.0);  // real / fitted, per trip
  std::uint64_t samples = 0;                              // drives it was fitted on
  bool fitted = false;  // false: too few drives, the pooled fit of all bands is used
};

// The kind of local calendar day a drive is on (sim/holidays.hpp decides it from a date).
enum class DayKind : std::uint8_t { kWorking = 0, kWeekend = 1, kHoliday = 2 };
inline constexpr std::size_t kDayKinds = 3;
[[nodiscard]] constexpr std::string_view day_kind_name(DayKind d) noexcept {
  return d == DayKind::kWorking ? "working" : d == DayKind::kWeekend ? "weekend" : "holiday";
}

// The fitted drive-time model (see the banner). Empty = the road model unchanged.
struct DriveTimeModel {
  std::vector<DriveTimeBand> bands;  // ascending up_to_km; the last one is unbounded
  std::array<double, 24> hour_factor = filled(1.0);
  std::array<std::uint64_t, 24> hour_samples{};
  std::array<bool, 24> hour_fitted{};  // false: factor 1 (too few drives in that hour)
  // [DayKind]: working day (the reference, 1), weekend, holiday.
  std::array<double, kDayKinds> day_factor{1.0, 1.0, 1.0};
  std::array<std::uint64_t, kDayKinds> day_samples{};
  std::array<bool, kDayKinds> day_fitted{};  // false: factor 1 (drives like a working day)
  // [TravelMode]: lights and sirens, normal driving.
  std::array<double, 2> mode_factor{1.0, 1.0};
  std::array<std::uint64_t, 2> mode_samples{};
  std::array<bool, 2> mode_fitted{};

  [[nodiscard]] bool empty() const noexcept { return bands.empty(); }

  [[nodiscard]] const DriveTimeBand& band_of(double crow_km) const noexcept {
    for (const DriveTimeBand& b : bands)
      if (crow_km < b.up_to_km) return b;
    return bands.back();
  }
  // The fitted drive before the residual: f_hour * f_day * f_mode * (a_b + k_b * road_s), >= 0.
  [[nodiscard]] double fitted_s(double road_s, double crow_km, int hour, DayKind day,
                                TravelMode mode) const noexcept {
    if (empty()) return road_s;
    const DriveTimeBand& b = band_of(crow_km);
    const double h = hour_factor[static_cast<std::size_t>(std::clamp(hour, 0, 23))];
    const double d =
        day_factor[std::min<std::size_t>(static_cast<std::size_t>(day), kDayKinds - 1)];
    const double m = mode_factor[mode == TravelMode::kLightsAndSirens ? 0 : 1];
    return std::max(0.0, h * d * m * (b.intercept_s + b.factor * road_s));
  }
  // The p-quantile of the real drive for a road-model time of `road_s` seconds.
  [[nodiscard]] double quantile_s(double road_s, double crow_km, int hour, DayKind day,
                                  TravelMode mode, double p) const noexcept {
    if (empty() || !std::isfinite(road_s)) return road_s;
    return fitted_s(road_s, crow_km, hour, day, mode) * band_of(crow_km).residual.at(p);
  }
  [[nodiscard]] double median_s(double road_s, double crow_km, int hour, DayKind day,
                                TravelMode mode) const noexcept {
    return quantile_s(road_s, crow_km, hour, day, mode, 0.5);
  }
  // Deciseconds in, deciseconds out (kInfWeight stays infinite), rounded to nearest.
  [[nodiscard]] Weight quantile_ds(Weight road, double crow_km, int hour, DayKind day,
                                   TravelMode mode, double p) const noexcept {
    if (road == kInfWeight) return kInfWeight;
    const double s = quantile_s(static_cast<double>(road) / 10.0, crow_km, hour, day, mode, p);
    const double ds = std::round(s * 10.0);
    return ds >= static_cast<double>(kInfWeight) ? kInfWeight - 1 : static_cast<Weight>(ds);
  }

 private:
  static constexpr std::array<double, 24> filled(double v) noexcept {
    std::array<double, 24> a{};
    for (double& x : a) x = v;
    return a;
  }
};

// Crow-fly kilometres between two road positions (their nearer intersections; the band
// edges are kilometres apart, so the approximation never matters).
[[nodiscard]] inline double crow_km(const RoadGraph& g, const RoadPosition& a,
                                    const RoadPosition& b) noexcept {
  auto point = [&](const RoadPosition& p) {
    if (p.is_node()) return g.coordinate(p.node());
    return g.coordinate(p.fraction() < 0.5f ? g.tail(p.arc()) : g.head(p.arc()));
  };
  if (!a.valid() || !b.valid()) return 0.0;
  return haversine(point(a), point(b)).value() / 1000.0;
}

// A TravelTimeOracle whose answers are a DriveTimeModel's median over `base`'s road
// times; the p10..p90 band (by default) of the last query is kept per unit.
template <TravelTimeOracle Base>
class CalibratedOracle {
 public:
  // `base`, `graph` and `model` must outlive the oracle.
  CalibratedOracle(Base& base, const RoadGraph& graph, const DriveTimeModel& model,
                   double band_low = 0.1, double band_high = 0.9) noexcept
      : base_(&base), graph_(&graph), model_(&model), band_low_(band_low), band_high_(band_high) {}

  // The local hour of day (0-23) the next queries are for (traffic differs by hour).
  void set_local_hour(int hour) noexcept { hour_ = std::clamp(hour, 0, 23); }
  [[nodiscard]] int local_hour() const noexcept { return hour_; }
  // The kind of day the next queries are for (DayKind::kWorking until set).
  void set_day_kind(DayKind day) noexcept { day_ = day; }
  [[nodiscard]] DayKind day_kind() const noexcept { return day_; }

  [[nodiscard]] absl::Status sync(const Fleet& fleet) noexcept {
    try {
      positions_.resize(fleet.size());
      low_.resize(fleet.size(), kInfWeight);
      high_.resize(fleet.size(), kInfWeight);
    } catch (const std::bad_alloc&) {
      return detail::out_of_memory("CalibratedOracle::sync: growing to the fleet's size");
    }
    for (const Unit& u : fleet.units()) positions_[u.id().value()] = u.position();
    return base_->sync(fleet);
  }

  void travel_times_to(const RoadPosition& target, TravelMode mode,
                       std::span<Weight> out) noexcept {
    base_->travel_times_to(target, mode, out);
    const std::size_t n = std::min(out.size(), positions_.size());
    for (std::size_t u = 0; u < n; ++u) {
      const Weight road = out[u];
      const double km = crow_km(*graph_, positions_[u], target);
      low_[u] = model_->quantile_ds(road, km, hour_, day_, mode, band_low_);
      high_[u] = model_->quantile_ds(road, km, hour_, day_, mode, band_high_);
      out[u] = model_->quantile_ds(road, km, hour_, day_, mode, 0.5);
    }
    for (std::size_t u = n; u < out.size(); ++u) out[u] = kInfWeight;
  }

  // Unit u's band in the last query (road part only; kInfWeight if not computed).
  [[nodiscard]] Weight low(UnitId u) const noexcept {
    return u.value() < low_.size() ? low_[u.value()] : kInfWeight;
  }
  [[nodiscard]] Weight high(UnitId u) const noexcept {
    return u.value() < high_.size() ? high_[u.value()] : kInfWeight;
  }
  [[nodiscard]] const DriveTimeModel& model() const noexcept { return *model_; }

 private:
  Base* base_;
  const RoadGraph* graph_;
  const DriveTimeModel* model_;
  double band_low_, band_high_;
  int hour_ = 12;
  DayKind day_ = DayKind::kWorking;
  std::vector<RoadPosition> positions_;
  std::vector<Weight> low_, high_;
};

// Fills every candidate's eta_low / eta_high (turnout + the unit's band) from the oracle
// that answered `rec`'s query. noexcept, no allocation.
template <class Base>
void attach_eta_bands(Recommendation& rec, const CalibratedOracle<Base>& oracle) noexcept {
  for (Candidate& c : rec.candidates) {
    c.eta_low = Deciseconds(add_weights(c.turnout.count(), oracle.low(c.unit)));
    c.eta_high = Deciseconds(add_weights(c.turnout.count(), oracle.high(c.unit)));
  }
}

DISPATCHKIT_NAMESPACE_END
