// sim/calibration.hpp on the bundled San Francisco week: fitted on days 1-5 (2017-01-01..05),
// checked on days 6-7 (2017-01-06..07); the calib.json format; broken models and bad files.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>

#include "dispatchkit/sim/calibration.hpp"
#include "dispatchkit/sim/compare.hpp"
#include "dispatchkit/sim/io/calibration_json.hpp"
#include "dispatchkit/sim/scenario.hpp"
#include "sf_week.hpp"
#include "test_data.hpp"

using namespace dispatchkit;

namespace {

using dk_sim_test::sf_paths;

// The fit on days 1-5, once for the file.
const Calibration& fitted() {
  static const Calibration cal = [] {
    ReplayScenarioOptions o;
    o.build_ch = false;
    o.replay.days = parse_local_day_range("2017-01-01..2017-01-05");
    auto s = load_replay_scenario(sf_paths(), o);
    REQUIRE(s.ok());
    absl::StatusOr<Calibration> c = fit_calibration((*s)->inputs, (*s)->record);
    REQUIRE(c.ok());
    return *std::move(c);
  }();
  return cal;
}

std::unique_ptr<ReplayScenario> check_days(std::shared_ptr<const Calibration> cal,
                                           std::string_view days = "2017-01-06..2017-01-07") {
  ReplayScenarioOptions o;
  o.replay.days = parse_local_day_range(days);
  o.replay.calibration = std::move(cal);
  auto s = load_replay_scenario(sf_paths(), o);
  REQUIRE(s.ok());
  return *std::move(s);
}

struct Checked {
  ReproductionCheck check;
  EtaValidation eta;
};
Checked reproduce(std::shared_ptr<const Calibration> cal,
                  std::string_view days = "2017-01-06..2017-01-07") {
  auto s = check_days(cal, days);
  absl::StatusOr<ReplayResult> run = replay_strategy(s->inputs, "as_recorded", s->ch.get());
  REQUIRE(run.ok());
  Checked c;
  c.eta = validate_etas(s->inputs, s->record, *cal);
  c.check = check_reproduction(s->inputs.recorded_kpis, run->kpis, &c.eta);
  return c;
}

}  // namespace

TEST_CASE("calibration: what a week's first five days fit", "[sim][calibration][data]") {
  const Calibration& c = fitted();
  CHECK(c.fitted_days == "2017-01-01..2017-01-05");
  CHECK(c.drives > 500);
  CHECK(c.turnouts > 500);
  REQUIRE(c.drive.bands.size() == kEtaDistanceBands);
  std::size_t bands = 0;
  for (const DriveTimeBand& b : c.drive.bands) {
    bands += b.fitted ? 1 : 0;
    CHECK(b.residual.at(0.1) < 1.0);
    CHECK(b.residual.at(0.9) > 1.0);
  }
  CHECK(bands >= 3);
  // Non-urgent drives are slower than the fixed lights-and-sirens ratio says.
  CHECK(c.drive.mode_fitted[1]);
  CHECK(c.drive.mode_factor[1] > 1.0);
  CHECK(!c.turnout.empty());
  CHECK(c.turnout.quantile_s(PriorityGrade::kI, true, 3, 0.5).has_value());
  REQUIRE(!c.service.empty());
  CHECK(c.service.cells.front().call_type.empty());
  CHECK(c.posts.size() == 75);
  CHECK(validate_calibration(c).ok());
}

TEST_CASE("calibration: on its own days as_recorded reproduces the record on every line",
          "[sim][calibration][data]") {
  const Checked c =
      reproduce(std::make_shared<const Calibration>(fitted()), "2017-01-01..2017-01-05");
  for (const ReproductionLine& l : c.check.lines) {
    INFO(l.measure << ": recorded " << l.recorded << ", modelled " << l.modelled);
    CHECK(l.ok);
  }
  CHECK(c.check.passed);
}

TEST_CASE("calibration: on held-out days it beats free flow and reproduces grade I",
          "[sim][calibration][data]") {
  auto cal = std::make_shared<const Calibration>(fitted());
  auto uncal = check_days(nullptr);
  const EtaValidation free_flow = validate_etas(uncal->inputs, uncal->record);
  const Checked c = reproduce(cal);
  // The same drives, before and after.
  CHECK(c.eta.overall.count == free_flow.overall.count);
  CHECK(c.eta.overall.median_abs_error_s < free_flow.overall.median_abs_error_s - 30);
  CHECK(std::fabs(c.eta.overall.bias_s) < std::fabs(free_flow.overall.bias_s) - 30);
  REQUIRE(c.check.lines.size() == 5);
  // Grade I (lights and sirens) is reproduced: median within 5 %, within-8 within 3 points.
  CHECK(c.check.lines[2].ok);
  CHECK(c.check.lines[3].ok);
  CHECK(c.check.lines[1].ok);
  // The uncalibrated as_recorded replay is further from the record on every grade I line.
  absl::StatusOr<ReplayResult> raw = replay_strategy(uncal->inputs, "as_recorded", uncal->ch.get());
  REQUIRE(raw.ok());
  const ReproductionCheck before =
      check_reproduction(uncal->inputs.recorded_kpis, raw->kpis, &free_flow);
  CHECK(before.lines[2].difference > c.check.lines[2].difference);
  CHECK(before.lines[3].difference > c.check.lines[3].difference);
  CHECK(!before.passed);
}

