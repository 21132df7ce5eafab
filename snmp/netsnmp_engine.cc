// NetSnmpEngine: see netsnmp_engine.h for the contract.
//
// Shape of the engine thread's loop:
//   take commands (new GETs/walks, forgets) -> handle the replies Net-SNMP callbacks recorded
//   -> send queued PDUs while in-flight < max -> run finished callbacks (Net-SNMP lock
//   released) -> poll(wake fd + sockets of sessions with requests out) -> read / timeouts.
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
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "snmp/netsnmp_convert.h"
#include "snmp/socket_stats.h"
#include "snmp/walk.h"

namespace lw::snmp {
namespace {

constexpr size_t kGetChunk = 32;       // OIDs per GET PDU (split further on tooBig)
constexpr int kMaxTimeResends = 2;     // notInTimeWindow reports answered by a resend
constexpr int kMaxPollMs = 200;        // upper bound on one poll, so the loop stays lively
constexpr int kReadsPerWake = 64;      // datagrams read from one socket per loop turn

// Net-SNMP keeps global state (USM users, transports, MIB tree): every call into it, from any
// engine in the process, happens under this lock.
std::mutex& netsnmp_lock() {
  static std::mutex m;
  return m;
}

void init_netsnmp_once(const std::string& app_name) {
  static std::once_flag once;
  std::call_once(once, [&app_name] {
    std::lock_guard g(netsnmp_lock());
    snmp_disable_log();  // Net-SNMP's own messages would go to stderr
    netsnmp_register_loghandler(NETSNMP_LOGHANDLER_NONE, LOG_DEBUG);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_LOAD_HOST_FILES, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_NO_TOKEN_WARNINGS, 1);
    // Persistent state (USM boots, TLS cert indexes) has no place here: point Net-SNMP at a
    // path that can never be created (below /dev/null), so it reads and writes nothing.
    netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_PERSISTENT_DIR,
                          "/dev/null/linkwatch-netsnmp");
    // No MIB files are needed (OIDs are numeric) and none should be searched for.
    netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIBDIRS, "/dev/null/linkwatch-no-mibs");
    init_snmp(app_name.c_str());
    // With no handler at all Net-SNMP writes to stderr; this one swallows everything.
    netsnmp_register_loghandler(NETSNMP_LOGHANDLER_NONE, LOG_DEBUG);
  });
}

struct Session {
  Peer config;  // what it was opened with (compared on reuse)
  void* sp = nullptr;
  int fd = -1;
  bool v3 = false;
  bool discovered = true;  // v3: the agent's engine ID is known and the USM user exists
  detail::UsmUserPtr user; // v3: this session's own USM user (snmp/usm_users.h)
  // v3: an answer on this socket named a user we do not have under any engine ID we know:
  // the agent now has another engine ID (Net-SNMP drops its usmStatsUnknownEngineIDs report).
  bool engine_suspect = false;
  // Datagrams read from this socket that Net-SNMP could not use: unparsable, or a response
  // matching no request (wrong request-id, late, forged). A timeout after such a reply is
  // `decode`: the peer did answer, with garbage.
  uint64_t malformed = 0;
  bool probing = false;
  std::vector<uint64_t> waiting;  // ops waiting for discovery
  int outstanding = 0;            // PDUs on the wire

  Session() = default;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session() {
    if (sp) snmp_sess_close(sp);
  }
};

// The notification receiver: a server session on its own socket, always in the poll set.
struct Listener {
  void* sp = nullptr;
  int fd = -1;
  std::vector<std::shared_ptr<const Credentials>> accept;
  NotificationHandlers handlers;
  std::vector<detail::UsmUserPtr> users;  // installed before each read (snmp/usm_users.h)

  Listener() = default;
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  ~Listener() {
    if (sp) snmp_sess_close(sp);
  }
};

// What the receiver's Net-SNMP callback saw, copied out of the PDU.
struct Received {
  std::string source;
  int version = 0;
  int command = 0;
  std::string community;
  std::string user;
  int level = 0;
  Result<VarBinds> varbinds = VarBinds{};
  Oid v1_trap_oid;         // SNMPv1: RFC 3584 translation
  std::string v1_agent;    // SNMPv1 agent-addr, 4 raw bytes; empty if 0.0.0.0
};

// Net-SNMP's USM counters of messages dropped before any callback: a rise while reading the
// receiver's socket is a rejected v3 notification. Unknown engine ID and time window reports
// are left out: they are the normal discovery of an INFORM sender.
uint64_t usm_drops() {
  return uint64_t{snmp_get_statistic(STAT_USMSTATSUNKNOWNUSERNAMES)} +
         snmp_get_statistic(STAT_USMSTATSWRONGDIGESTS) + snmp_get_statistic(STAT_USMSTATSDECRYPTIONERRORS) +
         snmp_get_statistic(STAT_USMSTATSUNSUPPORTEDSECLEVELS);
}

bool same_session_config(const Peer& a, const Peer& b) {
  const bool creds = (a.credentials && b.credentials) ? *a.credentials == *b.credentials
                                                      : a.credentials == b.credentials;
  return creds && a.address == b.address && a.timeout == b.timeout && a.retries == b.retries;
}

