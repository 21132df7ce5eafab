// NetSnmpEngine: see netsnmp_engine.h for the contract. This file is the engine's event loop
// and its requests (ops); the parts it drives each have a file of their own:
//   netsnmp_library.*  Net-SNMP set up once, and the lock around it
//   netsnmp_session.*  a session per SNMPv3 target, v3 engine-ID discovery, EngineIdBook
//   netsnmp_receiver.* reading a v3 session's socket into Replies
//   shared_transport.* one socket per address family for every v1/v2c target: requests
//                      encoded, sent in batches, answers matched, timeouts and retries
//   trap_listener.*    the notification receiver
//   get_cursor.*, walk.*, multi_walk.*  what a GET or walks ask next and what an answer means
//
// Shape of the engine thread's loop:
//   take commands (new GETs/walks, forgets) -> handle the replies Net-SNMP callbacks recorded
//   -> send queued PDUs while in-flight < max (v1/v2c: queued in the shared transport, then
//   flushed with sendmmsg) -> run finished callbacks (Net-SNMP lock released) -> while
//   requests are out, wait until 1 ms after the last wake-up so answers are read in
//   batches -> poll(wake fd + the shared sockets + sockets of v3 sessions with requests out)
//   -> read / timeouts.
// Net-SNMP callbacks only record a Reply; all follow-up work happens in the loop, so no session
// is ever re-entered while it is being read.

#include "snmp/netsnmp_engine.h"

#include <pthread.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>
// Net-SNMP #defines these two PDU fields as aliases; they would rename Peer::max_repetitions.
#undef non_repeaters
#undef max_repetitions

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "snmp/get_cursor.h"
#include "snmp/netsnmp_library.h"
#include "snmp/netsnmp_receiver.h"
#include "snmp/netsnmp_session.h"
#include "snmp/shared_transport.h"
#include "snmp/trap_listener.h"
#include "snmp/multi_walk.h"

