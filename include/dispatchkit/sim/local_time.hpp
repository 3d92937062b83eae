// dispatchkit/sim/local_time.hpp: recorded wall-clock stamps to simulated time and back.
// SimTime is triage's clock type (triage/time.hpp): std::chrono::sys_seconds, UTC.
//
//   absl::StatusOr<TimeZone> la = TimeZone::load("America/Los_Angeles");  // IANA name
//   std::optional<SimTime> t = parse_us_timestamp("12/31/2016 11:57:56 PM", *la);
//   int hour = local_hour(*t, *la);                                      // 23
//   std::optional<SimTime> u = parse_iso_timestamp("2017-01-01T15:57:56+08:00", *la);
//   std::string v = tz_database_version();                               // "2025b"
//
// CAD exports write local civil time ("MM/DD/YYYY hh:mm:ss AM/PM" in San Francisco's
// open data, ISO 8601 with or without an offset elsewhere). A replay needs durations that
// stay right across daylight-saving switches and an hour of day in local time (for
// time-of-day travel times and the ETA error by hour), so stamps are converted to UTC
// seconds (SimTime) with the zone's rules. The rules are the IANA time-zone database's
// (Debian's tzdata, /usr/share/zoneinfo, or $TZDIR), read through Abseil's time zones
// (absl/time, the cctz library): every zone of the world with its history, so that
// Hangzhou (Asia/Shanghai), Auckland (Pacific/Auckland) or a city that changed its rules
// replays in its own local time. Rules change with database releases, so a report records
// the zone's name and tz_database_version() to make a run repeatable.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/civil_date.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/io/text.hpp"
#include "dispatchkit/triage/time.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// A time zone: an IANA zone of the system's tz database ("Asia/Shanghai"), or UTC, or a
// fixed offset. Cheap to copy (Abseil's zones are loaded once per process and shared);
// every query is noexcept and allocation-free.
class TimeZone {
 public:
  // UTC.
  TimeZone() : zone_(absl::UTCTimeZone()), name_("UTC") {}

  // Loads an IANA zone name ("America/Los_Angeles", "Pacific/Auckland"), "UTC", or a
  // fixed offset written "+08:00" / "-05:30". NotFound when the tz database has no such
  // zone (a misspelling, or tzdata not installed), naming where it looked.
  [[nodiscard]] static absl::StatusOr<TimeZone> load(std::string_view name);
  [[nodiscard]] static TimeZone utc() { return TimeZone(); }
  // A zone without rules, `offset_s` east of UTC (what an ISO stamp's "+08:00" says).
  [[nodiscard]] static TimeZone fixed(std::int32_t offset_s);

  // "America/Los_Angeles", "UTC", "+08:00": what load() reads back.
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  // Offset of local time from UTC (seconds, east positive) at the UTC instant `t`.
  [[nodiscard]] std::int32_t offset_at(SimTime t) const noexcept {
    return static_cast<std::int32_t>(zone_.At(absl::FromUnixSeconds(to_unix_seconds(t))).offset);
  }
  // UTC of a local civil time given as seconds since 1970-01-01 00:00 local. A time
  // that does not exist (in a spring-forward gap) is read with the offset before the
  // switch (standard time); one that happens twice (the repeated hour in autumn) as the
  // first occurrence: what a clerk typing the wall clock most likely meant, and the
  // earlier reading never makes a later stamp of the same call run backwards.
  [[nodiscard]] SimTime from_local(std::int64_t local_seconds) const noexcept {
    const absl::CivilSecond c = absl::CivilSecond(1970, 1, 1) + local_seconds;
    return sim_time_from_unix(absl::ToUnixSeconds(zone_.At(c).pre));
  }
  [[nodiscard]] const absl::TimeZone& absl_zone() const noexcept { return zone_; }

  friend bool operator==(const TimeZone& a, const TimeZone& b) noexcept {
    return a.name_ == b.name_;
  }

 private:
  TimeZone(absl::TimeZone zone, std::string name) : zone_(zone), name_(std::move(name)) {}
  absl::TimeZone zone_;
  std::string name_;
};

// Where the tz database is read from: $TZDIR, else /usr/share/zoneinfo (Abseil's rule).
[[nodiscard]] inline std::string tz_database_dir() {
  const char* dir = std::getenv("TZDIR");
  return dir != nullptr && *dir != '\0' ? std::string(dir) : std::string("/usr/share/zoneinfo");
}

// The release of the tz database ("2025b"), from its tzdata.zi ("# version 2025b"), or
// "unknown" when the file is absent: what a report records beside the zone's name.
[[nodiscard]] inline std::string tz_database_version() {
  std::ifstream in(tz_database_dir() + "/tzdata.zi");
  std::string line;
  if (in && std::getline(in, line)) {
    constexpr std::string_view kPrefix = "# version ";
    if (std::string_view(line).substr(0, kPrefix.size()) == kPrefix)
      return std::string(trim(std::string_view(line).substr(kPrefix.size())));
  }
  return "unknown";
}

