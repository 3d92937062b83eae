// dispatchkit/recommend/move_up/compliance_table.hpp: n idle units wait at row n's posts.
//
//   PostCoverage coverage(graph, station_positions, demand, {.busy_fraction = 0.3});
//   ComplianceTable table = ComplianceTable::nested_mexclp(coverage, fleet.size());
//   table.row(3);                        // e.g. {4, 11, 27}: where 3 idle units should wait
//   CompliancePolicy move_up(std::move(coverage), std::move(table));
//   move_up.relocate(event, fleet, oracle, moves);   // after every dispatch and every free
//
// StaticMexclpPosts ("static_mexclp") is the static baseline: one post per unit for good,
// from the table's row for the whole fleet.
//
// A compliance table (system status management: Gendreau, Laporte and Semet 2001; the
// policy JEMSS calls "compliance table") lists, for each number n of idle units, the posts
// they should occupy. After every change the idle units are matched to row n: units
// already at a post of the row keep it, the others are paired with the row's open posts
// nearest first (greedy on road time, one travel-time query per open post). Planners like
// it because the table can be read, argued over and printed for the crews.
//
// nested_mexclp builds the table greedily on Daskin's expected coverage: row n is row
// n - 1 plus the post whose next unit adds the most expected covered demand (a post may
// appear more than once). Nested rows keep moves few: one unit more or less changes the
// row by one post. A planner's own table (from_rows) is validated instead.
#pragma once

#include <algorithm>
#include <cstdint>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/recommend/fleet.hpp"
#include "dispatchkit/recommend/move_up/relocator.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

class ComplianceTable {
 public:
  ComplianceTable() = default;

  // Rows 1..max_units, greedy on expected coverage (see the banner). Computes the post
  // lists if needed; an empty table when they could not be computed (memory) or there is
  // no post. Throws std::bad_alloc when the rows cannot grow.
  [[nodiscard]] static ComplianceTable nested_mexclp(PostCoverage& coverage,
                                                     std::uint32_t max_units);
  // A planner's table: rows[n - 1] holds n post indices, each < post_count. InvalidArgument
  // naming the row otherwise.
  [[nodiscard]] static absl::StatusOr<ComplianceTable> from_rows(
      std::vector<std::vector<std::uint32_t>> rows, std::uint32_t post_count);

  // Rows held (n = 1 .. rows()).
  [[nodiscard]] std::uint32_t rows() const noexcept {
    return static_cast<std::uint32_t>(rows_.size());
  }
  // The posts of n idle units, sorted; for n beyond the table its last row, for 0 none.
  [[nodiscard]] std::span<const std::uint32_t> row(std::uint32_t n) const noexcept {
    if (n == 0 || rows_.empty()) return {};
    return rows_[std::min<std::size_t>(n, rows_.size()) - 1];
  }

 private:
  std::vector<std::vector<std::uint32_t>> rows_;
};

class CompliancePolicy {
 public:
  static constexpr std::string_view kName = "compliance_table";

  // The table defaults to nested_mexclp over `coverage` with one row per unit of the
  // first fleet seen, built once on the weights `coverage` has (free flow by default: the
  // table is a plan, it does not follow a time-of-day oracle). A table naming posts
  // `coverage` does not have gives an InvalidArgument status at relocate().
  explicit CompliancePolicy(PostCoverage coverage, ComplianceTable table = {})
      : coverage_(std::move(coverage)), table_(std::move(table)) {}

  template <TravelTimeOracle Oracle>
  void relocate(const RelocationEvent& event, const Fleet& fleet, Oracle& oracle,
                Relocation& out) noexcept;

  [[nodiscard]] const ComplianceTable& table() const noexcept { return table_; }
  [[nodiscard]] const PostCoverage& coverage() const noexcept { return coverage_; }

 private:
  PostCoverage coverage_;
  ComplianceTable table_;
  std::vector<std::uint32_t> idle_, open_, taken_;
  std::vector<std::vector<Weight>> to_open_;
};
static_assert(Relocator<CompliancePolicy>);

// The static baseline of move-up studies: every unit gets one post for good, the fleet's
// posts being the table's row for the whole fleet (static MEXCLP: Daskin's allocation of N
// units to posts), units matched to them nearest to their home station first, once, at the
// first event. After that an idle unit that is not at (or bound for) its post is sent there;
// nothing else moves. Against it a dynamic policy shows what moving buys beyond a good
// static allocation, which is the comparison Jagtenberg et al. make.
class StaticMexclpPosts {
 public:
  static constexpr std::string_view kName = "static_mexclp";