struct Op {
  uint64_t id = 0;
  Peer peer;
  std::shared_ptr<Session> session;
  bool is_walk = false;
  // GET
  std::vector<VarBind> get_result;          // one per requested OID
  std::deque<std::vector<size_t>> chunks;   // indices into get_result still to ask
  std::vector<size_t> current;              // the chunk on the wire
  Engine::GetCallback get_done;
  // walk
  std::optional<WalkCursor> cursor;
  Engine::WalkCallback walk_done;
  int time_resends = 0;
  bool rediscovered = false;  // v3: the agent's engine ID was learnt again once for this op
};

struct Sent {  // one PDU on the wire
  uint64_t op_id = 0;  // 0: an engine-ID discovery probe
  std::shared_ptr<Session> session;
  uint64_t malformed_at_send = 0;  // the session's `malformed` when this PDU went out
};

struct Reply {  // what a Net-SNMP callback saw, copied out of its PDU
  uint64_t token = 0;
  int op = 0;  // NETSNMP_CALLBACK_OP_*
  int command = 0;
  long errstat = 0;
  long errindex = 0;
  int report = 0;  // snmpv3_get_report_type() of a REPORT
  std::optional<Result<VarBinds>> varbinds;
  std::string engine_id;
};

std::string report_text(int report) {
  switch (report) {
    case SNMPERR_UNKNOWN_USER_NAME: return "usmStatsUnknownUserNames (unknown user)";
    case SNMPERR_AUTHENTICATION_FAILURE: return "usmStatsWrongDigests (wrong auth password or protocol)";
    case SNMPERR_DECRYPTION_ERR: return "usmStatsDecryptionErrors (wrong privacy password or protocol)";
    case SNMPERR_UNSUPPORTED_SEC_LEVEL: return "usmStatsUnsupportedSecLevels (security level not allowed)";
    case SNMPERR_UNKNOWN_ENG_ID: return "usmStatsUnknownEngineIDs";
    case SNMPERR_NOT_IN_TIME_WINDOW: return "usmStatsNotInTimeWindows";
    default: return "report PDU (" + std::to_string(report) + ")";
  }
}

class NetSnmpEngine;
thread_local NetSnmpEngine* t_engine = nullptr;  // the engine whose thread this is

