// The findings of the outside probe of issue #16 (8,600 mutated real inputs through the
// tools and readers under ASan+UBSan), one test each, and then those of the fuzz targets
// (fuzz/). Every case was seen to fail before its fix: an overflow under UBSan, a read out
// of bounds, a reachable pair answered as unreachable, a bad value accepted, a stray row
// merged, state that would not survive a restart, or an error without its file and line.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/recommend/io/hifld_hospitals.hpp"
#include "dispatchkit/route/ch/index_file.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "dispatchkit/sim/call_mapping.hpp"
#include "dispatchkit/sim/generate/gen_config.hpp"
#include "dispatchkit/sim/io/call_files.hpp"
#include "dispatchkit/sim/io/calls_for_service.hpp"
#include "dispatchkit/sim/io/sites_csv.hpp"
#include "dispatchkit/sim/prepare_replay.hpp"
#include "dispatchkit/triage/triage_queue.hpp"
#include "fixtures/fuzz_grid.hpp"
#include "robustness_fixtures.hpp"
#include "test_data.hpp"

using namespace dispatchkit;

namespace {

bool mentions(const absl::Status& s, std::string_view text) {
  return std::string(s.message()).find(text) != std::string::npos;
}

// `bytes` with the first little-endian int64 `from` replaced by `to`, and the container's
// trailing checksum recomputed: a snapshot a buggy writer could have made.
std::string patched_snapshot(std::string bytes, std::int64_t from, std::int64_t to) {
  char pattern[8], replacement[8];
  std::memcpy(pattern, &from, 8);
  std::memcpy(replacement, &to, 8);
  const std::size_t at = bytes.find(std::string_view(pattern, 8));
  REQUIRE(at != std::string::npos);
  REQUIRE(bytes.find(std::string_view(pattern, 8), at + 1) == std::string::npos);
  std::memcpy(bytes.data() + at, replacement, 8);
  const std::uint64_t sum = detail::checksum64(std::string_view(bytes).substr(0, bytes.size() - 8));
  std::memcpy(bytes.data() + bytes.size() - 8, &sum, 8);
  return bytes;
}

TriageCall waiting_call(std::uint64_t id, std::int64_t received) {
  TriageCall c;
  c.id = CallId(id);
  c.grade = PriorityGrade::kII;
  c.clocks.received = sim_time_from_unix(received);
  return c;
}

}  // namespace

