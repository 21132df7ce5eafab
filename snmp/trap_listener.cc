#include "snmp/trap_listener.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include <poll.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "snmp/netsnmp_convert.h"
#include "snmp/socket_stats.h"

namespace lw::snmp::detail {
namespace {

thread_local TrapListener* t_reading = nullptr;  // the listener inside snmp_sess_read2 now

// Net-SNMP's USM counters of messages dropped before any callback: a rise while reading the
// receiver's socket is a rejected v3 notification. Unknown engine ID and time window reports
// are left out: they are the normal discovery of an INFORM sender.
uint64_t usm_drops() {
  return uint64_t{snmp_get_statistic(STAT_USMSTATSUNKNOWNUSERNAMES)} +
         snmp_get_statistic(STAT_USMSTATSWRONGDIGESTS) + snmp_get_statistic(STAT_USMSTATSDECRYPTIONERRORS) +
         snmp_get_statistic(STAT_USMSTATSUNSUPPORTEDSECLEVELS);
}

}  // namespace

Result<std::unique_ptr<TrapListener>> TrapListener::open(
    const std::string& address, std::vector<std::shared_ptr<const Credentials>> accept,
    NotificationHandlers handlers, const std::string& app_name, int64_t receive_buffer) {
  auto spec = to_peername(address, "162");
  if (!spec) return Error{kReasonTransport, "notification receiver: " + spec.error().detail};
  std::unique_ptr<TrapListener> l(new TrapListener());
  l->accept_ = std::move(accept);
  l->handlers_ = std::move(handlers);
  // USM users: under the local engine ID (INFORMs) and the sender's, if known (TRAPs).
  u_char local[SNMP_MAXBUF_SMALL];
  const size_t local_len = snmpv3_get_engineID(local, sizeof local);
  for (const auto& cred : l->accept_) {
    if (!cred || cred->version != Credentials::Version::V3) continue;
    std::vector<std::string> ids;
    if (local_len > 0) ids.emplace_back(reinterpret_cast<const char*>(local), local_len);
    if (!cred->engine_id.empty()) ids.push_back(cred->engine_id);
    for (const auto& id : ids) {
      auto user = make_usm_user(*cred, id);
      if (!user) return Error{user.error().reason, "notification receiver: " + user.error().detail};
      l->users_.push_back(std::move(*user));
    }
  }
  netsnmp_transport* t = netsnmp_transport_open_server(app_name.c_str(), spec->c_str());
  if (!t)
    return Error{kReasonTransport, "notification receiver: cannot listen on " + *spec + ": " +
                                       std::strerror(errno)};
  netsnmp_session s;
  snmp_sess_init(&s);
  s.peername = nullptr;
  s.version = SNMP_DEFAULT_VERSION;  // any version: each PDU is checked on its own
  s.callback = &TrapListener::on_notification;
  s.callback_magic = nullptr;
  s.isAuthoritative = SNMP_SESS_UNKNOWNAUTH;  // authoritative for INFORMs, not for TRAPs
  l->sp_ = snmp_sess_add(&s, t, nullptr, nullptr);  // frees the transport on failure
  if (!l->sp_)
    return Error{kReasonTransport, "notification receiver: cannot set up a session on " + *spec};
  netsnmp_transport* st = snmp_sess_transport(l->sp_);
  l->fd_ = st ? st->sock : -1;
  if (l->fd_ >= 0 && receive_buffer > 0) set_receive_buffer(l->fd_, receive_buffer);
  l->receive_buffer_ = l->fd_ >= 0 ? detail::receive_buffer(l->fd_).value_or(0) : 0;
  return l;
}

TrapListener::~TrapListener() {
  for (snmp_pdu* reply : inform_replies_) snmp_free_pdu(reply);
  if (sp_) snmp_sess_close(sp_);
  // users_ go after the session: each leaves Net-SNMP's table as it is freed.
}

std::optional<uint64_t> TrapListener::socket_drops() const {
  if (fd_ < 0) return std::nullopt;
  return detail::socket_drops(fd_);
}

// Copy out, never act: we are inside snmp_sess_read2.
int TrapListener::on_notification(int op, snmp_session* /*session*/, int /*reqid*/, snmp_pdu* pdu,
                                  void* /*magic*/) {
  TrapListener* self = t_reading;
  if (!self || op != NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE || !pdu) return 1;
  // After a USM failure Net-SNMP 5.9 still calls back, with an empty PDU (command 0): it
  // is counted from the USM statistics instead (read()).
  if (pdu->command == 0) return 1;
  Received r;
  r.source = sender_address(*pdu);
  r.version = static_cast<int>(pdu->version);
  r.command = pdu->command;
  if (pdu->community && pdu->community_len)
    r.community.assign(reinterpret_cast<const char*>(pdu->community), pdu->community_len);
  if (pdu->securityName && pdu->securityNameLen) r.user.assign(pdu->securityName, pdu->securityNameLen);
  r.level = pdu->securityLevel;
  r.notification = to_notification(*pdu);
  if (pdu->command == SNMP_MSG_INFORM) {
    // Answered once the read is over: a response is the same PDU, command changed.
    if (netsnmp_pdu* reply = snmp_clone_pdu(pdu)) {
      reply->command = SNMP_MSG_RESPONSE;
      reply->errstat = 0;
      reply->errindex = 0;
      self->inform_replies_.push_back(reply);
    }
  }
  self->received_.push_back(std::move(r));
  return 1;
}

void TrapListener::read(int max_datagrams) {
  t_reading = this;
  for (int i = 0; i < max_datagrams; ++i) {
    const uint64_t drops_before = usm_drops();
    const uint64_t garbage_before = snmp_get_statistic(STAT_SNMPINASNPARSEERRS);
    for (auto& u : users_) install(u.get());
    snmp_sess_read2(sp_, static_cast<netsnmp_large_fd_set*>(fds_.hold(fd_)));
    fds_.release(fd_);
    const uint64_t drops = usm_drops() - drops_before;
    for (uint64_t d = 0; d < drops; ++d) rejected_.push_back({"", kRejectAuth});
    const uint64_t garbage = snmp_get_statistic(STAT_SNMPINASNPARSEERRS) - garbage_before;
    for (uint64_t d = 0; d < garbage; ++d) rejected_.push_back({"", kRejectDecode});
    for (netsnmp_pdu* reply : inform_replies_)
      if (snmp_sess_send(sp_, reply) == 0) snmp_free_pdu(reply);
    inform_replies_.clear();
    pollfd more{fd_, POLLIN, 0};
    if (poll(&more, 1, 0) <= 0 || !(more.revents & POLLIN)) break;
  }
  t_reading = nullptr;
  for (auto& r : received_) judge(std::move(r));
  received_.clear();
}

// Checks a received PDU against the accepted credentials.
void TrapListener::judge(Received r) {
  auto reject = [&](const char* why) { rejected_.push_back({r.source, why}); };
  if (r.command != SNMP_MSG_TRAP && r.command != SNMP_MSG_TRAP2 && r.command != SNMP_MSG_INFORM)
    return reject(kRejectDecode);
  bool ok = false;
  for (const auto& c : accept_) {
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
  if (!r.notification) return reject(kRejectDecode);
  accepted_.push_back(std::move(*r.notification));
}

void TrapListener::deliver(std::vector<std::function<void()>>& calls) {
  for (auto& n : accepted_)
    if (handlers_.accepted) calls.push_back([f = handlers_.accepted, n = std::move(n)]() mutable { f(std::move(n)); });
  for (auto& r : rejected_)
    if (handlers_.rejected) calls.push_back([f = handlers_.rejected, r = std::move(r)]() mutable { f(std::move(r)); });
  accepted_.clear();
  rejected_.clear();
}

}  // namespace lw::snmp::detail
