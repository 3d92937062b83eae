// dispatchkit/sim/io/calibration_json.hpp: a Calibration as calib.json, written and read back.
//
//   absl::Status w = write_calibration_file(calibration, "calib.json");
//   absl::StatusOr<Calibration> c = load_calibration("calib.json");   // checks every field
//   std::string text = calibration_json(calibration);                 // the same, in memory
//
// The file is plain JSON (read with nlohmann::json, Debian's nlohmann-json3-dev): a
// format name and version, the graph fingerprint (hex) it was fitted on, the fitting days
// and record, then `drive` (bands with intercept_s, factor, samples, fitted, residual
// quantiles; hour_factor / hour_samples / hour_fitted; day_factor, day_samples, day_fitted
// for working day, weekend, holiday; mode_factor ...), `holidays` (us_federal, extra dates),
// `turnout` (cells: grade, unit_type, hour, samples, quantiles_s), `service` (cells by
// call_type) and `posts` (one per unit).
// Quantile lists have 21 entries: 0, 5, ..., 100 %. docs/replay.md lists every field.
//
// Reading is strict: a missing or mistyped field is an InvalidArgument naming the file and
// the field's path ("calib.json: drive.bands[2].factor: missing"), and the values are then
// checked by validate_calibration (NaN, infinite, negative, decreasing quantiles). A file
// fitted on another graph is only refused when it is used (prepare_replay), where the
// graph is known.
#pragma once

#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/sim/calibration.hpp"
#include "dispatchkit/sim/calibration_model.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

inline constexpr std::string_view kCalibrationFormat = "dispatchkit-calibration";

[[nodiscard]] std::string calibration_json(const Calibration& c);
[[nodiscard]] absl::Status write_calibration_file(const Calibration& c, const std::string& path);
// `source` names the text in messages (a path).
[[nodiscard]] absl::StatusOr<Calibration> parse_calibration_json(std::string_view text,
                                                                 std::string_view source);
[[nodiscard]] absl::StatusOr<Calibration> load_calibration(const std::string& path);

// ---------------------------------------------------------------------------------------
// Implementation.

namespace detail {

using Json = nlohmann::ordered_json;

inline Json quantiles_json(const QuantileTable& t) {
  Json a = Json::array();
  for (double v : t.q) a.push_back(v);
  return a;
}

// Reads fields of one object, remembering the first problem with its path.
class JsonFields {
 public:
  JsonFields(const Json& j, std::string path, absl::Status* status)
      : j_(j), path_(std::move(path)), status_(status) {
    if (!j_.is_object()) fail("", "expected an object");
  }
  [[nodiscard]] const Json* get(std::string_view key) {
    if (!status_->ok() || !j_.is_object()) return nullptr;
    const auto it = j_.find(std::string(key));
    if (it == j_.end()) {
      fail(key, "missing");
      return nullptr;
    }
    return &*it;
  }
  double number(std::string_view key) {
    const Json* v = get(key);
    if (v == nullptr) return 0.0;
    if (v->is_null()) return std::nan("");  // JSON has no NaN: a writer's NaN became null
    if (!v->is_number()) fail(key, "expected a number");
    return v->is_number() ? v->get<double>() : 0.0;
  }
  std::uint64_t count(std::string_view key) {
    const Json* v = get(key);
    if (v == nullptr) return 0;
    if (!v->is_number_unsigned()) {
      fail(key, "expected a count (an integer >= 0)");
      return 0;
    }
    return v->get<std::uint64_t>();
  }
  int integer(std::string_view key, int lo, int hi) {
    const Json* v = get(key);
    if (v == nullptr) return lo;
    if (!v->is_number_integer() || v->get<std::int64_t>() < lo || v->get<std::int64_t>() > hi) {
      fail(key, absl::StrCat("expected an integer in [", lo, ", ", hi, "]"));
      return lo;
    }
    return static_cast<int>(v->get<std::int64_t>());
  }
  bool boolean(std::string_view key) {
    const Json* v = get(key);
    if (v == nullptr) return false;
    if (!v->is_boolean()) fail(key, "expected true or false");
    return v->is_boolean() && v->get<bool>();
  }
  std::string string(std::string_view key) {
    const Json* v = get(key);
    if (v == nullptr) return {};
    if (!v->is_string()) fail(key, "expected a string");
    return v->is_string() ? v->get<std::string>() : std::string();
  }
  const Json* array(std::string_view key) {
    const Json* v = get(key);
    if (v != nullptr && !v->is_array()) {
      fail(key, "expected an array");
      return nullptr;
    }
    return v;
  }
  // A fixed-length array of numbers (a null is a NaN the writer met), counts or flags.
  template <class T>
  void fixed_array(std::string_view key, std::span<T> out) {
    const Json* a = array(key);
    if (a == nullptr) return;
    if (a->size() != out.size()) {
      fail(key, absl::StrCat("expected ", out.size(), " entries"));
      return;
    }
    for (std::size_t i = 0; i < out.size() && status_->ok(); ++i) {
      const Json& v = (*a)[i];
      const std::string at = absl::StrCat(detail::as_absl(key), "[", i, "]");
      if constexpr (std::is_same_v<T, double>) {
        if (v.is_null())
          out[i] = std::nan("");
        else if (v.is_number())
          out[i] = v.get<double>();
        else
          fail(at, "expected a number");
      } else if constexpr (std::is_same_v<T, bool>) {
        if (v.is_boolean())
          out[i] = v.get<bool>();
        else
          fail(at, "expected true or false");
      } else {
        if (v.is_number_unsigned())
          out[i] = v.get<T>();
        else
          fail(at, "expected a count");
      }
    }
  }
  QuantileTable quantiles(std::string_view key) {
    QuantileTable t;
    const Json* a = array(key);
    if (a == nullptr) return t;
    if (a->size() != QuantileTable::kSteps) {
      fail(key, absl::StrCat("expected ", QuantileTable::kSteps, " quantiles (0, 5, ..., 100 %)"));
      return t;
    }
    fixed_array<double>(key, t.q);
    return t;
  }
  std::string path(std::string_view key) const {
    return path_.empty() ? std::string(key) : absl::StrCat(path_, ".", detail::as_absl(key));
  }
  void fail(std::string_view key, std::string_view what) {
    if (status_->ok())
      *status_ = absl::InvalidArgumentError(absl::StrCat(path(key), ": ", detail::as_absl(what)));
  }

