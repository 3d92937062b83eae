// sim/calibration.hpp on the bundled San Francisco week: fitted on days 1-5 (2017-01-01..05),
// checked on days 6-7 (2017-01-06..07); the calib.json format; broken models and bad files.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <set>

#include "dispatchkit/sim/calibration.hpp"
#include "dispatchkit/sim/compare.hpp"
#include "dispatchkit/sim/io/calibration_json.hpp"
#include "dispatchkit/sim/replications.hpp"
#include "dispatchkit/sim/scenario.hpp"
#include "sf_week.hpp"
#include "test_data.hpp"

using namespace dispatchkit;

namespace {

using dk_sim_test::sf_paths;

// A fit on `days` of the bundled week.
absl::StatusOr<Calibration> fit_on(std::string_view days, const CalibrationOptions& options = {}) {
  ReplayScenarioOptions o;
  o.build_ch = false;
  o.replay.days = parse_local_day_range(days);
  auto s = load_replay_scenario(sf_paths(), o);
  REQUIRE(s.ok());
  return fit_calibration((*s)->inputs, (*s)->record, options);
}

// The fit on days 1-5, once for the file.
const Calibration& fitted() {
  static const Calibration cal = [] {
    absl::StatusOr<Calibration> c = fit_on("2017-01-01..2017-01-05");
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
  // Within a distance band, road time from a station the unit may not have been at says
  // little (a band's own line comes out flat): most bands take the pooled line, the same
  // for all of them, and say so.
  std::size_t bands = 0;
  const DriveTimeBand* pooled = nullptr;
  for (const DriveTimeBand& b : c.drive.bands) {
    bands += b.fitted ? 1 : 0;
    CHECK(b.residual.at(0.1) < 1.0);
    CHECK(b.residual.at(0.9) > 1.0);
    if (b.fitted) continue;
    if (pooled == nullptr) pooled = &b;
    CHECK(b.intercept_s == pooled->intercept_s);
    CHECK(b.factor == pooled->factor);
  }
  CHECK(bands >= 1);
  // Non-urgent drives are slower than the fixed lights-and-sirens ratio says.
  CHECK(c.drive.mode_fitted[1]);
  CHECK(c.drive.mode_factor[1] > 1.0);
  // New Year's Day (a Sunday) and its observed Monday drive closer to free flow than the
  // three working days; no plain weekend day was fitted, so weekends drive as working days.
  const auto working = static_cast<std::size_t>(DayKind::kWorking),
             weekend = static_cast<std::size_t>(DayKind::kWeekend),
             holiday = static_cast<std::size_t>(DayKind::kHoliday);
  CHECK(c.drive.day_fitted[working]);
  CHECK(c.drive.day_factor[working] == 1.0);
  CHECK(c.drive.day_fitted[holiday]);
  CHECK(c.drive.day_factor[holiday] < 0.95);
  CHECK(c.drive.day_samples[weekend] == 0);
  CHECK(!c.drive.day_fitted[weekend]);
  CHECK(c.drive.day_factor[weekend] == 1.0);
  CHECK(c.drive.day_samples[working] + c.drive.day_samples[holiday] <= c.drives);
  CHECK(c.holidays.us_federal);
  CHECK(!c.turnout.empty());
  CHECK(c.turnout.quantile_s(PriorityGrade::kI, true, 3, 0.5).has_value());
  REQUIRE(!c.service.empty());
  CHECK(c.service.cells.front().call_type.empty());
  CHECK(c.posts.size() == 75);
  CHECK(validate_calibration(c).ok());
}

TEST_CASE("calibration: a post is learned only on evidence it was not chosen on",
          "[sim][calibration][data]") {
  // The sign test: P(at least k of n fair coins) by hand.
  CHECK(detail::sign_test_p(5, 5) == Approx(1.0 / 32));
  CHECK(detail::sign_test_p(8, 10) == Approx(56.0 / 1024));
  CHECK(detail::sign_test_p(0, 7) == Approx(1.0));
  CHECK(detail::sign_test_p(0, 0) == Approx(1.0));
  // San Francisco's ambulances roam (they post at street corners, not only at stations):
  // on five days, few units' drives tell a station better than their own on drives the
  // choice did not see. Without the test (any best station wins), most units move, and
  // the moved posts predict the held-out days' drives worse.
  const Calibration& c = fitted();
  std::size_t learned = 0;
  for (const UnitPost& p : c.posts) learned += p.learned ? 1 : 0;
  CHECK(learned <= 4);
  CalibrationOptions loose;
  loose.post_significance = 1.0;
  absl::StatusOr<Calibration> overfit = fit_on("2017-01-01..2017-01-05", loose);
  REQUIRE(overfit.ok());
  std::size_t moved = 0;
  for (const UnitPost& p : overfit->posts) moved += p.learned ? 1 : 0;
  CHECK(moved > 20);
  auto tested = std::make_shared<const Calibration>(c);
  auto untested = std::make_shared<const Calibration>(*std::move(overfit));
  auto a = check_days(tested), b = check_days(untested);
  const EtaValidation with_test = validate_etas(a->inputs, a->record, *tested);
  const EtaValidation without = validate_etas(b->inputs, b->record, *untested);
  CHECK(with_test.overall.median_abs_error_s < without.overall.median_abs_error_s);
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

TEST_CASE("calibration: on held-out days it beats free flow and the uncalibrated replay",
          "[sim][calibration][data]") {
  auto cal = std::make_shared<const Calibration>(fitted());
  auto uncal = check_days(nullptr);
  const EtaValidation free_flow = validate_etas(uncal->inputs, uncal->record);
  const Checked c = reproduce(cal);
  // The same drives, before and after.
  CHECK(c.eta.overall.count == free_flow.overall.count);
  // The bias comes with its interval, and free flow's lies wholly below the calibrated one.
  CHECK(c.eta.overall.bias_low_s <= c.eta.overall.bias_s);
  CHECK(c.eta.overall.bias_s <= c.eta.overall.bias_high_s);
  CHECK(free_flow.overall.bias_high_s < c.eta.overall.bias_s);
  CHECK(c.check.lines[4].modelled_low_95 == c.eta.overall.bias_low_s);
  CHECK(c.eta.overall.median_abs_error_s < free_flow.overall.median_abs_error_s - 30);
  CHECK(std::fabs(c.eta.overall.bias_s) < std::fabs(free_flow.overall.bias_s) - 30);
  REQUIRE(c.check.lines.size() == 5);
  // The all-calls median is reproduced (within 5 %); the uncalibrated as_recorded replay is
  // further from the record on every line.
  CHECK(c.check.lines[0].ok);
  absl::StatusOr<ReplayResult> raw = replay_strategy(uncal->inputs, "as_recorded", uncal->ch.get());
  REQUIRE(raw.ok());
  const ReproductionCheck before =
      check_reproduction(uncal->inputs.recorded_kpis, raw->kpis, &free_flow);
  // Grade I within 8 min is left to the replications below: one seed moves it +-4 points.
  for (const std::size_t i : {0, 1, 2, 4}) {
    INFO(before.lines[i].measure);
    CHECK(before.lines[i].difference > c.check.lines[i].difference);
  }
  CHECK(!before.passed);
}

TEST_CASE("calibration: the day-kind factor keeps two holidays from speeding up a working day",
          "[sim][calibration][data]") {
  // Fitted on Jan 1-5 (New Year's Day and its observed Monday among them) and checked on
  // Friday Jan 6, a working day: with day factors, within the 15 s bias limit; the same
  // fit without them (every kind of day below min_day_drives) is more than 30 s too fast.
  auto cal = std::make_shared<const Calibration>(fitted());
  CalibrationOptions flat;
  flat.min_day_drives = 1u << 30;
  absl::StatusOr<Calibration> without = fit_on("2017-01-01..2017-01-05", flat);
  REQUIRE(without.ok());
  CHECK(!without->drive.day_fitted[static_cast<std::size_t>(DayKind::kHoliday)]);
  auto flat_cal = std::make_shared<const Calibration>(*std::move(without));
  auto friday = check_days(cal, "2017-01-06");
  auto friday_flat = check_days(flat_cal, "2017-01-06");
  const EtaValidation with_days = validate_etas(friday->inputs, friday->record, *cal);
  const EtaValidation no_days = validate_etas(friday_flat->inputs, friday_flat->record, *flat_cal);
  CHECK(with_days.overall.count == no_days.overall.count);
  CHECK(with_days.overall.count > 100);
  CHECK(std::fabs(with_days.overall.bias_s) <= 15.0);
  CHECK(no_days.overall.bias_s < -30.0);
}

TEST_CASE("replications: each draws anew, the record's decisions stay, replication 0 is the replay",
          "[sim][calibration][replications][data]") {
  auto s = check_days(std::make_shared<const Calibration>(fitted()));
  const ReplayInputs& in = s->inputs;
  // Reseeding with the inputs' own seed gives back exactly the draws prepare_replay made.
  ReplayInputs same = in;
  REQUIRE(reseed_replay(same, s->record, in.options.seed).ok());
  REQUIRE(same.calls.size() == in.calls.size());
  std::size_t redrawn = 0, sampled = 0;
  ReplayInputs other = in;
  REQUIRE(reseed_replay(other, s->record, in.options.seed + 41).ok());
  for (std::size_t i = 0; i < in.calls.size(); ++i) {
    const ReplayCall &a = in.calls[i], &b = same.calls[i], &c = other.calls[i];
    CHECK(b.turnout_draw == a.turnout_draw);
    CHECK(b.drive_draw == a.drive_draw);
    CHECK(c.recorded_dispatch == a.recorded_dispatch);  // the record's decision, not a draw
    CHECK(c.recorded_unit == a.recorded_unit);
    for (std::size_t k = 0; k < kMaxUnitsPerCall; ++k) {
      CHECK(b.service[k].on_scene_s == a.service[k].on_scene_s);
      CHECK(b.service[k].handover_s == a.service[k].handover_s);
      if (a.service[k].from_record) {
        CHECK(c.service[k].on_scene_s == a.service[k].on_scene_s);  // recorded stays recorded
      } else {
        ++sampled;
        redrawn += c.service[k].on_scene_s != a.service[k].on_scene_s ? 1 : 0;
      }
    }
    redrawn += c.turnout_draw != a.turnout_draw ? 1 : 0;
  }
  CHECK(sampled > 100);
  CHECK(redrawn > in.calls.size() / 2);

  ReplicationOptions o;
  o.replications = 6;
  std::size_t reported = 0;
  absl::StatusOr<Replications> r = replicate_replay(in, s->record, "as_recorded", s->ch.get(), o,
                                                    [&](std::size_t done, std::size_t total) {
                                                      CHECK(total == 6);
                                                      CHECK(done == ++reported);
                                                    });
  REQUIRE(r.ok());
  CHECK(reported == 6);
  REQUIRE(r->count() == 6);
  CHECK(r->first_seed == in.options.seed);
  absl::StatusOr<ReplayResult> one = replay_strategy(in, "as_recorded", s->ch.get());
  REQUIRE(one.ok());
  CHECK(r->runs[0].overall.response.median_s == one->kpis.overall.response.median_s);
  CHECK(r->runs[0].by_grade[0].within_8min == one->kpis.by_grade[0].within_8min);
  // The summary is the plain mean, min and max of the runs.
  double sum = 0, lo = 1e18, hi = -1e18;
  std::set<double> distinct;
  for (const KpiReport& k : r->runs) {
    sum += k.overall.response.median_s;
    lo = std::min(lo, k.overall.response.median_s);
    hi = std::max(hi, k.overall.response.median_s);
    distinct.insert(k.overall.response.mean_s);
  }
  CHECK(r->overall.median_s.mean == Approx(sum / 6));
  CHECK(r->overall.median_s.low == lo);
  CHECK(r->overall.median_s.high == hi);
  CHECK(distinct.size() > 1);  // the replications differ
  CHECK(r->overall.median_s.half_width_95 > 0);
  CHECK(r->overall.median_s.half_width_95 < hi - lo);
  // The same options give the same replications.
  absl::StatusOr<Replications> again =
      replicate_replay(in, s->record, "as_recorded", s->ch.get(), o);
  REQUIRE(again.ok());
  CHECK(again->overall.median_s.mean == r->overall.median_s.mean);
  CHECK(again->by_grade[0].within_8min.mean == r->by_grade[0].within_8min.mean);

  // Misuse is an error, not a silent result.
  o.replications = 0;
  CHECK(absl::IsInvalidArgument(
      replicate_replay(in, s->record, "as_recorded", s->ch.get(), o).status()));
  auto whole = check_days(std::make_shared<const Calibration>(fitted()), "2017-01-01..2017-01-07");
  RecordedCalls fewer = whole->record;
  fewer.calls.pop_back();
  ReplayInputs wrong = whole->inputs;
  const absl::Status refused = reseed_replay(wrong, fewer, 2);
  CHECK(absl::IsInvalidArgument(refused));
  CHECK(refused.message().find("not the same record") != std::string::npos);
  o.replications = 2;
  CHECK(absl::IsNotFound(replicate_replay(in, s->record, "no_such", s->ch.get(), o).status()));
}

TEST_CASE("replications: the 95 % half-width is Student t's", "[sim][replications]") {
  // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample sd sqrt(32 / 7); t(0.975, 7) = 2.365.
  const std::vector<double> v = {2, 4, 4, 4, 5, 5, 7, 9};
  CHECK(detail::mean_half_width_95(v) == Approx(2.365 * std::sqrt(32.0 / 7.0) / std::sqrt(8.0)));
  const std::vector<double> two = {1, 3};  // sd sqrt(2), t(0.975, 1) = 12.706
  CHECK(detail::mean_half_width_95(two) == Approx(12.706 * std::sqrt(2.0) / std::sqrt(2.0)));
  CHECK(detail::mean_half_width_95(std::vector<double>{4}) == 0.0);
  std::vector<double> many(100, 1.0);
  many[0] = 11.0;                           // beyond the table: the normal 1.96
  const double ss = 0.01 * 99 + 9.9 * 9.9;  // around the mean 1.1
  CHECK(detail::mean_half_width_95(many) == Approx(1.96 * std::sqrt(ss / 99) / 10));
}

TEST_CASE("the median's 95 % interval: binomial ranks, and it covers 95 % of the time",
          "[sim][statistics]") {
  std::vector<double> v(100);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i + 1);
  // n = 100: l = floor((100 - 19.6) / 2) = 40, so the 40th and 61st values.
  CHECK(detail::median_interval_95(v).low == 40.0);
  CHECK(detail::median_interval_95(v).high == 61.0);
  const std::vector<double> five = {1, 2, 3, 4, 5};  // too few: the range
  CHECK(detail::median_interval_95(five).low == 1.0);
  CHECK(detail::median_interval_95(five).high == 5.0);
  CHECK(detail::median_interval_95(std::vector<double>{}).high == 0.0);
  // Coverage on a skewed distribution (exponential, median ln 2), 4,000 samples of 101.
  std::uint64_t state = 12345;
  auto uniform = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (static_cast<double>(state >> 11) + 0.5) / 9007199254740992.0;
  };
  int covered = 0;
  std::vector<double> x(101);
  for (int trial = 0; trial < 4000; ++trial) {
    for (double& e : x) e = -std::log(uniform());
    std::sort(x.begin(), x.end());
    const detail::Interval i = detail::median_interval_95(x);
    covered += i.low <= std::log(2.0) && std::log(2.0) <= i.high ? 1 : 0;
  }
  CHECK(covered / 4000.0 > 0.935);
  CHECK(covered / 4000.0 < 0.975);
}

TEST_CASE("replications: on held-out days the replicated model reproduces the record's shares",
          "[sim][calibration][replications][data]") {
  auto cal = std::make_shared<const Calibration>(fitted());
  auto s = check_days(cal);
  ReplicationOptions o;
  o.replications = 10;
  absl::StatusOr<Replications> r =
      replicate_replay(s->inputs, s->record, "as_recorded", s->ch.get(), o);
  REQUIRE(r.ok());
  const EtaValidation eta = validate_etas(s->inputs, s->record, *cal);
  const ReproductionCheck c = check_reproduction(s->inputs.recorded_kpis, *r, &eta);
  CHECK(c.replications == 10);
  REQUIRE(c.lines.size() == 5);
  for (std::size_t i = 0; i < 4; ++i) CHECK(c.lines[i].modelled_half_width_95 > 0);
  CHECK(c.lines[0].modelled == Approx(r->overall.median_s.mean));
  // The medians (all calls, grade I) and the ETA bias are the record's, within the limits,
  // and every line is nearer the record than the uncalibrated replay's (which draws
  // nothing: one run is its mean).
  CHECK(c.lines[0].ok);
  CHECK(c.lines[2].ok);
  CHECK(c.lines[4].ok);
  auto uncal = check_days(nullptr);
  absl::StatusOr<ReplayResult> raw = replay_strategy(uncal->inputs, "as_recorded", uncal->ch.get());
  REQUIRE(raw.ok());
  const EtaValidation free_flow = validate_etas(uncal->inputs, uncal->record);
  const ReproductionCheck before =
      check_reproduction(uncal->inputs.recorded_kpis, raw->kpis, &free_flow);
  for (std::size_t i = 0; i < 5; ++i) {
    INFO(c.lines[i].measure);
    CHECK(c.lines[i].difference < before.lines[i].difference);
  }
  // The within-8 shares are not reproduced on these days (docs/replay.md); the bias line
  // reports the drives' own figure, which no replication changes.
  CHECK(c.lines[4].modelled == Approx(eta.overall.bias_s));
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
  Calibration own = c;  // a calendar of the city's own holidays survives the file
  own.holidays = *parse_holiday_calendar("none,2017-01-03");
  absl::StatusOr<Calibration> own_back = parse_calibration_json(calibration_json(own), "x.json");
  REQUIRE(own_back.ok());
  CHECK(!own_back->holidays.us_federal);
  CHECK(own_back->holidays.extra_days == own.holidays.extra_days);

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
  s = edit([](auto& j) { j["drive"]["day_factor"][2] = 0; });
  CHECK(s.message().find("day_factor[2] (holiday) is 0") != std::string::npos);
  s = edit([](auto& j) { j["holidays"]["extra"] = {"2017-01-03", "2017-02-30"}; });
  CHECK(s.message() == "calib.json: holidays.extra[1]: expected a date \"YYYY-MM-DD\"");
  s = edit([](auto& j) { j["holidays"]["extra"] = {"2017-01-04", "2017-01-03"}; });
  CHECK(s.message().find("holidays.extra are not in increasing date order") != std::string::npos);
  s = edit([](auto& j) { j["holidays"].erase("us_federal"); });
  CHECK(s.message() == "calib.json: holidays.us_federal: missing");
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
  bad_post.posts[3].post_station = "Station #999";
  bad_post.posts[3].learned = true;
  o.replay.calibration = std::make_shared<const Calibration>(bad_post);
  auto no_station = load_replay_scenario(sf_paths(), o);
  REQUIRE(!no_station.ok());
  CHECK(no_station.status().message().find("Station #999") != std::string::npos);
}

TEST_CASE("calibration: a record without enough usable drives is an error, not a silent fit",
          "[sim][calibration][data]") {
  CalibrationOptions strict;
  strict.min_drives = 100000;
  absl::StatusOr<Calibration> c = fit_on("2017-01-03", strict);
  REQUIRE(!c.ok());
  CHECK(absl::IsFailedPrecondition(c.status()));
  CHECK(c.status().message().find("no usable drives") != std::string::npos);
  // Inputs prepared with a calibration are not fitted on again.
  ReplayScenarioOptions with;
  with.build_ch = false;
  with.replay.days = parse_local_day_range("2017-01-03");
  with.replay.calibration = std::make_shared<const Calibration>(fitted());
  auto w = load_replay_scenario(sf_paths(), with);
  REQUIRE(w.ok());
  CHECK(absl::IsInvalidArgument(fit_calibration((*w)->inputs, (*w)->record).status()));
}
