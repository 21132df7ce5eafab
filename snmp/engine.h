#pragma once
// The SNMP engine: the only seam between linkwatch and the SNMP wire.
//
// Callers describe a peer (address + credentials + timing) and ask for GETs and walks; the
// engine answers each request exactly once through its callback, with the varbinds or an
// Error whose `reason` is one of the kReason* values below. Walks keep what they read before
// a failure (partial results), so one broken table never hides the rest of a device.
//
// The engine bounds the requests on the wire (`max_in_flight`) and queues the rest; a slow
// or dead peer only occupies its own requests, never delays another's.
//
// Implementations: NetSnmpEngine (snmp/netsnmp_engine.h, the real one, one thread owning
// every Net-SNMP call) and FakeEngine (snmp/fake_engine.h, an in-memory agent for tests).
//
// An engine may also receive notifications (traps and informs) on a listening socket:
// listen_for_notifications() below; by default an engine cannot.
//
// Thread safety: get(), walk(), walk_together(), forget() and stats() may be called from any
// thread. Callbacks run on the engine's own thread: they must be short and must not block;
// they may call get()/walk() again (the request is queued, not run re-entrantly).
// listen_for_notifications() may be called from any thread except the engine's own (it waits
// for the engine thread to bind).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "snmp/types.h"

namespace lw::snmp {

// Error reasons an engine reports (label values of linkwatch_poll_errors_total).
inline constexpr const char* kReasonTimeout = "timeout";          // no answer after retries
inline constexpr const char* kReasonAuth = "auth";                // v3 USM failure / bad community report
inline constexpr const char* kReasonAgentError = "agent_error";   // error-status in a response, or a broken walk
inline constexpr const char* kReasonTooBig = "too_big";           // tooBig even with one repetition
inline constexpr const char* kReasonOidNotIncreasing = "oid_not_increasing";  // walk loop guard
inline constexpr const char* kReasonRowCap = "row_cap";           // walk stopped at the row cap
inline constexpr const char* kReasonTransport = "transport";      // socket / address resolution
inline constexpr const char* kReasonDecode = "decode";            // garbage from the peer
inline constexpr const char* kReasonDns = "dns";                  // the peer's name does not resolve

struct Credentials {
  enum class Version : uint8_t { V1 = 1, V2c = 2, V3 = 3 };
  enum class Level : uint8_t { NoAuthNoPriv, AuthNoPriv, AuthPriv };
  enum class AuthProto : uint8_t { None, MD5, SHA, SHA224, SHA256, SHA384, SHA512 };
  enum class PrivProto : uint8_t { None, DES, AES, AES192, AES256 };

  Version version = Version::V2c;
  std::string community;  // v1 / v2c
  std::string username;   // v3
  Level level = Level::NoAuthNoPriv;
  AuthProto auth = AuthProto::None;
  std::string auth_password;  // secret: never logged
  PrivProto priv = PrivProto::None;
  std::string priv_password;  // secret: never logged
  std::string context;
  // v3 notification receivers only: the raw bytes of the sender's (authoritative) engine ID,
  // under which its TRAPs are authenticated. Empty: v3 TRAPs of this user are not accepted
  // (INFORMs are: they use the receiver's engine ID).
  std::string engine_id;

  bool operator==(const Credentials&) const = default;
};

// Everything the engine needs to talk to one peer. `key` names the peer (the target name):
// the engine may keep a session per key across requests (v3 engine-ID discovery is costly)
// and re-creates it when the rest of the Peer changes.
struct Peer {
  std::string key;
  std::string address;  // "127.0.0.1", "127.0.0.1:1161", "[::1]:161", "router.example"
  std::shared_ptr<const Credentials> credentials;
  std::chrono::milliseconds timeout{2000};
  int retries = 1;
  int max_repetitions = 25;  // GETBULK; ignored for v1 (GETNEXT)
  int max_rows = 100000;     // walk row cap (huge tables, looping agents)
  // walk_together() asks for every subtree in one GETBULK (v2c/v3); false: one walk each, for
  // agents that mishandle a GETBULK of several varbinds.
  bool combine_walks = true;

