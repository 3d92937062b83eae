// dispatchkit/sim/calibration_model.hpp: a replay model fitted from a city's record, as data.
//
//   absl::StatusOr<Calibration> cal = fit_calibration(fit_inputs, record);
//   absl::StatusOr<Calibration> cal = load_calibration("calib.json");  // sim/io/
//   DayKind day = cal->day_kind_at(t, zone);       // working day, weekend or holiday
//   cal->drive.median_s(road_s, crow_km, hour, day, mode);  // recommend/drive_time_model.hpp
//   cal->turnout.quantile_s(PriorityGrade::kI, /*als=*/true, hour, 0.5);
//   cal->service.for_call_type("Medical Incident").on_scene_transport.at(0.5);
//   options.calibration = std::make_shared<const Calibration>(*std::move(cal));  // ReplayOptions
//
// Four parts, each fitted where the record holds enough and falling back (documented per
// part, and flagged in the part itself) where it does not:
//   drive    DriveTimeModel: road-model time -> real drive, per distance band, hour and
//            kind of day (the calendar of holidays it was fitted with is kept beside it).
//   turnout  dispatch -> wheels rolling of a unit waiting at its post, by grade, unit type
//            (ALS / BLS) and local hour; a cell with too few samples falls back to grade
//            and type over all hours, then to type, then to every turnout, and without any
//            sample to FleetOptions::turnout_at_station.
//   service  on scene (with and without transport) and handover at hospital, by call
//            type; a call type with too few samples uses every call's.
//   posts    where each unit really waits: the station (of the stations file) from which
//            its recorded drives are best explained, when that beats its home station;
//            otherwise its home station.
// A Calibration names the graph it was fitted on (RoadGraph::fingerprint): road-model
// times of another graph would be mis-scaled, so prepare_replay refuses it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/ems/vocabulary.hpp"
#include "dispatchkit/recommend/drive_time_model.hpp"
#include "dispatchkit/sim/holidays.hpp"
#include "dispatchkit/sim/local_time.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// Turnout quantiles (seconds) of one cell; grade 0 / unit type kAnyUnitType / hour -1 mean
// "any" (the fallback levels).
struct TurnoutCell {
  int grade = 0;      // 1..4 = PriorityGrade I..IV; 0 = any grade
  int unit_type = 0;  // 0 = any, 1 = BLS, 2 = ALS
  int hour = -1;      // 0..23 local; -1 = any hour
  std::uint64_t samples = 0;
  QuantileTable seconds;
};

struct TurnoutModel {
  std::vector<TurnoutCell> cells;  // the fitted ones only, any order

  [[nodiscard]] bool empty() const noexcept { return cells.empty(); }
  // The most specific fitted cell for (grade, type, hour), down the fallback chain;
  // nullptr when nothing was fitted.
  [[nodiscard]] const TurnoutCell* cell_for(PriorityGrade grade, bool als,
                                            int hour) const noexcept {
    const int g = static_cast<int>(grade), t = als ? 2 : 1;
    const int keys[4][3] = {{g, t, hour}, {g, t, -1}, {0, t, -1}, {0, 0, -1}};
    for (const auto& k : keys)
      for (const TurnoutCell& c : cells)
        if (c.grade == k[0] && c.unit_type == k[1] && c.hour == k[2]) return &c;
    return nullptr;
  }
  // Turnout in seconds at probability p; nullopt when nothing was fitted.
  [[nodiscard]] std::optional<double> quantile_s(PriorityGrade grade, bool als, int hour,
                                                 double p) const noexcept {
    const TurnoutCell* c = cell_for(grade, als, hour);
    if (c == nullptr) return std::nullopt;
    return c->seconds.at(p);
  }
};

// Service-time quantiles (seconds) of one call type.
struct ServiceTimeCell {
  std::string call_type;  // "" = every call (the fallback)
  std::uint64_t transport_samples = 0, release_samples = 0, handover_samples = 0;
  double transport_share = 0.0;      // of the ambulances that reached the scene
  QuantileTable on_scene_transport;  // on scene -> leaving with a patient
  QuantileTable on_scene_release;    // on scene -> available, no transport
  QuantileTable handover;            // at hospital -> available
};

struct ServiceTimeModel {
  std::vector<ServiceTimeCell> cells;  // "" first, then call types with enough samples

  [[nodiscard]] bool empty() const noexcept { return cells.empty(); }
  // The call type's cell, else the all-calls one (cells must not be empty).
  [[nodiscard]] const ServiceTimeCell& for_call_type(std::string_view type) const noexcept {
    for (const ServiceTimeCell& c : cells)
      if (!c.call_type.empty() && c.call_type == type) return c;
    return cells.front();
  }
};

// Where one unit waits.
struct UnitPost {
  std::string call_sign;
  std::string home_station;   // station names as in the stations file
  std::string post_station;   // == home_station when not learned
  std::uint64_t drives = 0;   // drives from its post with a known start
  double home_error_s = 0.0;  // median |error| of those drives from the home station
  double post_error_s = 0.0;  // ... from the post
  bool learned = false;       // post_station differs and explains the drives better
};

struct Calibration {
  // 2: the drive model has day-kind factors and the calibration its holiday calendar.
  static constexpr int kFormatVersion = 2;
  std::uint64_t graph_fingerprint = 0;  // RoadGraph::fingerprint() of the fitting graph
  std::string fitted_days;              // "2017-01-01..2017-01-05" (local days of the record)
  std::string calls_file;               // the record it was fitted on
  std::uint64_t calls = 0;              // replayed calls of those days
  std::uint64_t drives = 0;             // drives with a known origin it was fitted on
  std::uint64_t turnouts = 0;           // turnouts at the post it was fitted on
  DriveTimeModel drive;
  HolidayCalendar holidays;  // which days DriveTimeModel::day_factor calls holidays
  TurnoutModel turnout;
  ServiceTimeModel service;
  std::vector<UnitPost> posts;

  // The kind of day of instant `t` for the drive model, by this calibration's calendar.
  [[nodiscard]] DayKind day_kind_at(SimTime t, const TimeZone& zone) const noexcept {
    return day_kind(t, zone, holidays);
  }
  [[nodiscard]] const UnitPost* post_of(std::string_view call_sign) const noexcept {
    for (const UnitPost& p : posts)
      if (p.call_sign == call_sign) return &p;
    return nullptr;
  }
};

DISPATCHKIT_NAMESPACE_END
