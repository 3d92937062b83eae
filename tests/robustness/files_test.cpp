// Files from outside: truncated and corrupted CH index files, recorded-call exports with
// mangled rows, and graph files that are not graphs. Each must load or fail with a
// clear status; none may crash (this suite runs under ASan+UBSan).
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "dispatchkit/io/file.hpp"
#include "dispatchkit/sim/recorded_calls.hpp"
#include "robustness_fixtures.hpp"

using namespace dispatchkit;

namespace {

// A 3 x 3 grid of two-way streets plus one one-way diagonal, with coordinates.
//   6 - 7 - 8
//   |   |   |
//   3 - 4 - 5
//   |   |\  |      4 -> 2: a one-way diagonal
//   0 - 1 - 2
RoadGraph grid() {
  RoadGraphBuilder b("grid");
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 3; ++x) b.add_node(y * 3 + x, LatLon{37.7 + 0.001 * y, -122.4 + 0.001 * x});
  auto street = [&](int u, int v, std::uint32_t t) {
    b.add_arc(NodeId(u), NodeId(v), Deciseconds{t}, Meters{100});
    b.add_arc(NodeId(v), NodeId(u), Deciseconds{t}, Meters{100});
  };
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 3; ++x) {
      if (x < 2) street(y * 3 + x, y * 3 + x + 1, 100 + 10 * x + y);
      if (y < 2) street(y * 3 + x, (y + 1) * 3 + x, 120 + x);
    }
  b.add_arc(NodeId(4), NodeId(2), Deciseconds{90}, Meters{140});
  return *std::move(b).build();
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("dk_robustness_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

}  // namespace

TEST_CASE("CH index: every truncation and seeded byte flip is rejected, never half-loaded",
          "[robustness][ch][io]") {
  const RoadGraph g = grid();
  auto ch = ContractionHierarchy::build(g);
  REQUIRE(ch.ok());
  const std::string path = temp_path("grid.ch");
  REQUIRE(save_hierarchy(*ch, path).ok());
  auto bytes = read_file(path);
  REQUIRE(bytes.ok());
  const std::string good = *bytes;
  const std::string bad_path = temp_path("bad.ch");
  for (std::size_t n = 0; n < good.size(); ++n) {
    REQUIRE(write_file_atomically(bad_path, good.substr(0, n)).ok());
    const auto r = load_hierarchy(bad_path, g);
    INFO("prefix " << n);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().find(bad_path) != std::string_view::npos);
  }
  dk_robust::Rng rng(17);
  for (int i = 0; i < 300; ++i) {
    std::string bad = good;
    bad[rng.below(static_cast<std::uint32_t>(bad.size()))] ^= static_cast<char>(1 + rng.below(255));
    REQUIRE(write_file_atomically(bad_path, bad).ok());
    CHECK_FALSE(load_hierarchy(bad_path, g).ok());
  }
  // The right file for another graph is refused.
  REQUIRE(write_file_atomically(bad_path, good).ok());
  CHECK_FALSE(load_hierarchy(bad_path, dk_robust::sf_graph()).ok());
  CHECK(load_hierarchy(temp_path("missing.ch"), g).status().code() == absl::StatusCode::kNotFound);
  // The good file still loads and answers like Dijkstra.
  auto back = load_hierarchy(path, g);
  REQUIRE(back.ok());
  ChQuery q(*back, g);
  Dijkstra d(g);
  for (std::uint32_t s = 0; s < g.node_count(); ++s)
    for (std::uint32_t t = 0; t < g.node_count(); ++t)
      CHECK(q.distance(NodeId(s), NodeId(t)) == d.distance(NodeId(s), NodeId(t)));
  std::remove(path.c_str());
  std::remove(bad_path.c_str());
}