  // GETBULK (v2c, v3, and a peer without credentials) rather than v1's GETNEXT.
  bool bulk() const { return !credentials || credentials->version != Credentials::Version::V1; }
  // Several walks of this peer may share each request (snmp/multi_walk.h).
  bool walks_together() const { return bulk() && combine_walks; }
};

struct WalkResult {
  // In agent order, each inside the walked subtree, strictly increasing (WalkCursor ends a
  // walk that is not: collect::ModuleView::walked_parts_increasing relies on it).
  VarBinds varbinds;
  std::optional<Error> error;  // set if the walk ended early; varbinds keeps what was read
};

// A poll's answers (Engine::get_and_walk): the GET's, and one WalkResult per root.
struct PollResult {
  Result<VarBinds> scalars = VarBinds{};
  std::vector<WalkResult> walks;
};

// An error that means the peer did not answer at all (as opposed to answering with an error):
// nothing else need be asked of it this time.
inline bool no_answer(const Error& e) {
  return e.reason == kReasonTimeout || e.reason == kReasonAuth || e.reason == kReasonTransport ||
         e.reason == kReasonDecode || e.reason == kReasonDns;
}

struct EngineStats {
  int64_t in_flight = 0;       // requests on the wire now
  int64_t queued = 0;          // waiting for a slot
  uint64_t pdus_sent = 0;
  uint64_t pdus_received = 0;
  uint64_t engine_id_changes = 0;     // v3: a target answered with a new engine ID (rediscovered)
  uint64_t engine_id_duplicates = 0;  // v3: two addresses answered with one engine ID (clones)
  // The notification receiver's socket (0 without one): its receive buffer as the kernel
  // reports it, and the datagrams the kernel dropped there because that buffer was full.
  int64_t trap_receive_buffer = 0;
  uint64_t trap_socket_drops = 0;
};

// A notification received and accepted (credentials checked). SNMPv1 traps arrive translated
// as RFC 3584 section 3.1 says: trap_oid from generic/specific trap, and the v1 agent-addr
// as a snmpTrapAddress.0 varbind appended (unless it is 0.0.0.0).
struct Notification {
  std::string source;  // the sender's IP address as text: "127.0.0.1", "::1" (v4-mapped made v4)
  Oid trap_oid;        // snmpTrapOID.0; empty if the sender left it out
  VarBinds varbinds;   // as received (v2c/v3: sysUpTime.0 and snmpTrapOID.0 included)
};

// A notification dropped before it reached the handler.
inline constexpr const char* kRejectCommunity = "community";  // v1/v2c community not accepted
inline constexpr const char* kRejectAuth = "auth";  // v3: unknown user/engine ID, bad digest, decryption, level
inline constexpr const char* kRejectDecode = "decode";  // not a notification we can read
struct RejectedNotification {
  std::string source;  // sender's IP address; empty when Net-SNMP dropped it before we saw it (v3 USM)
  std::string reason;  // one of kReject*
};

struct NotificationHandlers {
  std::function<void(Notification)> accepted;
  std::function<void(RejectedNotification)> rejected;  // may be empty
};

class Engine {
 public:
  using GetCallback = std::function<void(Result<VarBinds>)>;
  using WalkCallback = std::function<void(WalkResult)>;
  using WalksCallback = std::function<void(std::vector<WalkResult>)>;
  using PollCallback = std::function<void(PollResult)>;

  virtual ~Engine() = default;

  // GET of the given OIDs (split into several PDUs if large). The result holds one varbind
  // per requested OID, in order; a missing instance is a varbind with an exception value.
  virtual void get(const Peer& peer, std::vector<Oid> oids, GetCallback done) = 0;

  // Walk the subtree under `root` with GETBULK (v2c/v3) or GETNEXT (v1).
  void walk(const Peer& peer, Oid root, WalkCallback done) {
    std::vector<Oid> roots;
    roots.push_back(std::move(root));
    walk_together(peer, std::move(roots),
                  [done = std::move(done)](std::vector<WalkResult> r) { done(std::move(r.front())); });
  }

