// dispatchkit/recommend/any_recommender.hpp: choose a strategy by name at run time.
//
//   RecommenderContext ctx{.graph = &graph, .demand = demand_points};
//   absl::StatusOr<AnyRecommender> r = RecommenderRegistry::global().create("coverage_aware", ctx);
//   AnyOracle oracle(ch_oracle);             // any TravelTimeOracle, by reference
//   r->recommend(incident, fleet, oracle, rec);
//
//   // A researcher's strategy, registered in one line (see examples/my_strategy.hpp):
//   DISPATCHKIT_REGISTER_RECOMMENDER(MyStrategy);
//
// The shipped strategies are templates constrained by UnitRecommender (concepts.hpp) and
// cost nothing extra when called directly. A CAD integrator who reads the strategy from a
// configuration file needs one runtime seam instead: AnyRecommender erases the strategy
// type and AnyOracle the oracle type, at the price of two indirect calls per
// recommendation (the oracle's two) plus one for the strategy: none inside a search loop.
//
// Built-in names: "closest_idle", "response_plan", "coverage_aware", "preemption".
// A strategy registered with the macro is created from the context if it has a
// constructor taking `const RecommenderContext&`, else default-constructed.
//
// Thread safety: the registry is safe to read from many threads once registration (at
// static initialisation or at start-up) is over; an AnyRecommender is thread-compatible.
#pragma once

#include <algorithm>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/recommend/closest_idle.hpp"
#include "dispatchkit/recommend/concepts.hpp"
#include "dispatchkit/recommend/coverage_aware.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/recommend/fleet.hpp"
#include "dispatchkit/recommend/preemption.hpp"
#include "dispatchkit/recommend/response_plan_strategy.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// A non-owning, type-erased TravelTimeOracle. The wrapped oracle must outlive it. It is a
// ClockedOracle: set_clock() reaches an oracle that has one and is OK for one that does
// not (its answers do not depend on the time). It is a DriveOracle when the wrapped one
// is (answers_drives()); for one that is not, drive() throws std::logic_error and callers
// that need drives (the replay) search themselves.
class AnyOracle {
 public:
  template <TravelTimeOracle O>
  requires(!std::same_as<O, AnyOracle>) explicit AnyOracle(O& oracle) noexcept
      : self_(&oracle),
        sync_([](void* s, const Fleet& f) noexcept { return static_cast<O*>(s)->sync(f); }),
        times_([](void* s, const RoadPosition& t, TravelMode m, std::span<Weight> out) noexcept {
          static_cast<O*>(s)->travel_times_to(t, m, out);
        }),
        clock_([](void* s, std::int64_t unix_utc, std::int32_t offset) {
          if constexpr (ClockedOracle<O>)
            return static_cast<O*>(s)->set_clock(unix_utc, offset);
          else
            return absl::OkStatus();
        }) {
    if constexpr (DriveOracle<O>) {
      drive_ = [](void* s, const RoadPosition& a, const RoadPosition& b, TravelMode m,
                  std::vector<ArcId>* route) { return static_cast<O*>(s)->drive(a, b, m, route); };
      drives_from_ = [](void* s, const RoadPosition& a, std::span<const RoadPosition> to,
                        TravelMode m,
                        std::span<Weight> out) { static_cast<O*>(s)->drives_from(a, to, m, out); };
      arc_weights_ = [](void* s) { return static_cast<O*>(s)->arc_weights(); };
      version_ = [](void* s) -> std::uint64_t { return static_cast<O*>(s)->metric_version(); };
    }
  }

