// dispatchkit/recommend/move_up/any_relocator.hpp: choose a move-up policy by name at run time.
//
//   RelocatorContext ctx{.graph = &graph, .posts = station_positions, .demand = demand,
//                        .coverage = {.target = Deciseconds::from_seconds(480),
//                                     .busy_fraction = 0.3}};
//   absl::StatusOr<AnyRelocator> move_up = make_relocator("dmexclp", ctx);
//   AnyOracle oracle(ch_oracle);
//   move_up->relocate(event, fleet, oracle, moves);
//
// Names: relocator_names() = "none", "static_mexclp", "dmexclp", "compliance_table"
// (relocator.hpp, dmexclp.hpp, compliance_table.hpp). A researcher's own Relocator is wrapped the
// same way: AnyRelocator(MyMoveUp{...}). One indirect call per decision.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/recommend/any_recommender.hpp"
#include "dispatchkit/recommend/move_up/compliance_table.hpp"
#include "dispatchkit/recommend/move_up/dmexclp.hpp"
#include "dispatchkit/recommend/move_up/relocator.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// What the shipped relocators are built from.
struct RelocatorContext {
  const RoadGraph* graph = nullptr;
  std::vector<RoadPosition> posts;  // numbered as the fleet's stations
  std::vector<DemandPoint> demand;
  CoverageOptions coverage;
  Deciseconds turnout_at_post = Deciseconds::from_seconds(60);
  DmexclpOptions dmexclp;
};

class AnyRelocator {
 public:
  template <class R>
  requires(!std::same_as<std::decay_t<R>, AnyRelocator> &&
           Relocator<std::decay_t<R>, AnyOracle>) explicit AnyRelocator(R&& r)
      : self_(std::make_unique<Model<std::decay_t<R>>>(std::forward<R>(r))) {}

  [[nodiscard]] std::string_view name() const noexcept { return self_->name(); }
  void relocate(const RelocationEvent& event, const Fleet& fleet, AnyOracle& oracle,
                Relocation& out) noexcept {
    self_->relocate(event, fleet, oracle, out);
  }
  // Whether it ever proposes a move ("none" does not: callers skip the calls).
  [[nodiscard]] bool moves_units() const noexcept { return name() != NoMoveUp::kName; }

 private:
  struct Concept {
    virtual ~Concept() = default;
    virtual std::string_view name() const noexcept = 0;
    virtual void relocate(const RelocationEvent&, const Fleet&, AnyOracle&,
                          Relocation&) noexcept = 0;
  };
  template <class R>
  struct Model final : Concept {
    explicit Model(R r) : r(std::move(r)) {}
    std::string_view name() const noexcept override { return R::kName; }
    void relocate(const RelocationEvent& e, const Fleet& f, AnyOracle& o,
                  Relocation& out) noexcept override {
      r.relocate(e, f, o, out);
    }
    R r;
  };
  std::unique_ptr<Concept> self_;
};

[[nodiscard]] inline std::vector<std::string> relocator_names() {
  return {std::string(NoMoveUp::kName), std::string(StaticMexclpPosts::kName),
          std::string(DmexclpMoveUp::kName), std::string(CompliancePolicy::kName)};
}

// A shipped relocator by name. NotFound for another name (listing the known ones);
// InvalidArgument when a coverage policy has no graph or no post.
[[nodiscard]] inline absl::StatusOr<AnyRelocator> make_relocator(std::string_view name,
                                                                 const RelocatorContext& ctx) {
  if (name == NoMoveUp::kName) return AnyRelocator(NoMoveUp{});
  if (name != DmexclpMoveUp::kName && name != CompliancePolicy::kName &&
      name != StaticMexclpPosts::kName)
    return absl::NotFoundError(absl::StrCat("no move-up policy named '", detail::as_absl(name),
                                            "' (known: ", absl::StrJoin(relocator_names(), ", "),
                                            ")"));
  if (ctx.graph == nullptr || ctx.posts.empty())
    return absl::InvalidArgumentError(
        absl::StrCat("move-up '", detail::as_absl(name), "' needs a road graph and posts"));
  if (name == DmexclpMoveUp::kName)
    return AnyRelocator(DmexclpMoveUp(*ctx.graph, ctx.posts, ctx.demand, ctx.coverage, ctx.dmexclp,
                                      ctx.turnout_at_post));
  PostCoverage coverage(*ctx.graph, ctx.posts, ctx.demand, ctx.coverage, ctx.turnout_at_post);
  if (name == StaticMexclpPosts::kName) return AnyRelocator(StaticMexclpPosts(std::move(coverage)));
  return AnyRelocator(CompliancePolicy(std::move(coverage)));
}

DISPATCHKIT_NAMESPACE_END
