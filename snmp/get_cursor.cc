#include "snmp/get_cursor.h"

#include <algorithm>
#include <utility>

#include "snmp/engine.h"

namespace lw::snmp {
namespace {

constexpr long kTooBig = 1;       // RFC 3416 error-status values
constexpr long kNoSuchName = 2;   // SNMPv1 only

}  // namespace

GetCursor::GetCursor(std::vector<Oid> oids, bool v1, std::string label, size_t chunk)
    : v1_(v1), label_(std::move(label)) {
  chunk = std::max<size_t>(1, chunk);
  result_.reserve(oids.size());
  for (auto& oid : oids) result_.push_back(VarBind{std::move(oid), Value{}});
  for (size_t i = 0; i < result_.size(); i += chunk) {
    std::vector<size_t> c;
    for (size_t j = i; j < std::min(i + chunk, result_.size()); ++j) c.push_back(j);
    chunks_.push_back(std::move(c));
  }
  done_ = chunks_.empty();  // a GET of nothing is answered at once
}

std::optional<GetCursor::Request> GetCursor::next() const {
  if (done_) return std::nullopt;
  return Request{this, &chunks_.front()};
}

void GetCursor::feed(VarBinds& response) {
  if (done_) return;
  ++requests_;
  std::vector<size_t> asked = std::move(chunks_.front());
  chunks_.pop_front();
  if (response.size() != asked.size()) {
    fail(Error{kReasonDecode, label_ + ": GET of " + std::to_string(asked.size()) +
                                  " OIDs answered with " + std::to_string(response.size())});
    return;
  }
  for (size_t i = 0; i < asked.size(); ++i) result_[asked[i]].value = std::move(response[i].value);
  done_ = chunks_.empty();
}

void GetCursor::too_big() {
  if (done_) return;
  ++requests_;
  std::vector<size_t> asked = std::move(chunks_.front());
  chunks_.pop_front();
  if (asked.size() <= 1) {
    fail(Error{kReasonTooBig, label_ + ": GET " + (asked.empty() ? std::string("?") : to_string(result_[asked[0]].oid)) +
                                  " answered tooBig"});
    return;
  }
  const auto half = static_cast<long>(asked.size() / 2);
  chunks_.push_front(std::vector<size_t>(asked.begin() + half, asked.end()));
  chunks_.push_front(std::vector<size_t>(asked.begin(), asked.begin() + half));
}

void GetCursor::error_status(long status, long index) {
  if (done_) return;
  if (status == 0) {  // not an error: an empty answer to a non-empty request
    VarBinds none;
    feed(none);
    return;
  }
  if (status == kTooBig) {
    too_big();
    return;
  }
  ++requests_;
  std::vector<size_t>& asked = chunks_.front();
  const bool index_ok = index >= 1 && static_cast<size_t>(index) <= asked.size();
  if (status == kNoSuchName && v1_ && index_ok) {
    // SNMPv1 fails the whole PDU for one missing OID: mark it and ask for the rest.
    const size_t bad = static_cast<size_t>(index) - 1;
    result_[asked[bad]].value = Value::Exception(Type::NoSuchInstance);
    asked.erase(asked.begin() + static_cast<long>(bad));
    if (asked.empty()) chunks_.pop_front();
    done_ = chunks_.empty();
    return;
  }
  std::string where;
  if (index_ok) where = " at " + to_string(result_[asked[static_cast<size_t>(index) - 1]].oid);
  fail(Error{kReasonAgentError, label_ + ": GET answered " + error_status_name(status) + where});
}

void GetCursor::fail(Error error) {
  if (done_) return;
  error_ = std::move(error);
  done_ = true;
}

}  // namespace lw::snmp