  [[nodiscard]] absl::Status sync(const Fleet& fleet) noexcept { return sync_(self_, fleet); }
  void travel_times_to(const RoadPosition& target, TravelMode mode,
                       std::span<Weight> out) noexcept {
    times_(self_, target, mode, out);
  }
  [[nodiscard]] absl::Status set_clock(std::int64_t unix_utc, std::int32_t utc_offset_s) {
    return clock_(self_, unix_utc, utc_offset_s);
  }
  [[nodiscard]] bool answers_drives() const noexcept { return drive_ != nullptr; }
  Weight drive(const RoadPosition& from, const RoadPosition& to, TravelMode mode,
               std::vector<ArcId>* route) {
    if (drive_ == nullptr) throw std::logic_error("AnyOracle: the wrapped oracle has no drive()");
    return drive_(self_, from, to, mode, route);
  }
  void drives_from(const RoadPosition& from, std::span<const RoadPosition> to, TravelMode mode,
                   std::span<Weight> out) {
    if (drives_from_ == nullptr)
      throw std::logic_error("AnyOracle: the wrapped oracle has no drives_from()");
    drives_from_(self_, from, to, mode, out);
  }
  [[nodiscard]] std::span<const Weight> arc_weights() const {
    if (arc_weights_ == nullptr)
      throw std::logic_error("AnyOracle: the wrapped oracle has no arc_weights()");
    return arc_weights_(self_);
  }
  [[nodiscard]] std::uint64_t metric_version() const noexcept {
    return version_ != nullptr ? version_(self_) : 0;
  }

 private:
  void* self_;
  absl::Status (*sync_)(void*, const Fleet&) noexcept;
  void (*times_)(void*, const RoadPosition&, TravelMode, std::span<Weight>) noexcept;
  absl::Status (*clock_)(void*, std::int64_t, std::int32_t);
  Weight (*drive_)(void*, const RoadPosition&, const RoadPosition&, TravelMode,
                   std::vector<ArcId>*) = nullptr;
  void (*drives_from_)(void*, const RoadPosition&, std::span<const RoadPosition>, TravelMode,
                       std::span<Weight>) = nullptr;
  std::span<const Weight> (*arc_weights_)(void*) = nullptr;
  std::uint64_t (*version_)(void*) = nullptr;
};
static_assert(DriveOracle<AnyOracle>);
static_assert(ClockedOracle<AnyOracle>);

// An oracle of any type, owned; what an OracleFactory makes. get() is its AnyOracle.
class OwnedOracle {
 public:
  template <TravelTimeOracle O>
  explicit OwnedOracle(std::unique_ptr<O> oracle) : view_(*oracle), hold_(std::move(oracle)) {}
  [[nodiscard]] AnyOracle& get() noexcept { return view_; }

 private:
  AnyOracle view_;
  std::shared_ptr<void> hold_;
};

// Makes a fresh oracle for one run (one thread): how the registry-driven tools and the
// replay are told which travel times decide (free flow over a CH, a time-of-day oracle
// over recorded traffic, a CchOracle on a live metric store).
using OracleFactory = std::function<absl::StatusOr<OwnedOracle>()>;

// Everything a registry factory may need to build a strategy.
struct RecommenderContext {
  const RoadGraph* graph = nullptr;  // response_plan and coverage_aware need it
  std::vector<DemandPoint> demand;   // coverage_aware
  CoverageOptions coverage;
  RecommendOptions options;
  PlanOptions plan;
  PreemptionOptions preemption;
};

// An owning, type-erased UnitRecommender<AnyOracle>. Move-only.
class AnyRecommender {
 public:
  static constexpr std::string_view kName = "any";

  template <class R>
  requires(!std::same_as<std::remove_cvref_t<R>, AnyRecommender> &&
           UnitRecommender<std::remove_cvref_t<R>, AnyOracle>) explicit AnyRecommender(R&& strategy)
      : self_(std::make_unique<Model<std::remove_cvref_t<R>>>(std::forward<R>(strategy))) {}

  void recommend(const Incident& incident, const Fleet& fleet, AnyOracle& oracle,
                 Recommendation& out) noexcept {
    self_->recommend(incident, fleet, oracle, out);
  }
  // The strategy's kName.
  [[nodiscard]] std::string_view name() const noexcept { return self_->name(); }

 private:
  struct Concept {
    virtual ~Concept() = default;
    virtual void recommend(const Incident&, const Fleet&, AnyOracle&, Recommendation&) noexcept = 0;
    [[nodiscard]] virtual std::string_view name() const noexcept = 0;
  };
  template <class R>
  struct Model final : Concept {
    explicit Model(R r) : strategy(std::move(r)) {}
    void recommend(const Incident& i, const Fleet& f, AnyOracle& o,
                   Recommendation& out) noexcept override {
      strategy.recommend(i, f, o, out);
    }
    [[nodiscard]] std::string_view name() const noexcept override { return R::kName; }
    R strategy;
  };
  std::unique_ptr<Concept> self_;
};
static_assert(UnitRecommender<AnyRecommender, AnyOracle>);