  explicit StaticMexclpPosts(PostCoverage coverage) : coverage_(std::move(coverage)) {}

  template <TravelTimeOracle Oracle>
  void relocate(const RelocationEvent& event, const Fleet& fleet, Oracle& oracle,
                Relocation& out) noexcept;

  // The post of each unit (by id), once assigned; empty before the first event.
  [[nodiscard]] std::span<const std::uint32_t> posts_of_units() const noexcept {
    return post_of_unit_;
  }

 private:
  PostCoverage coverage_;
  std::vector<std::uint32_t> post_of_unit_;
};
static_assert(Relocator<StaticMexclpPosts>);

// ---------------------------------------------------------------------------------------
// Implementation.

inline ComplianceTable ComplianceTable::nested_mexclp(PostCoverage& coverage,
                                                      std::uint32_t max_units) {
  ComplianceTable t;
  if (!coverage.ensure() || coverage.post_count() == 0) return t;
  const std::span<const DemandPoint> demand = coverage.demand();
  const double q = coverage.options().busy_fraction;
  std::vector<double> q_k(demand.size(), 1.0);  // q^k_d of the row so far
  std::vector<std::uint32_t> row;
  for (std::uint32_t n = 1; n <= max_units; ++n) {
    std::uint32_t best = 0;
    double best_gain = -1.0;
    for (std::uint32_t p = 0; p < coverage.post_count(); ++p) {
      if (!coverage.posts()[p].valid()) continue;
      double gain = 0.0;
      for (std::uint32_t d : coverage.covered_by(p)) gain += demand[d].weight * (1.0 - q) * q_k[d];
      if (gain > best_gain) {
        best_gain = gain;
        best = p;
      }
    }
    if (best_gain < 0.0) break;  // no valid post
    for (std::uint32_t d : coverage.covered_by(best)) q_k[d] *= q;
    row.insert(std::upper_bound(row.begin(), row.end(), best), best);
    t.rows_.push_back(row);
  }
  return t;
}

inline absl::StatusOr<ComplianceTable> ComplianceTable::from_rows(
    std::vector<std::vector<std::uint32_t>> rows, std::uint32_t post_count) {
  for (std::size_t n = 0; n < rows.size(); ++n) {
    if (rows[n].size() != n + 1)
      return absl::InvalidArgumentError(absl::StrCat("compliance table row ", n + 1, ": ",
                                                     rows[n].size(), " posts, expected ", n + 1));
    for (std::uint32_t p : rows[n])
      if (p >= post_count)
        return absl::InvalidArgumentError(absl::StrCat("compliance table row ", n + 1, ": post ", p,
                                                       " does not exist (", post_count, " posts)"));
    std::sort(rows[n].begin(), rows[n].end());
  }
  ComplianceTable t;
  t.rows_ = std::move(rows);
  return t;
}

template <TravelTimeOracle Oracle>
void CompliancePolicy::relocate(const RelocationEvent& event, const Fleet& fleet, Oracle& oracle,
                                Relocation& out) noexcept {
  out.begin(fleet.size());
  if (!out.status.ok()) return;
  try {
    if (table_.rows() == 0) table_ = ComplianceTable::nested_mexclp(coverage_, fleet.size());
    idle_.clear();
    for (const Unit& u : fleet.units())
      if (movable(u, coverage_, event.time)) idle_.push_back(u.id().value());
    const std::span<const std::uint32_t> row = table_.row(static_cast<std::uint32_t>(idle_.size()));
    for (std::uint32_t p : row)
      if (p >= coverage_.post_count()) {  // a planner's table for more posts than these
        out.status = absl::InvalidArgumentError(absl::StrCat(
            "CompliancePolicy: the table names post ", p, " of ", coverage_.post_count()));
        return;
      }
    // Units already at a post of the row keep it (each post of the row once per unit).
    open_.assign(row.begin(), row.end());
    std::vector<std::uint32_t>& unmatched = taken_;
    unmatched.clear();
    for (std::uint32_t u : idle_) {
      const auto it = std::find(open_.begin(), open_.end(), fleet.unit(UnitId(u)).post());
      if (it != open_.end())
        open_.erase(it);
      else
        unmatched.push_back(u);
    }
    if (open_.empty() || unmatched.empty()) return;
    if (!oracle.sync(fleet).ok()) {
      out.status = absl::ResourceExhaustedError("CompliancePolicy: syncing the oracle");
      return;
    }
    // Road time from every unit to every open post: one query per open post.
    to_open_.resize(open_.size());
    for (std::size_t j = 0; j < open_.size(); ++j) {
      to_open_[j].assign(fleet.size(), kInfWeight);
      oracle.travel_times_to(coverage_.posts()[open_[j]], TravelMode::kNormal, to_open_[j]);
    }
    // Greedy matching, nearest pair first; ties by post order, then unit id. A matched
    // pair is marked done rather than erased, so that the
    // workspace keeps its capacity.
    constexpr std::uint32_t kDone = UINT32_MAX;
    for (std::size_t left = std::min(open_.size(), unmatched.size()); left > 0; --left) {
      std::size_t bj = 0, bi = 0;
      Weight bt = kInfWeight;
      for (std::size_t j = 0; j < open_.size(); ++j) {
        if (open_[j] == kDone) continue;
        for (std::size_t i = 0; i < unmatched.size(); ++i) {
          if (unmatched[i] == kDone) continue;
          const Weight t = to_open_[j][unmatched[i]];
          if (t < bt) {
            bt = t;
            bi = i;
            bj = j;
          }
        }
      }
      if (bt == kInfWeight) break;  // the rest cannot reach the open posts
      out.moves.push_back({UnitId(unmatched[bi]), open_[bj]});
      unmatched[bi] = kDone;
      open_[bj] = kDone;
    }
  } catch (const std::bad_alloc&) {
    out.moves.clear();
    out.status = absl::ResourceExhaustedError("CompliancePolicy: growing its workspace");
  }
}

