#pragma once
// The reply receiver of the Net-SNMP engine: reads a session's socket and turns what Net-SNMP's
// callbacks see into Reply values the engine's loop handles afterwards.
//
// Net-SNMP calls back from inside snmp_sess_read2()/snmp_sess_timeout(), with the session
// being read: acting there (sending the next PDU, closing a session) would re-enter it. So the
// callback only copies the PDU's content out into a Reply, keyed by the token the engine gave
// the PDU as callback magic; the engine acts on the Replies once the read is over.
//
// ReplyCollector::read() also counts the datagrams Net-SNMP threw away without a callback
// (unparsable, or matching no outstanding request) in Session::malformed, and marks a v3
// session engine_suspect when an answer names a user unknown under the engine IDs we know.
//
// Thread safety: none. Engine thread only, with the Net-SNMP lock held. A collector must be
// bound to the thread (bind()) before any PDU carrying its callback is sent.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "snmp/netsnmp_library.h"
#include "snmp/netsnmp_session.h"
#include "snmp/types.h"

namespace lw::snmp::detail {

struct Reply {  // what a Net-SNMP callback saw, copied out of its PDU
  uint64_t token = 0;
  int op = 0;  // NETSNMP_CALLBACK_OP_*
  int command = 0;
  long errstat = 0;
  long errindex = 0;
  int report = 0;  // snmpv3_get_report_type() of a REPORT
  std::optional<Result<VarBinds>> varbinds;
  std::string engine_id;  // a REPORT's securityEngineID (raw bytes)
  // The shared v1/v2c transport (snmp/shared_transport.h) only. TIMED_OUT: datagrams from the
  // peer's address and port that answered nothing while this request was on the wire.
  // SEND_FAILED: why the kernel refused the datagram.
  uint64_t unmatched = 0;
  std::string send_error;
};

// What a REPORT says, for an error's detail ("usmStatsWrongDigests (...)").
std::string report_text(int report);

class ReplyCollector {
 public:
  // `wanted(token)`: whether a callback for this token should be recorded (the engine still
  // waits for it).
  explicit ReplyCollector(std::function<bool(uint64_t)> wanted);
  ~ReplyCollector();
  ReplyCollector(const ReplyCollector&) = delete;
  ReplyCollector& operator=(const ReplyCollector&) = delete;

  // Callbacks on this thread record into this collector from now on (until destroyed).
  void bind();

  // The callback and magic to send a PDU with, for the engine's `token`.
  static NetSnmpCallback callback();
  static void* magic(uint64_t token);

  // Reads what is waiting on `s`'s socket, at most `max_datagrams`. `readable`: poll() said
  // a datagram is waiting (the first read needs no check).
  void read(Session& s, int max_datagrams, bool readable);

  bool empty() const { return replies_.empty(); }
  std::vector<Reply> take();

 private:
  static int on_netsnmp(int op, snmp_session* session, int reqid, snmp_pdu* pdu, void* magic);

  std::function<bool(uint64_t)> wanted_;
  OneFdSet fds_;
  std::vector<Reply> replies_;
};

}  // namespace lw::snmp::detail
