// Paths to test data: the bundled extracts in data/ (always present) and the large real
// data sets in ../shared/data (present in CI and developer checkouts, absent in a
// user's fresh clone: tests that need them are skipped with a warning there).
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

}  // namespace dk_test
