#include "snmp/multi_walk.h"

#include <algorithm>
#include <utility>

namespace lw::snmp {

MultiWalkCursor::MultiWalkCursor(std::vector<Oid> roots, bool bulk, int max_repetitions, int max_rows)
    : repetitions_(bulk ? std::max(1, max_repetitions) : 1), one_at_a_time_(!bulk) {
  walks_.reserve(roots.size());
  // Each walk's own cursor at one repetition: the shared count lives here, and a walk's
  // too_big() then means "tooBig at one repetition" and fails it.
  for (auto& root : roots) walks_.emplace_back(std::move(root), bulk, 1, max_rows);
}

int MultiWalkCursor::next(std::vector<const Oid*>& starts) const {
  size_t asked = 0;
  for (const auto& w : walks_) {
    if (w.done()) continue;
    starts.push_back(&w.start());
    if (++asked == per_request()) break;
  }
  return asked > 0 ? repetitions_ : 0;
}

void MultiWalkCursor::feed(VarBinds&& response) {
  size_t m = 0;  // walks asked
  for (const auto& w : walks_)
    if (!w.done() && m < per_request()) ++m;
  if (m == 0) return;
  if (m == 1 || response.empty()) {
    // One walk asked: the answer is all its own, taken whole. Empty: each walk asked fails as
    // WalkCursor says (an empty answer cannot move a walk forward).
    for_asked([&](WalkCursor& w) { w.feed(m == 1 ? std::move(response) : VarBinds{}); });
    return;
  }
  size_t j = 0;  // walk j's share: varbinds j, j + m, j + 2m, ...
  for_asked([&](WalkCursor& w) {
    if (j < response.size()) w.feed(response, j, m);  // else cut short before it: ask again
    ++j;
  });
}

void MultiWalkCursor::too_big() {
  if (repetitions_ > 1) {
    repetitions_ /= 2;
    return;
  }
  size_t unfinished = 0;
  for (const auto& w : walks_) unfinished += w.done() ? 0 : 1;
  if (!one_at_a_time_ && unfinished > 1) {
    one_at_a_time_ = true;
    return;
  }
  for_asked([](WalkCursor& w) { w.too_big(); });
}

void MultiWalkCursor::end_of_mib() {
  for_asked([](WalkCursor& w) { w.feed(VarBinds{VarBind{w.start(), Value::Exception(Type::EndOfMibView)}}); });
}

void MultiWalkCursor::fail_all(const Error& error) {
  for (auto& w : walks_) w.fail(error);  // a finished walk keeps its own outcome
}

bool MultiWalkCursor::done() const {
  return std::all_of(walks_.begin(), walks_.end(), [](const WalkCursor& w) { return w.done(); });
}

}  // namespace lw::snmp