TEST_CASE("probe: a snapshot's clocks and waits are held to the limits push() keeps",
          "[robustness][triage][probe]") {
  constexpr std::int64_t kReceived = 1483228812345;  // distinctive: found once in the bytes
  constexpr std::int64_t kWait = 4321987;
  TriageQueueOptions options;
  options.targets.set_allowed_wait(PriorityGrade::kII, SimDuration(kWait));
  TriageQueue q(options);
  REQUIRE(q.push(waiting_call(1, kReceived)).queued());
  const std::string bytes = q.serialize();
  REQUIRE(TriageQueue::deserialize(bytes, "q.snapshot").ok());

  // Each of these overflowed deadline(), slack() or next_target() once restored.
  for (const std::int64_t received :
       {std::numeric_limits<std::int64_t>::max() - 10,
        std::numeric_limits<std::int64_t>::min() + 10, kClockLimit.count()}) {
    const auto r = TriageQueue::deserialize(patched_snapshot(bytes, kReceived, received), "q.snap");
    INFO(received);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == absl::StatusCode::kDataLoss);
    CHECK(mentions(r.status(), "q.snap"));
    CHECK(mentions(r.status(), "call 1"));
    CHECK(mentions(r.status(), "clock beyond"));
  }
  for (const std::int64_t wait :
       {std::numeric_limits<std::int64_t>::max(), kMaxTargetDuration.count() + 1}) {
    const auto r = TriageQueue::deserialize(patched_snapshot(bytes, kWait, wait), "q.snap");
    REQUIRE_FALSE(r.ok());
    CHECK(mentions(r.status(), "invalid options"));
  }
  // push() refuses the same clocks, and the setters clamp a wait into the range.
  CHECK(q.push(waiting_call(2, kClockLimit.count())).status == PushStatus::kInvalidCall);
  TriageCall answered_late = waiting_call(3, 1000);
  answered_late.clocks.answered = sim_time_from_unix(std::numeric_limits<std::int64_t>::max());
  CHECK(q.push(answered_late).status == PushStatus::kInvalidCall);
  // A `now` beyond the range is stamped as the limit, and stamp() refuses such a time: the
  // queue never holds what its own snapshot could not restore (found by fuzz_triage_ops).
  CHECK_FALSE(q.stamp(CallId(1), Milestone::kAnswered,
                      sim_time_from_unix(std::numeric_limits<std::int64_t>::max())));
  CHECK(q.retriage(CallId(1), *DeterminantCode::parse("09-E-01"), PriorityGrade::kI,
                   sim_time_from_unix(std::numeric_limits<std::int64_t>::max())));
  REQUIRE(q.pop(sim_time_from_unix(std::numeric_limits<std::int64_t>::max())).has_value());
  CHECK(within_clock_limit(q.find(CallId(1))->clocks.dispatched));
  const auto again = TriageQueue::deserialize(q.serialize(), "late.snapshot");
  REQUIRE(again.ok());
  CHECK(again->serialize() == q.serialize());
  ServiceTargets t;
  t.set_allowed_wait(PriorityGrade::kI, SimDuration(std::numeric_limits<std::int64_t>::max()));
  CHECK(t.allowed_wait(PriorityGrade::kI) == kMaxTargetDuration);

  // At the edge of the range every sum stays defined (UBSan watches this suite in CI).
  const std::int64_t edge = kClockLimit.count() - 1;
  TriageQueueOptions wide;
  wide.targets.set_allowed_wait(PriorityGrade::kII, kMaxTargetDuration)
      .set_dispatch(kMaxTargetDuration)
      .set_response(AreaClass::kUrban, PriorityGrade::kII, kMaxTargetDuration);
  TriageQueue edge_queue(wide);
  REQUIRE(edge_queue.push(waiting_call(4, edge)).queued());
  REQUIRE(edge_queue.push(waiting_call(5, -edge), DuplicatePolicy::kIgnore).queued());
  const auto back = TriageQueue::deserialize(edge_queue.serialize(), "edge");
  REQUIRE(back.ok());
  for (const SimTime now : {sim_time_from_unix(-edge), sim_time_from_unix(edge)}) {
    std::vector<AtRiskCall> risk;
    back->calls_at_risk(now, kMaxTargetDuration, risk);
    CHECK(risk.size() <= 2);
    const TriageCall* top = back->peek(now);
    REQUIRE(top != nullptr);
    CHECK(top->next_target(wide.targets, now).has_value());
    CHECK(top->slack(ServiceTarget::kResponse, wide.targets, now) >
          SimDuration(std::numeric_limits<std::int64_t>::min()));
  }
  CHECK(back->check_invariants());
}

