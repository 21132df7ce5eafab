#pragma once
// Reachability with dependencies: which silent site is the root cause, which are only
// unreachable behind it.
//
// Each live target has a parent (the site it reaches the province through). A target that
// answers is up. A silent target is down if its parent answered at least as recently as the
// target fell silent (its first silent poll, not its latest: a target polled more often than
// its parent would otherwise always have a fresher silence than the parent's answer), and
// unreachable if a site on its parent path is silent, with that site's root as the cause. If
// the parent's last answer is older than the target's silence (or the parent was never
// polled), nothing can be said yet: the target is `pending`, keeps the state it had, and the
// caller polls the parent at once to decide. So the verdict for a district cut does not
// depend on which of its sites' polls happened to finish first.
//
// Restores are judged the same way. A path is trusted from the moment every site on it has
// been answering without a break (`up_since`, the latest such start along the path). A
// silence older than that may have been the outage that just ended, not a fault of the
// target: it is `pending` too, keeps its state (unreachable), and the caller polls the
// target itself again. So after a district comes back, no site behind it is ever called
// `down` on the strength of a poll made while the district was cut, whatever the order in
// which the sweep's answers arrive.
//
// Several parents (dual homing: a district gateway on a fibre WAN link and a VSAT link). A
// site is reachable while any of its paths is: a silent target is `unreachable` only when
// every parent is down or unreachable, and its root causes are then the set of down sites
// that cut all its paths: on each path, the first down site seen from the target (the union
// of its parents' causes; shared ancestors appear once). It is `down` when one parent is up,
// answered at least as recently as the target fell silent, and its path was trusted before
// the silence; otherwise `pending`, and the parent to ask is one whose answer is too old. A
// parent that is itself pending keeps its previous state for this purpose, as with one parent.
// The evaluation visits parents before children (a depth-first order over the DAG), so the
// verdict still does not depend on the order of the nodes or of the answers.
//
// Thread safety: pure function.

#include <cstdint>
#include <string_view>
#include <vector>

namespace lw::state {

enum class Reach : uint8_t { Unknown, Up, Down, Unreachable };
std::string_view to_string(Reach r);

struct Node {
  int parent = -1;          // index into the same vector, -1 for a root
  bool polled = true;       // false for planned/retired sites: transparent on a path
  enum class Outcome : uint8_t { None, Answered, Silent } outcome = Outcome::None;
  double outcome_time = 0;  // when the poll that produced `outcome` started
  // For Silent: when it fell silent (the start of the first silent poll since its last
  // answer); 0 means the latest silent poll was the first.
  double silent_since = 0;
  // For Answered: when the current run of answers began: when the first answered poll after
  // the last silent one (or the first poll ever) got its answer.
  double up_since = 0;
  Reach previous = Reach::Unknown;  // the last verdict, kept while pending
  int previous_root = -1;
  // Parents beyond `parent` (dual homing), indices into the same vector. `parent` must be set
  // when these are. Duplicates are ignored.
  std::vector<int> more_parents = {};
  // Every root cause of the last verdict, sorted; empty means {previous_root} if that is set.
  std::vector<int> previous_roots = {};
};

struct Verdict {
  Reach state = Reach::Unknown;
  int root = -1;              // for Unreachable: the down node that explains it (roots[0])
  std::vector<int> roots;     // for Unreachable: every down node that cuts a path, sorted
  bool pending = false;       // silent, but nothing can be said yet: poll `poll` now
  int poll = -1;              // for pending: the parent (its answer is older) or the node itself
                              // (its silence predates the path's recovery); -1 while the parent
                              // is pending too (the chain is decided from the top)
  // For Up: since when the whole path down to this node has been answering.
  double up_since = 0;
};

// `nodes` must be acyclic in `parent` and `more_parents` (the config loader guarantees it).
std::vector<Verdict> evaluate(const std::vector<Node>& nodes);

// The nearest polled ancestors of node i (planned and retired sites skipped), sorted.
std::vector<int> effective_parents(const std::vector<Node>& nodes, int i);

}  // namespace lw::state
