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
bool WalkCursor::feed_impl(Response& response, size_t first, size_t stride) {
  if (done_) return !error_;
  ++requests_;
  if (first >= response.size()) {
    // A response with no varbinds cannot move the walk forward; asking again would loop.
    fail(Error{kReasonAgentError, "walk " + to_string(root_) + ": empty response after " +
                                      to_string(last_)});
    return false;
  }
  // The accepted varbinds are a prefix of this walk's share: each OID is checked against the
  // one before it in place, then the prefix is taken in one go (the first whole answer of a
  // walk, most walks' only one, becomes rows() itself).
  const Oid* prev = &last_;
  std::optional<Error> error;
  size_t k = 0;
  for (size_t i = first; i < response.size(); i += stride, ++k) {
    const VarBind& vb = response[i];
    // endOfMibView, or noSuch* from a confused v1 proxy: the walk is over.
    if (vb.value.is_exception()) {
      done_ = true;
      break;
    }
    // Lexicographic order, checked before the subtree: a looping or broken agent, or one that
    // laid out a GETBULK of several varbinds wrongly (an answer meant for another walk, from
    // before this one's start), is an error, never a silent end of the table.
    if (!oid_less(*prev, vb.oid)) {
      error = Error{kReasonOidNotIncreasing, "walk " + to_string(root_) + ": agent returned " + to_string(vb.oid) +
                                                 " after " + to_string(*prev)};
      break;
    }
    if (!in_subtree(root_, vb.oid)) {  // the first varbind past the subtree: the walk is over
      done_ = true;
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
  if constexpr (!std::is_const_v<Response>) {
    if (stride == 1 && first == 0 && rows_.empty()) {
      rows_ = std::move(response);
      rows_.erase(rows_.begin() + static_cast<std::ptrdiff_t>(k), rows_.end());
      k = 0;
    }
  }
  if (rows_.capacity() < rows_.size() + k) {
    // A walk that asks again gets room for one more answer as large: most tables end in their
    // second answer, which then moves no row already taken.
    const size_t room = rows_.size() + k + (done_ || error ? 0 : k);
    rows_.reserve(std::max(room, 2 * rows_.capacity()));
  }
  for (size_t j = 0; j < k; ++j) {
    if constexpr (std::is_const_v<Response>)
      rows_.push_back(response[first + j * stride]);
    else
      rows_.push_back(std::move(response[first + j * stride]));
  }
  if (error) {
    fail(std::move(*error));
    return false;
  }
  return true;
}

bool WalkCursor::feed(const VarBinds& response) { return feed_impl(response, 0, 1); }

bool WalkCursor::feed(VarBinds&& response) { return feed_impl(response, 0, 1); }

bool WalkCursor::feed(VarBinds& response, size_t first, size_t stride) {
  return feed_impl(response, first, std::max<size_t>(stride, 1));
}

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