TEST_CASE("probe: DIMACS weights whose path sums overflow are refused, not answered inf",
          "[robustness][graph][probe]") {
  // Two arcs of 4,294,967,294 each: the path 1 -> 3 is 8.6e9 ds, beyond a Weight.
  const std::string big = "p sp 3 3\na 1 2 4294967294\na 2 3 4294967294\na 3 1 5\n";
  const auto g = detail::load_dimacs_text("big.gr", big, {});
  REQUIRE_FALSE(g.ok());
  CHECK(g.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(mentions(g.status(), "big.gr"));
  CHECK(mentions(g.status(), "big.gr:2: weight 4294967294"));
  CHECK(mentions(g.status(), "scale them down"));

  // A ring of 1 ds arcs, each node also with a 1.5e9 ds arc back: the sum of the heaviest
  // arcs (6e9) does not fit, but every shortest path does. The exact step accepts it, and
  // the answers are the true ones.
  std::string ring = "p sp 4 8\n";
  for (int v = 1; v <= 4; ++v)
    absl::StrAppend(&ring, "a ", v, " ", v % 4 + 1, " 1\na ", v % 4 + 1, " ", v, " 1500000000\n");
  const auto r = detail::load_dimacs_text("ring.gr", ring, {});
  REQUIRE(r.ok());
  Dijkstra ring_search(*r);
  CHECK(ring_search.distance(NodeId(0), NodeId(3)) == Deciseconds(3));
  CHECK(ring_search.distance(NodeId(1), NodeId(0)) == Deciseconds(3));

  // Just inside the range: accepted, and the longest path is finite.
  const std::string edge = "p sp 3 2\na 1 2 2147483647\na 2 3 2147483646\n";
  const auto e = detail::load_dimacs_text("edge.gr", edge, {});
  REQUIRE(e.ok());
  Dijkstra edge_search(*e);
  CHECK(edge_search.distance(NodeId(0), NodeId(2)) == Deciseconds(kInfWeight - 2));
}

TEST_CASE("probe: CR-only line endings and a byte-order mark read alike in every text reader",
          "[robustness][graph][probe]") {
  const std::string bom = "\xEF\xBB\xBF";
  // A query file of old Mac line endings: three lines, not one comment line.
  const std::string queries = bom + "# from to\r1 3\r2 1\r";
  LineReader cr("q.txt", queries);
  std::vector<std::string_view> lines;
  while (auto l = cr.next()) lines.push_back(*l);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "# from to");
  CHECK(lines[2] == "2 1");

  const std::string dimacs = "p sp 3 2\na 1 2 4\na 2 3 5\n";
  for (const std::string& text :
       {bom + dimacs, dimacs, std::string("p sp 3 2\ra 1 2 4\ra 2 3 5\r")}) {
    const auto g = detail::load_dimacs_text("g.gr", text, {});
    REQUIRE(g.ok());
    CHECK(g->arc_count() == 2);
    CHECK(detail::detect_text_format("g.gr", text).value() == GraphFormat::kDimacs);
  }
  const std::string pace = bom + "p tw 3 2\n1 2\n2 3\n";
  CHECK(detail::detect_text_format("g.gr", pace).value() == GraphFormat::kPace16);
  CHECK(detail::load_pace16_text("g.gr", pace, {}).ok());
  const std::string osm_nodes = bom + "osmid,x,y\n1,-122.4,37.7\n2,-122.41,37.71\n";
  CHECK(CsvReader::open("nodes.csv", osm_nodes, detail::kOsmNodeColumns).ok());
}

TEST_CASE("probe: a JEMSS arcs table is checked in every column, not only the mode read",
          "[robustness][graph][probe]") {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("dk_probe_jemss_" + std::to_string(::getpid())))
          .string();
  std::filesystem::create_directories(dir);
  REQUIRE(write_file_atomically(
              dir + "/nodes.csv",
              "nodes,3,,\nindex,x,y,offRoadAccess\n1,-73.98,40.76,1\n2,-73.97,40.76,1\n"
              "3,-73.97,40.77,1\n")
              .ok());
  const auto arcs = [&](std::string_view rows) {
    REQUIRE(write_file_atomically(dir + "/arcs.csv",
                                  absl::StrCat("miscData,1,,\narcForm,numModes,\ndirected,2\n,\n"
                                               "arcs,2,,\nindex,fromNode,toNode,mode_1,mode_2\n",
                                               detail::as_absl(rows)))
                .ok());
    return load_jemss_graph(dir, {});
  };
  REQUIRE(arcs("1,1,2,0.001,0.002\n2,2,3,0.001,0.002\n").ok());
  const auto nan_other = arcs("1,1,2,0.001,nan\n2,2,3,0.001,0.002\n");
  REQUIRE_FALSE(nan_other.ok());
  CHECK(mentions(nan_other.status(), "arcs.csv:7: column 'mode_2'"));
  const auto bad_index = arcs("x1,1,2,0.001,0.002\n2,2,3,0.001,0.002\n");
  REQUIRE_FALSE(bad_index.ok());
  CHECK(mentions(bad_index.status(), "arcs.csv:7: expected an arc index"));
  const auto repeated = arcs("1,1,2,0.001,0.002\n1,2,3,0.001,0.002\n");
  REQUIRE_FALSE(repeated.ok());
  CHECK(mentions(repeated.status(), "arcs.csv:8: arc index 1 appears a second time"));
  // The bundled Manhattan model still loads.
  CHECK(load_graph(dk_test::bundled("manhattan")).ok());
  std::filesystem::remove_all(dir);
}