// Strategies by name.
class RecommenderRegistry {
 public:
  using Factory = std::function<absl::StatusOr<AnyRecommender>(const RecommenderContext&)>;

  // The process-wide registry, with the four built-in strategies.
  static RecommenderRegistry& global() {
    static RecommenderRegistry registry = with_builtins();
    return registry;
  }

  // Registers `factory` under `name`. Returns false (and keeps the first) on a duplicate.
  bool add(std::string name, Factory factory) {
    const std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& e : entries_)
      if (e.first == name) return false;
    entries_.emplace_back(std::move(name), std::move(factory));
    return true;
  }
  // Registers strategy R under R::kName: built from the context if R has a constructor
  // taking `const RecommenderContext&`, else default-constructed.
  template <class R>
  requires UnitRecommender<R, AnyOracle>
  bool add() {
    return add(std::string(R::kName),
               [](const RecommenderContext& ctx) -> absl::StatusOr<AnyRecommender> {
                 if constexpr (std::is_constructible_v<R, const RecommenderContext&>) {
                   return AnyRecommender(R(ctx));
                 } else {
                   (void)ctx;
                   return AnyRecommender(R());
                 }
               });
  }

  // A new strategy by name. NotFound lists the known names; FailedPrecondition when the
  // context lacks what the strategy needs (e.g. no graph).
  [[nodiscard]] absl::StatusOr<AnyRecommender> create(std::string_view name,
                                                      const RecommenderContext& ctx) const {
    Factory factory;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& e : entries_)
        if (e.first == name) factory = e.second;
    }
    if (!factory)
      return absl::NotFoundError(absl::StrCat("no recommender named '", detail::as_absl(name),
                                              "' (known: ", absl::StrJoin(names(), ", "), ")"));
    return factory(ctx);
  }

  [[nodiscard]] std::vector<std::string> names() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> out;
    for (const auto& e : entries_) out.push_back(e.first);
    return out;
  }

 private:
  static RecommenderRegistry with_builtins() {
    RecommenderRegistry r;
    r.add<ClosestIdle>();
    auto need_graph = [](const RecommenderContext& ctx, std::string_view what) {
      return ctx.graph == nullptr ? absl::FailedPreconditionError(absl::StrCat(
                                        detail::as_absl(what), " needs RecommenderContext::graph"))
                                  : absl::OkStatus();
    };
    r.add(std::string(ResponsePlanRecommender::kName),
          [need_graph](const RecommenderContext& ctx) -> absl::StatusOr<AnyRecommender> {
            DK_RETURN_IF_ERROR(need_graph(ctx, ResponsePlanRecommender::kName));
            return AnyRecommender(ResponsePlanRecommender(*ctx.graph, ctx.options, ctx.plan));
          });
    r.add(std::string(CoverageAware::kName),
          [need_graph](const RecommenderContext& ctx) -> absl::StatusOr<AnyRecommender> {
            DK_RETURN_IF_ERROR(need_graph(ctx, CoverageAware::kName));
            return AnyRecommender(CoverageAware(*ctx.graph, ctx.demand, ctx.coverage, ctx.options));
          });
    r.add(std::string(Preemption::kName),
          [](const RecommenderContext& ctx) -> absl::StatusOr<AnyRecommender> {
            return AnyRecommender(Preemption(ctx.preemption, ctx.options));
          });
    return r;
  }
  RecommenderRegistry() = default;
  RecommenderRegistry(RecommenderRegistry&& o) noexcept : entries_(std::move(o.entries_)) {}

  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, Factory>> entries_;
};

// Registers strategy type R in the global registry at static initialisation, in one line
// at global or namespace scope, in a header or a source file. Every translation unit that
// sees the line registers R again; the registry keeps the first and ignores the repeats.
#define DISPATCHKIT_REGISTER_RECOMMENDER(R)                                               \
  namespace {                                                                             \
  [[maybe_unused]] const bool DK_DETAIL_CONCAT(dk_registered_recommender_, __COUNTER__) = \
      ::dispatchkit::RecommenderRegistry::global().add<R>();                              \
  }                                                                                       \
  static_assert(true, "")

DISPATCHKIT_NAMESPACE_END
