// Tests of route/ch/index_file.hpp: round trip and every way a file can be wrong.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "ch_test_util.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/route/ch.hpp"

using namespace dispatchkit;

namespace {
std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("dk_ch_test_" + name)).string();
}
void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}
// The file offset of the section tagged `tag`, read from the container's section table
// (io/container.hpp: 24-byte header, then {u32 tag, u32 0, u64 offset, u64 size} entries);
// 0 if there is none.
std::size_t section_offset(const std::string& file, std::string_view tag) {
  std::uint32_t count = 0;
  std::memcpy(&count, file.data() + 12, 4);
  for (std::uint32_t i = 0; i < count; ++i) {
    const char* entry = file.data() + 24 + 24 * std::size_t{i};
    if (std::string_view(entry, 4) != tag) continue;
    std::uint64_t offset = 0;
    std::memcpy(&offset, entry + 8, 8);
    return static_cast<std::size_t>(offset);
  }
  return 0;
}

// A hierarchy of `g`, built and saved to the temporary file `name`.
struct SavedIndex {
  absl::StatusOr<ContractionHierarchy> ch;
  std::string path;
};
SavedIndex build_and_save(const RoadGraph& g, const char* name) {
  SavedIndex saved{ContractionHierarchy::build(g), temp_path(name)};
  REQUIRE(saved.ch.ok());
  REQUIRE(save_hierarchy(*saved.ch, saved.path).ok());
  return saved;
}
}  // namespace

TEST_CASE("saved index loads back identical and answers the same", "[ch][index]") {
  const RoadGraph g = ch_test::grid_city(30, 25, 4);
  auto [ch, path] = build_and_save(g, "roundtrip.ch");
  auto loaded = load_hierarchy(path, g);
  REQUIRE(loaded.ok());
  CHECK(std::ranges::equal(loaded->ranks(), ch->ranks()));
  CHECK(std::ranges::equal(loaded->unpack_words(), ch->unpack_words()));
  REQUIRE(loaded->arcs().size() == ch->arcs().size());
  for (std::size_t i = 0; i < ch->arcs().size(); ++i) {
    CHECK(loaded->arcs()[i].head == ch->arcs()[i].head);
    CHECK(loaded->arcs()[i].weight == ch->arcs()[i].weight);
  }
  CHECK(loaded->stats().shortcut_count == ch->stats().shortcut_count);
  CHECK(loaded->graph_fingerprint() == g.fingerprint());
  ChQuery a(*ch, g), b(*loaded, g);
  ch_test::Rng rng(3);
  for (int i = 0; i < 300; ++i) {
    const NodeId s(rng.below(g.node_count())), t(rng.below(g.node_count()));
    REQUIRE(a.distance(s, t) == b.distance(s, t));
    REQUIRE(a.path(s, t) == b.path(s, t));
  }
  std::filesystem::remove(path);
}

TEST_CASE("truncated, corrupt and mismatched index files are rejected", "[ch][index]") {
  const RoadGraph g = ch_test::grid_city(20, 20, 6);
  auto [ch, path] = build_and_save(g, "bad.ch");
  const std::string good = *read_file(path);

  SECTION("missing file") {
    CHECK(load_hierarchy(temp_path("does_not_exist.ch"), g).status().code() ==
          absl::StatusCode::kNotFound);
  }
  SECTION("truncated anywhere") {
    for (const std::size_t keep :
         {std::size_t{0}, std::size_t{5}, std::size_t{40}, good.size() / 2, good.size() - 1}) {
      write_bytes(path, good.substr(0, keep));
      const auto r = load_hierarchy(path, g);
      INFO("kept " << keep << " bytes: " << r.status());
      CHECK(r.status().code() == absl::StatusCode::kDataLoss);
    }
  }
  SECTION("trailing bytes") {
    write_bytes(path, good + "x");
    CHECK(load_hierarchy(path, g).status().code() == absl::StatusCode::kDataLoss);
  }
  SECTION("a flipped bit anywhere is caught by the checksum") {
    for (const std::size_t at : {std::size_t{100}, good.size() / 3, good.size() - 20}) {
      std::string bad = good;
      bad[at] = static_cast<char>(bad[at] ^ 0x10);
      write_bytes(path, bad);
      CHECK(load_hierarchy(path, g).status().code() == absl::StatusCode::kDataLoss);
    }
  }
  SECTION("not an index") {
    write_bytes(path, std::string(200, 'a'));
    CHECK(load_hierarchy(path, g).status().code() == absl::StatusCode::kDataLoss);
  }
  SECTION("another format version") {
    std::string bad = good;
    bad[8] = 99;
    write_bytes(path, bad);
    CHECK(load_hierarchy(path, g).status().code() == absl::StatusCode::kFailedPrecondition);
  }
  SECTION("built for another graph") {
    const RoadGraph other = ch_test::grid_city(20, 20, 7);  // same shape, other weights
    const auto r = load_hierarchy(path, other);
    CHECK(r.status().code() == absl::StatusCode::kFailedPrecondition);
    CHECK(r.status().message().find("another graph") != std::string::npos);
  }
  SECTION("a consistent checksum over inconsistent arrays") {
    // Rewrite one head to point below its row and re-seal the file with a fresh checksum:
    // only the structural validation can catch this.
    std::string bad = good.substr(0, good.size() - 8);
    const std::size_t first_arc = section_offset(bad, "ARCS");
    REQUIRE(first_arc > 0);
    const std::uint32_t zero = 0;
    std::memcpy(bad.data() + first_arc + 8 * 50, &zero, 4);  // some row's arc head = rank 0
    const std::uint64_t sum = detail::checksum64(bad);
    bad.append(reinterpret_cast<const char*>(&sum), 8);
    write_bytes(path, bad);
    CHECK(load_hierarchy(path, g).status().code() == absl::StatusCode::kDataLoss);
  }
  SECTION("a version-1 file is another format version") {
    std::string old = good;
    const std::uint32_t one = 1;
    std::memcpy(old.data() + 8, &one, 4);
    write_bytes(path, old);
    const auto r = load_hierarchy(path, g);
    CHECK(r.status().code() == absl::StatusCode::kFailedPrecondition);
    CHECK(r.status().message().find("version 1") != std::string::npos);
  }
  std::filesystem::remove(path);
}