namespace {

// A San Francisco export of `rows`: call number, received "MM/DD/YYYY hh:mm:ss AM".
std::string calls_csv(std::initializer_list<std::pair<std::string_view, std::string_view>> rows) {
  std::string t =
      "Call Number,Unit ID,Unit Type,Received DtTm,Dispatch DtTm,On Scene DtTm,Location\n";
  int unit = 0;
  for (const auto& [call, received] : rows)
    absl::StrAppend(&t, detail::as_absl(call), ",M", ++unit, ",MEDIC,", detail::as_absl(received),
                    ",", detail::as_absl(received), ",,\"(37.7749, -122.4194)\"\n");
  return t;
}

}  // namespace

TEST_CASE("probe: rows of one call years apart are not merged; stray calls leave the period",
          "[robustness][sim][probe]") {
  const auto rec = parse_recorded_calls(
      "calls.csv", calls_csv({{"1", "01/01/2017 10:00:00 AM"},
                              {"1", "01/01/2017 10:02:00 AM"},  // the same call, 2 min on
                              {"1", "03/04/2020 10:00:00 AM"},  // the number reused
                              {"2", "01/01/2017 11:00:00 AM"},
                              {"3", "01/02/2017 09:00:00 AM"},
                              {"4", "06/15/2019 12:00:00 PM"}}));  // far outside the week
  REQUIRE(rec.ok());
  const RecordedLoadReport& r = rec->report;
  CHECK(r.rows_rejected[static_cast<int>(RowProblem::kCallRowsApart)] == 1);
  CHECK(r.calls_disagreeing == 1);
  CHECK(r.calls_outside_period == 1);
  REQUIRE(rec->calls.size() == 3);
  CHECK(rec->calls.front().call_number == "1");
  CHECK(rec->calls.front().responses.size() == 2);
  CHECK(rec->calls.back().call_number == "3");
  bool quoted_reuse = false, quoted_stray = false;
  for (const std::string& e : r.examples) {
    quoted_reuse |= e.find("calls.csv:4: call_rows_far_apart") != std::string::npos;
    quoted_stray |= e.find("calls.csv:7: call 4 left out") != std::string::npos;
  }
  CHECK(quoted_reuse);
  CHECK(quoted_stray);
  CHECK(r.summary().find("call_rows_far_apart") != std::string::npos);
  // The bundled week is one period: nothing is left out.
  const auto week =
      load_recorded_calls(dk_test::bundled("sf/sf_fire_calls_2016-12-31_2017-01-07.csv.gz"));
  REQUIRE(week.ok());
  CHECK(week->report.calls_outside_period == 0);
  CHECK(week->report.rows_rejected[static_cast<int>(RowProblem::kCallRowsApart)] == 0);
}

