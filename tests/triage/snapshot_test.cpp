// Tests for TriageQueue snapshots: exact round trip, and rejection of damaged files.
#include <catch2/catch.hpp>

#include <filesystem>
#include <random>

#include "dispatchkit/triage/triage_queue.hpp"

using namespace dispatchkit;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {
const SimTime t0 = sim_time_from_unix(1'483'228'800);

// A queue in a lived-in state: waiting, active, re-triaged, cancelled, requeued calls with
// every kind of code, stamped clocks, known and unknown locations.
TriageQueue lived_in_queue(const TriageQueueOptions& options, int calls, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  TriageQueue q(options);
  q.reserve(static_cast<std::size_t>(calls));
  const char* codes[] = {"9-E-1", "6-D-1A", "17-O-1", "II", "IV", "STROKE_T", "26-A-1", "2"};
  for (int i = 0; i < calls; ++i) {
    TriageCall c;
    c.id = CallId(1'000'000 + static_cast<std::uint64_t>(i));
    c.code = *DeterminantCode::parse(codes[rng() % 8]);
    c.grade = static_cast<PriorityGrade>(1 + rng() % 4);
    c.area = static_cast<AreaClass>(rng() % 3);
    if (rng() % 5 != 0)
      c.location = LatLon{37.7 + (rng() % 1000) * 1e-4, -122.5 + (rng() % 1000) * 1e-4};
    c.clocks.received = t0 + seconds(static_cast<std::int64_t>(rng() % 3600));
    if (rng() % 2) c.clocks.answered = c.clocks.received + seconds(rng() % 20);
    REQUIRE(q.push(c, DuplicatePolicy::kIgnore).queued());
  }
  const SimTime now = t0 + minutes(61);
  for (int i = 0; i < calls / 3; ++i) q.pop(now);
  for (int i = 0; i < calls / 10; ++i) {
    const CallId id(1'000'000 + rng() % static_cast<std::uint64_t>(calls));
    switch (rng() % 4) {
      case 0:
        q.cancel(id);
        break;
      case 1:
        q.retriage(id, DeterminantCode::grade(PriorityGrade::kI), PriorityGrade::kI, now);
        break;
      case 2:
        q.requeue(id);
        break;
      default:
        q.stamp(id, Milestone::kOnScene, now + minutes(5));
    }
  }
  return q;
}

bool same_call(const TriageCall& a, const TriageCall& b) {
  const auto same_double = [](double x, double y) {
    return (std::isnan(x) && std::isnan(y)) || x == y;
  };
  return a.id == b.id && a.code == b.code && a.grade == b.grade && a.area == b.area &&
         same_double(a.location.lat, b.location.lat) &&
         same_double(a.location.lon, b.location.lon) && a.clocks == b.clocks;
}

absl::Status status_of(std::string_view bytes) {
  return TriageQueue::deserialize(bytes, "queue.snap").status();
}

// Rewrites the trailing checksum so that only the semantic checks can catch a change.
void reseal(std::string& bytes) {
  const std::uint64_t v = detail::checksum64(std::string_view(bytes).substr(0, bytes.size() - 8));
  for (int i = 0; i < 8; ++i)
    bytes[bytes.size() - 8 + static_cast<std::size_t>(i)] = static_cast<char>(v >> (8 * i));
}

std::uint64_t le64(std::string_view bytes, std::size_t at) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i)
    v |= std::uint64_t{static_cast<unsigned char>(bytes[at + i])} << (8 * i);
  return v;
}

// Offset in the file of the section tagged `tag` (io/container.hpp: a 24-byte header, then
// {u32 tag, u32 0, u64 offset, u64 size} per section).
std::size_t section_offset(std::string_view bytes, std::string_view tag) {
  const std::uint64_t count = le64(bytes, 8) >> 32;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t entry = 24 + 24 * i;
    if (bytes.substr(entry, 4) == tag) return static_cast<std::size_t>(le64(bytes, entry + 8));
  }
  FAIL("no section " << tag);
  return 0;
}
}  // namespace

