// The binary graph file (graph/io/graph_file.hpp): every array round-trips, every damage is
// DataLoss, another version FailedPrecondition, and a consistent-looking lie is refused.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/graph/io/graph_file.hpp"
#include "test_data.hpp"

using namespace dispatchkit;

namespace {

std::string temp(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("dk_graph_file_" + name)).string();
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A small graph with street details and one turn state: 0 -> 1 -> 2, 1 -> 3, where the
// arc 0 -> 1 enters a state of 1 that may not turn to 3.
RoadGraph detailed_graph() {
  RoadGraphBuilder b("drawn");
  const NodeId n0 = b.add_node(100, LatLon{43.73, 7.42});
  const NodeId n1 = b.add_node(101, LatLon{43.731, 7.42});
  const NodeId n2 = b.add_node(102, LatLon{43.732, 7.42});
  const NodeId n3 = b.add_node(103, LatLon{43.731, 7.421});
  auto d = std::make_shared<RoadDetails>();
  const LatLon bend[] = {LatLon{43.7305, 7.4201}};
  const std::uint32_t s0 = d->add_segment(9000, RoadClass::kPrimary, 4, "Rue A", bend);
  const std::uint32_t s1 = d->add_segment(9001, RoadClass::kResidential, 0, "Rue B", {});
  const std::uint32_t s2 = d->add_segment(9002, RoadClass::kService, 16, "", {});
  b.set_details(d);
  const std::uint32_t a01 = b.add_road_arc(n0, n1, Deciseconds(100), Meters(111), {s0, false});
  b.add_road_arc(n1, n0, Deciseconds(100), Meters(111), {s0, true});
  const std::uint32_t a12 = b.add_road_arc(n1, n2, Deciseconds(80), Meters(111), {s1, false});
  b.add_road_arc(n2, n1, Deciseconds(80), Meters(111), {s1, true});
  b.add_road_arc(n1, n3, Deciseconds(60), Meters(80), {s2, false});
  b.add_road_arc(n3, n1, Deciseconds(60), Meters(80), {s2, true});
  const NodeId state = b.add_turn_state(n1);
  b.retarget_arc(a01, state);
  b.add_twin_arc(state, n2, a12);
  b.add_twin_arc(state, n0, a01 + 1);
  auto g = std::move(b).build();
  REQUIRE(g.ok());
  return *std::move(g);
}

void require_equal(const RoadGraph& a, const RoadGraph& b) {
  REQUIRE(a.node_count() == b.node_count());
  REQUIRE(a.arc_count() == b.arc_count());
  CHECK(a.fingerprint() == b.fingerprint());
  CHECK(a.source() == b.source());
  for (std::uint32_t v = 0; v < a.node_count(); ++v) {
    const NodeId n(v);
    CHECK(a.external_id(n) == b.external_id(n));
    CHECK(a.coordinate(n).lat == b.coordinate(n).lat);
    CHECK(a.coordinate(n).lon == b.coordinate(n).lon);
    CHECK(a.road_node(n) == b.road_node(n));
    CHECK(a.states_of(n).size() == b.states_of(n).size());
    CHECK(a.find_node(a.external_id(n)) == b.find_node(a.external_id(n)));
    CHECK(a.in_arcs(n).size() == b.in_arcs(n).size());
  }
  for (std::uint32_t e = 0; e < a.arc_count(); ++e) {
    const ArcId arc(e);
    CHECK(a.tail(arc) == b.tail(arc));
    CHECK(a.head(arc) == b.head(arc));
    CHECK(a.travel_time(arc) == b.travel_time(arc));
    CHECK(a.length(arc).value() == b.length(arc).value());
    CHECK(a.road_arc(arc) == b.road_arc(arc));
    CHECK(a.twins(arc).size() == b.twins(arc).size());
    CHECK(a.segment_of(arc).index == b.segment_of(arc).index);
    CHECK(a.segment_of(arc).reversed == b.segment_of(arc).reversed);
  }
  REQUIRE((a.details() == nullptr) == (b.details() == nullptr));
  if (a.details()) {
    const RoadDetails &x = *a.details(), &y = *b.details();
    REQUIRE(x.segment_count() == y.segment_count());
    for (std::uint32_t s = 0; s < x.segment_count(); ++s) {
      CHECK(x.way_id(s) == y.way_id(s));
      CHECK(x.road_class(s) == y.road_class(s));
      CHECK(x.flags(s) == y.flags(s));
      CHECK(x.name(s) == y.name(s));
      REQUIRE(x.shape(s).size() == y.shape(s).size());
      for (std::size_t k = 0; k < x.shape(s).size(); ++k)
        CHECK(x.shape(s)[k].lat == y.shape(s)[k].lat);
    }
  }
}

}  // namespace