TEST_CASE("probe: duplicate stations and hospitals are errors naming both lines",
          "[robustness][sim][probe]") {
  const auto st = parse_sites("st.csv",
                              "name,lat,lon\nStation #1,37.77,-122.41\nStation #2,37.78,-122.42\n"
                              "station #1,37.77,-122.41\n");
  REQUIRE_FALSE(st.ok());
  CHECK(
      mentions(st.status(), "st.csv:4: site 'station #1' appears a second time (first at line 2)"));
  const auto closed = parse_sites("st.csv", "name,lat,lon,status\nA,37.7,-122.4,CLOSED\n");
  REQUIRE_FALSE(closed.ok());
  CHECK(mentions(closed.status(), "st.csv: no sites; expected at least one row"));
  CHECK(mentions(closed.status(), "1 with status CLOSED"));

  const Snapper snapper = *Snapper::build(dk_robust::sf_graph());
  const std::string hifld =
      "NAME,LATITUDE,LONGITUDE,STATUS,TRAUMA,TYPE\n"
      "General,37.7557,-122.4048,OPEN,LEVEL I,GENERAL ACUTE CARE\n"
      "General,37.7557,-122.4048,OPEN,LEVEL I,GENERAL ACUTE CARE\n";
  const auto h = parse_hifld_hospitals("h.csv", hifld, snapper);
  REQUIRE_FALSE(h.ok());
  CHECK(
      mentions(h.status(), "h.csv:3: hospital 'General' appears a second time (first at h.csv:2)"));
}

TEST_CASE("probe: station and hospital snapping and an empty replay name file, line and why",
          "[robustness][sim][probe]") {
  const RoadGraph& g = dk_robust::sf_graph();
  const Snapper snapper = *Snapper::build(g);
  const auto record = parse_recorded_calls(
      "calls.csv", calls_csv({{"1", "01/01/2017 10:00:00 AM"}, {"2", "01/01/2017 11:00:00 AM"}}));
  REQUIRE(record.ok());
  auto stations = parse_sites("st.csv", "name,lat,lon\nStation #1,37.77,-122.41\n");
  REQUIRE(stations.ok());
  const auto hospitals = parse_hifld_hospitals(
      "h.csv", "NAME,LATITUDE,LONGITUDE\nGeneral,37.7557,-122.4048\nAt sea,37.60,-123.20\n",
      snapper);
  REQUIRE(hospitals.ok());
  const auto at_sea = prepare_replay(g, snapper, *record, *stations, *hospitals,
                                     CallMapping::sf_default(), ResponsePlanTable::default_table());
  REQUIRE_FALSE(at_sea.ok());
  CHECK(mentions(at_sea.status(), "h.csv:3: hospital 'At sea'"));

  const std::vector<Hospital> on_land(hospitals->begin(), hospitals->begin() + 1);
  auto far =
      parse_sites("st.csv", "name,lat,lon\nStation #1,37.77,-122.41\nFarallon,37.70,-123.00\n");
  REQUIRE(far.ok());
  const auto station_at_sea =
      prepare_replay(g, snapper, *record, *far, on_land, CallMapping::sf_default(),
                     ResponsePlanTable::default_table());
  REQUIRE_FALSE(station_at_sea.ok());
  CHECK(mentions(station_at_sea.status(), "st.csv:3: station 'Farallon'"));

  // Engines only: every call is skipped, and the error says why.
  std::string engines = calls_csv({{"1", "01/01/2017 10:00:00 AM"}});
  engines.replace(engines.find("MEDIC"), 5, "ENGINE");
  const auto fire = parse_recorded_calls("fire.csv", engines);
  REQUIRE(fire.ok());
  const auto none = prepare_replay(g, snapper, *fire, *stations, on_land, CallMapping::sf_default(),
                                   ResponsePlanTable::default_table());
  REQUIRE_FALSE(none.ok());
  CHECK(mentions(none.status(),
                 "fire.csv: no call left to replay; 1 calls in the record, skipped: 1 "
                 "no_ambulance_in_record"));
}

// Inputs the fuzz targets found (fuzz/, docs/reliability.md), kept beside this file with
// their checksums as found; the targets fix the checksum before parsing, and so does this.
namespace {

std::string finding(const std::string& name) {
  absl::StatusOr<std::string> bytes =
      read_file(std::string(DK_TEST_SOURCE_DIR) + "/tests/robustness/fuzz_findings/" + name);
  REQUIRE(bytes.ok());
  std::string b = *std::move(bytes);
  REQUIRE(b.size() >= 8);
  const std::uint64_t sum = detail::checksum64(std::string_view(b).substr(0, b.size() - 8));
  std::memcpy(b.data() + b.size() - 8, &sum, 8);
  return b;
}

}  // namespace