 private:
  const Json& j_;
  std::string path_;
  absl::Status* status_;
};

}  // namespace detail

inline std::string calibration_json(const Calibration& c) {
  using detail::Json;
  using detail::quantiles_json;
  Json j;
  j["format"] = kCalibrationFormat;
  j["version"] = Calibration::kFormatVersion;
  char fp[24];
  std::snprintf(fp, sizeof fp, "%016llx", static_cast<unsigned long long>(c.graph_fingerprint));
  j["graph_fingerprint"] = fp;
  j["fitted_days"] = c.fitted_days;
  j["calls_file"] = c.calls_file;
  j["calls"] = c.calls;
  j["drives"] = c.drives;
  j["turnouts"] = c.turnouts;
  Json drive;
  drive["model"] =
      "drive = hour_factor[h] * day_factor[d] * mode_factor[m] * (intercept_s + factor * road_s) "
      "* residual";
  Json bands = Json::array();
  for (const DriveTimeBand& b : c.drive.bands) {
    Json x;
    x["up_to_km"] = std::isfinite(b.up_to_km) ? Json(b.up_to_km) : Json(nullptr);
    x["intercept_s"] = b.intercept_s;
    x["factor"] = b.factor;
    x["samples"] = b.samples;
    x["fitted"] = b.fitted;
    x["residual"] = quantiles_json(b.residual);
    bands.push_back(std::move(x));
  }
  drive["bands"] = std::move(bands);
  drive["hour_factor"] = c.drive.hour_factor;
  drive["hour_samples"] = c.drive.hour_samples;
  drive["hour_fitted"] = c.drive.hour_fitted;
  drive["day_factor"] = c.drive.day_factor;  // [working, weekend, holiday]
  drive["day_samples"] = c.drive.day_samples;
  drive["day_fitted"] = c.drive.day_fitted;
  drive["mode_factor"] = c.drive.mode_factor;  // [lights_and_sirens, normal]
  drive["mode_samples"] = c.drive.mode_samples;
  drive["mode_fitted"] = c.drive.mode_fitted;
  j["drive"] = std::move(drive);
  j["holidays"]["us_federal"] = c.holidays.us_federal;
  j["holidays"]["extra"] = Json::array();
  for (const std::int64_t d : c.holidays.extra_days) j["holidays"]["extra"].push_back(iso_date(d));
  Json cells = Json::array();
  for (const TurnoutCell& t : c.turnout.cells) {
    Json x;
    x["grade"] = t.grade;
    x["unit_type"] = t.unit_type;
    x["hour"] = t.hour;
    x["samples"] = t.samples;
    x["quantiles_s"] = quantiles_json(t.seconds);
    cells.push_back(std::move(x));
  }
  j["turnout"]["cells"] = std::move(cells);
  Json service = Json::array();
  for (const ServiceTimeCell& s : c.service.cells) {
    Json x;
    x["call_type"] = s.call_type;
    x["transport_share"] = s.transport_share;
    x["transport_samples"] = s.transport_samples;
    x["release_samples"] = s.release_samples;
    x["handover_samples"] = s.handover_samples;
    x["on_scene_transport_s"] = quantiles_json(s.on_scene_transport);
    x["on_scene_release_s"] = quantiles_json(s.on_scene_release);
    x["handover_s"] = quantiles_json(s.handover);
    service.push_back(std::move(x));
  }
  j["service"]["cells"] = std::move(service);
  Json posts = Json::array();
  for (const UnitPost& p : c.posts) {
    Json x;
    x["call_sign"] = p.call_sign;
    x["home_station"] = p.home_station;
    x["post_station"] = p.post_station;
    x["drives"] = p.drives;
    x["home_error_s"] = p.home_error_s;
    x["post_error_s"] = p.post_error_s;
    x["learned"] = p.learned;
    posts.push_back(std::move(x));
  }
  j["posts"] = std::move(posts);
  return j.dump(1) + "\n";
}

