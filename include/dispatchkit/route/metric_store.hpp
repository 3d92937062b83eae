// dispatchkit/route/metric_store.hpp: hands queries the current metric and swaps in a
// new one (next time slice, a road closure) without stopping them.
//
//   MetricStore<WeightMetric> store(std::make_shared<const WeightMetric>(monday_8am));
//   // query thread: take a snapshot, route on it; a swap meanwhile cannot pull it away
//   MetricSnapshot<WeightMetric> m = store.snapshot();
//   Dijkstra d(graph, m.metric->weights);
//   // traffic thread: build the next metric beside the old one, then publish
//   store.publish(std::make_shared<const WeightMetric>(monday_815));
//   store.update([&](const WeightMetric& old) {             // closures, read-copy-update
//     return std::make_shared<const WeightMetric>(old.closed(accident_arcs));
//   });
//
// Read-copy-update over std::shared_ptr: a metric is immutable once published; readers
// copy the shared_ptr (a reference count increment) and keep using their copy for as long
// as their query runs, so the memory of an old metric is freed when the last query that
// holds it finishes, never under it. `Metric` is any type: a plain weight vector
// (WeightMetric below), a customized CCH metric (route/cch), or a struct bundling several.
//
// Implementation: a std::shared_ptr guarded by a std::mutex held only for the pointer copy
// (a reference-count increment, tens of nanoseconds), never during a query or a
// customization. C++20 std::atomic<std::shared_ptr> was tried first: libstdc++ 12 builds
// it on a lock bit inside the control-block pointer that ThreadSanitizer cannot see, so
// TSan reports data races between its load() and store(); a sanitizer that cries wolf is
// worse than a 20 ns lock. tests/traffic/metric_store_stress_test.cpp checks the mutex
// version clean under ThreadSanitizer. The version number lives in the same guarded entry
// as the metric, so (metric, version) pairs are always consistent.
//
// Thread safety: snapshot(), current(), version() are safe from any number of threads,
// concurrently with publish()/update(). Writers are serialized by an internal mutex so that
// update() is a consistent read-modify-write.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/types.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// A metric together with the version under which it was published (1, 2, 3, ...).
template <class Metric>
struct MetricSnapshot {
  std::shared_ptr<const Metric> metric;
  std::uint64_t version = 0;
};

template <class Metric>
class MetricStore {
 public:
  // Publishes `initial` as version 1 (nullptr is allowed: "no metric yet").
  explicit MetricStore(std::shared_ptr<const Metric> initial = nullptr)
      : entry_{std::move(initial), 1} {}
  MetricStore(const MetricStore&) = delete;
  MetricStore& operator=(const MetricStore&) = delete;

  // The current metric and its version: a short lock and a reference-count increment.
  [[nodiscard]] MetricSnapshot<Metric> snapshot() const noexcept {
    const std::lock_guard<std::mutex> lock(reader_);
    return entry_;
  }
  // The current metric (a copy of the shared_ptr: keep it for the whole query).
  [[nodiscard]] std::shared_ptr<const Metric> current() const noexcept { return snapshot().metric; }
  [[nodiscard]] std::uint64_t version() const noexcept {
    const std::lock_guard<std::mutex> lock(reader_);
    return entry_.version;
  }

  // Makes `next` current; returns its version. Queries already running keep the metric
  // they took; the old metric is destroyed by whichever thread drops the last reference
  // (here, outside the lock, if no query holds it).
  std::uint64_t publish(std::shared_ptr<const Metric> next) {
    const std::lock_guard<std::mutex> lock(writer_);
    return swap_in(std::move(next));
  }

