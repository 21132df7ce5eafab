#include "snmp/fake_engine.h"

#include <utility>

#include "snmp/multi_walk.h"
#include "snmp/get_cursor.h"

namespace lw::snmp {

FakeEngine::FakeEngine(bool async) : async_(async) {
  if (!async_) return;
  worker_ = std::thread([this] {
    std::unique_lock lock(qmu_);
    while (true) {
      qcv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      auto call = std::move(queue_.front());
      queue_.pop_front();
      running_ = true;
      lock.unlock();
      call();
      lock.lock();
      running_ = false;
      qcv_.notify_all();  // drain() may be waiting
    }
  });
}

FakeEngine::~FakeEngine() {
  if (!worker_.joinable()) return;
  {
    std::lock_guard lock(qmu_);
    stopping_ = true;
  }
  qcv_.notify_all();
  worker_.join();
}

void FakeEngine::drain() {
  if (!async_) return;
  std::unique_lock lock(qmu_);
  qcv_.wait(lock, [this] { return queue_.empty() && !running_; });
}

void FakeEngine::deliver(std::function<void()> answer) {
  // Answered (no longer in flight) when its callback starts, as with the real engine.
  auto call = [this, answer = std::move(answer)] {
    in_flight_.fetch_sub(1);
    answer();
  };
  if (!async_) {
    call();
    return;
  }
  {
    std::lock_guard lock(qmu_);
    queue_.push_back(std::move(call));
  }
  qcv_.notify_all();  // the worker, or drain() (one condition variable for both)
}

FakeAgent& FakeEngine::agent(const std::string& key) {
  std::lock_guard lock(mu_);
  return agents_[key];
}

void FakeEngine::set_failure(const std::string& key, std::optional<Error> e) {
  std::lock_guard lock(mu_);
  agents_[key].fail_with = std::move(e);
}

int FakeEngine::agent_requests(const std::string& key) const {
  std::lock_guard lock(mu_);
  const auto it = agents_.find(key);
  return it == agents_.end() ? 0 : it->second.requests;
}

void FakeEngine::forget(const std::string& key) {
  // Agents are the fake's ground truth, not a session cache: nothing to drop.
  (void)key;
}

EngineStats FakeEngine::stats() const {
  std::lock_guard lock(mu_);
  EngineStats s = stats_;
  s.in_flight = in_flight_.load();
  return s;
}

void FakeEngine::get(const Peer& peer, std::vector<Oid> oids, GetCallback done) {
  in_flight_.fetch_add(1);
  std::optional<Result<VarBinds>> result;
  {
    std::lock_guard lock(mu_);
    FakeAgent& agent = agents_[peer.key];
    const bool v1 = peer.credentials && peer.credentials->version == Credentials::Version::V1;
    GetCursor cursor(std::move(oids), v1, peer.key);
    while (auto request = cursor.next()) {
      ++agent.requests;
      ++stats_.pdus_sent;
      if (agent.fail_with) {
        cursor.fail(*agent.fail_with);
        break;
      }
      ++stats_.pdus_received;
      if (agent.too_big_above != 0 && request->size() > agent.too_big_above) {
        cursor.too_big();
        continue;
      }
      VarBinds response = get_response(agent, *request);
      cursor.feed(response);
    }
    if (cursor.error())
      result.emplace(*cursor.error());
    else
      result.emplace(std::move(cursor.result()));
  }
  deliver([done = std::move(done), r = std::move(*result)]() mutable { done(std::move(r)); });
}

VarBinds FakeEngine::get_response(const FakeAgent& agent, const GetCursor::Request& request) {
  VarBinds out;
  out.reserve(request.size());
  for (size_t i = 0; i < request.size(); ++i) {
    const Oid& oid = request[i];
    Value value = Value::Exception(Type::NoSuchObject);
    if (auto it = agent.mib.find(oid); it != agent.mib.end()) {
      value = it->second;
    } else if (oid.size() > 1) {
      // The object exists if anything lives under the OID without its last arc.
      Oid object(oid.begin(), oid.end() - 1);
      auto below = agent.mib.lower_bound(object);
      if (below != agent.mib.end() && in_subtree(object, below->first))
        value = Value::Exception(Type::NoSuchInstance);
    }
    out.push_back(VarBind{oid, std::move(value)});
  }
  return out;
}

VarBinds FakeEngine::bulk_response(const FakeAgent& agent, const std::vector<const Oid*>& starts,
                                   size_t non_repeaters, int repetitions) {
  // RFC 3416 4.2.3: the non-repeaters' successors, then repetition i of repeater j at
  // i * M + j; endOfMibView past the last object.
  VarBinds out;
  const auto successor = [&](Oid& o) {
    auto it = agent.mib.upper_bound(o);
    if (it == agent.mib.end()) {
      out.push_back(VarBind{o, Value::Exception(Type::EndOfMibView)});
      return false;
    }
    out.push_back(VarBind{it->first, it->second});
    o = it->first;
    return true;
  };
  for (size_t i = 0; i < non_repeaters && i < starts.size(); ++i) {
    Oid o = *starts[i];
    successor(o);
  }
  std::vector<Oid> at;
  for (size_t i = non_repeaters; i < starts.size(); ++i) at.push_back(*starts[i]);
  for (int i = 0; i < repetitions && !at.empty(); ++i) {
    bool all_ended = true;
    for (Oid& o : at) {
      if (agent.bulk_limit != 0 && out.size() >= agent.bulk_limit) return out;
      if (successor(o)) all_ended = false;
    }
    if (all_ended) break;
  }
  return out;
}

void FakeEngine::run_walks(const Peer& peer, MultiWalkCursor& cursor) {
  FakeAgent& agent = agents_[peer.key];
  std::vector<const Oid*> starts;
  while (true) {
    starts.clear();
    const int repetitions = cursor.next(starts);
    if (repetitions == 0) break;
    ++agent.requests;
    ++stats_.pdus_sent;
    if (agent.fail_with) {
      cursor.fail_all(*agent.fail_with);
      break;
    }
    ++stats_.pdus_received;
    const size_t n = cursor.non_repeaters();
    if (agent.too_big_above != 0 &&
        n + static_cast<size_t>(repetitions) * (starts.size() - n) > agent.too_big_above) {
      cursor.too_big();
      continue;
    }
    VarBinds response = bulk_response(agent, starts, n, repetitions);
    if (agent.mangle) agent.mangle(response);
    cursor.feed(std::move(response));
  }
}

void FakeEngine::walk_together(const Peer& peer, std::vector<Oid> roots, WalksCallback done) {
  if (walks_apart(peer, roots)) {
    walk_apart(std::move(roots), std::move(done), [this, &peer](Oid root, WalksCallback one) {
      std::vector<Oid> single;
      single.push_back(std::move(root));
      walk_together(peer, std::move(single), std::move(one));
    });
    return;
  }
  in_flight_.fetch_add(1);
  std::vector<WalkResult> results;
  {
    std::lock_guard lock(mu_);
    MultiWalkCursor cursor(std::move(roots), peer.bulk(), peer.max_repetitions, peer.max_rows);
    run_walks(peer, cursor);
    results = cursor.walk_results();
  }
  deliver([done = std::move(done), r = std::move(results)]() mutable { done(std::move(r)); });
}

void FakeEngine::get_and_walk(const Peer& peer, std::vector<Oid> oids, std::vector<Oid> roots, PollCallback done) {
  if (!MultiWalkCursor::rides_along(peer, oids, roots)) {
    get_then_walk(*this, peer, std::move(oids), std::move(roots), std::move(done));
    return;
  }
  in_flight_.fetch_add(1);
  PollResult result;
  {
    std::lock_guard lock(mu_);
    MultiWalkCursor cursor(std::move(roots), peer.bulk(), peer.max_repetitions, peer.max_rows, std::move(oids));
    run_walks(peer, cursor);
    result.walks = cursor.walk_results();
    result.scalars = cursor.scalars();
  }
  deliver([done = std::move(done), r = std::move(result)]() mutable { done(std::move(r)); });
}

}  // namespace lw::snmp
