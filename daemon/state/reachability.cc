#include "daemon/state/reachability.h"

#include <algorithm>

namespace lw::state {

std::string_view to_string(Reach r) {
  switch (r) {
    case Reach::Unknown: return "unknown";
    case Reach::Up: return "up";
    case Reach::Down: return "down";
    case Reach::Unreachable: return "unreachable";
  }
  return "unknown";
}

namespace {

class Evaluator {
 public:
  explicit Evaluator(const std::vector<Node>& nodes)
      : nodes_(nodes), out_(nodes.size()), done_(nodes.size(), false) {}

  std::vector<Verdict> run() {
    for (size_t i = 0; i < nodes_.size(); ++i) visit(static_cast<int>(i));
    return std::move(out_);
  }

 private:
  // The nearest polled ancestor of i, skipping planned/retired sites.
  int effective_parent(int i) const {
    int p = nodes_[static_cast<size_t>(i)].parent;
    while (p >= 0 && !nodes_[static_cast<size_t>(p)].polled) p = nodes_[static_cast<size_t>(p)].parent;
    return p;
  }

  // Iterative over the parent chain so that a deep tree cannot overflow the stack.
  void visit(int start) {
    std::vector<int> chain;
    for (int i = start; i >= 0 && !done_[static_cast<size_t>(i)]; i = effective_parent(i)) chain.push_back(i);
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) decide(*it);
  }

  void decide(int i) {
    const auto ui = static_cast<size_t>(i);
    const Node& n = nodes_[ui];
    Verdict& v = out_[ui];
    done_[ui] = true;
    if (!n.polled) return;  // not a live site: no verdict

    const int p = effective_parent(i);
    // The down site on the path above i, if any.
    int path_root = -1;
    if (p >= 0) {
      const Verdict& pv = out_[static_cast<size_t>(p)];
      if (pv.state == Reach::Down) path_root = p;
      else if (pv.state == Reach::Unreachable) path_root = pv.root;
    }

    switch (n.outcome) {
      case Node::Outcome::Answered:
        v.state = Reach::Up;
        v.up_since = n.up_since;
        // A node answering behind a parent not (yet) judged up starts its own path.
        if (p >= 0 && out_[static_cast<size_t>(p)].state == Reach::Up)
          v.up_since = std::max(v.up_since, out_[static_cast<size_t>(p)].up_since);
        return;
      case Node::Outcome::None:
        // Not polled yet; behind a failure it is unreachable all the same.
        if (path_root >= 0) { v.state = Reach::Unreachable; v.root = path_root; }
        return;
      case Node::Outcome::Silent:
        break;
    }
    if (path_root >= 0) {
      v.state = Reach::Unreachable;
      v.root = path_root;
      return;
    }
    if (p < 0) {
      v.state = Reach::Down;
      return;
    }
    const Node& pn = nodes_[static_cast<size_t>(p)];
    const Verdict& pv = out_[static_cast<size_t>(p)];
    // Keep what we said until a poll decides.
    v.state = n.previous;
    v.root = n.previous_root;
    v.pending = true;
    const double fell_silent = n.silent_since > 0 ? std::min(n.silent_since, n.outcome_time) : n.outcome_time;
    if (pn.outcome != Node::Outcome::Answered || pn.outcome_time < fell_silent) {
      // The parent's answer predates this silence: ask the parent, unless the parent itself
      // waits on a poll above it. Asking it again then would only give it a fresher silence
      // to explain, and the chain would never settle; it resolves from the top instead.
      if (!pv.pending) v.poll = p;
      return;
    }
    if (pv.state != Reach::Up || pv.up_since > n.outcome_time) {
      // The path came back after this silence began: the silence may be the outage that
      // just ended. Ask the target again rather than call it down.
      v.poll = i;
      return;
    }
    v.state = Reach::Down;
    v.root = -1;
    v.pending = false;
  }

  const std::vector<Node>& nodes_;
  std::vector<Verdict> out_;
  std::vector<bool> done_;
};

}  // namespace

std::vector<Verdict> evaluate(const std::vector<Node>& nodes) { return Evaluator(nodes).run(); }

}  // namespace lw::state