TEST_CASE("Recorded calls: mangled rows are reported, never crash, and counts add up",
          "[robustness][sim][io]") {
  auto text = read_file(dk_test::bundled("sf/sf_fire_calls_2016-12-31_2017-01-07.csv.gz"));
  REQUIRE(text.ok());
  // The header and the first 300 rows.
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (lines.size() < 301 && at < text->size()) {
    const std::size_t nl = text->find('\n', at);
    lines.push_back(text->substr(at, nl == std::string::npos ? std::string::npos : nl - at));
    if (nl == std::string::npos) break;
    at = nl + 1;
  }
  REQUIRE(lines.size() == 301);
  const std::vector<std::string> junk = {"",        "NaN",   "inf",       "(nan, nan)",
                                         "(91, 0)", "\"",    "\"\"\"",    "2017-13-45 99:99:99",
                                         "-1",      "1e400", "POINT (x)", std::string(300, ',')};
  dk_robust::Rng rng(23);
  for (int trial = 0; trial < 40; ++trial) {
    std::string mangled = lines[0] + "\n";
    for (std::size_t i = 1; i < lines.size(); ++i) {
      std::string row = lines[i];
      switch (rng.below(6)) {
        case 0:  // cut the row anywhere
          row = row.substr(0, rng.below(static_cast<std::uint32_t>(row.size()) + 1));
          break;
        case 1: {  // replace one field with junk
          std::vector<std::size_t> commas;
          for (std::size_t c = 0; c < row.size(); ++c)
            if (row[c] == ',') commas.push_back(c);
          if (commas.size() < 2) break;
          const std::size_t k = rng.below(static_cast<std::uint32_t>(commas.size() - 1));
          row = row.substr(0, commas[k] + 1) +
                junk[rng.below(static_cast<std::uint32_t>(junk.size()))] +
                row.substr(commas[k + 1]);
          break;
        }
        case 2:  // a stray byte
          if (!row.empty())
            row[rng.below(static_cast<std::uint32_t>(row.size()))] =
                static_cast<char>(rng.below(256));
          break;
        default:
          break;
      }
      mangled += row + "\n";
    }
    const auto rec = parse_recorded_calls("mangled.csv", mangled);
    INFO("trial " << trial);
    if (!rec.ok()) {
      CHECK(rec.status().code() == absl::StatusCode::kInvalidArgument);
      continue;
    }
    const RecordedLoadReport& r = rec->report;
    CHECK(r.rows_used + r.rows_rejected_total() == r.rows_read);
    for (const RecordedCall& c : rec->calls) CHECK(c.location.is_valid());
  }
  // Whole-file damage.
  CHECK_FALSE(parse_recorded_calls("empty.csv", "").ok());
  CHECK_FALSE(parse_recorded_calls("header-only-junk.csv", "a,b,c\n1,2,3\n").ok());
  CHECK(load_recorded_calls("/nonexistent/calls.csv").status().code() ==
        absl::StatusCode::kNotFound);
}

TEST_CASE("load_graph: files that are not graphs fail with a status naming the file",
          "[robustness][graph][io]") {
  const std::string path = temp_path("not_a_graph.csv");
  const std::vector<std::string> contents = {"",
                                             "\n\n",
                                             "p sp 3 2\na 1 2 -5\n",
                                             "p sp 4294967295 4294967295\n",
                                             "source,target,time\n1,2,nan\n",
                                             std::string("\x1f\x8b\x08\x00garbage", 12),
                                             std::string("\xfd"
                                                         "7zXZ\x00\x00",
                                                         6),
                                             "u,v\n1\n"};
  for (const std::string& c : contents) {
    REQUIRE(write_file_atomically(path, c).ok());
    const auto g = load_graph(path);
    INFO("content " << c.substr(0, 20));
    if (g.ok()) continue;  // a degenerate but valid graph is acceptable
    CHECK(g.status().message().find("not_a_graph") != std::string_view::npos);
  }
  CHECK(load_graph("/nonexistent/graph.gr").status().code() == absl::StatusCode::kNotFound);
  std::remove(path.c_str());
}