TEST_CASE("Graph file: a drawn graph with details and turn states round-trips", "[graph]") {
  const RoadGraph g = detailed_graph();
  REQUIRE(g.has_turn_states());
  const std::string path = temp("drawn.dkg");
  GraphFileInfo info{"car", "drawn.osm", 0x1234};
  REQUIRE(save_graph_file(g, path, info).ok());
  GraphFileInfo back;
  auto loaded = load_graph_file(path, &back);
  REQUIRE(loaded.ok());
  require_equal(g, *loaded);
  CHECK(back.profile == "car");
  CHECK(back.source_name == "drawn.osm");
  CHECK(back.source_fingerprint == 0x1234);
  // load_graph() recognises it by its magic, whatever the name.
  const std::string renamed = temp("drawn.bin");
  std::filesystem::copy_file(path, renamed, std::filesystem::copy_options::overwrite_existing);
  auto sniffed = load_graph(renamed);
  REQUIRE(sniffed.ok());
  CHECK(sniffed->fingerprint() == g.fingerprint());
  CHECK(*detect_graph_format(renamed) == GraphFormat::kGraphFile);
}

TEST_CASE("Graph file: the bundled San Francisco graph round-trips", "[graph]") {
  auto g = load_graph(dk_test::bundled("sf/sf_osm_edges.csv.xz"));
  REQUIRE(g.ok());
  const std::string path = temp("sf.dkg");
  REQUIRE(save_graph_file(*g, path).ok());
  auto loaded = load_graph_file(path);
  REQUIRE(loaded.ok());
  require_equal(*g, *loaded);
}

TEST_CASE("Graph file: every truncation and every flipped byte is DataLoss", "[graph]") {
  const std::string path = temp("damage.dkg");
  REQUIRE(save_graph_file(detailed_graph(), path).ok());
  const std::string bytes = slurp(path);
  const std::string cut = temp("cut.dkg");
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    std::ofstream(cut, std::ios::binary) << bytes.substr(0, n);
    auto g = load_graph_file(cut);
    INFO("truncated to " << n << " bytes");
    REQUIRE_FALSE(g.ok());
    CHECK(g.status().code() == absl::StatusCode::kDataLoss);
  }
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x01);
    std::ofstream(cut, std::ios::binary) << damaged;
    auto g = load_graph_file(cut);
    INFO("byte " << i << " flipped");
    REQUIRE_FALSE(g.ok());
    const auto code = g.status().code();
    // The version field (bytes 8..11) names another version; every other byte is damage.
    CHECK((code == absl::StatusCode::kDataLoss ||
           (i >= 8 && i < 12 && code == absl::StatusCode::kFailedPrecondition)));
  }
}

TEST_CASE("Graph file: another version, and a checksummed file holding a bad graph", "[graph]") {
  const std::string path = temp("version.dkg");
  {
    ContainerWriter out(kGraphFileMagic, kGraphFileVersion + 1, 0);
    out.section("META").u32(0);
    REQUIRE(out.save(path).ok());
  }
  auto other = load_graph_file(path);
  REQUIRE_FALSE(other.ok());
  CHECK(other.status().code() == absl::StatusCode::kFailedPrecondition);
  // A well-formed container whose arcs name a node that does not exist.
  {
    ContainerWriter out(kGraphFileMagic, kGraphFileVersion, 0);
    auto& meta = out.section("META");
    meta.str("liar");
    meta.str("");
    meta.str("");
    meta.u64(0);
    meta.u32(2);  // nodes
    meta.u32(1);  // arcs
    meta.u32(2);  // road nodes
    meta.u32(0);  // no coordinates, details or turn states
    auto& node = out.section("NODE");
    const std::int64_t ids[] = {1, 2};
    node.array(std::span<const std::int64_t>(ids));
    const std::uint32_t order[] = {0, 1};
    node.array(std::span<const std::uint32_t>(order));
    auto& arcs = out.section("ARCS");
    const std::uint32_t first_out[] = {0, 1, 1}, head[] = {7};
    const Weight weight[] = {10};
    const float length[] = {5};
    arcs.array(std::span<const std::uint32_t>(first_out));
    arcs.array(std::span<const std::uint32_t>(head));
    arcs.array(std::span<const Weight>(weight));
    arcs.array(std::span<const float>(length));
    REQUIRE(out.save(path).ok());
  }
  auto liar = load_graph_file(path);
  REQUIRE_FALSE(liar.ok());
  CHECK(liar.status().code() == absl::StatusCode::kDataLoss);
  CHECK_THAT(std::string(liar.status().message()), Catch::Contains("bad arc 0"));
}
