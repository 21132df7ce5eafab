#pragma once
// NetSnmpEngine: the real Engine, on Net-SNMP's single-session asynchronous API.
//
// Net-SNMP is not thread-safe (README.thread), so one thread, started by the constructor and
// joined by the destructor, owns init_snmp, every session and the event loop over all of
// them (snmp_sess_async_send / select_info2 / read2 / timeout). Other threads hand it work
// through a queue and a wake-up pipe. At most `max_in_flight` PDUs are outstanding at once;
// the rest wait in FIFO order, so a dead peer costs its own timeouts and nothing else.
//
// Thread safety: all public methods may be called from any thread; callbacks run on the
// engine thread.

#include <memory>

#include "snmp/engine.h"

namespace lw::snmp {

struct NetSnmpOptions {
  int max_in_flight = 512;
  std::string app_name = "linkwatchd";  // init_snmp() type; no config files are read
};

// Starts the engine thread. Never returns null; a failure to set up (no sockets) is reported
// per request as kReasonTransport.
std::unique_ptr<Engine> make_netsnmp_engine(const NetSnmpOptions& options);

}  // namespace lw::snmp
