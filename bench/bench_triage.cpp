// Benchmarks of the pending-call queue (triage/triage_queue.hpp) against
// std::priority_queue (push/pop only: it cannot re-key or remove) and a sorted
// std::vector (every operation), at 100, 10,000 and 1,000,000 pending calls.
//
//   bench_triage [--benchmark_filter=...]
//
// Workload: grades I/II/III/IV in proportion 10/20/40/30 %, received times spread over
// the last hour (so ageing is in play), locations spread over a 40 x 40 km city. Each
// timed batch performs kBatch operations on a queue holding N calls; the queue is put
// back to N calls outside the timed region. Fixed seeds; queues are built outside timing.
// Push is measured with DuplicatePolicy::kIgnore (the queue operation alone);
// BM_Triage_FindDuplicate measures the duplicate check a call-taker's push adds.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <queue>
#include <random>
#include <vector>

#include "dispatchkit/triage/triage_queue.hpp"

using namespace dispatchkit;

namespace {
constexpr int kBatch = 64;
const SimTime kStart = sim_time_from_unix(1'483'228'800);
const SimTime kNow = kStart + std::chrono::hours(1);

struct Workload {
  std::mt19937_64 rng{20170101};
  std::uint64_t next_id = 1;

  PriorityGrade grade() {
    const auto r = rng() % 10;
    return r == 0  ? PriorityGrade::kI
           : r < 3 ? PriorityGrade::kII
           : r < 7 ? PriorityGrade::kIII
                   : PriorityGrade::kIV;
  }
  TriageCall call() {
    TriageCall c;
    c.id = CallId(next_id++);
    c.grade = grade();
    c.code = DeterminantCode::grade(c.grade);
    c.location = LatLon{31.0 + (rng() % 360'000) * 1e-6, 121.2 + (rng() % 420'000) * 1e-6};
    c.clocks.received = kStart + SimDuration(static_cast<std::int64_t>(rng() % 3600));
    return c;
  }
};

// The ids present in the queue, for picking random victims in O(1).
struct IdPool {
  std::vector<std::uint64_t> ids;
  std::uint64_t take_random(std::mt19937_64& rng) {
    const std::size_t i = rng() % ids.size();
    const std::uint64_t id = ids[i];
    ids[i] = ids.back();
    ids.pop_back();
    return id;
  }
};

struct QueueFixture {
  Workload w;
  TriageQueue q;
  IdPool pool;
  explicit QueueFixture(std::size_t n) {
    q.reserve(n + 4 * kBatch);
    pool.ids.reserve(n + 4 * kBatch);
    for (std::size_t i = 0; i < n; ++i) add();
  }
  void add() {
    const TriageCall c = w.call();
    q.push(c, DuplicatePolicy::kIgnore);
    pool.ids.push_back(c.id.value());
  }
};

void BM_Triage_Push(benchmark::State& state) {
  QueueFixture f(static_cast<std::size_t>(state.range(0)));
  std::vector<TriageCall> batch(kBatch);
  for (auto _ : state) {
    state.PauseTiming();
    for (TriageCall& c : batch) c = f.w.call();
    state.ResumeTiming();
    for (const TriageCall& c : batch)
      benchmark::DoNotOptimize(f.q.push(c, DuplicatePolicy::kIgnore));
    state.PauseTiming();
    for (const TriageCall& c : batch) f.q.cancel(c.id);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

void BM_Triage_Pop(benchmark::State& state) {
  QueueFixture f(static_cast<std::size_t>(state.range(0)));
  std::vector<CallId> popped(kBatch);
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) {
      std::optional<TriageCall> c = f.q.pop(kNow);
      popped[static_cast<std::size_t>(i)] = c->id;
    }
    state.PauseTiming();
    for (CallId id : popped) f.q.close(id);  // ids stay in the pool: harmless, unused here
    for (int i = 0; i < kBatch; ++i) f.add();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

void BM_Triage_Retriage(benchmark::State& state) {
  QueueFixture f(static_cast<std::size_t>(state.range(0)));
  std::mt19937_64 rng(7);
  std::vector<CallId> victims(kBatch);
  std::vector<PriorityGrade> grades(kBatch);
  for (auto _ : state) {
    state.PauseTiming();
    for (int i = 0; i < kBatch; ++i) {
      victims[static_cast<std::size_t>(i)] = CallId(f.pool.ids[rng() % f.pool.ids.size()]);
      grades[static_cast<std::size_t>(i)] = f.w.grade();
    }
    state.ResumeTiming();
    for (int i = 0; i < kBatch; ++i) {
      const PriorityGrade g = grades[static_cast<std::size_t>(i)];
      benchmark::DoNotOptimize(
          f.q.retriage(victims[static_cast<std::size_t>(i)], DeterminantCode::grade(g), g, kNow));
    }
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

void BM_Triage_Cancel(benchmark::State& state) {
  QueueFixture f(static_cast<std::size_t>(state.range(0)));
  std::mt19937_64 rng(11);
  std::vector<CallId> victims(kBatch);
  for (auto _ : state) {
    state.PauseTiming();
    for (CallId& v : victims) v = CallId(f.pool.take_random(rng));
    state.ResumeTiming();
    for (CallId v : victims) benchmark::DoNotOptimize(f.q.cancel(v));
    state.PauseTiming();
    for (int i = 0; i < kBatch; ++i) f.add();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

void BM_Triage_FindDuplicate(benchmark::State& state) {
  QueueFixture f(static_cast<std::size_t>(state.range(0)));
  std::vector<TriageCall> probes(1024);
  for (TriageCall& c : probes) c = f.w.call();
  std::size_t i = 0, found = 0;
  for (auto _ : state) {
    const TriageCall& c = probes[i++ & 1023];
    const auto d = f.q.find_probable_duplicate(c.location, c.clocks.received, c.code);
    found += d.has_value();
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["hit_rate"] = static_cast<double>(found) / static_cast<double>(state.iterations());
}

// ---- Baselines: the same key (grade, deadline, arrival) without ageing. ----

struct Key {
  int grade;
  std::int64_t deadline;
  std::uint64_t seq;
  friend bool operator<(const Key& a, const Key& b) {
    return std::tie(a.grade, a.deadline, a.seq) < std::tie(b.grade, b.deadline, b.seq);
  }
};
Key key_of(const TriageCall& c, std::uint64_t seq) {
  const ServiceTargets t;
  return Key{static_cast<int>(c.grade),
             to_unix_seconds(c.clocks.received + t.allowed_wait(c.grade)), seq};
}
// std::priority_queue is a max-heap: invert.
struct Later {
  bool operator()(const Key& a, const Key& b) const { return b < a; }
};

void BM_StdPriorityQueue_Push(benchmark::State& state) {
  Workload w;
  std::vector<Key> storage;
  storage.reserve(static_cast<std::size_t>(state.range(0)) + kBatch);
  std::priority_queue<Key, std::vector<Key>, Later> pq(Later{}, std::move(storage));
  std::uint64_t seq = 0;
  for (std::int64_t i = 0; i < state.range(0); ++i) pq.push(key_of(w.call(), seq++));
  std::vector<Key> batch(kBatch);
  for (auto _ : state) {
    state.PauseTiming();
    for (Key& k : batch) k = key_of(w.call(), seq++);
    state.ResumeTiming();
    for (const Key& k : batch) pq.push(k);
    state.PauseTiming();
    for (int i = 0; i < kBatch; ++i) pq.pop();  // back to N (removes the best, not the new)
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

void BM_StdPriorityQueue_Pop(benchmark::State& state) {
  Workload w;
  std::priority_queue<Key, std::vector<Key>, Later> pq;
  std::uint64_t seq = 0;
  for (std::int64_t i = 0; i < state.range(0) + kBatch; ++i) pq.push(key_of(w.call(), seq++));
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) {
      benchmark::DoNotOptimize(pq.top());
      pq.pop();
    }
    state.PauseTiming();
    for (int i = 0; i < kBatch; ++i) pq.push(key_of(w.call(), seq++));
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

// Sorted descending, so the next call is at the back (pop is O(1)); insert and erase
// shift the tail (O(n) memmove). keys[id] remembers each id's key for cancel/retriage.
struct SortedVector {
  std::vector<std::pair<Key, std::uint64_t>> v;  // (key, id), descending
  std::vector<Key> key_of_id;
  static bool desc(const std::pair<Key, std::uint64_t>& a, const std::pair<Key, std::uint64_t>& b) {
    return b.first < a.first;
  }
  void insert(Key k, std::uint64_t id) {
    if (id >= key_of_id.size()) key_of_id.resize(2 * id + 16);
    key_of_id[id] = k;
    const std::pair<Key, std::uint64_t> e{k, id};
    v.insert(std::upper_bound(v.begin(), v.end(), e, desc), e);
  }
  void erase(std::uint64_t id) {
    const std::pair<Key, std::uint64_t> e{key_of_id[id], id};
    v.erase(std::lower_bound(v.begin(), v.end(), e, desc));
  }
};

struct SortedFixture {
  Workload w;
  SortedVector s;
  IdPool pool;
  std::uint64_t seq = 0;
  explicit SortedFixture(std::size_t n) {
    s.v.reserve(n + 4 * kBatch);
    s.key_of_id.resize(4 * n + 1024);
    std::vector<std::pair<Key, std::uint64_t>> all;
    for (std::size_t i = 0; i < n; ++i) {
      const TriageCall c = w.call();
      all.push_back({key_of(c, seq++), c.id.value()});
      s.key_of_id[c.id.value()] = all.back().first;
      pool.ids.push_back(c.id.value());
    }
    std::sort(all.begin(), all.end(), SortedVector::desc);
    s.v.insert(s.v.end(), all.begin(), all.end());
  }
  void add() {
    const TriageCall c = w.call();
    s.insert(key_of(c, seq++), c.id.value());
    pool.ids.push_back(c.id.value());
  }
};

void BM_SortedVector_Push(benchmark::State& state) {
  SortedFixture f(static_cast<std::size_t>(state.range(0)));
  std::vector<TriageCall> batch(kBatch);
  for (auto _ : state) {
    state.PauseTiming();
    for (TriageCall& c : batch) c = f.w.call();
    state.ResumeTiming();
    for (const TriageCall& c : batch) f.s.insert(key_of(c, f.seq++), c.id.value());
    state.PauseTiming();
    for (const TriageCall& c : batch) f.s.erase(c.id.value());
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

void BM_SortedVector_Pop(benchmark::State& state) {
  SortedFixture f(static_cast<std::size_t>(state.range(0)) + kBatch);
  std::vector<std::pair<Key, std::uint64_t>> popped(kBatch);
  for (auto _ : state) {
    for (auto& p : popped) {
      p = f.s.v.back();
      f.s.v.pop_back();
    }
    benchmark::DoNotOptimize(popped.data());
    state.PauseTiming();
    // Put them back (they belong at the back: O(1) each), so the vector stays at N.
    for (auto it = popped.rbegin(); it != popped.rend(); ++it) f.s.v.push_back(*it);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

void BM_SortedVector_Retriage(benchmark::State& state) {
  SortedFixture f(static_cast<std::size_t>(state.range(0)));
  std::mt19937_64 rng(7);
  std::vector<std::uint64_t> victims(kBatch);
  std::vector<int> grades(kBatch);
  for (auto _ : state) {
    state.PauseTiming();
    for (int i = 0; i < kBatch; ++i) {
      victims[static_cast<std::size_t>(i)] = f.pool.ids[rng() % f.pool.ids.size()];
      grades[static_cast<std::size_t>(i)] = static_cast<int>(f.w.grade());
    }
    state.ResumeTiming();
    for (int i = 0; i < kBatch; ++i) {
      const std::uint64_t id = victims[static_cast<std::size_t>(i)];
      Key k = f.s.key_of_id[id];
      f.s.erase(id);
      k.grade = grades[static_cast<std::size_t>(i)];
      f.s.insert(k, id);
    }
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

void BM_SortedVector_Cancel(benchmark::State& state) {
  SortedFixture f(static_cast<std::size_t>(state.range(0)));
  std::mt19937_64 rng(11);
  std::vector<std::uint64_t> victims(kBatch);
  for (auto _ : state) {
    state.PauseTiming();
    for (std::uint64_t& v : victims) v = f.pool.take_random(rng);
    state.ResumeTiming();
    for (std::uint64_t v : victims) f.s.erase(v);
    state.PauseTiming();
    for (int i = 0; i < kBatch; ++i) f.add();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

void sizes(benchmark::internal::Benchmark* b) {
  b->Arg(100)->Arg(10'000)->Arg(1'000'000)->Unit(benchmark::kNanosecond);
}
}  // namespace

BENCHMARK(BM_Triage_Push)->Apply(sizes);
BENCHMARK(BM_Triage_Pop)->Apply(sizes);
BENCHMARK(BM_Triage_Retriage)->Apply(sizes);
BENCHMARK(BM_Triage_Cancel)->Apply(sizes);
BENCHMARK(BM_Triage_FindDuplicate)->Apply(sizes);
BENCHMARK(BM_StdPriorityQueue_Push)->Apply(sizes);
BENCHMARK(BM_StdPriorityQueue_Pop)->Apply(sizes);
BENCHMARK(BM_SortedVector_Push)->Apply(sizes);
BENCHMARK(BM_SortedVector_Pop)->Apply(sizes);
BENCHMARK(BM_SortedVector_Retriage)->Apply(sizes);
BENCHMARK(BM_SortedVector_Cancel)->Apply(sizes);

BENCHMARK_MAIN();
