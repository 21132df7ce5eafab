#include "snmp/multi_walk.h"

#include <algorithm>
#include <utility>

#include "snmp/engine.h"

namespace lw::snmp {

bool MultiWalkCursor::carries(const std::vector<Oid>& scalars) {
  if (scalars.empty() || scalars.size() > kMaxScalars) return false;
  return std::all_of(scalars.begin(), scalars.end(),
                     [](const Oid& o) { return o.size() >= 3 && o.back() == 0; });
}

MultiWalkCursor::MultiWalkCursor(std::vector<Oid> roots, bool bulk, int max_repetitions, int max_rows,
                                 std::vector<Oid> scalars)
    : repetitions_(bulk ? std::max(1, max_repetitions) : 1), one_at_a_time_(!bulk), scalars_(std::move(scalars)) {
  walks_.reserve(roots.size());
  // Each walk's own cursor at one repetition: the shared count lives here, and a walk's
  // too_big() then means "tooBig at one repetition" and fails it.
  for (auto& root : roots) walks_.emplace_back(std::move(root), bulk, 1, max_rows);
  scalar_parents_.reserve(scalars_.size());
  for (const Oid& s : scalars_) scalar_parents_.emplace_back(s.begin(), s.end() - 1);
  scalar_values_.reserve(scalars_.size());
}

size_t MultiWalkCursor::unfinished() const {
  return static_cast<size_t>(std::count_if(walks_.begin(), walks_.end(), [](const WalkCursor& w) { return !w.done(); }));
}

int MultiWalkCursor::next(std::vector<const Oid*>& starts) const {
  const size_t before = starts.size();
  if (scalars_pending())
    for (size_t i = scalars_done_; i < scalar_parents_.size(); ++i) starts.push_back(&scalar_parents_[i]);
  if (walks_asked()) {
    size_t asked = 0;
    for (const auto& w : walks_) {
      if (w.done()) continue;
      starts.push_back(&w.start());
      if (++asked == per_request()) break;
    }
  }
  return starts.size() > before ? repetitions_ : 0;
}

void MultiWalkCursor::feed(VarBinds&& response) {
  // What the request asked, before this answer changes it.
  const size_t n = non_repeaters();
  size_t m = 0;  // walks asked
  if (walks_asked())
    for (const auto& w : walks_)
      if (!w.done() && m < per_request()) ++m;
  if (response.empty()) {
    // Nothing moves forward; asking again would loop. Each walk asked fails as WalkCursor says.
    for_asked([](WalkCursor& w) { w.feed(VarBinds{}); });  // first: failing the scalars changes what was asked
    if (n > 0) fail_scalars(Error{kReasonAgentError, "GET: empty response"});
    return;
  }
  // The non-repeaters: X.0 answers X.0; anything else is the next object, so X.0 is missing.
  const size_t answered = std::min(n, response.size());
  for (size_t i = 0; i < answered; ++i) {
    const Oid& want = scalars_[scalars_done_];
    VarBind& got = response[i];
    if (got.oid == want && !got.value.is_exception())
      scalar_values_.push_back(std::move(got));
    else
      scalar_values_.push_back(VarBind{want, Value::Exception(Type::NoSuchObject)});
    ++scalars_done_;
  }
  if (m == 0 || answered < n) return;  // cut short before the walks: they are asked again
  if (m == 1 && n == 0) {
    for_asked([&](WalkCursor& w) { w.feed(std::move(response)); });  // all its own, taken whole
    return;
  }
  size_t j = 0;  // walk j's share: varbinds n + j, n + j + m, n + j + 2m, ...
  for_asked([&](WalkCursor& w) {
    if (n + j < response.size()) w.feed(response, n + j, m);  // else cut short before it: ask again
    ++j;
  });
}

void MultiWalkCursor::too_big() {
  if (repetitions_ > 1) {
    repetitions_ /= 2;
    return;
  }
  if (!one_at_a_time_ && walks_asked() && unfinished() > 1) {
    one_at_a_time_ = true;
    return;
  }
  if (scalars_pending()) {
    if (!scalars_alone_ && unfinished() > 0) {
      scalars_alone_ = true;
      return;
    }
    fail_scalars(Error{kReasonTooBig, "GET: tooBig with " + std::to_string(non_repeaters()) +
                                          " scalars alone (as GETBULK non-repeaters)"});
    return;
  }
  for_asked([](WalkCursor& w) { w.too_big(); });
}

void MultiWalkCursor::end_of_mib() {
  for_asked([](WalkCursor& w) { w.feed(VarBinds{VarBind{w.start(), Value::Exception(Type::EndOfMibView)}}); });
}

void MultiWalkCursor::fail_scalars(const Error& error) {
  if (!scalars_pending()) return;
  scalars_failed_ = true;
  scalars_error_ = error;
}

void MultiWalkCursor::fail_all(const Error& error) {
  for (auto& w : walks_) w.fail(error);  // a finished walk keeps its own outcome
  fail_scalars(error);
}

bool MultiWalkCursor::done() const {
  return !scalars_pending() && unfinished() == 0;
}

std::vector<WalkResult> MultiWalkCursor::walk_results() {
  std::vector<WalkResult> out(walks_.size());
  for (size_t i = 0; i < walks_.size(); ++i) {
    out[i].varbinds = std::move(walks_[i].rows());
    out[i].error = walks_[i].error();
  }
  return out;
}

Result<VarBinds> MultiWalkCursor::scalars() {
  if (scalars_failed_) return scalars_error_;
  return std::move(scalar_values_);
}

}  // namespace lw::snmp