namespace detail {
// Days since 1970-01-01 of a proleptic Gregorian date (detail/civil_date.hpp).
[[nodiscard]] constexpr std::int64_t civil_to_days(std::int64_t y, unsigned m,
                                                   unsigned d) noexcept {
  return days_from_civil(y, m, d);
}

// 0 = Sunday ... 6 = Saturday, for days since 1970-01-01 (a Thursday).
[[nodiscard]] constexpr unsigned weekday_of_days(std::int64_t days) noexcept {
  return static_cast<unsigned>(days >= -4 ? (days + 4) % 7 : (days + 5) % 7 + 6);
}

// Day (days since epoch) of the n-th (1-based; n = 5 means the last) `weekday` (0 =
// Sunday) of a month: floating holidays (sim/holidays.hpp).
constexpr std::int64_t nth_weekday(std::int64_t year, unsigned month, unsigned weekday,
                                   unsigned n) noexcept {
  if (n == 5) {
    const std::int64_t next_first =
        month == 12 ? civil_to_days(year + 1, 1, 1) : civil_to_days(year, month + 1, 1);
    const std::int64_t last = next_first - 1;
    return last - static_cast<std::int64_t>((weekday_of_days(last) + 7 - weekday) % 7);
  }
  const std::int64_t first = civil_to_days(year, month, 1);
  return first + static_cast<std::int64_t>((weekday + 7 - weekday_of_days(first)) % 7) +
         7 * static_cast<std::int64_t>(n - 1);
}
inline std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}
// "+08:00", "-05:30", "+0800", "Z": seconds east of UTC; nullopt if not an offset.
[[nodiscard]] inline std::optional<std::int32_t> parse_utc_offset(std::string_view s) noexcept {
  if (s == "Z" || s == "z") return 0;
  if (s.size() != 6 && s.size() != 5 && s.size() != 3) return std::nullopt;
  if (s[0] != '+' && s[0] != '-') return std::nullopt;
  auto digit = [&](std::size_t i) { return s[i] >= '0' && s[i] <= '9'; };
  unsigned h = 0, m = 0;
  if (!digit(1) || !digit(2)) return std::nullopt;
  h = static_cast<unsigned>((s[1] - '0') * 10 + (s[2] - '0'));
  if (s.size() > 3) {
    const std::size_t at = s.size() == 6 ? 4 : 3;
    if (s.size() == 6 && s[3] != ':') return std::nullopt;
    if (!digit(at) || !digit(at + 1)) return std::nullopt;
    m = static_cast<unsigned>((s[at] - '0') * 10 + (s[at + 1] - '0'));
  }
  if (h > 18 || m > 59) return std::nullopt;
  const auto off = static_cast<std::int32_t>(h * 3600 + m * 60);
  return s[0] == '-' ? -off : off;
}
}  // namespace detail

inline TimeZone TimeZone::fixed(std::int32_t offset_s) {
  const std::int32_t a = offset_s < 0 ? -offset_s : offset_s;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset_s < 0 ? '-' : '+', a / 3600,
                (a % 3600) / 60);
  return TimeZone(absl::FixedTimeZone(offset_s), offset_s == 0 ? "UTC" : std::string(buf));
}

inline absl::StatusOr<TimeZone> TimeZone::load(std::string_view name) {
  name = trim(name);
  if (name.empty()) return absl::InvalidArgumentError("empty time zone name");
  if (name == "UTC" || name == "Etc/UTC") return utc();
  if (const std::optional<std::int32_t> off = detail::parse_utc_offset(name)) return fixed(*off);
  absl::TimeZone z;
  // Abseil falls back to UTC on a name it cannot load; only `true` means the zone is real.
  if (!absl::LoadTimeZone(std::string(name), &z))
    return absl::NotFoundError(
        absl::StrCat("unknown time zone '", detail::as_absl(name), "': not in the tz database at ",
                     tz_database_dir(),
                     " (an IANA name such as Asia/Shanghai or America/Los_Angeles; "
                     "Debian package tzdata)"));
  return TimeZone(z, std::string(name));
}

// Offset of local time from UTC (seconds, east positive) at the UTC instant `t`.
[[nodiscard]] inline std::int32_t utc_offset_at(SimTime t, const TimeZone& zone) noexcept {
  return zone.offset_at(t);
}

// UTC seconds of a local civil time given as seconds since 1970-01-01 00:00 local
// (TimeZone::from_local: a nonexistent time reads as standard time, an ambiguous one as
// its first occurrence).
[[nodiscard]] inline SimTime utc_from_local(std::int64_t local_seconds,
                                            const TimeZone& zone) noexcept {
  return zone.from_local(local_seconds);
}

