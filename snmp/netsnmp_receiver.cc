#include "snmp/netsnmp_receiver.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include <sys/socket.h>

#include <utility>

#include "snmp/netsnmp_convert.h"

namespace lw::snmp::detail {
namespace {

thread_local ReplyCollector* t_collector = nullptr;  // the collector bound to this thread

}  // namespace

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

ReplyCollector::ReplyCollector(std::function<bool(uint64_t)> wanted) : wanted_(std::move(wanted)) {}

ReplyCollector::~ReplyCollector() {
  if (t_collector == this) t_collector = nullptr;
}

void ReplyCollector::bind() { t_collector = this; }

NetSnmpCallback ReplyCollector::callback() { return &ReplyCollector::on_netsnmp; }

void* ReplyCollector::magic(uint64_t token) {
  return reinterpret_cast<void*>(static_cast<uintptr_t>(token));
}

std::vector<Reply> ReplyCollector::take() {
  std::vector<Reply> out = std::move(replies_);
  replies_.clear();
  return out;
}

// Record, never act: we are inside snmp_sess_read2/timeout.
int ReplyCollector::on_netsnmp(int op, snmp_session* /*session*/, int /*reqid*/, snmp_pdu* pdu,
                               void* magic) {
  ReplyCollector* self = t_collector;
  if (!self) return 1;
  const auto token = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(magic));
  if (op == NETSNMP_CALLBACK_OP_RESEND || op == NETSNMP_CALLBACK_OP_CONNECT) return 1;
  if (!self->wanted_(token)) return 1;
  Reply r;
  r.token = token;
  r.op = op;
  // Net-SNMP 5.9 hands some REPORTs over as SEC_ERROR; their content matters just the same.
  if ((op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE || op == NETSNMP_CALLBACK_OP_SEC_ERROR) && pdu) {
    r.command = pdu->command;
    r.errstat = pdu->errstat;
    r.errindex = pdu->errindex;
    if (pdu->command == SNMP_MSG_REPORT) {
      r.report = snmpv3_get_report_type(pdu);
      if (pdu->securityEngineID && pdu->securityEngineIDLen > 0 && pdu->securityEngineIDLen <= 64)
        r.engine_id.assign(reinterpret_cast<const char*>(pdu->securityEngineID), pdu->securityEngineIDLen);
    } else {
      r.varbinds = to_varbinds(*pdu);
    }
  }
  self->replies_.push_back(std::move(r));
  return 1;
}

void ReplyCollector::read(Session& s, int max_datagrams, bool readable) {
  install(s.user.get());  // answers are authenticated with this session's keys
  const uint64_t unknown_before = snmp_get_statistic(STAT_USMSTATSUNKNOWNUSERNAMES);
  for (int i = 0; i < max_datagrams && s.outstanding > 0; ++i) {
    // One datagram per read (UDP). One that makes no callback was thrown away by Net-SNMP:
    // unparsable, or matching no request. (Its statistics miss some of these.) The socket
    // blocks: read only what is there.
    char byte;
    if ((i > 0 || !readable) && recv(s.fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) < 0) break;
    const size_t replies_before = replies_.size();
    snmp_sess_read2(s.sp, static_cast<netsnmp_large_fd_set*>(fds_.hold(s.fd)));
    fds_.release(s.fd);
    if (replies_.size() == replies_before) ++s.malformed;
  }
  if (s.v3 && snmp_get_statistic(STAT_USMSTATSUNKNOWNUSERNAMES) != unknown_before) s.engine_suspect = true;
}

}  // namespace lw::snmp::detail