class NetSnmpEngine final : public Engine {
 public:
  explicit NetSnmpEngine(NetSnmpOptions options) : options_(std::move(options)) {
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

  void walk(const Peer& peer, Oid root, WalkCallback done) override {
    Command c;
    c.kind = Command::Walk;
    c.peer = peer;
    c.root = std::move(root);
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

  // The receiver's Net-SNMP callback: copy out, never act (we are inside snmp_sess_read2).
  static int on_notification(int op, netsnmp_session* /*session*/, int /*reqid*/, netsnmp_pdu* pdu,
                             void* /*magic*/) {
    NetSnmpEngine* self = t_engine;
    if (!self || op != NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE || !pdu) return 1;
    // After a USM failure Net-SNMP 5.9 still calls back, with an empty PDU (command 0): it
    // is counted from the USM statistics instead (read_listener).
    if (pdu->command == 0) return 1;
    Received r;
    r.source = detail::sender_address(*pdu);
    r.version = static_cast<int>(pdu->version);
    r.command = pdu->command;
    if (pdu->community && pdu->community_len)
      r.community.assign(reinterpret_cast<const char*>(pdu->community), pdu->community_len);
    if (pdu->securityName && pdu->securityNameLen)
      r.user.assign(pdu->securityName, pdu->securityNameLen);
    r.level = pdu->securityLevel;
    r.varbinds = detail::to_varbinds(*pdu);
    if (pdu->command == SNMP_MSG_TRAP) {
      if (pdu->trap_type >= 0 && pdu->trap_type < 6) {  // generic: snmpTraps.<generic+1>
        r.v1_trap_oid = {1, 3, 6, 1, 6, 3, 1, 1, 5, static_cast<uint32_t>(pdu->trap_type + 1)};
      } else {  // enterprise-specific: enterprise.0.specific
        for (size_t i = 0; pdu->enterprise && i < pdu->enterprise_length; ++i)
          r.v1_trap_oid.push_back(static_cast<uint32_t>(pdu->enterprise[i]));
        r.v1_trap_oid.push_back(0);
        r.v1_trap_oid.push_back(static_cast<uint32_t>(pdu->specific_type));
      }
      const unsigned char* a = pdu->agent_addr;
      if (a[0] || a[1] || a[2] || a[3]) r.v1_agent.assign(reinterpret_cast<const char*>(a), 4);
    }
    if (pdu->command == SNMP_MSG_INFORM) {
      // Answered once the read is over: a response is the same PDU, command changed.
      if (netsnmp_pdu* reply = snmp_clone_pdu(pdu)) {
        reply->command = SNMP_MSG_RESPONSE;
        reply->errstat = 0;
        reply->errindex = 0;
        self->inform_replies_.push_back(reply);
      }
    }
    self->received_traps_.push_back(std::move(r));
    return 1;
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

  // Net-SNMP's callback: record, never act (we are inside snmp_sess_read2/timeout).
  static int on_netsnmp(int op, netsnmp_session* /*session*/, int /*reqid*/, netsnmp_pdu* pdu,
                        void* magic) {
    NetSnmpEngine* self = t_engine;
    if (!self) return 1;
    const auto token = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(magic));
    if (op == NETSNMP_CALLBACK_OP_RESEND || op == NETSNMP_CALLBACK_OP_CONNECT) return 1;
    if (!self->wire_.count(token)) return 1;
    Reply r;
    r.token = token;
    r.op = op;
    // Net-SNMP 5.9 hands some REPORTs over as SEC_ERROR; their content matters just the same.
    if ((op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE || op == NETSNMP_CALLBACK_OP_SEC_ERROR) &&
        pdu) {
      r.command = pdu->command;
      r.errstat = pdu->errstat;
      r.errindex = pdu->errindex;
      if (pdu->command == SNMP_MSG_REPORT) {
        r.report = snmpv3_get_report_type(pdu);
        if (pdu->securityEngineID && pdu->securityEngineIDLen > 0 &&
            pdu->securityEngineIDLen <= 64)
          r.engine_id.assign(reinterpret_cast<const char*>(pdu->securityEngineID),
                             pdu->securityEngineIDLen);
      } else {
        r.varbinds = detail::to_varbinds(*pdu);
      }
    }
    self->replies_.push_back(std::move(r));
    return 1;
  }

 private:
  struct Command {
    enum Kind { Get, Walk, Forget, Listen } kind = Get;
    Peer peer;
    std::vector<Oid> oids;
    Oid root;
    GetCallback get_done;
    WalkCallback walk_done;
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
    t_engine = this;
    init_netsnmp_once(options_.app_name);
    std::vector<pollfd> pfds;
    std::vector<std::shared_ptr<Session>> active;
    while (true) {
      Calls calls;
      bool stopping = false;
      int timeout_ms = kMaxPollMs;
      {
        std::lock_guard g(netsnmp_lock());
        stopping = take_commands(calls);
        if (!stopping) {
          resume_resolved(calls);
          deliver_notifications(calls);
          update_trap_drops();
          handle_replies(calls);
          pump(calls);
          // A callback may have queued work while we were busy; replies may have come in.
          handle_replies(calls);
          pump(calls);
          timeout_ms = build_poll_set(pfds, active);
        }
      }
      for (auto& call : calls) call();
      if (stopping) break;
      if (!calls.empty()) timeout_ms = 0;  // callbacks may have queued work
      const int n = poll(pfds.data(), pfds.size(), timeout_ms);
      if (n < 0 && errno != EINTR) timeout_ms = 10;  // should not happen; do not spin
      if (!pfds.empty() && (pfds[0].revents & POLLIN)) {
        uint64_t v;
        [[maybe_unused]] ssize_t r = read(wake_fd_, &v, sizeof v);
      }
      std::lock_guard g(netsnmp_lock());
      size_t first = 1;
      if (listener_fd_polled_) {
        if (listener_ && (pfds[1].revents & (POLLIN | POLLERR))) read_listener();
        first = 2;
      }
      for (size_t i = first; i < pfds.size(); ++i) {
        if (pfds[i].revents & (POLLIN | POLLERR | POLLHUP)) read_session(*active[i - first]);
      }
      for (auto& s : active) {
        if (s->outstanding == 0) continue;
        detail::install(s->user.get());  // a resend builds the message again
        snmp_sess_timeout(s->sp);
      }
      active.clear();
    }
    shutdown();
    t_engine = nullptr;
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
      calls.push_back([d = std::move(c.walk_done), e] { d(WalkResult{{}, e}); });
    if (c.kind == Command::Listen && c.listen_done)
      calls.push_back([d = std::move(c.listen_done)] {
        d(Error{kReasonTransport, "notification receiver: engine stopped"});
      });
  }

  void start(Command c, Calls& calls) {
    if (c.kind == Command::Forget) {
      sessions_.erase(c.peer.key);  // closed once the last op using it is done
      if (auto it = engine_of_.find(c.peer.key); it != engine_of_.end()) {
        if (auto b = by_engine_.find(it->second); b != by_engine_.end()) {
          b->second.erase(c.peer.key);
          if (b->second.empty()) by_engine_.erase(b);
        }
        engine_of_.erase(it);
      }
      return;
    }
    if (c.kind == Command::Listen) {
      Status st = listen(c);
      calls.push_back([d = std::move(c.listen_done), st = std::move(st)] { d(st); });
      return;
    }
    auto op = std::make_unique<Op>();
    op->id = next_op_++;
    op->peer = std::move(c.peer);
    op->is_walk = c.kind == Command::Walk;
    if (op->is_walk) {
      const bool bulk = !op->peer.credentials ||
                        op->peer.credentials->version != Credentials::Version::V1;
      op->cursor.emplace(std::move(c.root), bulk, op->peer.max_repetitions, op->peer.max_rows);
      op->walk_done = std::move(c.walk_done);
    } else {
      op->get_done = std::move(c.get_done);
      op->get_result.reserve(c.oids.size());
      for (auto& oid : c.oids) op->get_result.push_back(VarBind{std::move(oid), Value{}});
      for (size_t i = 0; i < op->get_result.size(); i += kGetChunk) {
        std::vector<size_t> chunk;
        for (size_t j = i; j < std::min(i + kGetChunk, op->get_result.size()); ++j)
          chunk.push_back(j);
        op->chunks.push_back(std::move(chunk));
      }
    }
    Op& ref = *op;
    ops_.emplace(ref.id, std::move(op));
    attach(ref, calls);
    ready_n_.store(static_cast<int64_t>(ready_.size()));
  }

  // Gives an op its session, once its peer's name (if it has one) is resolved, and queues it.
  void attach(Op& op, Calls& calls) {
    Peer wire = op.peer;
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
      wire.address = (a.address.find(':') != std::string::npos ? "[" + a.address + "]" : a.address) + h.port_suffix;
    }
    auto session = session_for(wire);  // a new address (the name moved) opens a new session
    if (!session) {
      finish(op, session.error(), calls);
      return;
    }
    op.session = std::move(*session);
    if (!op.is_walk && op.chunks.empty()) {  // GET of nothing
      finish(op, std::nullopt, calls);
      return;
    }
    ready_.push_back(op.id);
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
    if (it != sessions_.end() && same_session_config(it->second->config, peer)) return it->second;
    auto sp = detail::open_session(peer);
    if (!sp) {
      if (it != sessions_.end()) sessions_.erase(it);
      return sp.error();
    }
    auto s = std::make_shared<Session>();
    s->config = peer;
    s->config.credentials = peer.credentials;
    s->sp = *sp;
    netsnmp_transport* t = snmp_sess_transport(s->sp);
    s->fd = t ? t->sock : -1;
    s->v3 = peer.credentials && peer.credentials->version == Credentials::Version::V3;
    s->discovered = !s->v3;
    sessions_[peer.key] = s;  // a replaced session lives on until its ops finish
    return s;
  }

  void drop_listener() {  // its users leave Net-SNMP's table with it
    listener_.reset();
    trap_rcvbuf_.store(0);
    trap_drops_.store(0);
  }

  // Reads the kernel's drop count of the notification socket, at most every 250 ms.
  void update_trap_drops(bool now = false) {
    if (!listener_ || listener_->fd < 0) return;
    const auto t = std::chrono::steady_clock::now();
    if (!now && t - drops_read_at_ < std::chrono::milliseconds(250)) return;
    drops_read_at_ = t;
    if (auto d = detail::socket_drops(listener_->fd)) trap_drops_.store(*d);
  }

  Status listen(Command& c) {
    drop_listener();
    auto spec = detail::to_peername(c.peer.address, "162");
    if (!spec) return Error{kReasonTransport, "notification receiver: " + spec.error().detail};
    auto l = std::make_unique<Listener>();
    l->accept = std::move(c.accept);
    l->handlers = std::move(c.handlers);
    // USM users: under the local engine ID (INFORMs) and the sender's, if known (TRAPs).
    u_char local[SNMP_MAXBUF_SMALL];
    const size_t local_len = snmpv3_get_engineID(local, sizeof local);
    for (const auto& cred : l->accept) {
      if (!cred || cred->version != Credentials::Version::V3) continue;
      std::vector<std::string> ids;
      if (local_len > 0) ids.emplace_back(reinterpret_cast<const char*>(local), local_len);
      if (!cred->engine_id.empty()) ids.push_back(cred->engine_id);
      for (const auto& id : ids) {
        auto user = detail::make_usm_user(*cred, id);
        if (!user) return Error{user.error().reason, "notification receiver: " + user.error().detail};
        l->users.push_back(std::move(*user));
      }
    }
    netsnmp_transport* t = netsnmp_transport_open_server(options_.app_name.c_str(), spec->c_str());
    if (!t)
      return Error{kReasonTransport, "notification receiver: cannot listen on " + *spec + ": " +
                                         std::strerror(errno)};
    netsnmp_session s;
    snmp_sess_init(&s);
    s.peername = nullptr;
    s.version = SNMP_DEFAULT_VERSION;  // any version: each PDU is checked on its own
    s.callback = &NetSnmpEngine::on_notification;
    s.callback_magic = nullptr;
    s.isAuthoritative = SNMP_SESS_UNKNOWNAUTH;  // authoritative for INFORMs, not for TRAPs
    l->sp = snmp_sess_add(&s, t, nullptr, nullptr);  // frees the transport on failure
    if (!l->sp)
      return Error{kReasonTransport, "notification receiver: cannot set up a session on " + *spec};
    netsnmp_transport* st = snmp_sess_transport(l->sp);
    l->fd = st ? st->sock : -1;
    if (l->fd >= 0 && options_.trap_receive_buffer > 0)
      detail::set_receive_buffer(l->fd, options_.trap_receive_buffer);
    trap_rcvbuf_.store(l->fd >= 0 ? detail::receive_buffer(l->fd).value_or(0) : 0);
    listener_ = std::move(l);
    update_trap_drops(true);
    return std::nullopt;
  }

  // Reads the receiver's socket; accepted and rejected notifications become calls.
  void read_listener() {
    Listener& l = *listener_;
    for (int i = 0; i < kReadsPerWake; ++i) {
      const uint64_t drops_before = usm_drops();
      const uint64_t garbage_before = snmp_get_statistic(STAT_SNMPINASNPARSEERRS);
      for (auto& u : l.users) detail::install(u.get());
      netsnmp_large_fd_set fds;
      netsnmp_large_fd_set_init(&fds, l.fd + 1);
      NETSNMP_LARGE_FD_SET(l.fd, &fds);
      snmp_sess_read2(l.sp, &fds);
      netsnmp_large_fd_set_cleanup(&fds);
      const uint64_t drops = usm_drops() - drops_before;
      for (uint64_t d = 0; d < drops; ++d) rejected_.push_back({"", kRejectAuth});
      const uint64_t garbage = snmp_get_statistic(STAT_SNMPINASNPARSEERRS) - garbage_before;
      for (uint64_t d = 0; d < garbage; ++d) rejected_.push_back({"", kRejectDecode});
      for (netsnmp_pdu* reply : inform_replies_)
        if (snmp_sess_send(l.sp, reply) == 0) snmp_free_pdu(reply);
      inform_replies_.clear();
      pollfd more{l.fd, POLLIN, 0};
      if (poll(&more, 1, 0) <= 0 || !(more.revents & POLLIN)) break;
    }
    for (auto& r : received_traps_) judge(l, std::move(r));
    received_traps_.clear();
  }

  // Checks a received PDU against the accepted credentials.
  void judge(const Listener& l, Received r) {
    auto reject = [&](const char* why) { rejected_.push_back({r.source, why}); };
    if (r.command != SNMP_MSG_TRAP && r.command != SNMP_MSG_TRAP2 && r.command != SNMP_MSG_INFORM)
      return reject(kRejectDecode);
    bool ok = false;
    for (const auto& c : l.accept) {
      if (!c) continue;
      if (r.version == SNMP_VERSION_3) {
        const int need = c->level == Credentials::Level::AuthPriv     ? SNMP_SEC_LEVEL_AUTHPRIV
                         : c->level == Credentials::Level::AuthNoPriv ? SNMP_SEC_LEVEL_AUTHNOPRIV
                                                                      : SNMP_SEC_LEVEL_NOAUTH;
        ok = c->version == Credentials::Version::V3 && c->username == r.user && r.level >= need;
      } else {
        ok = c->version != Credentials::Version::V3 && c->community == r.community;
      }
      if (ok) break;
    }
    if (!ok) return reject(r.version == SNMP_VERSION_3 ? kRejectAuth : kRejectCommunity);
    if (!r.varbinds) return reject(kRejectDecode);
    Notification n;
    n.source = std::move(r.source);
    n.varbinds = std::move(*r.varbinds);
    if (r.command == SNMP_MSG_TRAP) {
      n.trap_oid = std::move(r.v1_trap_oid);
      if (!r.v1_agent.empty()) {
        VarBind agent{{1, 3, 6, 1, 6, 3, 18, 1, 3, 0}, Value{}};
        agent.value.type = Type::IpAddress;
        agent.value.bytes = std::move(r.v1_agent);
        n.varbinds.push_back(std::move(agent));
      }
    } else {
      const Oid trap_oid_oid{1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};
      for (const auto& vb : n.varbinds)
        if (vb.oid == trap_oid_oid && vb.value.type == Type::ObjectId) n.trap_oid = vb.value.oid;
    }
    accepted_.push_back(std::move(n));
  }

  // Hands what the receiver saw to its handlers, outside the Net-SNMP lock.
  void deliver_notifications(Calls& calls) {
    if (!listener_) {
      accepted_.clear();
      rejected_.clear();
      return;
    }
    const NotificationHandlers& h = listener_->handlers;
    for (auto& n : accepted_)
      if (h.accepted) calls.push_back([f = h.accepted, n = std::move(n)]() mutable { f(std::move(n)); });
    for (auto& r : rejected_)
      if (h.rejected) calls.push_back([f = h.rejected, r = std::move(r)]() mutable { f(std::move(r)); });
    accepted_.clear();
    rejected_.clear();
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

  static void add_oid(netsnmp_pdu* pdu, const Oid& o) {
    std::vector<oid> arcs(o.begin(), o.end());
    if (arcs.size() < 2) arcs.resize(2, 0);  // a walk of "everything" starts at 0.0
    snmp_add_null_var(pdu, arcs.data(), arcs.size());
  }

  bool transmit(Session& s, netsnmp_pdu* pdu, uint64_t op_id, std::shared_ptr<Session> keep,
                std::string& error) {
    const uint64_t token = next_token_++;
    wire_[token] = Sent{op_id, std::move(keep), s.malformed};
    detail::install(s.user.get());  // the message is built (and its keys looked up) now
    void* magic = reinterpret_cast<void*>(static_cast<uintptr_t>(token));
    if (snmp_sess_async_send(s.sp, pdu, &NetSnmpEngine::on_netsnmp, magic) == 0) {
      wire_.erase(token);
      snmp_free_pdu(pdu);
      int liberr = 0, syserr = 0;
      char* msg = nullptr;
      snmp_sess_error(s.sp, &liberr, &syserr, &msg);
      error = msg ? msg : "send failed";
      free(msg);
      return false;
    }
    ++s.outstanding;
    in_flight_.fetch_add(1);
    sent_.fetch_add(1);
    return true;
  }

  void send(Op& op, Calls& calls) {
    Session& s = *op.session;
    if (s.v3 && !s.discovered) {
      s.waiting.push_back(op.id);
      if (!s.probing) probe(op.session, calls);
      return;
    }
    netsnmp_pdu* pdu = nullptr;
    if (op.is_walk) {
      auto req = op.cursor->next();
      if (!req) {  // cannot happen: done walks are finished, not queued
        finish(op, std::nullopt, calls);
        return;
      }
      const bool bulk = !op.peer.credentials ||
                        op.peer.credentials->version != Credentials::Version::V1;
      pdu = snmp_pdu_create(bulk ? SNMP_MSG_GETBULK : SNMP_MSG_GETNEXT);
      if (bulk) {
        pdu->errstat = 0;                     // non-repeaters
        pdu->errindex = req->max_repetitions;  // max-repetitions
      }
      add_oid(pdu, req->start);
    } else {
      op.current = std::move(op.chunks.front());
      op.chunks.pop_front();
      pdu = snmp_pdu_create(SNMP_MSG_GET);
      for (size_t i : op.current) add_oid(pdu, op.get_result[i].oid);
    }
    std::string error;
    if (!transmit(s, pdu, op.id, op.session, error))
      finish(op, Error{kReasonTransport, op.peer.key + ": " + error}, calls);
  }

  // v3: learn the agent's engine ID with an unauthenticated empty GET (RFC 3414 4), without
  // blocking the loop as Net-SNMP's own synchronous probe in snmp_sess_open would.
  void probe(const std::shared_ptr<Session>& session, Calls& calls) {
    netsnmp_pdu* pdu = snmp_pdu_create(SNMP_MSG_GET);
    pdu->version = SNMP_VERSION_3;
    pdu->securityModel = SNMP_SEC_MODEL_USM;
    pdu->securityLevel = SNMP_SEC_LEVEL_NOAUTH;
    pdu->securityName = strdup("");
    pdu->securityNameLen = 0;
    std::string error;
    session->probing = true;
    if (!transmit(*session, pdu, 0, session, error)) {
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
      netsnmp_session* ss = snmp_sess_session(s.sp);
      if (ss) {
        if (ss->securityEngineIDLen == 0) {
          ss->securityEngineID = static_cast<u_char*>(netsnmp_memdup(r.engine_id.data(), r.engine_id.size()));
          ss->securityEngineIDLen = r.engine_id.size();
        }
        // This session's own user: Net-SNMP's table is shared by every session of the process.
        auto user = detail::make_usm_user(*ss);
        if (!user) {
          fail_waiting(s, Error{kReasonAuth, key + ": cannot set up the USM user"}, calls);
          return;
        }
        s.user = std::move(*user);
      }
      s.discovered = true;
      note_engine_id(s, r.engine_id, calls);
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
      e = Error{kReasonTimeout, key + ": no answer to SNMPv3 engine-ID discovery from " +
                                    s.config.address};
    else if (r.op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE)
      e = Error{kReasonAuth, key + ": SNMPv3 engine-ID discovery got no usable report"};
    else
      e = Error{kReasonTransport, key + ": SNMPv3 engine-ID discovery failed (" +
                                      std::to_string(r.op) + ")"};
    fail_waiting(s, e, calls);
  }

  // v3: drop what was learnt of the agent's engine (ID, user keys); the next send probes.
  void forget_engine_id(Session& s) {
    if (!s.discovered || s.probing) return;
    s.discovered = false;
    s.engine_suspect = false;
    s.user.reset();
    if (netsnmp_session* ss = snmp_sess_session(s.sp)) {
      free(ss->securityEngineID);
      ss->securityEngineID = nullptr;
      ss->securityEngineIDLen = 0;
    }
  }

  // Keeps which target answered with which engine ID: a target whose ID changed (hardware
  // swapped) and two addresses answering with one ID (cloned images) are noticed.
  void note_engine_id(const Session& s, const std::string& id, Calls& calls) {
    const std::string& key = s.config.key;
    auto notice = [&](std::string text) {
      if (options_.on_notice) calls.push_back([f = options_.on_notice, t = std::move(text)] { f(t); });
    };
    auto& known = engine_of_[key];
    if (!known.empty() && known != id) {
      engine_id_changes_.fetch_add(1);
      notice(key + ": the SNMPv3 engine ID of " + s.config.address + " changed from " + hex(known) +
             " to " + hex(id) + " (device replaced or reconfigured); keys localized again");
      if (auto it = by_engine_.find(known); it != by_engine_.end()) {
        it->second.erase(key);
        if (it->second.empty()) by_engine_.erase(it);
      }
    }
    known = id;
    auto& sharers = by_engine_[id];
    for (const auto& [other, address] : sharers) {
      if (other == key || address == s.config.address) continue;
      engine_id_duplicates_.fetch_add(1);
      notice("targets " + other + " (" + address + ") and " + key + " (" + s.config.address +
             ") answer with the same SNMPv3 engine ID " + hex(id) +
             " (cloned configuration?): their time windows collide; give each device its own engine ID");
    }
    sharers[key] = s.config.address;
  }

  static std::string hex(const std::string& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out = "0x";
    for (unsigned char c : bytes) {
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 15]);
    }
    return out;
  }

  void read_session(Session& s) {
    detail::install(s.user.get());  // answers are authenticated with this session's keys
    const uint64_t unknown_before = snmp_get_statistic(STAT_USMSTATSUNKNOWNUSERNAMES);
    for (int i = 0; i < kReadsPerWake && s.outstanding > 0; ++i) {
      // One datagram per read (UDP). One that makes no callback was thrown away by Net-SNMP:
      // unparsable, or matching no request. (Its statistics miss some of these.)
      char byte;
      if (recv(s.fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) < 0) break;  // nothing waiting
      const size_t replies_before = replies_.size();
      netsnmp_large_fd_set fds;
      netsnmp_large_fd_set_init(&fds, s.fd + 1);
      NETSNMP_LARGE_FD_SET(s.fd, &fds);
      snmp_sess_read2(s.sp, &fds);
      netsnmp_large_fd_set_cleanup(&fds);
      if (replies_.size() == replies_before) ++s.malformed;
    }
    if (s.v3 && snmp_get_statistic(STAT_USMSTATSUNKNOWNUSERNAMES) != unknown_before) s.engine_suspect = true;
  }

  int build_poll_set(std::vector<pollfd>& pfds, std::vector<std::shared_ptr<Session>>& active) {
    pfds.clear();
    active.clear();
    pfds.push_back(pollfd{wake_fd_, POLLIN, 0});
    listener_fd_polled_ = listener_ && listener_->fd >= 0;
    if (listener_fd_polled_) pfds.push_back(pollfd{listener_->fd, POLLIN, 0});
    timeval best{kMaxPollMs / 1000, (kMaxPollMs % 1000) * 1000};
    std::vector<Session*> seen;
    for (auto& [id, sent] : wire_) {
      Session* s = sent.session.get();
      if (!s || s->fd < 0 || std::find(seen.begin(), seen.end(), s) != seen.end()) continue;
      seen.push_back(s);
      active.push_back(sent.session);
      pfds.push_back(pollfd{s->fd, POLLIN, 0});
      netsnmp_large_fd_set fds;
      netsnmp_large_fd_set_init(&fds, s->fd + 1);
      int numfds = 0, block = 1;
      timeval tv{0, 0};
      snmp_sess_select_info2(s->sp, &numfds, &fds, &tv, &block);
      netsnmp_large_fd_set_cleanup(&fds);
      if (!block && timercmp(&tv, &best, <)) best = tv;
    }
    const long ms = best.tv_sec * 1000L + (best.tv_usec + 999) / 1000;
    return static_cast<int>(std::clamp(ms, 0L, static_cast<long>(kMaxPollMs)));
  }

  void handle_replies(Calls& calls) {
    while (!replies_.empty()) {
      auto batch = std::move(replies_);
      replies_.clear();
      for (auto& r : batch) handle(r, calls);
    }
  }

  void handle(Reply& r, Calls& calls) {
    auto it = wire_.find(r.token);
    if (it == wire_.end()) return;
    Sent sent = std::move(it->second);
    wire_.erase(it);
    --sent.session->outstanding;
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
        if (sent.session->engine_suspect && !op.rediscovered) {  // see Session::engine_suspect
          op.rediscovered = true;
          forget_engine_id(*sent.session);
          if (!op.is_walk) op.chunks.push_front(std::move(op.current));
          ready_.push_front(op.id);
          return;
        }
        if (const HostPart h = split_host(op.peer.address); h.is_name)
          resolver_->expire(h.host);  // the name may have moved: resolve it again before the next try
        if (const uint64_t bad = sent.session->malformed - sent.malformed_at_send; bad > 0)
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
        failure = Error{kReasonTransport, key + ": send failed or session closed"};
        break;
    }
    if (!failure && r.command == SNMP_MSG_REPORT) {
      // The agent no longer knows the engine ID we address it by (hardware swapped, engine
      // ID reconfigured): learn it again and resend, once per op.
      if (r.report == SNMPERR_UNKNOWN_ENG_ID && sent.session->v3 && !op.rediscovered) {
        op.rediscovered = true;
        forget_engine_id(*sent.session);
        if (!op.is_walk) op.chunks.push_front(std::move(op.current));
        ready_.push_front(op.id);
        return;
      }
      if (r.report == SNMPERR_NOT_IN_TIME_WINDOW && op.time_resends < kMaxTimeResends) {
        ++op.time_resends;  // Net-SNMP learnt the agent's time from the report: ask again
        if (!op.is_walk) op.chunks.push_front(std::move(op.current));
        ready_.push_front(op.id);
        return;
      }
      failure = Error{kReasonAuth, key + ": " + report_text(r.report)};
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
    if (op.is_walk)
      walk_response(op, r, vbs, calls);
    else
      get_response(op, r, vbs, calls);
  }

  bool is_v1(const Op& op) const {
    return op.peer.credentials && op.peer.credentials->version == Credentials::Version::V1;
  }

  void get_response(Op& op, const Reply& r, VarBinds& vbs, Calls& calls) {
    const std::string& key = op.peer.key;
    if (r.errstat == SNMP_ERR_NOERROR) {
      if (vbs.size() != op.current.size()) {
        finish(op, Error{kReasonDecode, key + ": GET of " + std::to_string(op.current.size()) +
                                            " OIDs answered with " + std::to_string(vbs.size())},
               calls);
        return;
      }
      for (size_t i = 0; i < vbs.size(); ++i)
        op.get_result[op.current[i]].value = std::move(vbs[i].value);
    } else if (r.errstat == SNMP_ERR_TOOBIG) {
      if (op.current.size() == 1) {
        finish(op, Error{kReasonTooBig, key + ": GET " + to_string(op.get_result[op.current[0]].oid) +
                                            " answered tooBig"},
               calls);
        return;
      }
      const size_t half = op.current.size() / 2;
      op.chunks.push_front(std::vector<size_t>(op.current.begin() + static_cast<long>(half), op.current.end()));
      op.chunks.push_front(std::vector<size_t>(op.current.begin(), op.current.begin() + static_cast<long>(half)));
    } else if (r.errstat == SNMP_ERR_NOSUCHNAME && is_v1(op) && r.errindex >= 1 &&
               static_cast<size_t>(r.errindex) <= op.current.size()) {
      // SNMPv1 fails the whole PDU for one missing OID: mark it and ask for the rest.
      const size_t bad = static_cast<size_t>(r.errindex) - 1;
      op.get_result[op.current[bad]].value = Value::Exception(Type::NoSuchInstance);
      op.current.erase(op.current.begin() + static_cast<long>(bad));
      if (!op.current.empty()) op.chunks.push_front(std::move(op.current));
    } else {
      std::string where;
      if (r.errindex >= 1 && static_cast<size_t>(r.errindex) <= op.current.size())
        where = " at " + to_string(op.get_result[op.current[static_cast<size_t>(r.errindex) - 1]].oid);
      finish(op, Error{kReasonAgentError, key + ": GET answered " +
                                              detail::error_status_name(r.errstat) + where},
             calls);
      return;
    }
    op.current.clear();
    if (op.chunks.empty()) {
      finish(op, std::nullopt, calls);
      return;
    }
    ready_.push_back(op.id);
  }

  void walk_response(Op& op, const Reply& r, VarBinds& vbs, Calls& calls) {
    WalkCursor& cursor = *op.cursor;
    const Oid start = cursor.next() ? cursor.next()->start : cursor.root();
    if (r.errstat == SNMP_ERR_NOERROR) {
      cursor.feed(vbs);
    } else if (r.errstat == SNMP_ERR_TOOBIG) {
      cursor.too_big();
    } else if (r.errstat == SNMP_ERR_NOSUCHNAME && is_v1(op)) {
      cursor.feed(VarBinds{VarBind{start, Value::Exception(Type::EndOfMibView)}});  // v1 end of MIB
    } else {
      cursor.fail(Error{kReasonAgentError, op.peer.key + ": walk " + to_string(cursor.root()) +
                                               " answered " + detail::error_status_name(r.errstat) +
                                               " after " + to_string(start)});
    }
    if (cursor.done()) {
      finish(op, std::nullopt, calls);
      return;
    }
    ready_.push_back(op.id);
  }

  // Ends an op: queues its callback and forgets it.
  void finish(Op& op, std::optional<Error> error, Calls& calls) {
    if (op.is_walk) {
      if (error) op.cursor->fail(std::move(*error));
      WalkResult result;
      result.varbinds = std::move(op.cursor->rows());
      result.error = op.cursor->error();
      if (op.walk_done)
        calls.push_back([d = std::move(op.walk_done), res = std::move(result)]() mutable {
          d(std::move(res));
        });
    } else if (op.get_done) {
      if (error)
        calls.push_back([d = std::move(op.get_done), e = std::move(*error)] { d(e); });
      else
        calls.push_back([d = std::move(op.get_done), v = std::move(op.get_result)]() mutable {
          d(std::move(v));
        });
    }
    ops_.erase(op.id);  // destroys op (and may close a replaced session)
  }

  void shutdown() {
    Calls calls;
    {
      std::lock_guard g(netsnmp_lock());
      std::vector<uint64_t> ids;
      for (auto& [id, op] : ops_) ids.push_back(id);
      for (uint64_t id : ids)
        if (auto it = ops_.find(id); it != ops_.end())
          finish(*it->second, Error{kReasonTransport, it->second->peer.key + ": engine stopped"},
                 calls);
      ready_.clear();
      dns_waiting_.clear();
      // Closing a session may call on_netsnmp for its requests: let it find nothing.
      auto wire = std::move(wire_);
      wire_.clear();
      auto sessions = std::move(sessions_);
      sessions_.clear();
      for (netsnmp_pdu* reply : inform_replies_) snmp_free_pdu(reply);
      inform_replies_.clear();
      received_traps_.clear();
      accepted_.clear();
      rejected_.clear();
      drop_listener();
      wire.clear();
      sessions.clear();  // closes every session (their ops are gone)
      replies_.clear();
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
  std::chrono::steady_clock::time_point drops_read_at_;  // engine thread only

  // Engine thread only.
  std::unordered_map<std::string, std::shared_ptr<Session>> sessions_;
  std::unordered_map<uint64_t, std::unique_ptr<Op>> ops_;
  std::unique_ptr<Resolver> resolver_;
  std::unordered_map<std::string, std::vector<uint64_t>> dns_waiting_;  // name -> ops
  std::deque<uint64_t> ready_;                 // ops waiting for a slot, FIFO
  std::unordered_map<uint64_t, Sent> wire_;    // token -> PDU on the wire
  std::vector<Reply> replies_;                 // filled by on_netsnmp
  std::unordered_map<std::string, std::string> engine_of_;  // target key -> engine ID
  std::unordered_map<std::string, std::map<std::string, std::string>> by_engine_;  // ID -> key -> address
  uint64_t next_op_ = 1;
  uint64_t next_token_ = 1;
  // The notification receiver (engine thread only).
  std::unique_ptr<Listener> listener_;
  bool listener_fd_polled_ = false;             // pfds[1] is the listener's socket
  std::vector<Received> received_traps_;        // filled by on_notification
  std::vector<netsnmp_pdu*> inform_replies_;    // owned until sent
  std::vector<Notification> accepted_;
  std::vector<RejectedNotification> rejected_;
};

}  // namespace

std::unique_ptr<Engine> make_netsnmp_engine(const NetSnmpOptions& options) {
  return std::make_unique<NetSnmpEngine>(options);
}

}  // namespace lw::snmp
