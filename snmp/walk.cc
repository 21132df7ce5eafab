#include "snmp/walk.h"

#include <algorithm>
#include <optional>
#include <type_traits>
#include <utility>

#include "snmp/engine.h"

namespace lw::snmp {

WalkCursor::WalkCursor(Oid root, bool bulk, int max_repetitions, int max_rows)
    : root_(std::move(root)),
      last_(root_),
      bulk_(bulk),
      repetitions_(bulk ? std::max(1, max_repetitions) : 1),
      max_rows_(std::max(1, max_rows)) {}

std::optional<WalkCursor::Request> WalkCursor::next() const {
  if (done_) return std::nullopt;
  return Request{last_, bulk_ ? repetitions_ : 1};
}

template <class Response>
bool WalkCursor::feed_impl(Response& response) {
  if (done_) return !error_;
  ++requests_;
  if (response.empty()) {
    // A response with no varbinds cannot move the walk forward; asking again would loop.
    fail(Error{kReasonAgentError, "walk " + to_string(root_) + ": empty response after " +
                                      to_string(last_)});
    return false;
  }
  // The accepted varbinds are a prefix of the response: each OID is checked against the one
  // before it in place, then the prefix is taken in one go (the first answer of a walk, most
  // walks' only one, becomes rows() itself).
  const Oid* prev = &last_;
  std::optional<Error> error;
  size_t k = 0;
  for (; k < response.size(); ++k) {
    const VarBind& vb = response[k];
    // endOfMibView, or noSuch* from a confused v1 proxy; or the first varbind past the
    // subtree: the walk is over.
    if (vb.value.is_exception() || !in_subtree(root_, vb.oid)) {
      done_ = true;
      break;
    }
    if (!oid_less(*prev, vb.oid)) {  // lexicographic: a looping or broken agent
      error = Error{kReasonOidNotIncreasing, "walk " + to_string(root_) + ": agent returned " + to_string(vb.oid) +
                                                 " after " + to_string(*prev)};
      break;
    }
    if (rows_.size() + k >= static_cast<size_t>(max_rows_)) {
      error = Error{kReasonRowCap, "walk " + to_string(root_) + ": stopped at " + std::to_string(max_rows_) +
                                       " rows, next " + to_string(vb.oid)};
      break;
    }
    prev = &vb.oid;
  }
  if (k > 0) last_ = *prev;
  const auto first = response.begin(), accepted = response.begin() + static_cast<std::ptrdiff_t>(k);
  if constexpr (std::is_const_v<Response>) {
    rows_.insert(rows_.end(), first, accepted);
  } else if (rows_.empty()) {
    rows_ = std::move(response);
    rows_.erase(rows_.begin() + static_cast<std::ptrdiff_t>(k), rows_.end());
  } else {
    rows_.insert(rows_.end(), std::make_move_iterator(first), std::make_move_iterator(accepted));
  }
  if (error) {
    fail(std::move(*error));
    return false;
  }
  return true;
}

bool WalkCursor::feed(const VarBinds& response) { return feed_impl(response); }

bool WalkCursor::feed(VarBinds&& response) { return feed_impl(response); }

void WalkCursor::too_big() {
  if (done_) return;
  ++requests_;
  if (repetitions_ <= 1) {
    fail(Error{kReasonTooBig, "walk " + to_string(root_) + ": tooBig with one repetition after " +
                                  to_string(last_)});
    return;
  }
  repetitions_ /= 2;
}

void WalkCursor::fail(Error error) {
  if (done_) return;
  error_ = std::move(error);
  done_ = true;
}

}  // namespace lw::snmp
