// io/csv.hpp: the shared CSV table reader, on hand-written tables whose every quirk
// (BOM, line endings, quoting, aliases, short records) is one that a real export has.
#include "dispatchkit/io/csv.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

using namespace dispatchkit;

namespace {

enum Col : std::size_t { kId, kLat, kName };
constexpr CsvColumn kColumns[] = {{"id"}, {"lat", "latitude|y"}, {"name", {}, false}};

std::vector<std::vector<std::string>> read_all(std::string_view text, CsvOptions o = {}) {
  auto csv = CsvReader::open("t.csv", text, kColumns, o);
  REQUIRE(csv.ok());
  std::vector<std::vector<std::string>> rows;
  while (csv->next()) rows.push_back({csv->text(kId), csv->text(kLat), csv->text(kName)});
  REQUIRE(csv->status().ok());
  return rows;
}

}  // namespace

TEST_CASE("csv: columns by name in any order, extra columns ignored", "[io][csv]") {
  const auto rows = read_all("extra,name,lat,id\nx,Mission,37.5,7\ny,Soma,37.6,8\n");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0] == std::vector<std::string>{"7", "37.5", "Mission"});
  CHECK(rows[1] == std::vector<std::string>{"8", "37.6", "Soma"});
}

TEST_CASE("csv: aliases, case folding and an optional column", "[io][csv]") {
  auto csv = CsvReader::open("t.csv", "ID,Latitude\n1,2\n", kColumns, {.case_insensitive = true});
  REQUIRE(csv.ok());
  CHECK(csv->has(kLat));
  CHECK_FALSE(csv->has(kName));
  REQUIRE(csv->next());
  CHECK(csv->field(kLat) == "2");
  CHECK(csv->field(kName).empty());
  // Without case folding "ID" is not "id".
  auto strict = CsvReader::open("t.csv", "ID,y\n1,2\n", kColumns);
  REQUIRE_FALSE(strict.ok());
  CHECK(absl::IsInvalidArgument(strict.status()));
  CHECK(strict.status().message() ==
        "t.csv:1: expected a header line with the columns id, lat; column 'id' is missing");
}

TEST_CASE("csv: BOM and every line ending read alike", "[io][csv]") {
  const std::vector<std::vector<std::string>> expected = {{"1", "10", "a"}, {"2", "20", "b"}};
  CHECK(read_all("id,lat,name\n1,10,a\n2,20,b\n") == expected);
  CHECK(read_all("id,lat,name\r\n1,10,a\r\n2,20,b\r\n") == expected);
  CHECK(read_all("id,lat,name\r1,10,a\r2,20,b\r") == expected);
  CHECK(read_all("\xEF\xBB\xBFid,lat,name\n1,10,a\n2,20,b") == expected);  // no final newline
  CHECK(read_all("id,lat,name\n\n1,10,a\n   \n2,20,b\n\n") == expected);   // blank lines
}

TEST_CASE("csv: quoted fields hold separators, quotes and line breaks", "[io][csv]") {
  auto csv = CsvReader::open("t.csv",
                             "id,lat,name\n"
                             "1,10,\"Market St, 1200\"\n"
                             "2,20,\"the \"\"Mission\"\"\"\n"
                             "3,30,\"two\nlines\"\n"
                             "4,40,plain\n",
                             kColumns);
  REQUIRE(csv.ok());
  REQUIRE(csv->next());
  CHECK(csv->text(kName) == "Market St, 1200");
  REQUIRE(csv->next());
  CHECK(csv->field(kName) == "the \"\"Mission\"\"");  // field() does not allocate
  CHECK(csv->text(kName) == "the \"Mission\"");
  REQUIRE(csv->next());
  CHECK(csv->text(kName) == "two\nlines");
  CHECK(csv->line_number() == 4);
  REQUIRE(csv->next());
  CHECK(csv->line_number() == 6);  // the quoted line break counted
  CHECK(csv->where() == "t.csv:6");
  CHECK_FALSE(csv->next());
  CHECK(csv->status().ok());
}

