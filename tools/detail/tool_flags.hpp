// tools/detail/tool_flags.hpp: command-line helpers shared by the dk-* tools (not part of
// the installed dispatchkit API; namespace dk_tools).
//
//   for (int i = 1; i < argc; ++i) {
//     const std::string_view a = argv[i];
//     if (auto v = dk_tools::flag_value(a, "--graph")) graph = *v;
//     else if (auto v = dk_tools::flag_value(a, "--seed")) {
//       if (!dk_tools::parse_flag_number("--seed", *v, seed)) return dk_tools::kExitUsage;
//     } else return dk_tools::unknown_argument("dk-x", a);
//   }
//   dk_tools::ProgressBar bar(dk_tools::progress_default(), "matching", "vehicles");
//   bar(done, total);
//
// Exit status convention of every dk-* tool: 0 success, 1 bad input or data (a file that
// is missing, malformed or cannot be written; message on stderr), 2 usage (unknown flag,
// missing or malformed flag value).
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "dispatchkit/detail/civil_date.hpp"
#include "dispatchkit/graph/io/options.hpp"
#include "dispatchkit/io/text.hpp"

namespace dk_tools {

inline constexpr int kExitOk = 0;
inline constexpr int kExitBadInput = 1;
inline constexpr int kExitUsage = 2;

// The value of `--name=value` when `arg` is that flag (`name` given without '='), else
// nullopt. `--name=` gives an empty value; `--namex=1` does not match `--name`.
[[nodiscard]] inline std::optional<std::string_view> flag_value(std::string_view arg,
                                                                std::string_view name) {
  if (arg.size() > name.size() && arg.starts_with(name) && arg[name.size()] == '=')
    return arg.substr(name.size() + 1);
  return std::nullopt;
}

// Parses `value` into `out` (dispatchkit::parse_number: whole string, no NaN/inf); on
// failure prints "bad value for --name: 'value' (expected <what>)" and returns false.
template <class T>
[[nodiscard]] bool parse_flag_number(std::string_view name, std::string_view value, T& out,
                                     const char* what = "a number") {
  if (dispatchkit::parse_number(value, out)) return true;
  std::fprintf(stderr, "bad value for %.*s: '%.*s' (expected %s)\n", static_cast<int>(name.size()),
               name.data(), static_cast<int>(value.size()), value.data(), what);
  return false;
}

// Prints "tool: message" on stderr and returns kExitUsage (for `return usage_error(...)`).
inline int usage_error(const char* tool, std::string_view message) {
  std::fprintf(stderr, "%s: %.*s\n", tool, static_cast<int>(message.size()), message.data());
  return kExitUsage;
}
inline int unknown_argument(const char* tool, std::string_view arg) {
  return usage_error(tool, "unknown argument '" + std::string(arg) + "'");
}
// Prints "tool: message" on stderr and returns kExitBadInput.
inline int input_error(const char* tool, std::string_view message) {
  std::fprintf(stderr, "%s: %.*s\n", tool, static_cast<int>(message.size()), message.data());
  return kExitBadInput;
}

// Prints "tool: CODE: message" (the Status as text) on stderr and returns kExitBadInput.
inline int status_error(const char* tool, const absl::Status& status) {
  return input_error(tool, status.ToString());
}

// Whether a file can be created in the directory of `path`: NotFound "PATH: directory D
// does not exist" or PermissionDenied "PATH: directory D is not writable". Tools check an
// output path before work that takes minutes (a contraction, a map matching), so that a
// typo does not throw that work away.
[[nodiscard]] inline absl::Status check_writable_dir(const std::string& path) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    return absl::NotFoundError(path + ": directory " + dir.string() + " does not exist");
  if (access(dir.c_str(), W_OK) != 0)
    return absl::PermissionDeniedError(path + ": directory " + dir.string() + " is not writable");
  return absl::OkStatus();
}

// Creates the output directory `dir` (and its parents) and checks that it is writable:
// PermissionDenied "DIR: cannot create the output directory[: why]" or "DIR: output
// directory is not writable".
[[nodiscard]] inline absl::Status prepare_output_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir, ec))
    return absl::PermissionDeniedError(dir + ": cannot create the output directory" +
                                       (ec ? ": " + ec.message() : ""));
  if (access(dir.c_str(), W_OK) != 0)
    return absl::PermissionDeniedError(dir + ": output directory is not writable");
  return absl::OkStatus();
}

