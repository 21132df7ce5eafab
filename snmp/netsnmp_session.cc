#include "snmp/netsnmp_session.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "snmp/netsnmp_convert.h"

namespace lw::snmp::detail {
namespace {

std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out = "0x";
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

}  // namespace

Session::~Session() {
  if (sp) snmp_sess_close(sp);
}

Result<std::shared_ptr<Session>> open_session_for(const Peer& peer) {
  auto sp = open_session(peer);
  if (!sp) return sp.error();
  auto s = std::make_shared<Session>();
  s->config = peer;
  s->sp = *sp;
  netsnmp_transport* t = snmp_sess_transport(s->sp);
  s->fd = t ? t->sock : -1;
  s->v3 = peer.credentials && peer.credentials->version == Credentials::Version::V3;
  s->discovered = !s->v3;
  return s;
}

bool same_session_config(const Peer& a, const Peer& b) {
  const bool creds = (a.credentials && b.credentials) ? *a.credentials == *b.credentials
                                                      : a.credentials == b.credentials;
  return creds && a.address == b.address && a.timeout == b.timeout && a.retries == b.retries;
}

bool send_pdu(Session& s, snmp_pdu* pdu, NetSnmpCallback callback, void* magic, std::string& error) {
  install(s.user.get());  // the message is built (and its keys looked up) now
  if (snmp_sess_async_send(s.sp, pdu, callback, magic) == 0) {
    snmp_free_pdu(pdu);
    int liberr = 0, syserr = 0;
    char* msg = nullptr;
    snmp_sess_error(s.sp, &liberr, &syserr, &msg);
    error = msg ? msg : "send failed";
    free(msg);
    return false;
  }
  ++s.outstanding;
  return true;
}

snmp_pdu* discovery_probe() {
  netsnmp_pdu* pdu = snmp_pdu_create(SNMP_MSG_GET);
  pdu->version = SNMP_VERSION_3;
  pdu->securityModel = SNMP_SEC_MODEL_USM;
  pdu->securityLevel = SNMP_SEC_LEVEL_NOAUTH;
  pdu->securityName = strdup("");
  pdu->securityNameLen = 0;
  return pdu;
}

Status learn_engine_id(Session& s, const std::string& engine_id) {
  if (netsnmp_session* ss = snmp_sess_session(s.sp)) {
    if (ss->securityEngineIDLen == 0) {
      ss->securityEngineID = static_cast<u_char*>(netsnmp_memdup(engine_id.data(), engine_id.size()));
      ss->securityEngineIDLen = engine_id.size();
    }
    // This session's own user: Net-SNMP's table is shared by every session of the process.
    auto user = make_usm_user(*ss);
    if (!user) return Error{kReasonAuth, s.config.key + ": cannot set up the USM user"};
    s.user = std::move(*user);
  }
  s.discovered = true;
  return std::nullopt;
}

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

EngineIdBook::Noted EngineIdBook::note(const std::string& key, const std::string& address,
                                       const std::string& id) {
  Noted out;
  auto& known = engine_of_[key];
  if (!known.empty() && known != id) {
    out.changed = true;
    out.notices.push_back(key + ": the SNMPv3 engine ID of " + address + " changed from " + hex(known) +
                          " to " + hex(id) + " (device replaced or reconfigured); keys localized again");
    if (auto it = by_engine_.find(known); it != by_engine_.end()) {
      it->second.erase(key);
      if (it->second.empty()) by_engine_.erase(it);
    }
  }
  known = id;
  auto& sharers = by_engine_[id];
  // One duplicate (and at most one notice) per target joining an ID that answers from another
  // address, not one per pair: a thousand devices of one cloned image would otherwise log half
  // a million lines. The first few are named; the rest are counted only.
  const bool joined = sharers.find(key) == sharers.end();
  const auto other = std::find_if(sharers.begin(), sharers.end(), [&](const auto& kv) {
    return kv.first != key && kv.second != address;
  });
  if (joined && other != sharers.end()) {
    ++out.duplicates;
    const size_t clones = sharers.size();  // the targets already answering with this ID
    if (clones == 1)
      out.notices.push_back("targets " + other->first + " (" + other->second + ") and " + key + " (" + address +
                            ") answer with the same SNMPv3 engine ID " + hex(id) +
                            " (cloned configuration?): their time windows collide; give each device its own engine ID");
    else if (clones < kNamedClones)
      out.notices.push_back("target " + key + " (" + address + ") answers with the SNMPv3 engine ID " + hex(id) +
                            " of " + std::to_string(clones) + " other targets (" + other->first +
                            ", ...): give each device its own engine ID");
    else if (clones == kNamedClones)
      out.notices.push_back("more targets answer with the SNMPv3 engine ID " + hex(id) + " (" + key + " is the " +
                            std::to_string(clones + 1) +
                            "th); the next are only counted in linkwatch_snmp_engine_id_duplicates_total");
  }
  sharers[key] = address;
  return out;
}

void EngineIdBook::forget(const std::string& key) {
  auto it = engine_of_.find(key);
  if (it == engine_of_.end()) return;
  if (auto b = by_engine_.find(it->second); b != by_engine_.end()) {
    b->second.erase(key);
    if (b->second.empty()) by_engine_.erase(b);
  }
  engine_of_.erase(it);
}

}  // namespace lw::snmp::detail