TEST_CASE("csv: errors name the file, the line and what was expected", "[io][csv]") {
  SECTION("empty file") {
    auto csv = CsvReader::open("e.csv", "", kColumns, {.format = "a station list"});
    REQUIRE_FALSE(csv.ok());
    CHECK(csv.status().message() ==
          "e.csv:1: empty file; expected a station list (a header line with the columns id, lat)");
  }
  SECTION("short record and bad number") {
    auto csv = CsvReader::open("s.csv", "name,id,lat\nx,1\ny,2,north\n", kColumns);
    REQUIRE(csv.ok());
    CHECK(csv->width() == 3);
    REQUIRE(csv->next());
    CHECK(csv->check_width().message() == "s.csv:2: expected at least 3 fields, got 2");
    REQUIRE(csv->next());
    CHECK(csv->check_width().ok());
    double lat = 0;
    const absl::Status bad = csv->parse(kLat, "a latitude in degrees", lat);
    CHECK(absl::IsInvalidArgument(bad));
    CHECK(bad.message() == "s.csv:3: expected a latitude in degrees, got 'north'");
    std::int64_t id = 0;
    CHECK(csv->parse(kId, "an id", id).ok());
    CHECK(id == 2);
    CHECK(csv->error(absl::StatusCode::kOutOfRange, "unknown").code() ==
          absl::StatusCode::kOutOfRange);
  }
  SECTION("an optional column may be missing at the end of a record") {
    auto csv = CsvReader::open("o.csv", "id,lat,name\n1,2\n", kColumns);
    REQUIRE(csv.ok());
    REQUIRE(csv->next());
    CHECK(csv->check_width().ok());
    CHECK(csv->field(kName).empty());
  }
  SECTION("unterminated quote") {
    auto csv = CsvReader::open("q.csv", "id,lat\n1,2\n3,\"4\n5,6\n", kColumns);
    REQUIRE(csv.ok());
    REQUIRE(csv->next());
    CHECK_FALSE(csv->next());
    CHECK(absl::IsInvalidArgument(csv->status()));
    CHECK(csv->status().message() ==
          "q.csv:3: a quoted field is never closed (expected a closing '\"')");
  }
  SECTION("a table cut out of a larger file keeps the file's line numbers") {
    auto csv = CsvReader::open("big.csv", "id,lat\n1,x\n", kColumns, {.first_line = 40});
    REQUIRE(csv.ok());
    REQUIRE(csv->next());
    CHECK(csv->where() == "big.csv:41");
  }
}

TEST_CASE("csv: trailing empty fields and header positions", "[io][csv]") {
  auto csv = CsvReader::open("t.csv", "id,lat,name,\n1,2,,\n3,4,x,", kColumns);
  REQUIRE(csv.ok());
  CHECK(csv->header().size() == 4);
  CHECK(csv->find("name") == 2);
  CHECK(csv->find("nope") == -1);
  REQUIRE(csv->next());
  CHECK(csv->size() == 4);
  REQUIRE(csv->next());
  CHECK(csv->size() == 4);
  CHECK(csv->at(2) == "x");
  CHECK_FALSE(csv->next());
}

TEST_CASE("csv: open_file reads compressed files and owns the text", "[io][csv]") {
  auto missing = CsvReader::open_file("/nonexistent/x.csv", kColumns);
  REQUIRE_FALSE(missing.ok());
  CHECK(absl::IsNotFound(missing.status()));
  const std::string path = std::string(DK_TEST_DATA_DIR) + "/sf/sf_fire_stations.csv";
  constexpr CsvColumn kStation[] = {{"name"}, {"latitude", "lat"}};
  auto csv = CsvReader::open_file(path, kStation, {.case_insensitive = true});
  REQUIRE(csv.ok());
  CsvReader moved = *std::move(csv);  // views survive the move
  std::size_t rows = 0;
  while (moved.next()) {
    double lat = 0;
    REQUIRE(moved.parse(1, "a latitude", lat).ok());
    CHECK(lat > 37.0);
    ++rows;
  }
  CHECK(moved.status().ok());
  CHECK(rows > 40);
}
