// io/container.hpp: the shared binary container round-trips, and every way a file can be
// wrong (another kind, another version, truncated, flipped, lying offsets) is a named error.
#include "dispatchkit/io/container.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

using namespace dispatchkit;

namespace {

constexpr std::string_view kMagic = "DK-TEST\n";

std::string sample() {
  ContainerWriter out(kMagic, 3, 0xFEEDu);
  ByteWriter& a = out.section("AAAA");
  a.u32(7);
  a.f64(2.5);
  a.str("Market St");
  ByteWriter& b = out.section("BBB");  // short tags are padded with blanks
  const std::vector<std::uint32_t> values = {1, 2, 3, 4, 5};
  b.array(std::span<const std::uint32_t>(values));
  out.section("EMPT");
  return out.finish();
}

}  // namespace

TEST_CASE("container: round trip, alignment and fingerprint", "[io][container]") {
  const std::string bytes = sample();
  auto in = ContainerReader::open("s.bin", bytes, kMagic, 3, "test file");
  REQUIRE(in.ok());
  CHECK(in->fingerprint() == 0xFEEDu);
  CHECK(in->version() == 3);
  CHECK(in->has("AAAA"));
  CHECK(in->has("BBB"));
  CHECK_FALSE(in->has("CCCC"));

  auto a = in->section("AAAA");
  REQUIRE(a.ok());
  std::uint32_t u = 0;
  double d = 0;
  std::string s;
  REQUIRE(a->u32(u));
  REQUIRE(a->f64(d));
  REQUIRE(a->str(s));
  CHECK(u == 7);
  CHECK(d == 2.5);
  CHECK(s == "Market St");
  CHECK(a->at_end());
  CHECK_FALSE(a->u8(*reinterpret_cast<std::uint8_t*>(&u)));  // past the end: nothing read

  auto b = in->section("BBB");
  REQUIRE(b.ok());
  std::vector<std::uint32_t> values;
  CHECK_FALSE(b->array(6, values));  // more than the section holds: refused before allocating
  REQUIRE(b->array(5, values));
  CHECK(values == std::vector<std::uint32_t>{1, 2, 3, 4, 5});
  CHECK(in->section("EMPT")->at_end());

  auto missing = in->section("CCCC");
  REQUIRE_FALSE(missing.ok());
  CHECK(absl::IsDataLoss(missing.status()));
  CHECK(missing.status().message() == "s.bin: test file has no CCCC section");
  CHECK(in->failed_precondition("was built for another graph").message() ==
        "s.bin: test file was built for another graph");
}

TEST_CASE("container: sections start on 8-byte boundaries", "[io][container]") {
  const std::string bytes = sample();
  // Header (24) + 3 entries (72) = 96; AAAA holds 4 + 8 + 4 + 9 = 25 bytes.
  std::uint64_t offset_a = 0, offset_b = 0;
  std::memcpy(&offset_a, bytes.data() + 24 + 8, 8);
  std::memcpy(&offset_b, bytes.data() + 24 + 24 + 8, 8);
  CHECK(offset_a == 96);
  CHECK(offset_b == 128);
  CHECK(bytes.size() % 8 == 0);
}

TEST_CASE("container: every damaged file is a named error", "[io][container]") {
  const std::string good = sample();
  auto open = [](std::string_view bytes, std::uint32_t version = 3) {
    return ContainerReader::open("d.bin", bytes, kMagic, version, "test file").status();
  };
  SECTION("another kind of file") {
    CHECK(absl::IsDataLoss(open("hello")));
    CHECK(open("hello").message() == "d.bin: not a dispatchkit test file file (only 5 bytes)");
    std::string other = good;
    other[0] = 'X';
    CHECK(open(other).message() == "d.bin: not a dispatchkit test file file (bad magic bytes)");
  }
  SECTION("another version") {
    const absl::Status s = open(good, 4);
    CHECK(absl::IsFailedPrecondition(s));
    CHECK(s.message() == "d.bin: test file format version 3, this build reads version 4");
  }
  SECTION("every truncation and every flipped byte") {
    for (std::size_t n = 0; n < good.size(); ++n) {
      const absl::Status s = open(std::string_view(good).substr(0, n));
      INFO("truncated to " << n);
      CHECK(absl::IsDataLoss(s));
    }
    for (std::size_t i = 12; i < good.size(); ++i) {  // past magic and version
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ 0x10);
      INFO("flipped byte " << i);
      CHECK(absl::IsDataLoss(open(bad)));
    }
    CHECK(absl::IsDataLoss(open(good + std::string(1, '\0'))));  // trailing byte
  }
  SECTION("a section table that lies, with a correct checksum") {
    // Re-seal a file whose first section points past the end: the checksum matches, the
    // bounds check must still catch it.
    std::string bad = good.substr(0, good.size() - 8);
    const std::uint64_t far = 1u << 30;
    std::memcpy(bad.data() + 24 + 8, &far, 8);
    const std::uint64_t sum = detail::checksum64(bad);
    bad.append(reinterpret_cast<const char*>(&sum), 8);
    const absl::Status s = open(bad);
    CHECK(absl::IsDataLoss(s));
    CHECK(s.message().find("section AAAA lies outside the file") != std::string_view::npos);
  }
}

TEST_CASE("container: save writes atomically and reads back", "[io][container]") {
  const auto dir = std::filesystem::temp_directory_path() / "dk_container_test";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "c.bin").string();
  ContainerWriter out(kMagic, 1, 42);
  out.section("DATA").u64(99);
  REQUIRE(out.save(path).ok());
  auto bytes = read_file(path);
  REQUIRE(bytes.ok());
  auto in = ContainerReader::open(path, *bytes, kMagic, 1, "test file");
  REQUIRE(in.ok());
  std::uint64_t v = 0;
  REQUIRE(in->section("DATA")->u64(v));
  CHECK(v == 99);
  std::filesystem::remove_all(dir);
}