// Local hour of day 0..23 at UTC instant `t`.
[[nodiscard]] inline int local_hour(SimTime t, const TimeZone& zone) noexcept {
  const std::int64_t local = to_unix_seconds(t) + utc_offset_at(t, zone);
  return static_cast<int>(detail::floor_div(local, 3600) - detail::floor_div(local, 86400) * 24);
}

// Local calendar day (days since 1970-01-01 in local civil time) of UTC instant `t`.
[[nodiscard]] inline std::int64_t local_day(SimTime t, const TimeZone& zone) noexcept {
  return detail::floor_div(to_unix_seconds(t) + utc_offset_at(t, zone), 86400);
}

// An inclusive range of local calendar days, as a planner names the days a model is
// fitted on or checked against: "2016-12-31..2017-01-04" (or one day, "2017-01-05").
// Days are the record's local days, not UTC ones: a call at 23:30 local on the 4th
// belongs to the 4th wherever the host is.
struct LocalDayRange {
  std::int64_t first_day = 0;  // days since 1970-01-01, local
  std::int64_t last_day = 0;   // inclusive

  [[nodiscard]] bool contains(SimTime t, const TimeZone& zone) const noexcept {
    const std::int64_t d = local_day(t, zone);
    return d >= first_day && d <= last_day;
  }
  [[nodiscard]] std::int64_t day_count() const noexcept { return last_day - first_day + 1; }
};

// Parses "YYYY-MM-DD..YYYY-MM-DD" (or a single "YYYY-MM-DD"); nullopt if either date is
// not a calendar date or the range runs backwards.
[[nodiscard]] inline std::optional<LocalDayRange> parse_local_day_range(
    std::string_view s) noexcept {
  s = trim(s);
  const std::size_t dots = s.find("..");
  const std::string_view a = dots == std::string_view::npos ? s : s.substr(0, dots);
  const std::string_view b = dots == std::string_view::npos ? s : s.substr(dots + 2);
  const auto first = detail::parse_iso_date(a), last = detail::parse_iso_date(b);
  if (!first || !last || *last < *first) return std::nullopt;
  return LocalDayRange{*first, *last};
}

// "YYYY-MM-DD" of a local day (days since 1970-01-01), what detail::parse_iso_date reads.
[[nodiscard]] inline std::string iso_date(std::int64_t local_day) {
  const detail::CivilDate c = detail::civil_from_days(local_day);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(c.year), c.month,
                c.day);
  return std::string(buf);
}

// "YYYY-MM-DD..YYYY-MM-DD", what parse_local_day_range reads back.
[[nodiscard]] inline std::string to_string(const LocalDayRange& r) {
  return iso_date(r.first_day) + ".." + iso_date(r.last_day);
}

// Parses "MM/DD/YYYY hh:mm:ss AM" / "... PM" (12-hour clock, as SF open data writes) or
// "MM/DD/YYYY HH:mm:ss" (24-hour) as local time in `zone`; nullopt if malformed or out
// of range. noexcept, no allocation.
[[nodiscard]] inline std::optional<SimTime> parse_us_timestamp(std::string_view s,
                                                               const TimeZone& zone) noexcept {
  s = trim(s);
  auto number = [&](std::size_t pos, std::size_t len, unsigned& out) {
    if (pos + len > s.size()) return false;
    out = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + static_cast<unsigned>(s[i] - '0');
    }
    return true;
  };
  unsigned mo, d, y, h, mi, se;
  if (s.size() < 19 || s[2] != '/' || s[5] != '/' || s[10] != ' ' || s[13] != ':' || s[16] != ':')
    return std::nullopt;
  if (!number(0, 2, mo) || !number(3, 2, d) || !number(6, 4, y) || !number(11, 2, h) ||
      !number(14, 2, mi) || !number(17, 2, se))
    return std::nullopt;
  std::string_view rest = trim(s.substr(19));
  if (rest == "AM" || rest == "PM") {
    if (h < 1 || h > 12) return std::nullopt;
    h = h % 12 + (rest == "PM" ? 12 : 0);
  } else if (!rest.empty()) {
    return std::nullopt;
  }
  if (!detail::is_civil_date(y, mo, d) || h > 23 || mi > 59 || se > 59) return std::nullopt;
  const std::int64_t local = detail::civil_to_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
  return utc_from_local(local, zone);
}

