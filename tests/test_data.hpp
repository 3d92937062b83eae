// Paths to test data: the bundled extracts in data/ (always present) and the large real
// data sets in ../shared/data (DISPATCHKIT_SHARED_DATA_DIR; present in CI and developer
// checkouts, absent in a user's fresh clone). A test case that needs the latter is tagged
// [shared] and, when its file is missing, WARNs with skipped() and returns: ctest then
// reports that suite's `<capability>_shared` entry as skipped (tests/CMakeLists.txt), and
// scripts/test.sh fails on a skip in CI or where ../shared/data exists.
//
//   TEST_CASE("CH on PACE16 NY", "[ch][shared]") {
//     const auto path = dk_test::shared("road_pace16_NY.gr.xz");
//     if (!path) {
//       WARN(dk_test::skipped("road_pace16_NY.gr.xz"));
//       return;
//     }
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace dk_test {

inline std::string bundled(const std::string& relative) {
  return std::string(DK_TEST_DATA_DIR) + "/" + relative;
}

// The path of a file under ../shared/data, or nullopt if this checkout has none.
inline std::optional<std::string> shared(const std::string& relative) {
  std::string path = std::string(DK_TEST_SHARED_DATA_DIR) + "/" + relative;
  if (!std::filesystem::exists(path)) return std::nullopt;
  return path;
}

// What a [shared] test case WARNs before returning when shared(relative) found nothing; the
// words "skipped, shared data missing" are what ctest looks for (SKIP_REGULAR_EXPRESSION).
inline std::string skipped(const std::string& relative) {
  return "skipped, shared data missing: " + std::string(DK_TEST_SHARED_DATA_DIR) + "/" + relative;
}

}  // namespace dk_test
