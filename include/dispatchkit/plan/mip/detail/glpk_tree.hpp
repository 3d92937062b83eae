// dispatchkit/plan/mip/detail/glpk_tree.hpp: what the GLPK programs of plan/mip/ share: the
// problem's owner and the branch-and-cut callback that hands GLPK a start and keeps its best
// bound. Not for users: include the solver headers (glpk_siting.hpp, glpk_offline_bound.hpp).
#pragma once

#include <glpk.h>

#include <cstddef>
#include <limits>
#include <vector>

#include "dispatchkit/config.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

namespace detail {

// Owns a glp_prob for the length of one solve.
class GlpkProblem {
 public:
  GlpkProblem() : lp_(glp_create_prob()) {}
  ~GlpkProblem() { glp_delete_prob(lp_); }
  GlpkProblem(const GlpkProblem&) = delete;
  GlpkProblem& operator=(const GlpkProblem&) = delete;
  [[nodiscard]] glp_prob* get() const noexcept { return lp_; }

 private:
  glp_prob* lp_;
};

struct GlpkCallbackState {
  const std::vector<double>* start = nullptr;  // 1-based column values, or null
  bool start_given = false;
  double best_bound = std::numeric_limits<double>::quiet_NaN();
};

inline void glpk_callback(glp_tree* tree, void* info) {
  auto* s = static_cast<GlpkCallbackState*>(info);
  // glp_ios_heur_sol reads the columns of the problem the tree solves and does not check
  // feasibility: hand the start over only on our own model (never a presolved copy).
  if (glp_ios_reason(tree) == GLP_IHEUR && s->start != nullptr && !s->start_given &&
      static_cast<std::size_t>(glp_get_num_cols(glp_ios_get_prob(tree))) + 1 == s->start->size()) {
    s->start_given = true;
    glp_ios_heur_sol(tree, s->start->data());
  }
  if (const int node = glp_ios_best_node(tree); node != 0)
    s->best_bound = glp_ios_node_bound(tree, node);
}

}  // namespace detail

DISPATCHKIT_NAMESPACE_END