template <TravelTimeOracle Oracle>
void StaticMexclpPosts::relocate(const RelocationEvent& event, const Fleet& fleet, Oracle& oracle,
                                 Relocation& out) noexcept {
  out.begin(fleet.size());
  if (!out.status.ok() || coverage_.post_count() == 0) return;
  try {
    if (post_of_unit_.size() != fleet.size()) {
      // Once: the allocation for the units that count as coverage, each matched to it from
      // the post it has now (its station, at the first event).
      post_of_unit_.assign(fleet.size(), UINT32_MAX);
      std::uint32_t counted = 0;
      for (const Unit& u : fleet.units()) counted += coverage_.counts(u.capabilities());
      const ComplianceTable table = ComplianceTable::nested_mexclp(coverage_, counted);
      const std::span<const std::uint32_t> row = table.row(counted);
      // Road times from each unit's post to each allocated post: probes at the posts.
      Fleet probes;
      for (const Unit& u : fleet.units()) {
        const std::uint32_t at = u.post();
        UnitSpec spec;
        spec.call_sign = u.call_sign();
        spec.position = at < coverage_.post_count() ? coverage_.posts()[at] : u.position();
        if (!spec.position.valid()) spec.position = coverage_.posts().front();
        if (!coverage_.counts(u.capabilities())) spec.status = UnitStatus::kOutOfService;
        (void)probes.add_unit(std::move(spec));
      }
      if (!oracle.sync(probes).ok()) {
        out.status = absl::ResourceExhaustedError("StaticMexclpPosts: syncing the oracle");
        post_of_unit_.clear();
        return;
      }
      std::vector<std::vector<Weight>> t(row.size(), std::vector<Weight>(fleet.size()));
      for (std::size_t j = 0; j < row.size(); ++j)
        oracle.travel_times_to(coverage_.posts()[row[j]], TravelMode::kNormal, t[j]);
      std::vector<std::uint8_t> post_used(row.size(), 0);
      for (std::size_t left = row.size(); left > 0; --left) {
        std::size_t bj = row.size(), bu = 0;
        Weight bt = kInfWeight;
        for (std::size_t j = 0; j < row.size(); ++j) {
          if (post_used[j]) continue;
          for (std::uint32_t u = 0; u < fleet.size(); ++u)
            if (post_of_unit_[u] == UINT32_MAX &&
                coverage_.counts(fleet.unit(UnitId(u)).capabilities()) &&
                (bj == row.size() || t[j][u] < bt)) {
              bt = t[j][u];
              bj = j;
              bu = u;
            }
        }
        if (bj == row.size()) break;
        post_used[bj] = 1;
        post_of_unit_[bu] = row[bj];
      }
      (void)oracle.sync(fleet);  // back to the fleet the caller decides on
    }
    for (const Unit& u : fleet.units()) {
      const std::uint32_t p = post_of_unit_[u.id().value()];
      if (p != UINT32_MAX && movable(u, coverage_, event.time) && u.post() != p)
        out.moves.push_back({u.id(), p});
    }
  } catch (const std::bad_alloc&) {
    out.moves.clear();
    post_of_unit_.clear();
    out.status = absl::ResourceExhaustedError("StaticMexclpPosts: growing its workspace");
  }
}

DISPATCHKIT_NAMESPACE_END