inline absl::Status write_calibration_file(const Calibration& c, const std::string& path) {
  return write_file_atomically(path, calibration_json(c));
}

inline absl::StatusOr<Calibration> parse_calibration_json(std::string_view text,
                                                          std::string_view source) {
  using detail::Json;
  using detail::JsonFields;
  const Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  auto err = [&](const absl::Status& s) {
    return absl::InvalidArgumentError(absl::StrCat(detail::as_absl(source), ": ", s.message()));
  };
  if (j.is_discarded())
    return absl::InvalidArgumentError(absl::StrCat(
        detail::as_absl(source), ": not valid JSON (a calibration from dk-calibrate)"));
  absl::Status st;
  Calibration c;
  JsonFields top(j, "", &st);
  if (top.string("format") != kCalibrationFormat && st.ok())
    top.fail("format", absl::StrCat("expected \"", detail::as_absl(kCalibrationFormat), "\""));
  if (const int v = top.integer("version", 0, 1 << 20); st.ok() && v != Calibration::kFormatVersion)
    top.fail("version", absl::StrCat("version ", v, " is not ", Calibration::kFormatVersion,
                                     " (refit with this dk-calibrate)"));
  {
    const std::string fp = top.string("graph_fingerprint");
    char* end = nullptr;
    c.graph_fingerprint = std::strtoull(fp.c_str(), &end, 16);
    if (st.ok() && (fp.size() != 16 || end != fp.c_str() + fp.size()))
      top.fail("graph_fingerprint", "expected 16 hex digits");
  }
  c.fitted_days = top.string("fitted_days");
  c.calls_file = top.string("calls_file");
  c.calls = top.count("calls");
  c.drives = top.count("drives");
  c.turnouts = top.count("turnouts");
  if (const Json* drive = top.get("drive")) {
    JsonFields d(*drive, "drive", &st);
    if (const Json* bands = d.array("bands")) {
      for (std::size_t b = 0; b < bands->size() && st.ok(); ++b) {
        JsonFields f((*bands)[b], absl::StrCat("drive.bands[", b, "]"), &st);
        DriveTimeBand band;
        const Json* up = f.get("up_to_km");
        if (up != nullptr && !up->is_null()) band.up_to_km = f.number("up_to_km");
        if (up != nullptr && up->is_null() && b + 1 != bands->size())
          f.fail("up_to_km", "only the last band may be unbounded (null)");
        band.intercept_s = f.number("intercept_s");
        band.factor = f.number("factor");
        band.samples = f.count("samples");
        band.fitted = f.boolean("fitted");
        band.residual = f.quantiles("residual");
        c.drive.bands.push_back(band);
      }
      if (st.ok() && c.drive.bands.empty()) d.fail("bands", "expected at least one band");
    }
    d.fixed_array<double>("hour_factor", c.drive.hour_factor);
    d.fixed_array<std::uint64_t>("hour_samples", c.drive.hour_samples);
    d.fixed_array<bool>("hour_fitted", c.drive.hour_fitted);
    d.fixed_array<double>("day_factor", c.drive.day_factor);
    d.fixed_array<std::uint64_t>("day_samples", c.drive.day_samples);
    d.fixed_array<bool>("day_fitted", c.drive.day_fitted);
    d.fixed_array<double>("mode_factor", c.drive.mode_factor);
    d.fixed_array<std::uint64_t>("mode_samples", c.drive.mode_samples);
    d.fixed_array<bool>("mode_fitted", c.drive.mode_fitted);
  }
  if (const Json* holidays = top.get("holidays")) {
    JsonFields h(*holidays, "holidays", &st);
    c.holidays.us_federal = h.boolean("us_federal");
    if (const Json* extra = h.array("extra"))
      for (std::size_t i = 0; i < extra->size() && st.ok(); ++i) {
        const Json& e = (*extra)[i];
        const std::optional<std::int64_t> day =
            e.is_string() ? detail::parse_iso_date(e.get_ref<const std::string&>()) : std::nullopt;
        if (!day) {
          h.fail(absl::StrCat("extra[", i, "]"), "expected a date \"YYYY-MM-DD\"");
          break;
        }
        c.holidays.extra_days.push_back(*day);
      }
  }
  if (const Json* turnout = top.get("turnout")) {
    JsonFields t(*turnout, "turnout", &st);
    if (const Json* cells = t.array("cells"))
      for (std::size_t i = 0; i < cells->size() && st.ok(); ++i) {
        JsonFields f((*cells)[i], absl::StrCat("turnout.cells[", i, "]"), &st);
        TurnoutCell cell;
        cell.grade = f.integer("grade", 0, 4);
        cell.unit_type = f.integer("unit_type", 0, 2);
        cell.hour = f.integer("hour", -1, 23);
        cell.samples = f.count("samples");
        cell.seconds = f.quantiles("quantiles_s");
        c.turnout.cells.push_back(cell);
      }
  }
  if (const Json* service = top.get("service")) {
    JsonFields s(*service, "service", &st);
    if (const Json* cells = s.array("cells"))
      for (std::size_t i = 0; i < cells->size() && st.ok(); ++i) {
        JsonFields f((*cells)[i], absl::StrCat("service.cells[", i, "]"), &st);
        ServiceTimeCell cell;
        cell.call_type = f.string("call_type");
        cell.transport_share = f.number("transport_share");
        cell.transport_samples = f.count("transport_samples");
        cell.release_samples = f.count("release_samples");
        cell.handover_samples = f.count("handover_samples");
        cell.on_scene_transport = f.quantiles("on_scene_transport_s");
        cell.on_scene_release = f.quantiles("on_scene_release_s");
        cell.handover = f.quantiles("handover_s");
        c.service.cells.push_back(std::move(cell));
      }
  }
  if (const Json* posts = top.array("posts"))
    for (std::size_t i = 0; i < posts->size() && st.ok(); ++i) {
      JsonFields f((*posts)[i], absl::StrCat("posts[", i, "]"), &st);
      UnitPost p;
      p.call_sign = f.string("call_sign");
      p.home_station = f.string("home_station");
      p.post_station = f.string("post_station");
      p.drives = f.count("drives");
      p.home_error_s = f.number("home_error_s");
      p.post_error_s = f.number("post_error_s");
      p.learned = f.boolean("learned");
      c.posts.push_back(std::move(p));
    }
  if (!st.ok()) return err(st);
  if (const absl::Status v = validate_calibration(c); !v.ok()) return err(v);
  return c;
}

inline absl::StatusOr<Calibration> load_calibration(const std::string& path) {
  DK_ASSIGN_OR_RETURN(const std::string text, read_file(path));
  return parse_calibration_json(text, path);
}

DISPATCHKIT_NAMESPACE_END
