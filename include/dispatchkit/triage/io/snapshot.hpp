// dispatchkit/triage/io/snapshot.hpp: the triage queue's snapshot file, so that nothing
// is lost when a CAD restarts.
//
//   #include "dispatchkit/triage/io/snapshot.hpp"     // (triage_queue.hpp includes it)
//   absl::Status s = queue.save("/var/cad/queue.snapshot");   // atomic: old file kept on crash
//   absl::StatusOr<TriageQueue> back = TriageQueue::restore("/var/cad/queue.snapshot");
//   if (!back.ok()) log(back.status());   // NotFound, FailedPrecondition or DataLoss
//   std::string bytes = queue.serialize();           // the same bytes, in memory
//   absl::StatusOr<TriageQueue> q = TriageQueue::deserialize(bytes, "replica");
//
// A snapshot is a dispatchkit container (io/container.hpp: magic "DKTRIAGE", version 2,
// section table, checksum; fingerprint 0, a queue is derived from no input file) with three
// sections, all little-endian (layout in docs/triage.md):
//   OPTS  the queue's options: service targets, ageing, duplicate rule (473 bytes)
//   QUEU  next arrival number, capacity, call count (3 x u64)
//   CALL  one 96-byte record per call, in arrival order, so equal queues give equal bytes
// restore() validates every value and never half-loads: it returns a queue whose every
// operation (tie-breaks and capacity included) behaves exactly as the saved one's, or an
// error naming the file: NotFound, FailedPrecondition (another format version, such as a
// version 1 file of dispatchkit 0.1) or DataLoss. Every function here allocates.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/io/container.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/triage/triage_queue.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

