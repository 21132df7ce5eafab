#pragma once
// The walk algorithm, apart from any transport.
//
// A WalkCursor decides what to ask next and when a walk is over; the engines (real and fake)
// only carry its requests and feed it the responses. Keeping it pure lets the unit tests drive
// every termination case (end of subtree, endOfMibView, noSuch*, a non-increasing OID from a
// looping agent, the row cap, tooBig) without a network.
//
// Thread safety: none; one cursor belongs to one walk.

#include <optional>

#include "common/result.h"
#include "snmp/types.h"

namespace lw::snmp {

class WalkCursor {
 public:
  // `bulk` false means GETNEXT (SNMPv1), one varbind per request.
  WalkCursor(Oid root, bool bulk, int max_repetitions, int max_rows);

  struct Request {
    Oid start;            // the OID to GETNEXT/GETBULK from
    int max_repetitions;  // 1 for GETNEXT
  };

  // The next request to send, or nullopt when the walk is finished.
  std::optional<Request> next() const;

  // Feed the varbinds of one response. Returns false (and sets error()) if the walk ended
  // with an error; true otherwise (check done()).
  bool feed(const VarBinds& response);
  // The same, taking the accepted varbinds instead of copying them (the engine's path): the
  // response's own vector becomes rows() while that is empty.
  bool feed(VarBinds&& response);
  // The same over this walk's share of an answer to several walks (MultiWalkCursor): the
  // varbinds at first, first + stride, ...; the accepted ones are moved out of `response`.
  bool feed(VarBinds& response, size_t first, size_t stride);

  // The agent answered tooBig: halve the repetitions and try again. Fails the walk with
  // kReasonTooBig once it already asked for a single repetition.
  void too_big();

  // The request failed for a transport reason (timeout, auth, ...): end the walk with it.
  void fail(Error error);

  bool done() const { return done_; }
  const std::optional<Error>& error() const { return error_; }
  VarBinds& rows() { return rows_; }
  const Oid& root() const { return root_; }
  // Where the next request starts (the last OID accepted, or the root); no copy, unlike next().
  const Oid& start() const { return last_; }
  int requests() const { return requests_; }

 private:
  template <class Response>
  bool feed_impl(Response& response, size_t first, size_t stride);

  Oid root_;
  Oid last_;  // the last OID accepted; the next start
  bool bulk_;
  int repetitions_;
  int max_rows_;
  int requests_ = 0;
  bool done_ = false;
  std::optional<Error> error_;
  VarBinds rows_;
};

}  // namespace lw::snmp