  // Walk several subtrees of one peer (`roots` not empty). One WalkResult per root, in order,
  // each what walk() would give. v2c/v3 with Peer::combine_walks: one GETBULK asks for the
  // next rows of every unfinished subtree (snmp/multi_walk.h), so the round trips are those
  // of the longest walk, not their sum. v1, or combine_walks off: one walk per subtree, all
  // at once.
  virtual void walk_together(const Peer& peer, std::vector<Oid> roots, WalksCallback done) = 0;

  // A poll: GET `oids` (not empty), then walk `roots` together (may be empty), answered once.
  // If the GET finds the peer silent (no_answer()), nothing more is asked and every walk
  // fails with the GET's error. v2c/v3 with Peer::combine_walks and walks to make, when
  // MultiWalkCursor::carries(oids) (scalar instances, X.0): the GET rides along the walks'
  // first GETBULK as non-repeaters, so a small device's poll is one or two datagrams.
  // Otherwise, and by default: get(), then walk_together().
  virtual void get_and_walk(const Peer& peer, std::vector<Oid> oids, std::vector<Oid> roots, PollCallback done) {
    get_then_walk(*this, peer, std::move(oids), std::move(roots), std::move(done));
  }

  // Drop any session kept for `key` (target removed from the config).
  virtual void forget(const std::string& key) = 0;

  virtual EngineStats stats() const = 0;

  // Listens for notifications on `address` (UDP; "host:port", "[v6]:port"; port 162 if not
  // given) and accepts those matching `accept`: v1/v2c by community (a v1 trap is accepted
  // with a v2c community too); v3 by USM user, at no less than the credential's security
  // level (TRAPs need Credentials::engine_id; INFORMs are answered). Handlers run on the
  // engine thread and must only hand the notification on. Calling again replaces the
  // listener. Returns an Error (reason kReasonTransport) if the address cannot be bound.
  virtual Status listen_for_notifications(const std::string& address,
                                          std::vector<std::shared_ptr<const Credentials>> accept,
                                          NotificationHandlers handlers) {
    (void)address;
    (void)accept;
    (void)handlers;
    return Error{kReasonTransport, "this SNMP engine cannot receive notifications"};
  }

 protected:
  // For implementations: get_and_walk() as a GET, then (if the peer answered) the walks.
  static void get_then_walk(Engine& engine, const Peer& peer, std::vector<Oid> oids, std::vector<Oid> roots,
                            PollCallback done) {
    engine.get(peer, std::move(oids),
               [&engine, peer, roots = std::move(roots), done = std::move(done)](Result<VarBinds> got) mutable {
                 PollResult result{std::move(got), {}};
                 if (roots.empty() || (!result.scalars.ok() && no_answer(result.scalars.error()))) {
                   if (!result.scalars.ok()) result.walks.assign(roots.size(), WalkResult{{}, result.scalars.error()});
                   done(std::move(result));
                   return;
                 }
                 auto shared = std::make_shared<PollResult>(std::move(result));
                 engine.walk_together(peer, std::move(roots),
                                      [shared, done = std::move(done)](std::vector<WalkResult> walks) {
                                        shared->walks = std::move(walks);
                                        done(std::move(*shared));
                                      });
               });
  }

  // For implementations: whether walk_together() must walk these `roots` apart.
  static bool walks_apart(const Peer& peer, const std::vector<Oid>& roots) {
    return roots.size() > 1 && !peer.walks_together();
  }

  // For implementations: walk_together() as separate walks. `one(root, done)` walks a single
  // root; `done` is answered once, after the last of them, with every result in root order.
  static void walk_apart(std::vector<Oid> roots, WalksCallback done,
                         const std::function<void(Oid, WalksCallback)>& one) {
    struct Gather {
      std::vector<WalkResult> results;
      std::atomic<size_t> left;
      WalksCallback done;
    };
    auto g = std::make_shared<Gather>();
    g->results.resize(roots.size());
    g->left.store(roots.size());
    g->done = std::move(done);
    for (size_t i = 0; i < roots.size(); ++i) {
      one(std::move(roots[i]), [g, i](std::vector<WalkResult> r) {
        g->results[i] = std::move(r.front());
        if (g->left.fetch_sub(1, std::memory_order_acq_rel) == 1) g->done(std::move(g->results));
      });
    }
  }
};

}  // namespace lw::snmp