namespace detail {
inline constexpr std::string_view kSnapshotMagic = "DKTRIAGE";
inline constexpr std::string_view kSnapshotWhat = "triage snapshot";
// Section sizes: options, queue header, and one call record.
inline constexpr std::size_t kSnapshotOptionsBytes =
    8 * (2 + kAreaClassCount * kGradeCount + kGradeCount + 1) + 1 + 8 + 8 +
    8 * ComplaintCompatibility::kSize;
inline constexpr std::size_t kSnapshotQueueBytes = 3 * 8;
inline constexpr std::size_t kSnapshotRecordBytes = 8 + 1 + 8 +
                                                    (4 + 1 + DeterminantCode::kMaxLocalLength + 1) +
                                                    1 + 1 + 8 + 8 + 8 * kMilestoneCount;
// A restored queue reserves its saved capacity up to this many calls (more only if it holds
// more), so that a forged capacity field cannot demand unbounded memory.
// (2^20 calls, about 200 MB: 2^24 let a forged field take 2 GB, found by fuzz/.)
inline constexpr std::uint64_t kMaxRestoredCapacity = std::uint64_t{1} << 20;

struct TriageSnapshotCodec {
  static std::string serialize(const TriageQueue& q);
  static absl::StatusOr<TriageQueue> deserialize(std::string_view bytes, std::string_view source);
};

inline std::string TriageSnapshotCodec::serialize(const TriageQueue& q) {
  const TriageQueueOptions& options = q.options_;
  ContainerWriter file(kSnapshotMagic, TriageQueue::kSnapshotVersion, /*fingerprint=*/0);
  ByteWriter& w = file.section("OPTS");
  const ServiceTargets& t = options.targets;
  w.i64(t.answer().count());
  w.i64(t.dispatch().count());
  for (std::size_t a = 0; a < kAreaClassCount; ++a)
    for (std::size_t g = 0; g < kGradeCount; ++g)
      w.i64(t.response(static_cast<AreaClass>(a), static_cast<PriorityGrade>(g + 1)).count());
  for (std::size_t g = 0; g < kGradeCount; ++g)
    w.i64(t.allowed_wait(static_cast<PriorityGrade>(g + 1)).count());
  w.i64(options.ageing_step.count());
  w.u8(static_cast<std::uint8_t>(options.ageing_ceiling));
  w.f64(options.duplicates.radius.value());
  w.i64(options.duplicates.window.count());
  for (int p = 0; p < ComplaintCompatibility::kSize; ++p)
    w.u64(options.duplicates.compatibility.row(p));
  ByteWriter& head = file.section("QUEU");
  head.u64(q.next_seq_);
  head.u64(q.capacity());
  head.u64(q.size());
  // Records in arrival order, so equal queues give byte-identical snapshots.
  std::vector<std::uint32_t> order;
  order.reserve(q.size());
  for (std::uint32_t i = 0; i < q.slots_.size(); ++i)
    if (q.slots_[i].in_use) order.push_back(i);
  std::sort(order.begin(), order.end(),
            [&](std::uint32_t a, std::uint32_t b) { return q.slots_[a].seq < q.slots_[b].seq; });
  ByteWriter& calls = file.section("CALL");
  calls.reserve(order.size() * kSnapshotRecordBytes);
  for (std::uint32_t i : order) {
    const TriageQueue::Slot& s = q.slots_[i];
    calls.u64(s.call.id.value());
    calls.u8(static_cast<std::uint8_t>(s.state));
    calls.u64(s.seq);
    const DeterminantCode::Raw r = s.call.code.raw();
    calls.u8(r.kind);
    calls.u8(r.protocol);
    calls.u8(r.level);
    calls.u8(r.sub);
    calls.u8(static_cast<std::uint8_t>(r.suffix));
    calls.bytes(r.local.data(), r.local.size());
    calls.u8(static_cast<std::uint8_t>(s.call.grade));
    calls.u8(static_cast<std::uint8_t>(s.call.area));
    calls.f64(s.call.location.lat);
    calls.f64(s.call.location.lon);
    for (std::size_t m = 0; m < kMilestoneCount; ++m)
      calls.i64(to_unix_seconds(s.call.clocks.at(static_cast<Milestone>(m))));
  }
  return file.finish();
}

inline absl::StatusOr<TriageQueue> TriageSnapshotCodec::deserialize(std::string_view bytes,
                                                                    std::string_view source) {
  DK_ASSIGN_OR_RETURN(const ContainerReader file,
                      ContainerReader::open(std::string(source), bytes, kSnapshotMagic,
                                            TriageQueue::kSnapshotVersion, kSnapshotWhat));
  DK_ASSIGN_OR_RETURN(ByteReader r, file.section("OPTS"));
  DK_ASSIGN_OR_RETURN(ByteReader head, file.section("QUEU"));
  DK_ASSIGN_OR_RETURN(ByteReader calls, file.section("CALL"));
  if (r.remaining() != kSnapshotOptionsBytes || head.remaining() != kSnapshotQueueBytes)
    return file.data_loss(absl::StrCat(
        "has an OPTS section of ", r.remaining(), " bytes and a QUEU section of ", head.remaining(),
        " (expected ", kSnapshotOptionsBytes, " and ", kSnapshotQueueBytes, ")"));
  // Every read below stays within a section whose size was just checked, so `ok` only
  // guards against a logic error here; it never fails on a well-sized file.
  bool ok = true;
  const auto u8 = [&ok](ByteReader& in) {
    std::uint8_t v = 0;
    ok &= in.u8(v);
    return v;
  };
  const auto u64 = [&ok](ByteReader& in) {
    std::uint64_t v = 0;
    ok &= in.u64(v);
    return v;
  };
  const auto i64 = [&ok](ByteReader& in) {
    std::int64_t v = 0;
    ok &= in.i64(v);
    return v;
  };
  const auto f64 = [&ok](ByteReader& in) {
    double v = 0;
    ok &= in.f64(v);
    return v;
  };
  const std::uint64_t next_seq = u64(head);
  const std::uint64_t capacity = u64(head);
  const std::uint64_t count = u64(head);
  if (calls.remaining() / kSnapshotRecordBytes < count)
    return file.data_loss(absl::StrCat("is truncated: it announces ", count,
                                       " calls but its CALL section holds at most ",
                                       calls.remaining() / kSnapshotRecordBytes));
  if (calls.remaining() != count * kSnapshotRecordBytes)
    return file.data_loss(absl::StrCat("has ", calls.remaining() - count * kSnapshotRecordBytes,
                                       " unexpected trailing bytes in its CALL section (", count,
                                       " calls)"));
  if (capacity < count)
    return file.data_loss(absl::StrCat("has a capacity of ", capacity, " for ", count, " calls"));

  // The bytes are what was written; still validate every value, so that a snapshot made
  // by a buggy writer is rejected rather than breaking the queue's invariants.
  TriageQueueOptions o;
  ServiceTargets& t = o.targets;
  bool valid = true;
  // The limits push() and ServiceTargets keep (triage/time.hpp), so that a restored queue
  // forms no sum that overflows.
  const auto duration = [&](SimDuration& d) {
    d = SimDuration(i64(r));
    valid &= within_target_limit(d);
  };
  SimDuration d;
  duration(d);
  t.set_answer(d);
  duration(d);
  t.set_dispatch(d);
  for (std::size_t a = 0; a < kAreaClassCount; ++a)
    for (std::size_t g = 0; g < kGradeCount; ++g) {
      duration(d);
      t.set_response(static_cast<AreaClass>(a), static_cast<PriorityGrade>(g + 1), d);
    }
  for (std::size_t g = 0; g < kGradeCount; ++g) {
    duration(d);
    t.set_allowed_wait(static_cast<PriorityGrade>(g + 1), d);
  }
  duration(o.ageing_step);
  const std::uint8_t ceiling = u8(r);
  valid &= ceiling >= 1 && ceiling <= 4;
  o.ageing_ceiling = static_cast<PriorityGrade>(ceiling);
  const double radius = f64(r);
  valid &= std::isfinite(radius) && radius >= 0;
  o.duplicates.radius = Meters(radius);
  duration(o.duplicates.window);
  std::array<std::uint64_t, ComplaintCompatibility::kSize> rows{};
  for (auto& row : rows) row = u64(r);
  o.duplicates.compatibility = ComplaintCompatibility::from_rows(rows);
  // The writer writes the symmetric table from_rows() makes: rows that are not are another
  // writer's, and would not round-trip (found by fuzz/ triage_snapshot).
  for (int p = 0; p < ComplaintCompatibility::kSize; ++p)
    valid &= o.duplicates.compatibility.row(p) == rows[static_cast<std::size_t>(p)];
  if (!valid)
    return file.data_loss(absl::StrCat("has invalid options (a duration outside 0..",
                                       kMaxTargetDuration.count(),
                                       " s, a grade out of range, a negative radius or an "
                                       "asymmetric compatibility table)"));

  TriageQueue q(o);
  q.reserve(std::max<std::uint64_t>(count, std::min(capacity, kMaxRestoredCapacity)));
  std::uint64_t prev_seq = 0;
  for (std::uint64_t k = 0; k < count; ++k) {
    TriageCall c;
    c.id = CallId(u64(calls));
    const std::uint8_t state = u8(calls);
    const std::uint64_t seq = u64(calls);
    DeterminantCode::Raw raw{};
    raw.kind = u8(calls);
    raw.protocol = u8(calls);
    raw.level = u8(calls);
    raw.sub = u8(calls);
    raw.suffix = static_cast<char>(u8(calls));
    ok &= calls.bytes(raw.local.data(), raw.local.size());
    const std::uint8_t grade = u8(calls);
    const std::uint8_t area = u8(calls);
    c.location.lat = f64(calls);
    c.location.lon = f64(calls);
    for (std::size_t m = 0; m < kMilestoneCount; ++m)
      c.clocks.set(static_cast<Milestone>(m), sim_time_from_unix(i64(calls)));
    const std::optional<DeterminantCode> code = DeterminantCode::from_raw(raw);
    const auto bad = [&](std::string_view why) {
      return file.data_loss(absl::StrCat("record ", k + 1, " of ", count, " (call ", c.id.value(),
                                         "): ", detail::as_absl(why)));
    };
    if (!ok) return bad("cut short");
    if (!code) return bad("invalid determinant code");
    // Only the code's canonical bytes (what raw() writes: zeros after the local text) are
    // a code; other bytes would be dropped, and the snapshot not restored as written.
    const DeterminantCode::Raw canonical = code->raw();
    if (canonical.kind != raw.kind || canonical.protocol != raw.protocol ||
        canonical.level != raw.level || canonical.sub != raw.sub ||
        canonical.suffix != raw.suffix || canonical.local != raw.local)
      return bad("determinant code bytes that its writer would not write");
    c.code = *code;
    if (grade < 1 || grade > 4) return bad("grade out of range");
    c.grade = static_cast<PriorityGrade>(grade);
    if (area >= kAreaClassCount) return bad("area class out of range");
    c.area = static_cast<AreaClass>(area);
    if (state > 1) return bad("state out of range");
    if (!c.id.valid()) return bad("invalid call id");
    if (!c.clocks.consistent()) return bad("inconsistent clocks");
    if (!c.clocks.within_limits())
      return bad(absl::StrCat("a clock beyond +-", kClockLimit.count(), " s of the epoch"));
    if ((state == 0) == is_set(c.clocks.dispatched))
      return bad("a waiting call must not, and an active one must, have a dispatch time");
    if (seq >= next_seq) return bad("arrival number beyond the queue's counter");
    if (k > 0 && seq <= prev_seq)
      return bad("arrival numbers out of order (the writer sorts them)");
    prev_seq = seq;
    if (q.slot_of(c.id) != TriageQueue::kNone) return bad("duplicate call id");
    q.insert(c, seq, static_cast<CallState>(state));
  }
  q.next_seq_ = next_seq;
  return q;
}
}  // namespace detail

inline std::string TriageQueue::serialize() const {
  return detail::TriageSnapshotCodec::serialize(*this);
}

inline absl::Status TriageQueue::save(const std::string& path) const {
  return write_file_atomically(path, serialize());
}

inline absl::StatusOr<TriageQueue> TriageQueue::deserialize(std::string_view bytes,
                                                            std::string_view source) {
  return detail::TriageSnapshotCodec::deserialize(bytes, source);
}

inline absl::StatusOr<TriageQueue> TriageQueue::restore(const std::string& path) {
  DK_ASSIGN_OR_RETURN(std::string bytes, read_file(path));
  return deserialize(bytes, path);
}

DISPATCHKIT_NAMESPACE_END
