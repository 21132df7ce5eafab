#pragma once
// NetSnmpEngine: the real Engine: SNMPv1/v2c on a shared socket transport, SNMPv3 on
// Net-SNMP's single-session asynchronous API.
//
// Net-SNMP is not thread-safe (README.thread), so one thread, started by the constructor and
// joined by the destructor, owns init_snmp, every session and the event loop over all of
// them (snmp_sess_async_send / select_info2 / read2 / timeout; for v1/v2c the shared
// transport's snmp_build / snmp_parse). Other threads hand it work
// through a queue and a wake-up pipe. At most `max_in_flight` PDUs are outstanding at once;
// the rest wait in FIFO order, so a dead peer costs its own timeouts and nothing else.
//
// The loop lives in netsnmp_engine.cc; the parts it drives each have a file of their own
// (netsnmp_library, shared_transport, netsnmp_session, netsnmp_receiver, trap_listener,
// get_cursor, walk, multi_walk; see docs/architecture.md, "Threads"). A poll
// (get_and_walk) is one op: its walks share each GETBULK and its GET rides along the first.
//
// Details worth knowing:
// - Net-SNMP is set up to read no config files, load no MIBs, keep no persistent state and log
//   nothing. Several engines in one process are safe (a process-wide lock serialises their
//   Net-SNMP calls) but pointless: use one.
// - SNMPv1/v2c targets share one UDP socket per address family (snmp/shared_transport.h):
//   no session, socket or descriptor per target. Each SNMPv3 target keeps a Net-SNMP session
//   with its own socket: N v3 peers need N file descriptors (raise LimitNOFILE for thousands).
// - SNMPv3 engine-ID discovery is asynchronous (no blocking probe). Each session owns its USM
//   user (snmp/usm_users.h), so two Peers naming the same agent and user with different
//   passwords each get their own result. An agent that answers usmStatsUnknownEngineIDs (its
//   engine ID changed) is discovered again; a changed ID and one ID answered from two
//   addresses (cloned devices) are counted in EngineStats and told to `on_notice`.
// - DNS names are resolved off the engine thread (snmp/resolver.h): a request to a name
//   waits for its first answer without holding up the others, answers are renewed every
//   `dns_refresh` and after a timeout, and a name that does not resolve is `dns`.
// - A wrong v2c community or v3 privacy password is silently dropped by agents: `timeout`.
//   Unknown user, wrong auth digest and similar USM reports are `auth`.
// - Opaque-wrapped float/double values arrive as Type::Opaque holding their decimal text.
//
// Thread safety: all public methods may be called from any thread; callbacks run on the
// engine thread. The destructor answers every pending request with kReasonTransport
// ("engine stopped") and joins the thread promptly (no waiting for timeouts).

#include <functional>
#include <memory>
#include <string>

#include "snmp/engine.h"
#include "snmp/resolver.h"

namespace lw::snmp {

struct NetSnmpOptions {
  int max_in_flight = 512;
  std::string app_name = "linkwatchd";  // init_snmp() type; no config files are read
  // Things an operator should hear about (engine ID changed or shared), naming the targets.
  // Runs on the engine thread, outside the Net-SNMP lock; must not block. May be empty.
  std::function<void(const std::string&)> on_notice;
  // Receive buffer of the notification socket, bytes (0: the kernel's default). Traps come
  // in bursts (a power cut at a site): what the buffer cannot hold, the kernel drops, and
  // EngineStats::trap_socket_drops counts.
  int64_t trap_receive_buffer = 4 << 20;
  // DNS names of peers: how often they are resolved again, how soon a failure is retried,
  // and (tests) the resolver itself; empty: getaddrinfo().
  ResolverOptions dns;
};

// Starts the engine thread. Never returns null; a failure to set up (no sockets) is reported
// per request as kReasonTransport.
std::unique_ptr<Engine> make_netsnmp_engine(const NetSnmpOptions& options);

}  // namespace lw::snmp