// The layout documented in docs/triage.md.
static_assert(detail::kSnapshotOptionsBytes == 473);
static_assert(detail::kSnapshotQueueBytes == 3 * 8);
static_assert(detail::kSnapshotRecordBytes == 96);

TEST_CASE("snapshot round trip restores the queue exactly", "[triage][snapshot]") {
  TriageQueueOptions o;
  o.ageing_step = minutes(2);
  o.ageing_ceiling = PriorityGrade::kI;
  o.targets.set_response(AreaClass::kRural, PriorityGrade::kI, minutes(11));
  o.duplicates.radius = Meters(333);
  o.duplicates.compatibility.allow(24, 26);
  TriageQueue q = lived_in_queue(o, 3000, 5);
  REQUIRE(q.check_invariants());
  const std::string bytes = q.serialize();
  absl::StatusOr<TriageQueue> back = TriageQueue::deserialize(bytes, "mem");
  REQUIRE(back.ok());
  CHECK(back->options() == q.options());
  CHECK(back->size() == q.size());
  CHECK(back->waiting_count() == q.waiting_count());
  CHECK(back->check_invariants());
  CHECK(back->serialize() == bytes);  // byte-identical
  CHECK(back->capacity() == q.capacity());
  q.for_each_call([&](const TriageCall& c, CallState s) {
    const TriageCall* r = back->find(c.id);
    REQUIRE(r != nullptr);
    CHECK(same_call(c, *r));
    CHECK(back->state(c.id) == s);
  });
  // Same future: identical pops at a late time (ageing active), identical new pushes.
  const SimTime later = t0 + minutes(90);
  TriageCall fresh;
  fresh.id = CallId(7);
  fresh.grade = PriorityGrade::kII;
  fresh.clocks.received = later;
  CHECK(q.push(fresh).queued());
  CHECK(back->push(fresh).queued());
  while (std::optional<TriageCall> a = q.pop(later)) {
    std::optional<TriageCall> b = back->pop(later);
    REQUIRE(b.has_value());
    REQUIRE(same_call(*a, *b));
  }
  CHECK_FALSE(back->pop(later).has_value());

  // Empty queue and file round trip.
  TriageQueue empty;
  absl::StatusOr<TriageQueue> e = TriageQueue::deserialize(empty.serialize(), "empty");
  REQUIRE(e.ok());
  CHECK(e->size() == 0);
  const std::string path =
      (std::filesystem::temp_directory_path() / "dk_triage_snapshot_test.snap").string();
  REQUIRE(q.save(path).ok());
  absl::StatusOr<TriageQueue> from_file = TriageQueue::restore(path);
  REQUIRE(from_file.ok());
  CHECK(from_file->serialize() == q.serialize());
  std::filesystem::remove(path);
  absl::StatusOr<TriageQueue> missing = TriageQueue::restore(path);
  CHECK(missing.status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("damaged snapshots are rejected, never half-loaded", "[triage][snapshot]") {
  TriageQueue q = lived_in_queue(TriageQueueOptions{}, 200, 11);
  const std::string good = q.serialize();
  REQUIRE(status_of(good).ok());

  // Truncated at every length (the header, mid-record, the checksum).
  for (std::size_t len = 0; len < good.size(); len += (len < 600 ? 1 : 97)) {
    const absl::Status s = status_of(std::string_view(good).substr(0, len));
    INFO("length " << len);
    REQUIRE_FALSE(s.ok());
    CHECK(s.code() == absl::StatusCode::kDataLoss);
    CHECK(std::string(s.message()).find("queue.snap") == 0);
  }
  // Trailing garbage.
  CHECK(status_of(good + "x").code() == absl::StatusCode::kDataLoss);
  // Any single flipped byte (outside magic and version) fails the checksum.
  std::mt19937_64 rng(3);
  for (int k = 0; k < 300; ++k) {
    std::string bad = good;
    const std::size_t at = 16 + rng() % (bad.size() - 16);
    bad[at] = static_cast<char>(bad[at] ^ (1 + rng() % 255));
    const absl::Status s = status_of(bad);
    REQUIRE_FALSE(s.ok());
    CHECK(s.code() == absl::StatusCode::kDataLoss);
  }
  // Not a snapshot at all.
  absl::Status s = status_of("code,grade,travel_mode\n9-E-*,I,hot\n");
  CHECK(s.code() == absl::StatusCode::kDataLoss);
  CHECK(std::string(s.message()).find("not a dispatchkit triage snapshot file") !=
        std::string::npos);
  // Another format version: FailedPrecondition naming both versions.
  std::string v3 = good;
  v3[8] = 3;
  s = status_of(v3);
  CHECK(s.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(std::string(s.message()).find("version 3") != std::string::npos);
  CHECK(std::string(s.message()).find("reads version 2") != std::string::npos);
  // A version 1 file (dispatchkit 0.1's own layout: magic, u32 version 1, u32 flags,
  // options, counters, records, FNV-1a checksum), here an empty queue's 513 bytes.
  std::string v1 = "DKTRIAGE";
  v1 += std::string("\x01\0\0\0", 4);
  v1.resize(513, '\0');
  s = status_of(v1);
  CHECK(s.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(std::string(s.message()).find("queue.snap: triage snapshot format version 1") == 0);
  // A well-sealed file with nonsense inside: each record check fires.
  const std::size_t header = section_offset(good, "CALL");
  const std::size_t rec = detail::kSnapshotRecordBytes;
  const auto patched = [&](std::size_t offset, char value) {
    std::string b = good;
    b[offset] = value;
    reseal(b);
    return status_of(b);
  };
  // Record layout: id 8, state 1, seq 8, code 21, grade 1, area 1, lat 8, lon 8, clocks 40.
  CHECK(std::string(patched(header + 8, 5).message()).find("state out of range") !=
        std::string::npos);
  CHECK(std::string(patched(header + 17, 9).message()).find("invalid determinant code") !=
        std::string::npos);
  CHECK(std::string(patched(header + 38, 0).message()).find("grade out of range") !=
        std::string::npos);
  CHECK(std::string(patched(header + 39, 3).message()).find("area class out of range") !=
        std::string::npos);
  // Second record's id equal to the first one's.
  {
    std::string b = good;
    std::copy_n(good.begin() + static_cast<std::ptrdiff_t>(header), 8,
                b.begin() + static_cast<std::ptrdiff_t>(header + rec));
    reseal(b);
    s = status_of(b);
    CHECK(s.code() == absl::StatusCode::kDataLoss);
    CHECK(std::string(s.message()).find("record 2") != std::string::npos);
  }
  // A received time after the dispatch stamp of an active record, or clocks erased.
  {
    std::string b = good;
    for (std::size_t i = 0; i < 8; ++i) b[header + 56 + i] = static_cast<char>(0x7f);  // received
    reseal(b);
    CHECK(status_of(b).code() == absl::StatusCode::kDataLoss);
  }
  // Sealed counters that lie: more calls than records, a capacity below the call count.
  {
    const std::size_t queue = section_offset(good, "QUEU");
    std::string b = good;
    b[queue + 16 + 3] = 1;  // count + 2^24
    reseal(b);
    s = status_of(b);
    CHECK(s.code() == absl::StatusCode::kDataLoss);
    CHECK(std::string(s.message()).find("announces") != std::string::npos);
    b = good;
    for (std::size_t i = 0; i < 8; ++i) b[queue + 8 + i] = 0;  // capacity 0
    reseal(b);
    s = status_of(b);
    CHECK(s.code() == absl::StatusCode::kDataLoss);
    CHECK(std::string(s.message()).find("capacity") != std::string::npos);
  }
  // The damaged file on disk: restore fails with the path in the message.
  const std::string path =
      (std::filesystem::temp_directory_path() / "dk_triage_damaged.snap").string();
  REQUIRE(write_file_atomically(path, good.substr(0, good.size() / 2)).ok());
  absl::StatusOr<TriageQueue> r = TriageQueue::restore(path);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == absl::StatusCode::kDataLoss);
  CHECK(std::string(r.status().message()).find(path) == 0);
  std::filesystem::remove(path);
}