namespace lw::snmp {
namespace {

using detail::Reply;
using detail::Session;

constexpr int kMaxTimeResends = 2;     // notInTimeWindow reports answered by a resend
constexpr int kMaxPollMs = 200;        // upper bound on one poll, so the loop stays lively
constexpr int kReadsPerWake = 64;      // datagrams read from one session's socket per loop turn
constexpr int kSharedReadsPerWake = 256;  // datagrams read from a shared socket per loop turn
// While requests are out, loop turns start at most every kTurnPeriod (see run()).
constexpr auto kTurnPeriod = std::chrono::microseconds(1000);
constexpr size_t kMaxEndpoints = 1 << 18;  // parsed addresses remembered (more than any target count)

bool is_v3(const Peer& peer) {
  return peer.credentials && peer.credentials->version == Credentials::Version::V3;
}

struct Op {
  uint64_t id = 0;
  Peer peer;
  std::shared_ptr<Session> session;         // v3: its Net-SNMP session, or
  std::optional<detail::Endpoint> endpoint;  // v1/v2c: where the shared transport sends
  std::optional<GetCursor> get;    // a GET, or
  std::optional<MultiWalkCursor> walk;  // walks, asked together (and a poll's scalars with them)
  Engine::GetCallback get_done;
  Engine::WalksCallback walk_done;
  Engine::PollCallback poll_done;  // a walk op that carries a poll's GET
  int time_resends = 0;
  bool rediscovered = false;  // v3: the agent's engine ID was learnt again once for this op
};

struct Sent {  // one PDU on the wire
  uint64_t op_id = 0;  // 0: an engine-ID discovery probe
  std::shared_ptr<Session> session;  // null: on the shared v1/v2c transport
  uint64_t malformed_at_send = 0;  // the session's `malformed` when this PDU went out
};

class NetSnmpEngine final : public Engine {
 public:
  explicit NetSnmpEngine(NetSnmpOptions options)
      : options_(std::move(options)), collector_([this](uint64_t token) { return wire_.count(token) > 0; }) {
    if (options_.max_in_flight < 1) options_.max_in_flight = 1;
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    resolver_ = std::make_unique<Resolver>(options_.dns, [this] { wake(); });
    thread_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "lw-engine");  // for top -H and the benchmark
      run();
    });
  }

  ~NetSnmpEngine() override {
    {
      std::lock_guard g(mu_);
      stop_ = true;
    }
    wake();
    thread_.join();
    resolver_.reset();  // calls wake() no more
    if (wake_fd_ >= 0) close(wake_fd_);
  }

  NetSnmpEngine(const NetSnmpEngine&) = delete;
  NetSnmpEngine& operator=(const NetSnmpEngine&) = delete;

  void get(const Peer& peer, std::vector<Oid> oids, GetCallback done) override {
    Command c;
    c.kind = Command::Get;
    c.peer = peer;
    c.oids = std::move(oids);
    c.get_done = std::move(done);
    enqueue(std::move(c));
  }

  void walk_together(const Peer& peer, std::vector<Oid> roots, WalksCallback done) override {
    if (walks_apart(peer, roots)) {
      walk_apart(std::move(roots), std::move(done), [this, &peer](Oid root, WalksCallback one) {
        std::vector<Oid> single;
        single.push_back(std::move(root));
        enqueue_walk(peer, std::move(single), std::move(one));
      });
      return;
    }
    enqueue_walk(peer, std::move(roots), std::move(done));
  }

  void get_and_walk(const Peer& peer, std::vector<Oid> oids, std::vector<Oid> roots, PollCallback done) override {
    if (!MultiWalkCursor::rides_along(peer, oids, roots)) {
      get_then_walk(*this, peer, std::move(oids), std::move(roots), std::move(done));
      return;
    }
    Command c;
    c.kind = Command::Walk;
    c.peer = peer;
    c.oids = std::move(roots);
    c.scalars = std::move(oids);
    c.poll_done = std::move(done);
    enqueue(std::move(c));
  }

  void enqueue_walk(const Peer& peer, std::vector<Oid> roots, WalksCallback done) {
    Command c;
    c.kind = Command::Walk;
    c.peer = peer;
    c.oids = std::move(roots);
    c.walk_done = std::move(done);
    enqueue(std::move(c));
  }

  void forget(const std::string& key) override {
    Command c;
    c.kind = Command::Forget;
    c.peer.key = key;
    enqueue(std::move(c));
  }

  Status listen_for_notifications(const std::string& address,
                                  std::vector<std::shared_ptr<const Credentials>> accept,
                                  NotificationHandlers handlers) override {
    Command c;
    c.kind = Command::Listen;
    c.peer.address = address;
    c.accept = std::move(accept);
    c.handlers = std::move(handlers);
    auto promise = std::make_shared<std::promise<Status>>();
    auto result = promise->get_future();
    c.listen_done = [promise](Status st) { promise->set_value(std::move(st)); };
    enqueue(std::move(c));
    return result.get();  // answered by the engine thread, also when it is stopping
  }

  EngineStats stats() const override {
    EngineStats s;
    s.in_flight = in_flight_.load();
    s.queued = incoming_n_.load() + ready_n_.load();
    s.pdus_sent = sent_.load();
    s.pdus_received = received_.load();
    s.engine_id_changes = engine_id_changes_.load();
    s.engine_id_duplicates = engine_id_duplicates_.load();
    s.trap_receive_buffer = trap_rcvbuf_.load();
    s.trap_socket_drops = trap_drops_.load();
    return s;
  }

 private:
  struct Command {
    enum Kind { Get, Walk, Forget, Listen } kind = Get;
    Peer peer;
    std::vector<Oid> oids;  // a GET's OIDs, or the roots of walks
    std::vector<Oid> scalars;  // a poll's GET, carried by its walks
    GetCallback get_done;
    WalksCallback walk_done;
    PollCallback poll_done;
    // Listen
    std::vector<std::shared_ptr<const Credentials>> accept;
    NotificationHandlers handlers;
    std::function<void(Status)> listen_done;
  };
  using Calls = std::vector<std::function<void()>>;

  void wake() {
    if (wake_fd_ < 0) return;
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof one);
  }

  void enqueue(Command c) {
    {
      std::lock_guard g(mu_);
      incoming_.push_back(std::move(c));
      incoming_n_.store(static_cast<int64_t>(incoming_.size()));
    }
    wake();
  }

  // ---- engine thread from here on ----

  void run() {
    detail::init_netsnmp(options_.app_name);
    collector_.bind();
    {
      std::lock_guard g(detail::netsnmp_lock());
      transport_ = std::make_unique<detail::SharedTransport>(detail::SharedTransport::Options{});
    }
    std::vector<pollfd> pfds;
    std::vector<std::shared_ptr<Session>> active;
    auto woke_at = std::chrono::steady_clock::now();  // when the last poll() returned
    while (true) {
      Calls calls;
      bool stopping = false;
      int timeout_ms = kMaxPollMs;
      {
        std::lock_guard g(detail::netsnmp_lock());
        stopping = take_commands(calls);
        if (!stopping) {
          resume_resolved(calls);
          if (listener_) listener_->deliver(calls);
          update_trap_drops();
          handle_replies(calls);
          pump(calls);
          if (transport_) transport_->flush();  // the v1/v2c requests of this turn, in batches
          // A callback may have queued work while we were busy; replies may have come in.
          handle_replies(calls);
          pump(calls);
          if (transport_) transport_->flush();
          timeout_ms = build_poll_set(pfds, active);
        }
      }
      for (auto& call : calls) call();
      if (stopping) break;
      if (!calls.empty()) timeout_ms = 0;  // callbacks may have queued work
      // Busy: answers and commands gather until kTurnPeriod after the last wake-up, so that
      // one turn reads a batch instead of one or two datagrams. Sleeping in poll() and being
      // woken for each answer was the engine thread's largest cost (the scheduler, ~13-19 %
      // of its CPU at 3,000 devices, ~7,500 wake-ups a second); this adds at most
      // kTurnPeriod to a round trip, and nothing when the engine is idle. 1 ms rather than
      // 0.5 ms: 15-18 % less engine CPU at 3,000 and 10,000 devices (bench/README.md); 2 ms
      // gained nothing more.
      if (timeout_ms > 0 && in_flight_.load() > 0) {
        const auto next_turn = woke_at + kTurnPeriod;
        if (std::chrono::steady_clock::now() < next_turn) std::this_thread::sleep_until(next_turn);
      }
      const int n = poll(pfds.data(), pfds.size(), timeout_ms);
      woke_at = std::chrono::steady_clock::now();
      if (n < 0 && errno != EINTR) timeout_ms = 10;  // should not happen; do not spin
      if (!pfds.empty() && (pfds[0].revents & POLLIN)) {
        uint64_t v;
        [[maybe_unused]] ssize_t r = read(wake_fd_, &v, sizeof v);
      }
      std::lock_guard g(detail::netsnmp_lock());
      if (listener_fd_polled_ && listener_ && (pfds[1].revents & (POLLIN | POLLERR))) listener_->read(kReadsPerWake);
      if (transport_) {
        transport_->on_poll(pfds.data() + shared_first_, sessions_first_ - shared_first_, kSharedReadsPerWake);
        transport_->expire(std::chrono::steady_clock::now());
      }
      const size_t first = sessions_first_;
      for (size_t i = first; i < pfds.size(); ++i) {
        if (pfds[i].revents & (POLLIN | POLLERR | POLLHUP))
          collector_.read(*active[i - first], kReadsPerWake, (pfds[i].revents & POLLIN) != 0);
      }
      for (auto& s : active) {
        if (s->outstanding == 0) continue;
        detail::install(s->user.get());  // a resend builds the message again
        snmp_sess_timeout(s->sp);
      }
      active.clear();
    }
    shutdown();
  }

  // Moves new commands into ops. Returns true if the engine is stopping.
  bool take_commands(Calls& calls) {
    std::deque<Command> batch;
    bool stopping;
    {
      std::lock_guard g(mu_);
      batch.swap(incoming_);
      incoming_n_.store(0);
      stopping = stop_;
    }
    if (stopping) {
      for (auto& c : batch) answer_stopped(c, calls);
      return true;
    }
    for (auto& c : batch) start(std::move(c), calls);
    return false;
  }

  void answer_stopped(Command& c, Calls& calls) {
    Error e{kReasonTransport, c.peer.key + ": engine stopped"};
    if (c.kind == Command::Get && c.get_done)
      calls.push_back([d = std::move(c.get_done), e] { d(e); });
    if (c.kind == Command::Walk && c.walk_done)
      calls.push_back([d = std::move(c.walk_done), e, n = c.oids.size()] {
        d(std::vector<WalkResult>(n, WalkResult{{}, e}));
      });
    if (c.kind == Command::Walk && c.poll_done)
      calls.push_back([d = std::move(c.poll_done), e, n = c.oids.size()] {
        d(PollResult{e, std::vector<WalkResult>(n, WalkResult{{}, e})});
      });
    if (c.kind == Command::Listen && c.listen_done)
      calls.push_back([d = std::move(c.listen_done)] {
        d(Error{kReasonTransport, "notification receiver: engine stopped"});
      });
  }

  void start(Command c, Calls& calls) {
    if (c.kind == Command::Forget) {
      sessions_.erase(c.peer.key);  // closed once the last op using it is done
      engine_ids_.forget(c.peer.key);
      return;
    }
    if (c.kind == Command::Listen) {
      Status st = listen(c, calls);
      calls.push_back([d = std::move(c.listen_done), st = std::move(st)] { d(st); });
      return;
    }
    auto op = std::make_unique<Op>();
    op->id = next_op_++;
    op->peer = std::move(c.peer);
    if (c.kind == Command::Walk) {
      op->walk.emplace(std::move(c.oids), op->peer.bulk(), op->peer.max_repetitions, op->peer.max_rows,
                       std::move(c.scalars));
      op->walk_done = std::move(c.walk_done);
      op->poll_done = std::move(c.poll_done);
    } else {
      op->get.emplace(std::move(c.oids), !op->peer.bulk(), op->peer.key);
      op->get_done = std::move(c.get_done);
    }
    Op& ref = *op;
    ops_.emplace(ref.id, std::move(op));
    attach(ref, calls);
    ready_n_.store(static_cast<int64_t>(ready_.size()));
  }

  // Gives an op its session, once its peer's name (if it has one) is resolved, and queues it.
  void attach(Op& op, Calls& calls) {
    const std::string* address = &op.peer.address;  // where to send: the peer's, or its name resolved
    std::string resolved;
    const HostPart h = split_host(op.peer.address);
    if (h.is_name) {
      const Resolver::Answer a = resolver_->lookup(h.host);
      if (a.state == Resolver::Answer::State::Pending) {
        dns_waiting_[h.host].push_back(op.id);  // attach() again once resolved
        return;
      }
      if (a.state == Resolver::Answer::State::Failed) {
        finish(op, Error{kReasonDns, op.peer.key + ": " + a.error.detail}, calls);
        return;
      }
      resolved = (a.address.find(':') != std::string::npos ? "[" + a.address + "]" : a.address) + h.port_suffix;
      address = &resolved;
    }
    if (!is_v3(op.peer)) {  // v1/v2c: no session, only where to send
      if (!op.peer.credentials) {
        finish(op, Error{kReasonAuth, op.peer.key + ": no credentials"}, calls);
        return;
      }
      auto endpoint = endpoint_for(*address);
      if (!endpoint) {
        finish(op, Error{kReasonTransport, op.peer.key + ": cannot send to " + *address + ": " +
                                               endpoint.error().detail},
               calls);
        return;
      }
      op.endpoint = *endpoint;
      if (!sessions_.empty()) sessions_.erase(op.peer.key);  // it was v3 before
    } else {
      Peer wire = op.peer;
      wire.address = *address;
      auto session = session_for(wire);  // a new address (the name moved) opens a new session
      if (!session) {
        finish(op, session.error(), calls);
        return;
      }
      op.session = std::move(*session);
    }
    if (op.get && op.get->done()) {  // GET of nothing
      finish(op, std::nullopt, calls);
      return;
    }
    ready_.push_back(op.id);
  }

  // An address literal as an Endpoint, remembered: every poll of a v1/v2c target asks again,
  // and parsing (getaddrinfo on a literal) cost about 1 % of the engine thread.
  Result<detail::Endpoint> endpoint_for(const std::string& address) {
    if (auto it = endpoints_.find(address); it != endpoints_.end()) return it->second;
    auto endpoint = detail::Endpoint::parse(address);
    if (!endpoint) return endpoint;
    if (endpoints_.size() >= kMaxEndpoints) endpoints_.clear();  // bounded: names may move
    endpoints_.emplace(address, *endpoint);
    return endpoint;
  }

  // Ops that waited for a name whose resolution has finished.
  void resume_resolved(Calls& calls) {
    for (const std::string& host : resolver_->take_done()) {
      auto it = dns_waiting_.find(host);
      if (it == dns_waiting_.end()) continue;
      auto ids = std::move(it->second);
      dns_waiting_.erase(it);
      for (uint64_t id : ids)
        if (auto o = ops_.find(id); o != ops_.end()) attach(*o->second, calls);
    }
  }

  Result<std::shared_ptr<Session>> session_for(const Peer& peer) {
    auto it = sessions_.find(peer.key);
    if (it != sessions_.end() && detail::same_session_config(it->second->config, peer)) return it->second;
    auto s = detail::open_session_for(peer);
    if (!s) {
      if (it != sessions_.end()) sessions_.erase(it);
      return s.error();
    }
    sessions_[peer.key] = *s;  // a replaced session lives on until its ops finish
    return s;
  }

  // Reads the kernel's drop count of the notification socket, at most every 250 ms.
  void update_trap_drops(bool now = false) {
    if (!listener_) return;
    const auto t = std::chrono::steady_clock::now();
    if (!now && t - drops_read_at_ < std::chrono::milliseconds(250)) return;
    drops_read_at_ = t;
    if (auto d = listener_->socket_drops()) trap_drops_.store(*d);
  }

  void drop_listener(Calls& calls) {  // its users leave Net-SNMP's table with it
    if (listener_) listener_->deliver(calls);  // what it accepted still goes to its handlers
    listener_.reset();
    trap_rcvbuf_.store(0);
    trap_drops_.store(0);
  }

  Status listen(Command& c, Calls& calls) {
    drop_listener(calls);  // first: the new one may bind the same address
    auto l = detail::TrapListener::open(c.peer.address, std::move(c.accept), std::move(c.handlers),
                                        options_.app_name, options_.trap_receive_buffer);
    if (!l) return l.error();
    listener_ = std::move(*l);
    trap_rcvbuf_.store(listener_->receive_buffer());
    update_trap_drops(true);
    return std::nullopt;
  }

  void pump(Calls& calls) {
    while (in_flight_.load() < options_.max_in_flight && !ready_.empty()) {
      const uint64_t id = ready_.front();
      ready_.pop_front();
      auto it = ops_.find(id);
      if (it != ops_.end()) send(*it->second, calls);
    }
    ready_n_.store(static_cast<int64_t>(ready_.size()));
  }

  // The same request as a Net-SNMP PDU, for a v3 session (the shared transport encodes its own).
  static netsnmp_pdu* to_netsnmp_pdu(const detail::RequestPdu& r) {
    netsnmp_pdu* pdu = snmp_pdu_create(static_cast<int>(r.command));
    if (r.command == detail::RequestPdu::Command::GetBulk) {
      pdu->errstat = r.non_repeaters;
      pdu->errindex = r.max_repetitions;
    }
    for (const Oid* o : r.oids) add_oid(pdu, *o);
    return pdu;
  }

  static void add_oid(netsnmp_pdu* pdu, const Oid& o) {
    if (o.size() > MAX_OID_LEN) {  // Net-SNMP refuses it (the answer's length will not match)
      std::vector<oid> arcs(o.begin(), o.end());
      snmp_add_null_var(pdu, arcs.data(), arcs.size());
      return;
    }
    oid arcs[MAX_OID_LEN] = {};  // on the stack: one PDU per request, no allocation per OID
    std::copy(o.begin(), o.end(), arcs);
    snmp_add_null_var(pdu, arcs, std::max<size_t>(o.size(), 2));  // a walk of "everything" starts at 0.0
  }

  bool transmit(const std::shared_ptr<Session>& s, netsnmp_pdu* pdu, uint64_t op_id, std::string& error) {
    const uint64_t token = next_token_++;
    wire_[token] = Sent{op_id, s, s->malformed};
    if (!detail::send_pdu(*s, pdu, detail::ReplyCollector::callback(), detail::ReplyCollector::magic(token),
                          error)) {
      wire_.erase(token);
      return false;
    }
    in_flight_.fetch_add(1);
    sent_.fetch_add(1);
    return true;
  }

  // v1/v2c: the request goes out on the shared transport.
  bool transmit_shared(Op& op, const detail::RequestPdu& pdu, std::string& error) {
    if (!transport_) {
      error = "engine stopped";
      return false;
    }
    const uint64_t token = next_token_++;
    wire_[token] = Sent{op.id, nullptr, 0};
    detail::SharedTransport::Request req;
    req.token = token;
    req.to = *op.endpoint;
    req.credentials = op.peer.credentials;
    req.timeout = op.peer.timeout;
    req.retries = op.peer.retries;
    if (!transport_->send(req, pdu, std::chrono::steady_clock::now(), error)) {
      wire_.erase(token);
      return false;
    }
    in_flight_.fetch_add(1);
    sent_.fetch_add(1);
    return true;
  }

  void send(Op& op, Calls& calls) {
    if (op.session && op.session->v3 && !op.session->discovered) {
      Session& s = *op.session;
      s.waiting.push_back(op.id);
      if (!s.probing) probe(op.session, calls);
      return;
    }
    // What to ask: the walks' next GETNEXT/GETBULK, or the GET's next chunk of OIDs. The
    // request points at OIDs the cursor holds, and lives until it is encoded.
    detail::RequestPdu pdu;
    request_oids_.clear();
    if (op.walk) {
      const int repetitions = op.walk->next(request_oids_);
      if (repetitions == 0) {  // cannot happen: done walks are finished, not queued
        finish(op, std::nullopt, calls);
        return;
      }
      const bool bulk = op.peer.bulk();
      pdu.command = bulk ? detail::RequestPdu::Command::GetBulk : detail::RequestPdu::Command::GetNext;
      pdu.max_repetitions = bulk ? repetitions : 0;
      pdu.non_repeaters = bulk ? static_cast<int32_t>(op.walk->non_repeaters()) : 0;
    } else {
      auto req = op.get->next();
      if (!req) {  // cannot happen: done GETs are finished, not queued
        finish(op, std::nullopt, calls);
        return;
      }
      for (size_t i = 0; i < req->size(); ++i) request_oids_.push_back(&(*req)[i]);
    }
    pdu.oids = request_oids_;
    std::string error;
    if (!(op.session ? transmit(op.session, to_netsnmp_pdu(pdu), op.id, error) : transmit_shared(op, pdu, error)))
      finish(op, Error{kReasonTransport, op.peer.key + ": " + error}, calls);
  }

  // v3: learn the agent's engine ID without blocking the loop as Net-SNMP's own synchronous
  // probe in snmp_sess_open would.
  void probe(const std::shared_ptr<Session>& session, Calls& calls) {
    std::string error;
    session->probing = true;
    if (!transmit(session, detail::discovery_probe(), 0, error)) {
      session->probing = false;
      fail_waiting(*session, Error{kReasonTransport, session->config.key + ": " + error}, calls);
    }
  }

  void fail_waiting(Session& s, const Error& e, Calls& calls) {
    auto waiting = std::move(s.waiting);
    s.waiting.clear();
    for (uint64_t id : waiting)
      if (auto it = ops_.find(id); it != ops_.end()) finish(*it->second, e, calls);
  }

  void probe_done(const std::shared_ptr<Session>& session, const Reply& r, uint64_t malformed_at_send,
                  Calls& calls) {
    Session& s = *session;
    s.probing = false;
    const std::string& key = s.config.key;
    if ((r.op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE || r.op == NETSNMP_CALLBACK_OP_SEC_ERROR) &&
        r.command == SNMP_MSG_REPORT && !r.engine_id.empty()) {
      if (Status st = detail::learn_engine_id(s, r.engine_id)) {
        fail_waiting(s, *st, calls);
        return;
      }
      const auto noted = engine_ids_.note(key, s.config.address, r.engine_id);
      if (noted.changed) engine_id_changes_.fetch_add(1);
      engine_id_duplicates_.fetch_add(noted.duplicates);
      if (options_.on_notice)
        for (const auto& text : noted.notices) calls.push_back([f = options_.on_notice, text] { f(text); });
      // Waiting ops go first: they already waited for a slot once.
      for (auto it = s.waiting.rbegin(); it != s.waiting.rend(); ++it) ready_.push_front(*it);
      s.waiting.clear();
      return;
    }
    Error e;
    if (r.op == NETSNMP_CALLBACK_OP_TIMED_OUT && s.malformed > malformed_at_send)
      e = Error{kReasonDecode, key + ": only unreadable or unmatched replies to SNMPv3 engine-ID discovery from " +
                                   s.config.address};
    else if (r.op == NETSNMP_CALLBACK_OP_TIMED_OUT)
      e = Error{kReasonTimeout, key + ": no answer to SNMPv3 engine-ID discovery from " + s.config.address};
    else if (r.op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE)
      e = Error{kReasonAuth, key + ": SNMPv3 engine-ID discovery got no usable report"};
    else
      e = Error{kReasonTransport, key + ": SNMPv3 engine-ID discovery failed (" + std::to_string(r.op) + ")"};
    fail_waiting(s, e, calls);
  }

  int build_poll_set(std::vector<pollfd>& pfds, std::vector<std::shared_ptr<Session>>& active) {
    pfds.clear();
    active.clear();
    pfds.push_back(pollfd{wake_fd_, POLLIN, 0});
    listener_fd_polled_ = listener_ && listener_->fd() >= 0;
    if (listener_fd_polled_) pfds.push_back(pollfd{listener_->fd(), POLLIN, 0});
    shared_first_ = pfds.size();
    if (transport_) transport_->poll_fds(pfds);
    sessions_first_ = pfds.size();
    timeval best{kMaxPollMs / 1000, (kMaxPollMs % 1000) * 1000};
    if (transport_) {
      if (const auto d = transport_->next_deadline()) {
        const auto left = std::chrono::duration_cast<std::chrono::microseconds>(*d - std::chrono::steady_clock::now());
        const long us = std::max<long>(0, static_cast<long>(left.count()));
        const timeval tv{us / 1000000, us % 1000000};
        if (timercmp(&tv, &best, <)) best = tv;
      }
      if (!transport_->empty()) best = timeval{0, 0};
    }
    ++poll_round_;
    for (auto& [id, sent] : wire_) {
      Session* s = sent.session.get();
      if (!s || s->fd < 0 || s->polled_in == poll_round_) continue;  // each session once
      s->polled_in = poll_round_;
      active.push_back(sent.session);
      pfds.push_back(pollfd{s->fd, POLLIN, 0});
      int numfds = 0, block = 1;
      timeval tv{0, 0};
      snmp_sess_select_info2(s->sp, &numfds, static_cast<netsnmp_large_fd_set*>(select_fds_.hold(s->fd)), &tv,
                             &block);
      select_fds_.release(s->fd);
      if (!block && timercmp(&tv, &best, <)) best = tv;
    }
    const long ms = best.tv_sec * 1000L + (best.tv_usec + 999) / 1000;
    return static_cast<int>(std::clamp(ms, 0L, static_cast<long>(kMaxPollMs)));
  }

  void handle_replies(Calls& calls) {
    while (!collector_.empty() || (transport_ && !transport_->empty())) {
      for (auto& r : collector_.take()) handle(r, calls);
      if (transport_)
        for (auto& r : transport_->take()) handle(r, calls);
    }
  }

  // The op asks its last request again (v3 rediscovery, a new time window): it goes first.
  void retry(Op& op) { ready_.push_front(op.id); }

  void handle(Reply& r, Calls& calls) {
    auto it = wire_.find(r.token);
    if (it == wire_.end()) return;
    Sent sent = std::move(it->second);
    wire_.erase(it);
    if (sent.session) --sent.session->outstanding;
    in_flight_.fetch_sub(1);
    if (r.op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE || r.command != 0) received_.fetch_add(1);
    if (sent.op_id == 0) {
      probe_done(sent.session, r, sent.malformed_at_send, calls);
      return;
    }
    auto oit = ops_.find(sent.op_id);
    if (oit == ops_.end()) return;
    Op& op = *oit->second;
    const std::string& key = op.peer.key;

    std::optional<Error> failure;
    switch (r.op) {
      case NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE: break;
      case NETSNMP_CALLBACK_OP_TIMED_OUT:
        if (sent.session && sent.session->engine_suspect && !op.rediscovered) {  // see Session::engine_suspect
          op.rediscovered = true;
          detail::forget_engine_id(*sent.session);
          retry(op);
          return;
        }
        if (const HostPart h = split_host(op.peer.address); h.is_name)
          resolver_->expire(h.host);  // the name may have moved: resolve it again before the next try
        if (const uint64_t bad = sent.session ? sent.session->malformed - sent.malformed_at_send : r.unmatched;
            bad > 0)
          failure = Error{kReasonDecode, key + ": " + std::to_string(bad) + " unreadable or unmatched " +
                                             (bad == 1 ? "reply" : "replies") + " from " + op.peer.address +
                                             " (garbage, or a wrong request-id) and no valid answer after " +
                                             std::to_string(op.peer.retries + 1) + " tries"};
        else
          failure = Error{kReasonTimeout, key + ": no answer from " + op.peer.address + " after " +
                                              std::to_string(op.peer.retries + 1) + " tries of " +
                                              std::to_string(op.peer.timeout.count()) + " ms"};
        break;
      case NETSNMP_CALLBACK_OP_SEC_ERROR:
        if (r.command != SNMP_MSG_REPORT)
          failure = Error{kReasonAuth, key + ": SNMPv3 security error in the response"};
        break;
      default:
        failure = Error{kReasonTransport,
                        key + ": " + (r.send_error.empty() ? std::string("send failed or session closed") : r.send_error)};
        break;
    }
    if (!failure && r.command == SNMP_MSG_REPORT) {
      // The agent no longer knows the engine ID we address it by (hardware swapped, engine
      // ID reconfigured): learn it again and resend, once per op.
      if (r.report == SNMPERR_UNKNOWN_ENG_ID && sent.session && sent.session->v3 && !op.rediscovered) {
        op.rediscovered = true;
        detail::forget_engine_id(*sent.session);
        retry(op);
        return;
      }
      if (r.report == SNMPERR_NOT_IN_TIME_WINDOW && op.time_resends < kMaxTimeResends) {
        ++op.time_resends;  // Net-SNMP learnt the agent's time from the report: ask again
        retry(op);
        return;
      }
      failure = Error{kReasonAuth, key + ": " + detail::report_text(r.report)};
    }
    if (!failure && r.command != SNMP_MSG_RESPONSE)
      failure = Error{kReasonDecode, key + ": unexpected PDU type " + std::to_string(r.command)};
    if (!failure && (!r.varbinds || !r.varbinds->ok()))
      failure = r.varbinds ? Error{kReasonDecode, key + ": " + r.varbinds->error().detail}
                           : Error{kReasonDecode, key + ": response without varbinds"};
    if (failure) {
      finish(op, failure, calls);
      return;
    }
    VarBinds& vbs = r.varbinds->value();
    if (op.walk)
      walk_response(op, r, vbs);
    else
      get_response(op, r, vbs);
    if (op.walk ? op.walk->done() : op.get->done())
      finish(op, std::nullopt, calls);
    else
      ready_.push_back(op.id);
  }

  static void get_response(Op& op, const Reply& r, VarBinds& vbs) {
    if (r.errstat == SNMP_ERR_NOERROR)
      op.get->feed(vbs);
    else
      op.get->error_status(r.errstat, r.errindex);  // tooBig halves, v1 noSuchName marks one
  }

  static void walk_response(Op& op, const Reply& r, VarBinds& vbs) {
    MultiWalkCursor& cursor = *op.walk;
    if (r.errstat == SNMP_ERR_NOERROR) {
      cursor.feed(std::move(vbs));
    } else if (r.errstat == SNMP_ERR_TOOBIG) {
      cursor.too_big();
    } else if (r.errstat == SNMP_ERR_NOSUCHNAME && !op.peer.bulk()) {
      cursor.end_of_mib();  // v1 walks one subtree at a time
    } else {
      cursor.fail_asked(
          [&](const Oid& root, const Oid& start) {
            return Error{kReasonAgentError, op.peer.key + ": walk " + to_string(root) + " answered " +
                                                error_status_name(r.errstat) + " after " + to_string(start)};
          },
          Error{kReasonAgentError, op.peer.key + ": GET (with the walks' GETBULK) answered " +
                                       error_status_name(r.errstat)});
    }
  }

  // Ends an op: queues its callback and forgets it.
  void finish(Op& op, std::optional<Error> error, Calls& calls) {
    if (op.walk) {
      if (error) op.walk->fail_all(*error);
      std::vector<WalkResult> results = op.walk->walk_results();
      if (op.poll_done)
        calls.push_back([d = std::move(op.poll_done), res = PollResult{op.walk->scalars(), std::move(results)}]() mutable {
          d(std::move(res));
        });
      else if (op.walk_done)
        calls.push_back([d = std::move(op.walk_done), res = std::move(results)]() mutable { d(std::move(res)); });
    } else if (op.get_done) {
      if (error) op.get->fail(std::move(*error));
      if (const auto& e = op.get->error())
        calls.push_back([d = std::move(op.get_done), e = *e] { d(e); });
      else
        calls.push_back([d = std::move(op.get_done), v = std::move(op.get->result())]() mutable {
          d(std::move(v));
        });
    }
    ops_.erase(op.id);  // destroys op (and may close a replaced session)
  }

  void shutdown() {
    Calls calls;
    {
      std::lock_guard g(detail::netsnmp_lock());
      std::vector<uint64_t> ids;
      for (auto& [id, op] : ops_) ids.push_back(id);
      for (uint64_t id : ids)
        if (auto it = ops_.find(id); it != ops_.end())
          finish(*it->second, Error{kReasonTransport, it->second->peer.key + ": engine stopped"}, calls);
      ready_.clear();
      dns_waiting_.clear();
      // Closing a session may call back for its requests: let the collector want nothing.
      auto wire = std::move(wire_);
      wire_.clear();
      auto sessions = std::move(sessions_);
      sessions_.clear();
      transport_.reset();  // closes the shared sockets (their requests are gone)
      listener_.reset();
      trap_rcvbuf_.store(0);
      trap_drops_.store(0);
      wire.clear();
      sessions.clear();  // closes every session (their ops are gone)
      collector_.take();
      in_flight_.store(0);
      ready_n_.store(0);
    }
    for (auto& call : calls) call();
    // Callbacks may have asked for more; answer those too, a bounded number of rounds.
    for (int round = 0; round < 100; ++round) {
      std::deque<Command> batch;
      {
        std::lock_guard g(mu_);
        batch.swap(incoming_);
        incoming_n_.store(0);
      }
      if (batch.empty()) break;
      Calls more;
      for (auto& c : batch) answer_stopped(c, more);
      for (auto& call : more) call();
    }
  }

  NetSnmpOptions options_;
  int wake_fd_ = -1;
  std::thread thread_;

  std::mutex mu_;
  std::deque<Command> incoming_;  // guarded by mu_
  bool stop_ = false;             // guarded by mu_

  std::atomic<int64_t> in_flight_{0};
  std::atomic<int64_t> incoming_n_{0};
  std::atomic<int64_t> ready_n_{0};
  std::atomic<uint64_t> sent_{0};
  std::atomic<uint64_t> received_{0};
  std::atomic<uint64_t> engine_id_changes_{0};
  std::atomic<uint64_t> engine_id_duplicates_{0};
  std::atomic<int64_t> trap_rcvbuf_{0};
  std::atomic<uint64_t> trap_drops_{0};

  // Engine thread only.
  std::chrono::steady_clock::time_point drops_read_at_;
  std::unordered_map<std::string, std::shared_ptr<Session>> sessions_;
  std::unordered_map<uint64_t, std::unique_ptr<Op>> ops_;
  std::unique_ptr<Resolver> resolver_;
  std::unordered_map<std::string, std::vector<uint64_t>> dns_waiting_;  // name -> ops
  std::unordered_map<std::string, detail::Endpoint> endpoints_;  // address literal -> parsed (endpoint_for)
  std::vector<const Oid*> request_oids_;  // send()'s scratch: the OIDs of the request being made
  std::deque<uint64_t> ready_;                 // ops waiting for a slot, FIFO
  std::unordered_map<uint64_t, Sent> wire_;    // token -> PDU on the wire
  detail::ReplyCollector collector_;           // what Net-SNMP's callbacks saw
  detail::EngineIdBook engine_ids_;
  detail::OneFdSet select_fds_;                // for snmp_sess_select_info2
  uint64_t poll_round_ = 0;                    // build_poll_set() calls, for Session::polled_in
  uint64_t next_op_ = 1;
  uint64_t next_token_ = 1;
  std::unique_ptr<detail::TrapListener> listener_;
  bool listener_fd_polled_ = false;  // pfds[1] is the listener's socket
  std::unique_ptr<detail::SharedTransport> transport_;  // v1/v2c requests; made by run()
  size_t shared_first_ = 0;    // pfds[shared_first_, sessions_first_): the shared sockets
  size_t sessions_first_ = 0;  // pfds from here on: v3 sessions' sockets
};

}  // namespace

std::unique_ptr<Engine> make_netsnmp_engine(const NetSnmpOptions& options) {
  return std::make_unique<NetSnmpEngine>(options);
}

}  // namespace lw::snmp
