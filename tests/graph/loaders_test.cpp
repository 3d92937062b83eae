// Tests for graph/io.hpp and graph/io/*.hpp: every format on small hand-written files,
// every malformed case with its status code and PATH:LINE, the bundled graphs, PACE16 NY
// from ../shared, and the DIMACS write -> load round trip.
#include <zlib.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "test_data.hpp"

using namespace dispatchkit;
namespace fs = std::filesystem;

namespace {

// A fresh directory under the system temp dir, removed at scope exit.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("dk_loaders_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  // Writes `contents` to DIR/name and returns the path.
  std::string write(const std::string& name, const std::string& contents) const {
    const std::string p = (path_ / name).string();
    std::ofstream(p, std::ios::binary) << contents;
    return p;
  }
  [[nodiscard]] std::string str() const { return path_.string(); }
  [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

std::string gzip(const std::string& in) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, in.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// Checks code and that the message names "FILE:LINE:" (FILE's name is enough).
void check_error(const absl::Status& s, absl::StatusCode code, const std::string& file, int line) {
  INFO(s.ToString());
  CHECK(s.code() == code);
  const std::string where = fs::path(file).filename().string() + ":" + std::to_string(line) + ":";
  CHECK(std::string(s.message()).find(where) != std::string::npos);
}

Weight arc_weight(const RoadGraph& g, std::int64_t from, std::int64_t to) {
  const auto u = g.find_node(from), v = g.find_node(to);
  REQUIRE(u.has_value());
  REQUIRE(v.has_value());
  const auto a = g.find_arc(*u, *v);
  REQUIRE(a.has_value());
  return g.travel_time(*a).count();
}

// Every node reaches node 0 and is reached from it: the graph is strongly connected.
bool strongly_connected(const RoadGraph& g) {
  Dijkstra d(g);
  d.run_forward(NodeId(0));
  for (std::uint32_t v = 0; v < g.node_count(); ++v)
    if (!d.reached(NodeId(v))) return false;
  d.run_backward(NodeId(0));
  for (std::uint32_t v = 0; v < g.node_count(); ++v)
    if (!d.reached(NodeId(v))) return false;
  return true;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// PACE 2016
//
//   1 --- 2 --- 3 --- 4      (undirected, unweighted: each edge -> two arcs)
TEST_CASE("PACE16: edges become two arcs with the documented default weight", "[graph][io]") {
  TempDir dir;
  const std::string path = dir.write("tiny.gr", "c a path\np tw 4 3\n1 2\n3 2\nc mid\n3 4\n");
  auto g = load_pace16(path);
  REQUIRE(g.ok());
  CHECK(g->node_count() == 4);
  CHECK(g->arc_count() == 6);
  CHECK_FALSE(g->has_coordinates());
  CHECK(g->external_id(NodeId(0)) == 1);
  // Values computed by hand (Python) from 1 + splitmix64((min << 32) | max) % 1000.
  CHECK(pace16_default_weight(1, 2) == 515);
  CHECK(pace16_default_weight(2, 3) == 456);
  CHECK(pace16_default_weight(3, 2) == 456);  // symmetric
  CHECK(pace16_default_weight(3, 4) == 206);
  CHECK(arc_weight(*g, 1, 2) == 515);
  CHECK(arc_weight(*g, 2, 1) == 515);
  CHECK(arc_weight(*g, 3, 2) == 456);
  CHECK(arc_weight(*g, 2, 3) == 456);
  CHECK(arc_weight(*g, 4, 3) == 206);

  GraphLoadOptions opt;
  opt.pace_weight = [](std::uint32_t u, std::uint32_t v) { return Weight{10 * u + v}; };
  auto h = load_graph(path, opt);
  REQUIRE(h.ok());
  CHECK(arc_weight(*h, 2, 3) == 23);
  CHECK(arc_weight(*h, 3, 2) == 23);  // called with (min, max)
}

TEST_CASE("PACE16: malformed files name file:line", "[graph][io]") {
  TempDir dir;
  auto load = [&](const std::string& text) { return load_pace16(dir.write("bad.gr", text)); };
  const std::string f = dir.file("bad.gr");
  check_error(load("1 2\n").status(), absl::StatusCode::kInvalidArgument, f, 1);
  check_error(load("c\np tw 3\n").status(), absl::StatusCode::kInvalidArgument, f, 2);
  check_error(load("p tw x 2\n").status(), absl::StatusCode::kInvalidArgument, f, 1);
  check_error(load("p tw 3 2\n1 2\n").status(), absl::StatusCode::kDataLoss, f, 2);
  check_error(load("p tw 3 1\n1 2\n2 3\n").status(), absl::StatusCode::kInvalidArgument, f, 3);
  check_error(load("p tw 3 2\n1 2\n2 4\n").status(), absl::StatusCode::kOutOfRange, f, 3);
  check_error(load("p tw 3 2\n1 2\n0 1\n").status(), absl::StatusCode::kOutOfRange, f, 3);
  check_error(load("p tw 3 2\n1 2\n-1 1\n").status(), absl::StatusCode::kInvalidArgument, f, 3);
  check_error(load("p tw 3 1\n1 2 3\n").status(), absl::StatusCode::kInvalidArgument, f, 2);
  check_error(load("p tw 3 1\np tw 3 1\n").status(), absl::StatusCode::kInvalidArgument, f, 2);
  CHECK(load("").status().code() == absl::StatusCode::kInvalidArgument);
  // Lying headers must not make the loader allocate what they announce.
  check_error(load("p tw 4000000000 1\n1 2\n").status(), absl::StatusCode::kInvalidArgument, f, 1);
  check_error(load("p tw 3 2000000000\n1 2\n").status(), absl::StatusCode::kDataLoss, f, 2);
}

// ---------------------------------------------------------------------------------------
// DIMACS
//
//   1 --10--> 2 --20--> 3 --5--> 1,  1 --40--> 3   (deciseconds)
TEST_CASE("DIMACS: .gr weights and .co coordinates", "[graph][io]") {
  TempDir dir;
  const std::string gr =
      dir.write("t.gr", "c tiny\np sp 3 4\na 1 2 10\na 2 3 20\na 3 1 5\na 1 3 40\n");
  SECTION("without .co: no coordinates, length 0") {
    auto g = load_dimacs(gr);
    REQUIRE(g.ok());
    CHECK(g->node_count() == 3);
    CHECK(g->arc_count() == 4);
    CHECK_FALSE(g->has_coordinates());
    CHECK(arc_weight(*g, 1, 3) == 40);
    CHECK(g->length(*g->find_arc(NodeId(0), NodeId(1))) == Meters(0));
    Dijkstra d(*g);
    CHECK(d.distance(NodeId(0), NodeId(2)) == Deciseconds(30));
  }
  SECTION("with .co (xz-free gzip): coordinates and haversine lengths") {
    dir.write("t.co.gz", gzip("c coords\np aux sp co 3\nv 1 -122400000 37700000\n"
                              "v 2 -122410000 37700000\nv 3 -122410000 37710000\n"));
    auto g = load_graph(gr);
    REQUIRE(g.ok());
    REQUIRE(g->has_coordinates());
    CHECK(g->coordinate(NodeId(1)).lon == Approx(-122.41));
    CHECK(g->coordinate(NodeId(2)).lat == Approx(37.71));
    const Meters len = g->length(*g->find_arc(NodeId(0), NodeId(1)));
    // 0.01 degree of longitude at 37.7 N is about 880 m.
    CHECK(len.value() == Approx(haversine({37.7, -122.4}, {37.7, -122.41}).value()).epsilon(1e-5));
    CHECK(len.value() == Approx(880).margin(5));
  }
}

TEST_CASE("DIMACS: malformed files name file:line", "[graph][io]") {
  TempDir dir;
  const std::string f = dir.file("bad.gr");
  auto load = [&](const std::string& text) { return load_dimacs(dir.write("bad.gr", text)); };
  check_error(load("a 1 2 3\n").status(), absl::StatusCode::kInvalidArgument, f, 1);
  check_error(load("p sp 2 1\na 1 2 -4\n").status(), absl::StatusCode::kInvalidArgument, f, 2);
  check_error(load("p sp 2 1\na 1 2 nan\n").status(), absl::StatusCode::kInvalidArgument, f, 2);
  check_error(load("p sp 2 1\na 1 2 1.5\n").status(), absl::StatusCode::kInvalidArgument, f, 2);
  check_error(load("p sp 2 1\na 1 3 4\n").status(), absl::StatusCode::kOutOfRange, f, 2);
  check_error(load("p sp 2 2\na 1 2 4\n").status(), absl::StatusCode::kDataLoss, f, 2);
  check_error(load("p sp 2 1\na 1 2 4\na 2 1 4\n").status(), absl::StatusCode::kInvalidArgument, f,
              3);
  check_error(load("p sp 2 1\nv 1 2 4\n").status(), absl::StatusCode::kInvalidArgument, f, 2);
  check_error(load("p sp 3999999999 1\na 1 2 4\n").status(), absl::StatusCode::kInvalidArgument, f,
              1);
  check_error(load("p sp 2 5000000000\na 1 2 4\n").status(), absl::StatusCode::kInvalidArgument, f,
              1);  // over 32-bit arc ids
  check_error(load("p sp 2 3999999999\na 1 2 4\n").status(), absl::StatusCode::kDataLoss, f, 2);

  // A bad coordinate file is reported at its own path and line.
  const std::string gr = dir.write("c.gr", "p sp 2 1\na 1 2 4\n");
  const std::string co = dir.file("c.co");
  dir.write("c.co", "p aux sp co 2\nv 1 -200000000 37000000\nv 2 0 0\n");
  check_error(load_dimacs(gr).status(), absl::StatusCode::kInvalidArgument, co, 2);
  dir.write("c.co", "p aux sp co 2\nv 1 1 1\nv 3 1 1\n");
  check_error(load_dimacs(gr).status(), absl::StatusCode::kOutOfRange, co, 3);
  dir.write("c.co", "p aux sp co 2\nv 1 1 1\n");
  check_error(load_dimacs(gr).status(), absl::StatusCode::kDataLoss, co, 2);
  dir.write("c.co", "p aux sp co 3\nv 1 1 1\n");
  check_error(load_dimacs(gr).status(), absl::StatusCode::kInvalidArgument, co, 1);
}

// ---------------------------------------------------------------------------------------
// OSM nodes/edges CSV (Bay Area format)
//
//   100 <==> 200 --> 300      (100-200 two-way: two edge rows; 200 -> 300 one-way)
TEST_CASE("OSM CSV: free-flow times from length and speed_mph", "[graph][io]") {
  TempDir dir;
  dir.write("x_nodes.csv",
            "osmid,x,y,ref,highway\n100,-122.40,37.70,,\n200,-122.41,37.70,12A,"
            "motorway_junction\n300,-122.41,37.71,,traffic_signals\n");
  const std::string edges = dir.write("x_edges.csv",
                                      "uniqueid,u,v,length,lanes,speed_mph\n"
                                      "0,100,200,447.04,2,10\n"
                                      "1,200,100,447.04,2,10\n"
                                      "2,200,300,100.0,1,25\n"
                                      "3,200,300,100.0,1,20\n");  // parallel, slower: dropped
  auto g = load_graph(edges);
  REQUIRE(g.ok());
  CHECK(g->node_count() == 3);
  CHECK(g->arc_count() == 3);
  CHECK(g->external_id(NodeId(2)) == 300);
  CHECK(g->coordinate(NodeId(2)).lat == Approx(37.71));
  CHECK(arc_weight(*g, 100, 200) == 1000);  // 447.04 m at 10 mph = 100.0 s
  CHECK(arc_weight(*g, 200, 300) == 89);    // 100 m at 25 mph = 8.947 s -> 8.9 s
  CHECK(g->length(*g->find_arc(*g->find_node(200), *g->find_node(300))).value() == Approx(100.0));
  CHECK(g->find_arc(*g->find_node(300), *g->find_node(200)) == std::nullopt);
}

TEST_CASE("OSM CSV: malformed files name file:line", "[graph][io]") {
  TempDir dir;
  const std::string nodes = dir.file("y_nodes.csv");
  const std::string edges = dir.file("y_edges.csv");
  const std::string good_nodes = "osmid,x,y\n1,-122.4,37.7\n2,-122.5,37.7\n";
  auto load = [&](const std::string& n, const std::string& e) {
    dir.write("y_nodes.csv", n);
    return load_osm_csv(dir.write("y_edges.csv", e)).status();
  };
  const std::string head = "uniqueid,u,v,length,lanes,speed_mph\n";
  check_error(load(good_nodes, head + "0,1,3,10,1,20\n"), absl::StatusCode::kOutOfRange, edges, 2);
  check_error(load(good_nodes, head + "0,1,2,-10,1,20\n"), absl::StatusCode::kInvalidArgument,
              edges, 2);
  check_error(load(good_nodes, head + "0,1,2,10,1,0\n"), absl::StatusCode::kInvalidArgument, edges,
              2);
  check_error(load(good_nodes, head + "0,1,2,NaN,1,20\n"), absl::StatusCode::kInvalidArgument,
              edges, 2);
  check_error(load(good_nodes, head + "0,1,2,10,1,20\n0,1\n"), absl::StatusCode::kInvalidArgument,
              edges, 3);
  check_error(load(good_nodes, "uniqueid,u,v,length\n0,1,2,10\n"),
              absl::StatusCode::kInvalidArgument, edges, 1);
  check_error(load("osmid,x,y\n1,-122.4,37.7\n2,-122.5,97.7\n", head),
              absl::StatusCode::kInvalidArgument, nodes, 3);
  check_error(load("osmid,x,y\n1,-122.4,37.7\n1,-122.5,37.7\n", head),
              absl::StatusCode::kInvalidArgument, nodes, 3);
  fs::remove(nodes);
  CHECK(load_osm_csv(edges).status().code() == absl::StatusCode::kNotFound);
}

// ---------------------------------------------------------------------------------------
// JEMSS
//
//   1 --> 2 --> 3 --> 1   (directed; times in days, distance in km)
namespace {
const char* kJemssNodes =
    "nodes,3,,\nindex,x,y,offRoadAccess,\n1.0,174.70,-36.76,1.0\n2.0,174.71,-36.76,0.0\n"
    "3.0,174.71,-36.77,1.0\n,\n";
const char* kJemssArcs =
    "miscData,1,,\narcForm,numModes,\ndirected,2\n,\narcs,3,,\n"
    "index,fromNode,toNode,distance,mode_1,mode_2,\n"
    "1.0,1.0,2.0,0.9,0.001,0.002\n2.0,2.0,3.0,1.1,0.0005,0.001\n3.0,3.0,1.0,1.5,0.0001,0.0002\n"
    ",\n";
}  // namespace

TEST_CASE("JEMSS: modes, day units, distance column and city files", "[graph][io]") {
  TempDir dir;
  dir.write("nodes.csv", kJemssNodes);
  dir.write("arcs.csv", kJemssArcs);
  auto g = load_graph(dir.str());
  REQUIRE(g.ok());
  CHECK(g->node_count() == 3);
  CHECK(g->arc_count() == 3);
  CHECK(arc_weight(*g, 1, 2) == 864);  // 0.001 day = 86.4 s
  CHECK(arc_weight(*g, 3, 1) == 86);   // 8.64 s -> 8.6 s
  CHECK(g->length(*g->find_arc(NodeId(0), NodeId(1))).value() == Approx(900.0));
  CHECK(g->coordinate(NodeId(0)).lat == Approx(-36.76));
  CHECK(g->coordinate(NodeId(0)).lon == Approx(174.70));

  GraphLoadOptions normal;
  normal.jemss_mode = TravelMode::kNormal;
  auto slow = load_jemss_graph(dir.str(), normal);
  REQUIRE(slow.ok());
  CHECK(arc_weight(*slow, 1, 2) == 1728);

  // Without the distance column the length is the haversine distance.
  dir.write("arcs.csv", "arcs,1,,\nindex,fromNode,toNode,mode_1,mode_2\n1.0,1.0,2.0,0.001,0.002\n");
  auto h = load_graph(dir.file("arcs.csv"));  // a JEMSS file names its directory
  REQUIRE(h.ok());
  CHECK(h->length(*h->find_arc(NodeId(0), NodeId(1))).value() ==
        Approx(haversine({-36.76, 174.70}, {-36.76, 174.71}).value()));

  // Undirected arcForm adds both directions.
  dir.write("arcs.csv",
            "miscData\narcForm,numModes\nundirected,1\n,\narcs\nindex,fromNode,toNode,mode_1\n"
            "1,1,2,0.001\n");
  auto u = load_jemss_graph(dir.str());
  REQUIRE(u.ok());
  CHECK(u->arc_count() == 2);
  GraphLoadOptions no_mode2;
  no_mode2.jemss_mode = TravelMode::kNormal;
  check_error(load_jemss_graph(dir.str(), no_mode2).status(), absl::StatusCode::kInvalidArgument,
              dir.file("arcs.csv"), 6);
}

TEST_CASE("JEMSS: malformed models name file:line", "[graph][io]") {
  TempDir dir;
  const std::string nodes = dir.file("nodes.csv");
  const std::string arcs = dir.file("arcs.csv");
  auto load = [&](const std::string& n, const std::string& a) {
    dir.write("nodes.csv", n);
    dir.write("arcs.csv", a);
    return load_jemss_graph(dir.str()).status();
  };
  const std::string head = "arcs,,,\nindex,fromNode,toNode,mode_1,mode_2\n";
  check_error(load(kJemssNodes, head + "1,1,9,0.001,0.002\n"), absl::StatusCode::kOutOfRange, arcs,
              3);
  check_error(load(kJemssNodes, head + "1,1,2,-0.001,0.002\n"), absl::StatusCode::kInvalidArgument,
              arcs, 3);
  check_error(load(kJemssNodes, head + "1,1.5,2,0.001,0.002\n"), absl::StatusCode::kInvalidArgument,
              arcs, 3);
  check_error(load(kJemssNodes, "arcs,2\nindex,fromNode,toNode,mode_1\n1,1,2,0.001\n"),
              absl::StatusCode::kDataLoss, arcs, 3);
  check_error(load(kJemssNodes, "no tables here\n"), absl::StatusCode::kInvalidArgument, arcs, 1);
  check_error(load("nodes,4\nindex,x,y\n1,1,1\n2,1,1\n", kJemssArcs), absl::StatusCode::kDataLoss,
              nodes, 4);
  check_error(load("nodes\nindex,x,y\n1,1,1\n2,1,nan\n", kJemssArcs),
              absl::StatusCode::kInvalidArgument, nodes, 4);
  check_error(load("nodes\nindex,x,y\n1,1,1\n2,1,-91\n", kJemssArcs),
              absl::StatusCode::kInvalidArgument, nodes, 4);
  fs::remove(arcs);
  CHECK(load_jemss_graph(dir.str()).status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("JEMSS: stations, hospitals and ambulances files", "[graph][io]") {
  TempDir dir;
  const std::string st = dir.write(
      "stations_1.csv",
      "stations,,,note\nindex,x,y,capacity,,NAME,ADDRESS\n1,174.89,-36.94,5,,St John Botany,"
      "\"32 Sir William Ave, East Tamaki\"\n2,174.91,-36.89,3,,,\n");
  auto stations = load_jemss_stations(st);
  REQUIRE(stations.ok());
  REQUIRE(stations->size() == 2);
  CHECK((*stations)[0].name == "St John Botany");
  CHECK((*stations)[1].capacity == 3);
  CHECK((*stations)[1].location.lon == Approx(174.91));
  const std::string ho =
      dir.write("hospitals_1.csv", "hospitals,,,x\nindex,x,y,name\n1,174.77,-36.86,Auckland\n");
  auto hospitals = load_jemss_hospitals(ho);
  REQUIRE(hospitals.ok());
  REQUIRE(hospitals->size() == 1);
  CHECK((*hospitals)[0].name == "Auckland");
  const std::string am =
      dir.write("ambulances_1.csv", "ambulances,,,\nindex,stationIndex,class,\n1,1,1,\n2,2,1,\n");
  auto ambulances = load_jemss_ambulances(am, *stations);
  REQUIRE(ambulances.ok());
  CHECK(ambulances->at(1).station_index == 2);

  dir.write("ambulances_1.csv", "ambulances\nindex,stationIndex,class\n1,1,1\n2,9,1\n");
  check_error(load_jemss_ambulances(am, *stations).status(), absl::StatusCode::kOutOfRange, am, 4);
  CHECK(load_jemss_ambulances(am).ok());  // no stations given: not checked
  dir.write("stations_1.csv", "stations\nindex,x,y,capacity\n1,174.89,-36.94,-5\n");
  check_error(load_jemss_stations(st).status(), absl::StatusCode::kInvalidArgument, st, 3);
  dir.write("stations_1.csv", "stations\nindex,x,y\n1,174.89,-36.94\n");
  check_error(load_jemss_stations(st).status(), absl::StatusCode::kInvalidArgument, st, 2);
  dir.write("hospitals_1.csv", "hospitals\nindex,x,y,name\n1,374.77,-36.86,Nowhere\n");
  check_error(load_jemss_hospitals(ho).status(), absl::StatusCode::kInvalidArgument, ho, 3);
  dir.write("hospitals_1.csv", "index,x,y,name\n1,174.77,-36.86,No table row\n");
  CHECK(load_jemss_hospitals(ho).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(load_jemss_hospitals(dir.file("none.csv")).status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("JEMSS: the bundled Manhattan model", "[graph][io][data]") {
  const std::string dir = dk_test::bundled("manhattan");
  auto city = load_jemss_city(dir);
  REQUIRE(city.ok());
  CHECK(city->graph.node_count() == 16811);
  CHECK(city->graph.arc_count() == 24437);
  REQUIRE(city->stations.size() == 8);
  CHECK(city->stations[0].index == 1);
  CHECK(city->stations[0].capacity == 5);
  CHECK(city->stations[0].location.lat == Approx(40.710077));
  CHECK(city->stations[0].location.lon == Approx(-73.986203));
  CHECK(city->stations[0].name == "Pier 36, South St, New York, NY 10002, USA");
  REQUIRE(city->hospitals.size() == 10);
  CHECK(city->hospitals[8].name == "Bellevue Hospital Center");
  REQUIRE(city->ambulances.size() == 12);
  CHECK(city->ambulances[11].station_index == 8);
  CHECK(city->ambulances[11].ambulance_class == 1);
  const auto [south, north] =
      std::minmax_element(city->graph.coordinates().begin(), city->graph.coordinates().end(),
                          [](LatLon a, LatLon b) { return a.lat < b.lat; });
  CHECK(south->lat > 40.70);  // SOURCES.md: lat 40.701..40.873
  CHECK(north->lat < 40.88);
  // Lights and sirens is faster on every arc than normal driving.
  GraphLoadOptions normal;
  normal.jemss_mode = TravelMode::kNormal;
  auto slow = load_graph(dir, normal);
  REQUIRE(slow.ok());
  REQUIRE(slow->arc_count() == city->graph.arc_count());
  std::uint64_t fast_sum = 0, slow_sum = 0;
  for (std::uint32_t a = 0; a < slow->arc_count(); ++a) {
    fast_sum += city->graph.weights()[a];
    slow_sum += slow->weights()[a];
  }
  CHECK(slow_sum > fast_sum);
  // JEMSS kept Manhattan to its largest component.
  auto scc = load_graph(dir, {.keep_largest_scc = true});
  REQUIRE(scc.ok());
  CHECK(scc->node_count() > 16000);
  CHECK(strongly_connected(*scc));
}

TEST_CASE("JEMSS: Auckland (distance column) from ../shared", "[graph][io][data][shared]") {
  const auto dir = dk_test::shared("jemss/auckland");
  if (!dir) {
    WARN(dk_test::skipped("jemss/auckland"));
    return;
  }
  auto g = load_graph(*dir);
  REQUIRE(g.ok());
  CHECK(g->node_count() == 54370);
  CHECK(g->arc_count() == 90638);
  // First arc: 1 -> 2, 0.06128823812938525 km, 2.806238009587237e-5 days = 24.2 s.
  const auto a = g->find_arc(*g->find_node(1), *g->find_node(2));
  REQUIRE(a.has_value());
  CHECK(g->length(*a).value() == Approx(61.288).epsilon(1e-4));
  CHECK(g->travel_time(*a) == Deciseconds(24));
}

// ---------------------------------------------------------------------------------------
// Integrator CSV
//
//   7 <==> 8 --> 9     (7-8 one row with oneway=0; 8 -> 9 one-way)
TEST_CASE("CSV: integrator format by arcs file or directory", "[graph][io]") {
  TempDir dir;
  dir.write("nodes.csv", "id,lat,lon\n7,31.23,121.47\n8,31.24,121.47\n9,31.24,121.48\n");
  const std::string arcs = dir.write("arcs.csv",
                                     "from,to,length_m,time_s,oneway\n7,8,1110,60.04,0\n"
                                     "8,9,950,45\n");
  for (const std::string& path : {arcs, dir.str()}) {
    auto g = load_graph(path);
    REQUIRE(g.ok());
    CHECK(g->node_count() == 3);
    CHECK(g->arc_count() == 3);
    CHECK(arc_weight(*g, 7, 8) == 600);
    CHECK(arc_weight(*g, 8, 7) == 600);
    CHECK(arc_weight(*g, 8, 9) == 450);
    CHECK(g->find_arc(*g->find_node(9), *g->find_node(8)) == std::nullopt);
    CHECK(g->coordinate(*g->find_node(9)).lon == Approx(121.48));
  }
  auto f = detect_graph_format(dir.str());
  REQUIRE(f.ok());
  CHECK(*f == GraphFormat::kCsv);
}

// The CSV formats read through io/csv.hpp's CsvReader: a spreadsheet export's BOM, CRLF or
// lone CR line endings and quoted fields read as plain files do, in every graph format.
TEST_CASE("CSV graph formats accept a BOM, CR / CRLF endings and quoted fields", "[graph][io]") {
  TempDir dir;
  const std::string bom = "\xEF\xBB\xBF";
  dir.write("z_nodes.csv", bom + "osmid,x,y\r\n1,-122.4,37.7\r\n\"2\",-122.5,37.7\r\n");
  const std::string edges = dir.write(
      "z_edges.csv", bom + "u,v,length,speed_mph\r1,2,447.04,10\r\"2\",1,447.04,\"10\"\r");
  auto f = detect_graph_format(edges);
  REQUIRE(f.ok());
  CHECK(*f == GraphFormat::kOsmCsv);
  auto osm = load_graph(edges);
  REQUIRE(osm.ok());
  CHECK(osm->arc_count() == 2);
  CHECK(arc_weight(*osm, 2, 1) == 1000);
  check_error(
      load_osm_csv(dir.write("z_edges.csv", "u,v,length,speed_mph\r\n1,2,x,10\r\n")).status(),
      absl::StatusCode::kInvalidArgument, edges, 2);

  TempDir city;
  city.write("nodes.csv", bom + "nodes,3\r\nindex,x,y\r\n1,1,1\r\n2,1,2\r\n3,2,2\r\n");
  city.write("arcs.csv", bom + "arcs,1\r\nindex,fromNode,toNode,mode_1\r\n1,1,2,0.001\r\n");
  auto jemss = load_graph(city.str());
  REQUIRE(jemss.ok());
  CHECK(jemss->arc_count() == 1);
  CHECK(arc_weight(*jemss, 1, 2) == 864);
}

TEST_CASE("CSV: malformed files name file:line", "[graph][io]") {
  TempDir dir;
  const std::string nodes = dir.file("city_nodes.csv");
  const std::string arcs = dir.file("city_arcs.csv");
  auto load = [&](const std::string& n, const std::string& a) {
    dir.write("city_nodes.csv", n);
    return load_csv_graph(dir.write("city_arcs.csv", a)).status();
  };
  const std::string good = "id,lat,lon\n1,31.2,121.4\n2,31.3,121.4\n";
  const std::string head = "from,to,length_m,time_s,oneway\n";
  check_error(load(good, head + "1,2,10,5,2\n"), absl::StatusCode::kInvalidArgument, arcs, 2);
  check_error(load(good, head + "1,2,10,-5,1\n"), absl::StatusCode::kInvalidArgument, arcs, 2);
  check_error(load(good, head + "1,2,10,inf,1\n"), absl::StatusCode::kInvalidArgument, arcs, 2);
  check_error(load(good, head + "1,2,10,5,1\n1,3,10,5,1\n"), absl::StatusCode::kOutOfRange, arcs,
              3);
  check_error(load(good, "from,to,time_s\n1,2,5\n"), absl::StatusCode::kInvalidArgument, arcs, 1);
  check_error(load("id,lat,lon\n1,nan,121.4\n", head), absl::StatusCode::kInvalidArgument, nodes,
              2);
  check_error(load("id,lat\n1,31\n", head), absl::StatusCode::kInvalidArgument, nodes, 1);
}

// ---------------------------------------------------------------------------------------
// load_graph: detection and file-level errors
TEST_CASE("load_graph: missing, truncated and unknown files", "[graph][io]") {
  TempDir dir;
  CHECK(load_graph(dir.file("nope.gr")).status().code() == absl::StatusCode::kNotFound);
  CHECK(load_graph(dir.str()).status().code() == absl::StatusCode::kInvalidArgument);

  check_error(load_graph(dir.write("what.txt", "hello,world\n1,2\n")).status(),
              absl::StatusCode::kInvalidArgument, dir.file("what.txt"), 1);

  // Truncated xz (cut from the bundled SF edges) and gzip streams: DataLoss.
  auto xz = detail::read_raw_file(dk_test::bundled("sf/sf_osm_edges.csv.xz"));
  REQUIRE(xz.ok());
  const std::string cut = dir.write("cut.csv.xz", xz->substr(0, xz->size() / 2));
  CHECK(load_graph(cut).status().code() == absl::StatusCode::kDataLoss);
  const std::string gz = gzip("p tw 3 2\n1 2\n2 3\n");
  CHECK(load_graph(dir.write("ok.gr.gz", gz)).ok());
  CHECK(load_graph(dir.write("cut.gr.gz", gz.substr(0, gz.size() - 6))).status().code() ==
        absl::StatusCode::kDataLoss);
  // Nothing crashes on binary garbage.
  std::string junk(4096, '\0');
  for (std::size_t i = 0; i < junk.size(); ++i)
    junk[i] = static_cast<char>(detail::splitmix64(i) & 0xff);
  CHECK_FALSE(load_graph(dir.write("junk.bin", junk)).ok());
  CHECK_FALSE(load_graph(dir.write("junk.gr", "p tw 3 2\n" + junk)).ok());
  CHECK_FALSE(load_graph(dir.write("junk_edges.csv", "u,v,length,speed_mph\n" + junk)).ok());
}

// Every prefix of a good file, and seeded random byte edits, load or fail cleanly: never a
// crash, hang or sanitizer report (the ASan CI job runs this too).
TEST_CASE("load_graph: truncated and mutated files never crash", "[graph][io][fuzz]") {
  TempDir dir;
  struct Sample {
    std::string name, text;
  };
  dir.write("m_nodes.csv", "osmid,x,y\n1,-122.4,37.7\n2,-122.5,37.7\n");
  dir.write("c_nodes.csv", "id,lat,lon\n1,31.2,121.4\n2,31.3,121.4\n");
  dir.write("d.co", "p aux sp co 3\nv 1 -122400000 37700000\nv 2 1 1\nv 3 2 2\n");
  const std::vector<Sample> samples = {
      {"p.gr", "c x\np tw 3 2\n1 2\n2 3\n"},
      {"d.gr", "p sp 3 3\na 1 2 10\na 2 3 20\na 3 1 5\n"},
      {"m_edges.csv", "uniqueid,u,v,length,lanes,speed_mph\n0,1,2,447.04,2,10\n1,2,1,9,1,20\n"},
      {"c_arcs.csv", "from,to,length_m,time_s,oneway\n1,2,1110,60.04,0\n"},
  };
  std::size_t ok = 0, failed = 0;
  for (const Sample& sample : samples) {
    for (std::size_t cut = 0; cut <= sample.text.size(); ++cut) {
      const auto g = load_graph(dir.write(sample.name, sample.text.substr(0, cut)));
      (g.ok() ? ok : failed) += 1;
    }
    for (std::uint64_t i = 0; i < 300; ++i) {
      std::string text = sample.text;
      const std::uint64_t r = detail::splitmix64(i * 7919 + sample.text.size());
      text[r % text.size()] = "0123456789-,. \n\rx\0e"[(r >> 32) % 20];
      const auto g = load_graph(dir.write(sample.name, text));
      (g.ok() ? ok : failed) += 1;
    }
  }
  // The JEMSS reader on prefixes of the bundled Manhattan tables (cut every 37 bytes).
  const auto nodes = read_file(dk_test::bundled("manhattan/nodes.csv.xz"));
  const auto arcs = read_file(dk_test::bundled("manhattan/arcs.csv.xz"));
  REQUIRE(nodes.ok());
  REQUIRE(arcs.ok());
  dir.write("nodes.csv", *nodes);
  for (std::size_t cut = 0; cut < 1500; cut += 37) {
    dir.write("arcs.csv", arcs->substr(0, cut));
    const auto g = load_graph(dir.str());
    (g.ok() ? ok : failed) += 1;
  }
  CHECK(ok > 0);
  CHECK(failed > 0);
}

// ---------------------------------------------------------------------------------------
// Bundled San Francisco network
TEST_CASE("OSM CSV: the bundled SF network is strongly connected", "[graph][io][data]") {
  const std::string path = dk_test::bundled("sf/sf_osm_edges.csv.xz");
  auto f = detect_graph_format(path);
  REQUIRE(f.ok());
  CHECK(*f == GraphFormat::kOsmCsv);
  auto g = load_graph(path);
  REQUIRE(g.ok());
  CHECK(g->node_count() == 2915);
  CHECK(g->arc_count() == 6214);
  REQUIRE(g->has_coordinates());
  bool inside_box = true;  // the cut's bounding box (data/README.md)
  for (LatLon p : g->coordinates())
    inside_box =
        inside_box && p.lat >= 37.60 && p.lat <= 37.84 && p.lon >= -122.53 && p.lon <= -122.35;
  CHECK(inside_box);
  CHECK(strongly_connected(*g));
  // keep_largest_scc is then a no-op.
  auto scc = load_graph(path, {.keep_largest_scc = true});
  REQUIRE(scc.ok());
  CHECK(scc->fingerprint() == g->fingerprint());
}

TEST_CASE("DIMACS: write -> load round trip keeps every distance", "[graph][io][data]") {
  TempDir dir;
  for (const std::string& source :
       {dk_test::bundled("sf/sf_osm_edges.csv.xz"), dk_test::bundled("manhattan")}) {
    auto g = load_graph(source);
    REQUIRE(g.ok());
    const std::string prefix = dir.file("rt");
    REQUIRE(write_dimacs(*g, prefix).ok());
    auto h = load_graph(prefix + ".gr");
    REQUIRE(h.ok());
    REQUIRE(h->node_count() == g->node_count());
    REQUIRE(h->arc_count() == g->arc_count());
    CHECK(std::equal(g->heads().begin(), g->heads().end(), h->heads().begin()));
    CHECK(std::equal(g->weights().begin(), g->weights().end(), h->weights().begin()));
    REQUIRE(h->has_coordinates());
    for (std::uint32_t v = 0; v < g->node_count(); v += 97) {
      CHECK(std::abs(h->coordinate(NodeId(v)).lat - g->coordinate(NodeId(v)).lat) <= 6e-7);
      CHECK(std::abs(h->coordinate(NodeId(v)).lon - g->coordinate(NodeId(v)).lon) <= 6e-7);
    }
    // One-to-all from 40 seeded random sources: every (source, node) pair agrees.
    Dijkstra dg(*g), dh(*h);
    std::size_t compared = 0;
    for (std::uint64_t i = 0; i < 40; ++i) {
      const NodeId s(static_cast<std::uint32_t>(detail::splitmix64(i + 7) % g->node_count()));
      dg.run_forward(s);
      dh.run_forward(s);
      for (std::uint32_t v = 0; v < g->node_count(); ++v, ++compared)
        if (dg.distance_to(NodeId(v)) != dh.distance_to(NodeId(v))) FAIL("distance differs");
    }
    CHECK(compared == 40u * g->node_count());
  }
}

// ---------------------------------------------------------------------------------------
// PACE16 NY from ../shared (the benchmark graph)
TEST_CASE("PACE16: NY from ../shared matches SOURCES.md", "[graph][io][data][shared]") {
  const auto path = dk_test::shared("road_pace16_NY.gr.xz");
  if (!path) {
    WARN(dk_test::skipped("road_pace16_NY.gr.xz"));
    return;
  }
  auto g = load_graph(*path);
  REQUIRE(g.ok());
  CHECK(g->node_count() == 264346);
  CHECK(g->arc_count() == 2u * 365050u);
  CHECK(g->external_id(NodeId(0)) == 1);
  CHECK(g->external_id(NodeId(264345)) == 264346);
  // The file's first edges are "1 2", "1 12", "1 1363"; weights computed by hand (Python)
  // from 1 + splitmix64((min << 32) | max) % 1000.
  CHECK(arc_weight(*g, 1, 2) == 515);
  CHECK(arc_weight(*g, 12, 1) == 548);
  CHECK(arc_weight(*g, 1, 1363) == 226);
  CHECK(strongly_connected(*g));  // PACE graphs are connected, and arcs come in pairs
}