TEST_CASE("calibration: a model broken on purpose (drives x 1.5) is flagged",
          "[sim][calibration][data]") {
  Calibration broken = fitted();
  for (DriveTimeBand& b : broken.drive.bands) {
    b.intercept_s *= 1.5;
    b.factor *= 1.5;
  }
  const Checked c = reproduce(std::make_shared<const Calibration>(broken));
  CHECK(!c.check.passed);
  CHECK(!c.check.lines[0].ok);  // median response, all calls
  CHECK(!c.check.lines[2].ok);  // median response, grade I
  CHECK(!c.check.lines[4].ok);  // ETA bias
  CHECK(c.eta.overall.bias_s > 60);
}

TEST_CASE("calibration: calib.json round-trips and bad files are named errors",
          "[sim][calibration][data]") {
  const Calibration& c = fitted();
  const std::string text = calibration_json(c);
  absl::StatusOr<Calibration> back = parse_calibration_json(text, "calib.json");
  REQUIRE(back.ok());
  CHECK(calibration_json(*back) == text);

  auto edit = [&](auto&& change) {
    auto j = nlohmann::ordered_json::parse(text);
    change(j);
    return parse_calibration_json(j.dump(), "calib.json").status();
  };
  absl::Status s = edit([](auto& j) { j["drive"]["bands"][2].erase("factor"); });
  CHECK(absl::IsInvalidArgument(s));
  CHECK(s.message() == "calib.json: drive.bands[2].factor: missing");
  s = edit([](auto& j) { j["drive"]["bands"][1]["factor"] = nullptr; });  // a NaN written
  CHECK(absl::IsInvalidArgument(s));
  CHECK(s.message().find("drive band 1 factor is nan") != std::string::npos);
  s = edit([](auto& j) { j["drive"]["hour_factor"][3] = -0.5; });
  CHECK(s.message().find("hour_factor[3] is -0.5") != std::string::npos);
  s = edit([](auto& j) { j["turnout"]["cells"][0]["quantiles_s"][4] = -3; });
  CHECK(s.message().find("turnout") != std::string::npos);
  s = edit([](auto& j) { j["version"] = 7; });
  CHECK(s.message().find("version 7") != std::string::npos);
  s = edit([](auto& j) { j.erase("posts"); });
  CHECK(s.message() == "calib.json: posts: missing");
  CHECK(absl::IsInvalidArgument(parse_calibration_json("{not json", "calib.json").status()));

  // A calibration of another graph is refused where it is used, never applied silently.
  Calibration other = c;
  other.graph_fingerprint ^= 1;
  ReplayScenarioOptions o;
  o.replay.calibration = std::make_shared<const Calibration>(other);
  auto refused = load_replay_scenario(sf_paths(), o);
  REQUIRE(!refused.ok());
  CHECK(absl::IsFailedPrecondition(refused.status()));
  CHECK(refused.status().message().find("fitted on graph") != std::string::npos);
  // A post that is not a station.
  Calibration bad_post = c;
  for (UnitPost& p : bad_post.posts)
    if (p.learned) p.post_station = "Station #999";
  o.replay.calibration = std::make_shared<const Calibration>(bad_post);
  auto no_station = load_replay_scenario(sf_paths(), o);
  REQUIRE(!no_station.ok());
  CHECK(no_station.status().message().find("Station #999") != std::string::npos);
}

TEST_CASE("calibration: a record without enough usable drives is an error, not a silent fit",
          "[sim][calibration][data]") {
  ReplayScenarioOptions o;
  o.build_ch = false;
  o.replay.days = parse_local_day_range("2017-01-03");
  auto s = load_replay_scenario(sf_paths(), o);
  REQUIRE(s.ok());
  CalibrationOptions strict;
  strict.min_drives = 100000;
  absl::StatusOr<Calibration> c = fit_calibration((*s)->inputs, (*s)->record, strict);
  REQUIRE(!c.ok());
  CHECK(absl::IsFailedPrecondition(c.status()));
  CHECK(c.status().message().find("no usable drives") != std::string::npos);
  // Inputs prepared with a calibration are not fitted on again.
  ReplayScenarioOptions with = o;
  with.replay.calibration = std::make_shared<const Calibration>(fitted());
  auto w = load_replay_scenario(sf_paths(), with);
  REQUIRE(w.ok());
  CHECK(absl::IsInvalidArgument(fit_calibration((*w)->inputs, (*w)->record).status()));
}
