#pragma once
// The session layer of the Net-SNMP engine: one Net-SNMP single session (and its UDP socket)
// per polled target, what the engine remembers about it, and SNMPv3 engine-ID discovery.
//
// A Session is opened for a Peer (address already resolved) and kept under the target's key
// until the Peer changes or the target is forgotten. For SNMPv3 it also owns the target's own
// USM user (snmp/usm_users.h), created once the agent's engine ID is learnt: the engine sends
// discovery_probe() (an unauthenticated empty GET, RFC 3414 section 4) without blocking, and
// hands the engine ID of the REPORT that answers it to learn_engine_id(). EngineIdBook keeps
// which target answered with which engine ID, to tell an operator about a replaced device (ID
// changed) or cloned ones (one ID from two addresses).
//
// Ownership: the engine holds Sessions by shared_ptr (a PDU on the wire keeps its session
// alive after the target was forgotten or reconfigured); closing happens in the destructor.
//
// Thread safety: none. Engine thread only, with the Net-SNMP lock held (snmp/netsnmp_library.h),
// including when the last shared_ptr to a Session is dropped.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "snmp/engine.h"
#include "snmp/usm_users.h"

struct snmp_pdu;
struct snmp_session;

namespace lw::snmp::detail {

// Net-SNMP's asynchronous response callback (netsnmp_callback).
using NetSnmpCallback = int (*)(int op, snmp_session* session, int reqid, snmp_pdu* pdu, void* magic);

struct Session {
  Peer config;  // what it was opened with (compared on reuse)
  void* sp = nullptr;  // snmp_sess_open's opaque session
  int fd = -1;
  bool v3 = false;
  bool discovered = true;  // v3: the agent's engine ID is known and the USM user exists
  UsmUserPtr user;         // v3: this session's own USM user
  // v3: an answer on this socket named a user we do not have under any engine ID we know:
  // the agent now has another engine ID (Net-SNMP drops its usmStatsUnknownEngineIDs report).
  bool engine_suspect = false;
  // Datagrams read from this socket that Net-SNMP could not use: unparsable, or a response
  // matching no request (wrong request-id, late, forged). A timeout after such a reply is
  // `decode`: the peer did answer, with garbage.
  uint64_t malformed = 0;
  bool probing = false;
  std::vector<uint64_t> waiting;  // engine ops waiting for discovery
  int outstanding = 0;            // PDUs on the wire
  uint64_t polled_in = 0;         // the engine's poll round that last listed this socket

  Session() = default;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session();  // closes the Net-SNMP session (and its socket)
};

// Opens a session for `peer` (its address a literal, not a name). Error (reason transport or
// auth) naming the peer's key.
Result<std::shared_ptr<Session>> open_session_for(const Peer& peer);

// True if a session opened for `a` can serve `b` (same address, credentials, timing).
bool same_session_config(const Peer& a, const Peer& b);

// Sends `pdu` on `s` (its USM user installed first: v3 keys are looked up as the message is
// built). On success Net-SNMP owns the PDU and will call `callback` with `magic` exactly once
// for it (answer, timeout or error); on failure the PDU is freed and `error` says why.
bool send_pdu(Session& s, snmp_pdu* pdu, NetSnmpCallback callback, void* magic, std::string& error);

// v3: the engine-ID discovery probe, an unauthenticated empty GET. Owned by the caller until sent.
snmp_pdu* discovery_probe();

// v3: the agent's engine ID (raw bytes, from the REPORT answering discovery_probe()) is known:
// address the agent by it and create the session's own USM user. Error (reason auth) if the
// credentials cannot be used.
Status learn_engine_id(Session& s, const std::string& engine_id);

// v3: forget what was learnt of the agent's engine (ID, user keys); the next send probes again.
void forget_engine_id(Session& s);

// Which target answered with which SNMPv3 engine ID.
class EngineIdBook {
 public:
  struct Noted {
    bool changed = false;              // the target's engine ID is not the one it had
    std::vector<std::string> notices;  // for the operator, naming the targets
    uint64_t duplicates = 0;           // 1 when the target joins an ID another address answers with
  };
  // Targets sharing one engine ID that are named in notices; later ones are counted only.
  static constexpr size_t kNamedClones = 10;
  // Target `key` at `address` answered with engine ID `id` (raw bytes).
  Noted note(const std::string& key, const std::string& address, const std::string& id);
  // The target is gone from the config.
  void forget(const std::string& key);

 private:
  std::unordered_map<std::string, std::string> engine_of_;  // target key -> engine ID
  std::unordered_map<std::string, std::map<std::string, std::string>> by_engine_;  // ID -> key -> address
};

}  // namespace lw::snmp::detail