TEST_CASE("fuzz finding: a CH index whose row runs past the arcs is refused, not read",
          "[robustness][ch][probe]") {
  // A row begins beyond the last arc and the next one comes back: the per-row check passed
  // until the arcs past the end were read (ASan: heap-buffer-overflow in ChIndexAccess).
  const RoadGraph g = dk_fixtures::fuzz_grid();
  const auto ch = detail::ChIndexAccess::parse("row.ch", finding("ch_index_row_beyond_arcs.ch"), g);
  REQUIRE_FALSE(ch.ok());
  CHECK(ch.status().code() == absl::StatusCode::kDataLoss);
  CHECK(mentions(ch.status(), "row.ch"));
}

TEST_CASE("fuzz finding: snapshot bytes the writer would not write are refused",
          "[robustness][triage][probe]") {
  // Both restored, then saved differently: state a restart would silently change.
  const auto asymmetric =
      TriageQueue::deserialize(finding("snapshot_asymmetric_compatibility.snapshot"), "a.snap");
  REQUIRE_FALSE(asymmetric.ok());
  CHECK(mentions(asymmetric.status(), "asymmetric compatibility table"));
  const auto padded = TriageQueue::deserialize(finding("snapshot_code_padding.snapshot"), "p.snap");
  REQUIRE_FALSE(padded.ok());
  CHECK(mentions(padded.status(), "determinant code bytes that its writer would not write"));
}

TEST_CASE("fuzz finding: a JEMSS call generation file with 3.7e17 calls files is refused",
          "[robustness][sim][probe]") {
  // The count was converted to uint32 before any bound (UBSan: outside the range of
  // representable values).
  const auto text = read_file(std::string(DK_TEST_SOURCE_DIR) +
                              "/tests/robustness/fuzz_findings/gen_config_huge_file_count.xml");
  REQUIRE(text.ok());
  const auto c = parse_call_gen_config("gen_config.xml", *text);
  REQUIRE_FALSE(c.ok());
  CHECK(mentions(c.status(), "<numCallsFiles> must be a whole number from 1 to 1000000"));
}

TEST_CASE("fuzz finding: a JEMSS hospital index of 1e20 is refused, not cast to int32",
          "[robustness][sim][probe]") {
  const auto text =
      read_file(std::string(DK_TEST_SOURCE_DIR) +
                "/tests/robustness/fuzz_findings/jemss_calls_huge_hospital_index.csv");
  REQUIRE(text.ok());
  const auto calls = parse_call_file("calls.csv", *text);
  REQUIRE_FALSE(calls.ok());
  CHECK(mentions(calls.status(), "calls.csv:18: hospitalIndex is a hospital number"));
  // Durations of years are refused the same way, before they become int32 seconds.
  std::string long_scene = *text;
  long_scene.replace(long_scene.find("0.00563657407407"), 16, "99999999");
  const auto scene = parse_call_file("calls.csv", long_scene);
  REQUIRE_FALSE(scene.ok());
  CHECK(mentions(
      scene.status(),
      "calls.csv:7: dispatchDelay, onSceneDuration and handoverDuration must be at most 7 days"));
}

TEST_CASE("fuzz finding: a forged snapshot capacity reserves at most 2^20 calls",
          "[robustness][triage][probe]") {
  TriageQueue q;
  q.reserve(3);
  REQUIRE(q.push(waiting_call(1, 1483228800)).queued());
  const std::string bytes = q.serialize();
  // The capacity field (QUEU section, after next_seq) forged to 2^40 calls.
  const auto back = TriageQueue::deserialize(
      patched_snapshot(bytes, static_cast<std::int64_t>(q.capacity()), std::int64_t{1} << 40),
      "forged.snapshot");
  REQUIRE(back.ok());
  CHECK(back->capacity() <= (std::uint64_t{1} << 20));
}
