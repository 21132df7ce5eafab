#pragma once
// FakeEngine: an in-memory SNMP agent behind the Engine interface, for unit tests.
//
// Each peer key maps to a FakeAgent: a sorted table of varbinds plus optional misbehaviour
// (timeouts, auth failure, tooBig above a size, a hook that rewrites responses to simulate
// loops and garbage). GETs and walks run through the same GetCursor and MultiWalkCursor as the
// real engine (PDU by PDU: chunking, tooBig halving, walks asked together, walk termination),
// so the fake answers as the real engine would, without a network. Built into a test-only library (lw_snmp_fake), never
// linked into linkwatchd. Stands in for: a real agent (snmpd and the
// simulator are used in the integration tests instead).
//
// Thread safety: add()/agent() before use; get()/walk() may be called from any thread.
// Callbacks run synchronously on the caller's thread unless `async` is set, in which case
// they run on a worker thread, as with the real engine. A request is counted in
// stats().in_flight from the call until its callback starts.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "snmp/engine.h"
#include "snmp/get_cursor.h"
#include "snmp/multi_walk.h"

namespace lw::snmp {

struct FakeAgent {
  std::map<Oid, Value> mib;
  std::optional<Error> fail_with;        // every request fails with this (e.g. timeout, auth)
  size_t too_big_above = 0;              // answer tooBig when a PDU would hold more varbinds
  // A GETBULK answer holds at most this many varbinds, cut short as an agent does when the
  // message is full (0: no limit).
  size_t bulk_limit = 0;
  // Rewrites a GETNEXT/GETBULK response before the cursor sees it (loops, garbage).
  std::function<void(VarBinds&)> mangle;
  int requests = 0;                      // counted, for assertions
};

class FakeEngine final : public Engine {
 public:
  // `async`: run callbacks on one worker thread (in request order) instead of the caller's.
  explicit FakeEngine(bool async = false);
  ~FakeEngine() override;  // async: runs the callbacks still queued, then joins
  FakeEngine(const FakeEngine&) = delete;
  FakeEngine& operator=(const FakeEngine&) = delete;

  FakeAgent& agent(const std::string& key);  // created on first use

  // async: returns once every callback queued so far (and any they queue) has run. A test
  // calls it before destroying what the callbacks reach (a stopped Poller, say): the
  // destructor would otherwise run them afterwards.
  void drain();

  // While the engine is in use (another thread polling): make every request of `key` fail
  // with `e` (nullopt restores), and read how many requests it got. Locked, unlike agent().
  void set_failure(const std::string& key, std::optional<Error> e);
  int agent_requests(const std::string& key) const;

  void get(const Peer& peer, std::vector<Oid> oids, GetCallback done) override;
  void walk_together(const Peer& peer, std::vector<Oid> roots, WalksCallback done) override;
  void get_and_walk(const Peer& peer, std::vector<Oid> oids, std::vector<Oid> roots, PollCallback done) override;
  void forget(const std::string& key) override;
  EngineStats stats() const override;

 private:
  void deliver(std::function<void()> call);
  static VarBinds bulk_response(const FakeAgent& agent, const std::vector<const Oid*>& starts, size_t non_repeaters,
                                int repetitions);
  // Runs `cursor` against the agent of `peer` to its end (callers hold mu_).
  void run_walks(const Peer& peer, MultiWalkCursor& cursor);
  static VarBinds get_response(const FakeAgent& agent, const GetCursor::Request& request);

  mutable std::mutex mu_;
  std::map<std::string, FakeAgent> agents_;
  EngineStats stats_;
  std::atomic<int64_t> in_flight_{0};  // requests whose callback has not started

  // async mode only
  bool async_;
  std::mutex qmu_;
  std::condition_variable qcv_;
  std::deque<std::function<void()>> queue_;
  bool running_ = false;  // the worker is inside a callback
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace lw::snmp