  // Read-copy-update: calls `make(const Metric& current)` and publishes what it returns
  // (a std::shared_ptr<const Metric>), atomically with respect to other writers, so two
  // closures applied from two threads both stick. The expensive work (customization) runs
  // inside `make`, beside the live metric; readers never wait for it. Returns the new
  // version, or 0 (never a real version: they start at 1) without calling `make` when the
  // store has no current metric ("no metric yet"): there is nothing to copy, and a
  // dereference of the null metric would be undefined behaviour. Callers that want an
  // error instead use try_update(), which answers FailedPrecondition.
  template <class Make>
  std::uint64_t update(Make&& make) {
    const std::lock_guard<std::mutex> lock(writer_);
    const MetricSnapshot<Metric> old = snapshot();  // writers are serialized: stays current
    if (old.metric == nullptr) return 0;
    return swap_in(std::forward<Make>(make)(*old.metric));
  }

  // As update(), for a `make` that may fail: it returns
  // absl::StatusOr<std::shared_ptr<const Metric>>, and on an error nothing is published
  // and the error is returned. FailedPrecondition if there is no current metric.
  template <class Make>
  absl::StatusOr<std::uint64_t> try_update(Make&& make) {
    const std::lock_guard<std::mutex> lock(writer_);
    const MetricSnapshot<Metric> old = snapshot();
    if (old.metric == nullptr)
      return absl::FailedPreconditionError("MetricStore::try_update: no current metric");
    absl::StatusOr<std::shared_ptr<const Metric>> next = std::forward<Make>(make)(*old.metric);
    if (!next.ok()) return next.status();
    return swap_in(*std::move(next));
  }

 private:
  // Installs `next` under the reader lock; the old metric's last reference (if this was
  // it) is released after the lock is dropped, so readers never wait for a destructor.
  std::uint64_t swap_in(std::shared_ptr<const Metric> next) {
    std::uint64_t v;
    {
      const std::lock_guard<std::mutex> lock(reader_);
      v = entry_.version + 1;
      entry_.metric.swap(next);
      entry_.version = v;
    }
    return v;  // `next` (now the old metric) is released here
  }

  mutable std::mutex reader_;  // guards entry_; held for a pointer copy only
  std::mutex writer_;          // serializes publish() and update()
  MetricSnapshot<Metric> entry_;
};

// The simplest metric: one weight per arc (e.g. make_metric_weights() output), labelled
// with what it represents. Routes with Dijkstra(graph, metric.weights).
struct WeightMetric {
  std::vector<Weight> weights;
  std::string label;  // e.g. "normal, Mon 08:00" or "... + 2 closures"

  // A copy with the arcs in `closed_arcs` set to kInfWeight. Ids that are invalid or out
  // of range (>= weights.size()) cannot name an arc of this metric: they are skipped, and
  // their number is stored in `*ignored` when it is given, so a closure feed carrying a
  // wrong id is not lost without a word. Use closed_checked() to reject such a feed.
  // O(weights.size() + closed_arcs.size()), allocates the copy.
  [[nodiscard]] WeightMetric closed(std::span<const ArcId> closed_arcs,
                                    std::size_t* ignored = nullptr) const {
    WeightMetric m{weights, label};
    std::size_t skipped = 0;
    for (ArcId a : closed_arcs) {
      if (a.valid() && a.value() < m.weights.size())
        m.weights[a.value()] = kInfWeight;
      else
        ++skipped;
    }
    if (ignored != nullptr) *ignored = skipped;
    return m;
  }

  // As closed(), but OutOfRange (naming the first bad id and how many there are) when any
  // id is invalid or out of range; nothing is closed then.
  [[nodiscard]] absl::StatusOr<WeightMetric> closed_checked(
      std::span<const ArcId> closed_arcs) const {
    std::size_t bad = 0;
    std::uint32_t first_bad = 0;
    for (ArcId a : closed_arcs)
      if (!a.valid() || a.value() >= weights.size()) {
        if (bad++ == 0) first_bad = a.value();
      }
    if (bad != 0)
      return absl::OutOfRangeError(absl::StrCat("WeightMetric::closed: ", bad,
                                                " arc id(s) outside [0, ", weights.size(),
                                                "), first ", first_bad));
    return closed(closed_arcs);
  }
};

DISPATCHKIT_NAMESPACE_END
