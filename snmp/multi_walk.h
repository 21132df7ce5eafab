#pragma once
// Several walks of one peer, advanced together, and the poll's scalars with them.
//
// A MultiWalkCursor holds one WalkCursor per subtree and asks for all of them in one request:
// a GETBULK with one varbind per unfinished walk, whose answer holds the repetitions
// interleaved (RFC 3416 4.2.3: repetition i of varbind j sits at i * M + j, M the varbinds
// asked). A device's tables then cost the round trips of the longest one, not their sum: at
// ifTable + ifXTable that is half the datagrams, and the datagrams are most of a poll's cost.
// Each walk keeps its own cursor, so termination, the loop guard and the row cap are the ones
// WalkCursor tests, and each walk ends with its own rows and error.
//
// Scalars (optional, see carries()): the first request also carries the poll's GET as
// non-repeaters, each the GETNEXT of the instance without its trailing .0. Nothing lies
// between X and X.0, so the answer is X.0 when the agent has it; anything else means it does
// not (noSuchObject). A small device's poll is then one or two datagrams instead of three.
//
// Asking: the scalars still unanswered first, then every unfinished walk in root order, with
// the shared repetitions; one walk per request for GETNEXT (SNMPv1, whose noSuchName would end
// them all) and after the agent answered tooBig at one repetition. tooBig halves the
// repetitions first, then asks one walk at a time, then the scalars alone; what still does not
// fit fails with kReasonTooBig (a single walk at one repetition, as WalkCursor does, or the
// scalars alone). An answer cut short (fewer varbinds than asked) advances what it reached and
// asks the rest again; an empty one fails everything it asked.
//
// Thread safety: none; one cursor belongs to one op.

#include <vector>

#include "common/result.h"
#include "snmp/engine.h"
#include "snmp/types.h"
#include "snmp/walk.h"

namespace lw::snmp {

class MultiWalkCursor {
 public:
  // At most this many scalars ride along (a GET's chunk, GetCursor's).
  static constexpr size_t kMaxScalars = 32;
  // Whether `scalars` can ride along the first GETBULK: 1 to kMaxScalars instances, each
  // ending in .0 under a parent of at least two arcs.
  static bool carries(const std::vector<Oid>& scalars);
  // Whether Engine::get_and_walk() may send the GET `scalars` along the walks of `roots` (the
  // rule its contract states); otherwise it is a GET, then the walks.
  static bool rides_along(const Peer& peer, const std::vector<Oid>& scalars, const std::vector<Oid>& roots) {
    return !roots.empty() && peer.walks_together() && carries(scalars);
  }

  // `bulk` false means GETNEXT (SNMPv1). `roots` may hold one subtree or none (scalars only).
  // `scalars`: empty, or a GET that carries() allows (bulk only); answered by scalars().
  MultiWalkCursor(std::vector<Oid> roots, bool bulk, int max_repetitions, int max_rows,
                  std::vector<Oid> scalars = {});

  // The next request: appends what it asks for to `starts` (the scalars' GETNEXT OIDs first,
  // non_repeaters() of them, then each walk's start; pointers into this cursor, valid until
  // the next feed, too_big or fail) and returns the repetitions; returns 0 (and appends
  // nothing) when everything is done. The same state always gives the same request, so a
  // resend may ask again.
  int next(std::vector<const Oid*>& starts) const;
  size_t non_repeaters() const { return scalars_pending() ? scalars_.size() - scalars_done_ : 0; }

  // An answer to the last request: its varbinds, taken (noError), or the agent's tooBig.
  void feed(VarBinds&& response);
  void too_big();
  // SNMPv1 noSuchName: the walk asked (one at a time under GETNEXT) reached the end of the MIB.
  void end_of_mib();
  // The request failed with an error-status: every walk it asked ends with
  // `error_for(root, start)`, the scalars it asked with `scalars_error`.
  template <class ErrorFor>
  void fail_asked(ErrorFor error_for, const Error& scalars_error) {
    for_asked([&](WalkCursor& w) { w.fail(error_for(w.root(), w.start())); });
    fail_scalars(scalars_error);
  }
  // Ends every unfinished walk, and the scalars if unanswered, with `error` (the engine
  // stopped, a timeout, a transport failure).
  void fail_all(const Error& error);

  bool done() const;
  size_t size() const { return walks_.size(); }
  WalkCursor& walk(size_t i) { return walks_[i]; }
  // The GET's answer: one varbind per scalar, in order, or the error it failed with; and each
  // walk's rows and error, in root order. Taken once, after done().
  Result<VarBinds> scalars();
  std::vector<WalkResult> walk_results();

 private:
  bool scalars_pending() const { return !scalars_failed_ && scalars_done_ < scalars_.size(); }
  bool walks_asked() const { return !(scalars_pending() && scalars_alone_); }
  void fail_scalars(const Error& error);
  template <class F>
  void for_asked(F f) {
    if (!walks_asked()) return;
    size_t asked = 0;
    for (auto& w : walks_) {
      if (w.done()) continue;
      f(w);
      if (++asked == per_request()) break;
    }
  }
  size_t per_request() const { return one_at_a_time_ ? 1 : walks_.size(); }
  size_t unfinished() const;

  std::vector<WalkCursor> walks_;
  int repetitions_;
  bool one_at_a_time_;  // GETNEXT, or tooBig at one repetition

  std::vector<Oid> scalars_;         // the GET's instances, X.0
  std::vector<Oid> scalar_parents_;  // what the request asks: X
  VarBinds scalar_values_;           // answers, scalars_done_ of them so far
  size_t scalars_done_ = 0;
  bool scalars_alone_ = false;  // tooBig at one repetition and one walk: ask them without walks
  bool scalars_failed_ = false;
  Error scalars_error_;
};

}  // namespace lw::snmp