// Whether progress bars are drawn by default: only when stderr is a terminal, so logs
// and CI output do not fill with '\r' redraws (--progress / --no-progress override).
[[nodiscard]] inline bool progress_default() noexcept {
  return isatty(STDERR_FILENO) != 0;
}

// A one-line progress bar on stderr: "label [#####.....] 42%" or "... 12/40 unit".
// Redraws only when the drawn text would change; ends the line when done. Does nothing
// when disabled or when total == 0.
class ProgressBar {
 public:
  ProgressBar(bool enabled, std::string label, std::string unit = {})
      : enabled_(enabled), label_(std::move(label)), unit_(std::move(unit)) {}

  // Fraction in [0, 1] (clamped).
  void operator()(double fraction) {
    if (!enabled_) return;
    if (!(fraction >= 0.0)) fraction = 0.0;
    if (fraction > 1.0) fraction = 1.0;
    const int percent = static_cast<int>(fraction * 100.0 + 0.5);
    if (percent == last_) return;
    last_ = percent;
    draw(fraction);
    std::fprintf(stderr, " %3d%%", percent);
    finish(percent >= 100);
  }

  // `done` of `total` items.
  void operator()(std::size_t done, std::size_t total) {
    if (!enabled_ || total == 0) return;
    if (done > total) done = total;
    // Redraw at most once per percent (a replay reports every call).
    const int percent = static_cast<int>(done * 100 / total);
    if (percent == last_ && done != total) return;
    last_ = percent;
    draw(static_cast<double>(done) / static_cast<double>(total));
    std::fprintf(stderr, " %zu/%zu%s%s", done, total, unit_.empty() ? "" : " ", unit_.c_str());
    finish(done == total);
  }

 private:
  static constexpr int kWidth = 40;
  void draw(double fraction) const {
    const int filled = static_cast<int>(fraction * kWidth);
    std::fprintf(stderr, "\r%-16s [%s%s]", label_.c_str(),
                 std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(kWidth - filled), '.').c_str());
  }
  void finish(bool done) const {
    if (done) std::fputc('\n', stderr);
    std::fflush(stderr);
  }

  bool enabled_;
  std::string label_;
  std::string unit_;
  int last_ = -1;
};

// --profile=ambulance|car|PATH and --all-components: how OpenStreetMap input (--graph=
// city.osm.pbf) becomes a road graph (docs/osm.md); every other format ignores them. Every
// tool that takes --graph= takes them through this one function and prints
// kOsmGraphFlagsUsage in its help. nullopt when `arg` is neither flag, true when it was
// taken, false for an empty --profile= (a usage error; the message is printed).
[[nodiscard]] inline std::optional<bool> osm_graph_flag(std::string_view arg,
                                                        dispatchkit::OsmLoadOptions& osm) {
  if (auto v = flag_value(arg, "--profile")) {
    if (v->empty()) {
      std::fputs("--profile needs ambulance, car or the path of a profile file\n", stderr);
      return false;
    }
    osm.profile = std::string(*v);
    return true;
  }
  if (arg == "--all-components") {
    osm.keep_all_components = true;
    return true;
  }
  return std::nullopt;
}

inline constexpr const char* kOsmGraphFlagsUsage =
    "  --profile=P         OpenStreetMap --graph only: ambulance (lights and sirens, default),\n"
    "                      car, or a profile file (docs/osm.md); other formats ignore it\n"
    "  --all-components    OpenStreetMap --graph only: keep every strongly connected piece,\n"
    "                      not only the largest\n";

// Shows the import of an OpenStreetMap --graph on `bar` (which must outlive the load).
inline void show_osm_import_progress(dispatchkit::OsmLoadOptions& osm, ProgressBar& bar) {
  osm.progress = [&bar](std::uint64_t done, std::uint64_t total) {
    bar(static_cast<std::size_t>(done), static_cast<std::size_t>(total));
  };
}

}  // namespace dk_tools
