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

// Planned/retired sites may have several parents too; each is walked through once.
std::vector<int> effective_parents(const std::vector<Node>& nodes, int i) {
  auto node = [&](int k) -> const Node& { return nodes[static_cast<size_t>(k)]; };
  std::vector<int> out, todo, seen;
  auto push_parents = [&](int k) {
    const Node& n = node(k);
    if (n.parent >= 0) todo.push_back(n.parent);
    for (int p : n.more_parents)
      if (p >= 0) todo.push_back(p);
  };
  push_parents(i);
  while (!todo.empty()) {
    const int p = todo.back();
    todo.pop_back();
    if (std::find(seen.begin(), seen.end(), p) != seen.end()) continue;
    seen.push_back(p);
    if (node(p).polled) out.push_back(p);
    else push_parents(p);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {

class Evaluator {
 public:
  explicit Evaluator(const std::vector<Node>& nodes)
      : nodes_(nodes), out_(nodes.size()), state_(nodes.size(), 0), parents_(nodes.size()) {
    for (size_t i = 0; i < nodes_.size(); ++i) parents_[i] = effective_parents(nodes_, static_cast<int>(i));
  }

  std::vector<Verdict> run() {
    for (size_t i = 0; i < nodes_.size(); ++i) visit(static_cast<int>(i));
    return std::move(out_);
  }

 private:
  const Node& node(int i) const { return nodes_[static_cast<size_t>(i)]; }

  // Depth-first, parents before children, with an explicit stack so that a deep tree cannot
  // overflow the call stack. state_: 0 unseen, 1 waiting for its parents, 2 decided.
  void visit(int start) {
    if (state_[static_cast<size_t>(start)] == 2) return;
    std::vector<int> stack{start};
    while (!stack.empty()) {
      const int i = stack.back();
      auto& st = state_[static_cast<size_t>(i)];
      if (st == 2) {
        stack.pop_back();
        continue;
      }
      if (st == 1) {
        decide(i);
        st = 2;
        stack.pop_back();
        continue;
      }
      st = 1;
      for (int p : parents_[static_cast<size_t>(i)])
        if (state_[static_cast<size_t>(p)] == 0) stack.push_back(p);
    }
  }

  void decide(int i) {
    const auto ui = static_cast<size_t>(i);
    const Node& n = nodes_[ui];
    Verdict& v = out_[ui];
    if (!n.polled) return;  // not a live site: no verdict

    const std::vector<int>& parents = parents_[ui];
    // Every path cut? Then the causes are the first down sites along them.
    bool all_cut = !parents.empty();
    std::vector<int> roots;
    for (int p : parents) {
      const Verdict& pv = out_[static_cast<size_t>(p)];
      if (pv.state == Reach::Down) roots.push_back(p);
      else if (pv.state == Reach::Unreachable && !pv.roots.empty()) roots.insert(roots.end(), pv.roots.begin(), pv.roots.end());
      else all_cut = false;
    }
    std::sort(roots.begin(), roots.end());
    roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
    auto unreachable = [&] {
      v.state = Reach::Unreachable;
      v.roots = std::move(roots);
      v.root = v.roots.front();
    };

    switch (n.outcome) {
      case Node::Outcome::Answered: {
        v.state = Reach::Up;
        v.up_since = n.up_since;
        // Trusted from when the best path above was; a node answering behind parents not (yet)
        // judged up starts its own path.
        double best = -1;
        for (int p : parents) {
          const Verdict& pv = out_[static_cast<size_t>(p)];
          if (pv.state == Reach::Up && (best < 0 || pv.up_since < best)) best = pv.up_since;
        }
        if (best >= 0) v.up_since = std::max(v.up_since, best);
        return;
      }
      case Node::Outcome::None:
        // Not polled yet; behind a failure it is unreachable all the same.
        if (all_cut) unreachable();
        return;
      case Node::Outcome::Silent:
        break;
    }
    if (all_cut) {
      unreachable();
      return;
    }
    if (parents.empty()) {
      v.state = Reach::Down;
      return;
    }
    // Keep what we said until a poll decides.
    v.state = n.previous;
    v.root = n.previous_root;
    if (!n.previous_roots.empty()) v.roots = n.previous_roots;
    else if (n.previous_root >= 0) v.roots = {n.previous_root};
    v.pending = true;
    const double fell_silent = n.silent_since > 0 ? std::min(n.silent_since, n.outcome_time) : n.outcome_time;
    int stale = -1;
    bool untrusted = false;
    for (int p : parents) {
      const Node& pn = node(p);
      const Verdict& pv = out_[static_cast<size_t>(p)];
      if (pv.state == Reach::Down || (pv.state == Reach::Unreachable && !pv.roots.empty())) continue;  // cut
      if (pn.outcome != Node::Outcome::Answered || pn.outcome_time < fell_silent) {
        // This parent's answer predates the silence: ask it, unless it waits on a poll above
        // it. Asking it again then would only give it a fresher silence to explain, and the
        // chain would never settle; it resolves from the top instead.
        if (!pv.pending && stale < 0) stale = p;
        continue;
      }
      if (pv.state != Reach::Up || pv.up_since > n.outcome_time) {
        // The path came back after this silence began: the silence may be the outage that
        // just ended.
        untrusted = true;
        continue;
      }
      // A parent answered after the target fell silent, over a path trusted before: the
      // target itself is the fault.
      v.state = Reach::Down;
      v.root = -1;
      v.roots.clear();
      v.pending = false;
      return;
    }
    // Ask the target again rather than call it down, or else the parent whose answer is old.
    v.poll = untrusted ? i : stale;
  }

  const std::vector<Node>& nodes_;
  std::vector<Verdict> out_;
  std::vector<uint8_t> state_;
  std::vector<std::vector<int>> parents_;
};

}  // namespace

std::vector<Verdict> evaluate(const std::vector<Node>& nodes) { return Evaluator(nodes).run(); }

}  // namespace lw::state
