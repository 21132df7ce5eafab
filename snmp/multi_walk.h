#pragma once
// Several walks of one peer, advanced together.
//
// A MultiWalkCursor holds one WalkCursor per subtree and asks for all of them in one request:
// a GETBULK with one varbind per unfinished walk, whose answer holds the repetitions
// interleaved (RFC 3416 4.2.3: repetition i of varbind j sits at i * M + j, M the varbinds
// asked). A device's tables then cost the round trips of the longest one, not their sum: at
// ifTable + ifXTable that is half the datagrams, and the datagrams are most of a poll's cost.
// Each walk keeps its own cursor, so termination, the loop guard and the row cap are the ones
// WalkCursor tests, and each walk ends with its own rows and error.
//
// Asking: every unfinished walk, in root order, with the shared repetitions; one walk per
// request for GETNEXT (SNMPv1, whose noSuchName would end them all) and after the agent
// answered tooBig at one repetition. tooBig halves the repetitions first; a single walk at one
// repetition fails with kReasonTooBig, as WalkCursor does. An answer cut short (fewer than M
// varbinds) advances the walks it reached and asks the others again; an empty one fails them.
//
// Thread safety: none; one cursor belongs to one op.

#include <vector>

#include "common/result.h"
#include "snmp/types.h"
#include "snmp/walk.h"

namespace lw::snmp {

class MultiWalkCursor {
 public:
  // `bulk` false means GETNEXT (SNMPv1). `roots` may hold one subtree; it must not be empty.
  MultiWalkCursor(std::vector<Oid> roots, bool bulk, int max_repetitions, int max_rows);

  // The next request: appends the start OID of each walk it asks for to `starts` (pointers
  // into this cursor, valid until the next feed, too_big or fail) and returns the
  // repetitions; returns 0 (and appends nothing) when every walk is done. The same state
  // always gives the same request, so a resend may ask again.
  int next(std::vector<const Oid*>& starts) const;

  // An answer to the last request: its varbinds, taken (noError), or the agent's tooBig.
  void feed(VarBinds&& response);
  void too_big();
  // SNMPv1 noSuchName: the walk asked (one at a time under GETNEXT) reached the end of the MIB.
  void end_of_mib();
  // The request failed (timeout, auth, garbage, an error-status): every walk it asked ends with
  // `error_for(root, start)`.
  template <class ErrorFor>
  void fail_asked(ErrorFor error_for) {
    for_asked([&](WalkCursor& w) { w.fail(error_for(w.root(), w.start())); });
  }
  // Ends every unfinished walk with `error` (the engine stopped, a transport failure).
  void fail_all(const Error& error);

  bool done() const;
  size_t size() const { return walks_.size(); }
  WalkCursor& walk(size_t i) { return walks_[i]; }

 private:
  template <class F>
  void for_asked(F f) {
    size_t asked = 0;
    for (auto& w : walks_) {
      if (w.done()) continue;
      f(w);
      if (++asked == per_request()) break;
    }
  }
  size_t per_request() const { return one_at_a_time_ ? 1 : walks_.size(); }

  std::vector<WalkCursor> walks_;
  int repetitions_;
  bool one_at_a_time_;  // GETNEXT, or tooBig at one repetition
};

}  // namespace lw::snmp