namespace detail {
// An ISO 8601 stamp taken apart: local civil seconds since 1970-01-01 and the offset it
// carries, if any.
struct IsoStamp {
  std::int64_t local_seconds = 0;
  std::optional<std::int32_t> offset_s;  // "Z" = 0, "+08:00" = 28800; none = local time
};
// "YYYY-MM-DDTHH:MM:SS" (or a blank for the T), optional fractional seconds (".000",
// dropped), optional "Z" or "+HH:MM" / "-HH:MM" / "+HHMM" / "+HH".
[[nodiscard]] inline std::optional<IsoStamp> parse_iso_stamp(std::string_view s) noexcept {
  s = trim(s);
  if (s.size() < 19 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
    return std::nullopt;
  const std::optional<std::int64_t> day = parse_iso_date(s.substr(0, 10));
  if (!day) return std::nullopt;
  unsigned h = 0, mi = 0, se = 0;
  auto two = [&](std::size_t pos, unsigned& out) {
    if (s[pos] < '0' || s[pos] > '9' || s[pos + 1] < '0' || s[pos + 1] > '9') return false;
    out = static_cast<unsigned>((s[pos] - '0') * 10 + (s[pos + 1] - '0'));
    return true;
  };
  if (!two(11, h) || !two(14, mi) || !two(17, se) || h > 23 || mi > 59 || se > 59)
    return std::nullopt;
  std::string_view rest = s.substr(19);
  if (!rest.empty() && rest[0] == '.') {
    std::size_t i = 1;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') ++i;
    if (i == 1) return std::nullopt;
    rest = rest.substr(i);
  }
  IsoStamp out;
  out.local_seconds = *day * 86400 + h * 3600 + mi * 60 + se;
  if (!rest.empty()) {
    out.offset_s = parse_utc_offset(rest);
    if (!out.offset_s) return std::nullopt;
  }
  return out;
}
}  // namespace detail

// Parses "YYYY-MM-DDTHH:MM:SS" (or a blank for the T), with optional fractional seconds
// (".000", dropped), as local time in `zone`: the form of DataSF's API and newer exports.
// nullopt if malformed, out of range or carrying an offset (then it is not local time:
// parse_iso_timestamp reads it). noexcept, no allocation.
[[nodiscard]] inline std::optional<SimTime> parse_iso_local_timestamp(
    std::string_view s, const TimeZone& zone) noexcept {
  const std::optional<detail::IsoStamp> p = detail::parse_iso_stamp(s);
  if (!p || p->offset_s) return std::nullopt;
  return utc_from_local(p->local_seconds, zone);
}

// Parses an ISO 8601 stamp with an offset ("2017-01-01T08:05:32+08:00", "...Z": that
// instant, whatever `zone` says) or without one (local time in `zone`). nullopt if
// malformed or out of range. noexcept, no allocation.
[[nodiscard]] inline std::optional<SimTime> parse_iso_timestamp(std::string_view s,
                                                                const TimeZone& zone) noexcept {
  const std::optional<detail::IsoStamp> p = detail::parse_iso_stamp(s);
  if (!p) return std::nullopt;
  if (p->offset_s) return sim_time_from_unix(p->local_seconds - *p->offset_s);
  return utc_from_local(p->local_seconds, zone);
}

// Whether an ISO 8601 stamp carries its own offset ("Z", "+08:00"); false if malformed.
[[nodiscard]] inline bool iso_timestamp_has_offset(std::string_view s) noexcept {
  const std::optional<detail::IsoStamp> p = detail::parse_iso_stamp(s);
  return p && p->offset_s.has_value();
}

// "2017-01-01T00:05:32-08:00": `t` in local time of `zone` with the offset in force, what
// parse_iso_timestamp reads back to the same instant in any zone.
[[nodiscard]] inline std::string iso_local_with_offset(SimTime t, const TimeZone& zone) {
  const std::int32_t off = zone.offset_at(t);
  const std::int64_t local = to_unix_seconds(t) + off;
  const std::int64_t day = detail::floor_div(local, 86400);
  const std::int64_t sod = local - day * 86400;
  const detail::CivilDate c = detail::civil_from_days(day);
  const std::int32_t a = off < 0 ? -off : off;
  return absl::StrFormat("%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d", c.year, c.month, c.day,
                         sod / 3600, sod / 60 % 60, sod % 60, off < 0 ? '-' : '+', a / 3600,
                         (a % 3600) / 60);
}

// Either form a calls-for-service export uses: US ("01/01/2017 12:05:32 AM") or ISO
// ("2017-01-01T00:05:32.000"), local time in `zone`.
[[nodiscard]] inline std::optional<SimTime> parse_local_timestamp(std::string_view s,
                                                                  const TimeZone& zone) noexcept {
  const std::string_view t = trim(s);
  if (t.size() >= 5 && t[4] == '-') return parse_iso_local_timestamp(t, zone);
  return parse_us_timestamp(t, zone);
}

DISPATCHKIT_NAMESPACE_END
