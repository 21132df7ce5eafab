#include "snmp/netsnmp_convert.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
// Net-SNMP #defines these PDU field aliases; they would rename Peer::max_repetitions.
#undef non_repeaters
#undef max_repetitions

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace lw::snmp::detail {
namespace {

Error transport_error(std::string detail) { return Error{kReasonTransport, std::move(detail)}; }

bool valid_port(std::string_view p) {
  if (p.empty() || p.size() > 5) return false;
  unsigned v = 0;
  auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
  return ec == std::errc() && ptr == p.data() + p.size() && v >= 1 && v <= 65535;
}

}  // namespace

Result<std::string> to_peername(std::string_view address, std::string_view default_port) {
  if (address.empty()) return transport_error("empty address");
  for (char c : address)
    if (c <= ' ' || c == '/' || c == '\x7f')
      return transport_error("bad character in address '" + std::string(address) + "'");
  std::string host;
  std::string port(default_port);
  bool v6 = false;
  if (address.front() == '[') {
    const size_t close = address.find(']');
    if (close == std::string_view::npos || close == 1)
      return transport_error("bad IPv6 address '" + std::string(address) + "'");
    host = std::string(address.substr(1, close - 1));
    std::string_view rest = address.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':' || !valid_port(rest.substr(1)))
        return transport_error("bad port in '" + std::string(address) + "'");
      port = std::string(rest.substr(1));
    }
    v6 = true;
  } else if (address.find(':') != address.rfind(':')) {  // bare IPv6 literal, no port
    host = std::string(address);
    v6 = true;
  } else if (const size_t colon = address.find(':'); colon != std::string_view::npos) {
    host = std::string(address.substr(0, colon));
    if (host.empty() || !valid_port(address.substr(colon + 1)))
      return transport_error("bad host:port '" + std::string(address) + "'");
    port = std::string(address.substr(colon + 1));
  } else {
    host = std::string(address);
  }
  if (v6) {
    for (char c : host)
      if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.' || c == '%'))
        return transport_error("bad IPv6 address '" + std::string(address) + "'");
    return "udp6:[" + host + "]:" + port;
  }
  return "udp:" + host + ":" + port;
}

Result<Value> to_value(const variable_list& var) {
  auto oid_arcs = [](const oid* arcs, size_t n) -> std::optional<Oid> {
    Oid out;
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      if (arcs[i] > 0xFFFFFFFFul) return std::nullopt;
      out.push_back(static_cast<uint32_t>(arcs[i]));
    }
    return out;
  };
  auto bytes = [&var]() {
    return var.val.string && var.val_len
               ? std::string(reinterpret_cast<const char*>(var.val.string), var.val_len)
               : std::string();
  };
  auto u32 = [&var]() -> uint64_t {
    return var.val.integer ? static_cast<uint64_t>(*var.val.integer) & 0xFFFFFFFFull : 0;
  };
  auto c64 = [&var]() -> uint64_t {
    if (!var.val.counter64) return 0;
    return (static_cast<uint64_t>(var.val.counter64->high & 0xFFFFFFFFul) << 32) |
           (var.val.counter64->low & 0xFFFFFFFFul);
  };
  Value v;
  switch (var.type) {
    case ASN_INTEGER:
      v = Value::Int(var.val.integer ? static_cast<int64_t>(*var.val.integer) : 0);
      return v;
    case ASN_OCTET_STR:
    case ASN_NSAP:
      return Value::Str(bytes());
    case ASN_NULL:
      return Value{};
    case ASN_OBJECT_ID: {
      auto arcs = oid_arcs(var.val.objid, var.val.objid ? var.val_len / sizeof(oid) : 0);
      if (!arcs) return Error{kReasonDecode, "OBJECT IDENTIFIER value with an arc above 2^32-1"};
      v.type = Type::ObjectId;
      v.oid = std::move(*arcs);
      return v;
    }
    case ASN_IPADDRESS:
      v.type = Type::IpAddress;
      v.bytes = bytes();
      return v;
    case ASN_COUNTER:
      return Value::Unsigned(Type::Counter32, u32());
    case ASN_GAUGE:  // == ASN_UNSIGNED
    case ASN_UINTEGER:
      return Value::Unsigned(Type::Gauge32, u32());
    case ASN_TIMETICKS:
      return Value::Unsigned(Type::TimeTicks, u32());
    case ASN_OPAQUE:
      v.type = Type::Opaque;
      v.bytes = bytes();
      return v;
    case ASN_COUNTER64:
#ifdef NETSNMP_WITH_OPAQUE_SPECIAL_TYPES
    case ASN_OPAQUE_COUNTER64:
    case ASN_OPAQUE_U64:
#endif
      return Value::Unsigned(Type::Counter64, c64());
#ifdef NETSNMP_WITH_OPAQUE_SPECIAL_TYPES
    case ASN_OPAQUE_I64:
      return Value::Int(static_cast<int64_t>(c64()));
    case ASN_OPAQUE_FLOAT:
    case ASN_OPAQUE_DOUBLE: {
      // Net-SNMP unwraps these Opaque encodings; linkwatch has no float type, so the value
      // travels as an Opaque holding its decimal text.
      const double d = var.type == ASN_OPAQUE_FLOAT
                           ? (var.val.floatVal ? static_cast<double>(*var.val.floatVal) : 0.0)
                           : (var.val.doubleVal ? *var.val.doubleVal : 0.0);
      char buf[64];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
      v.type = Type::Opaque;
      v.bytes = ec == std::errc() ? std::string(buf, end) : std::string();
      return v;
    }
#endif
    case SNMP_NOSUCHOBJECT:
      return Value::Exception(Type::NoSuchObject);
    case SNMP_NOSUCHINSTANCE:
      return Value::Exception(Type::NoSuchInstance);
    case SNMP_ENDOFMIBVIEW:
      return Value::Exception(Type::EndOfMibView);
    default:
      break;
  }
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned>(var.type));
  return Error{kReasonDecode, std::string("unknown ASN.1 type ") + hex};
}

Result<VarBinds> to_varbinds(const snmp_pdu& pdu) {
  size_t n = 0;
  for (const variable_list* var = pdu.variables; var; var = var->next_variable)
    if (++n > 100000) return Error{kReasonDecode, "absurd number of varbinds"};
  VarBinds out;
  out.reserve(n);  // one allocation, not log2(n) growths (this runs for every PDU)
  for (const variable_list* var = pdu.variables; var; var = var->next_variable) {
    VarBind vb;
    vb.oid.reserve(var->name_length);
    for (size_t i = 0; i < var->name_length && var->name; ++i) {
      if (var->name[i] > 0xFFFFFFFFul) return Error{kReasonDecode, "varbind OID arc above 2^32-1"};
      vb.oid.push_back(static_cast<uint32_t>(var->name[i]));
    }
    auto value = to_value(*var);
    if (!value) return Error{value.error().reason, value.error().detail + " at " + to_string(vb.oid)};
    vb.value = std::move(*value);
    out.push_back(std::move(vb));
  }
  return out;
}

bool parse_community_message(unsigned char* data, size_t size, CommunityMessage& out) {
  // Only v1/v2c messages are parsed: a v3 message answers nothing the shared transport sent,
  // and is not worth running USM over. (snmp_parse reads the version the same way.)
  long version = -1;
  {
    size_t length = size;
    u_char type = 0;
    u_char* p = asn_parse_sequence(data, &length, &type, ASN_SEQUENCE | ASN_CONSTRUCTOR, "message");
    if (p) p = asn_parse_int(p, &length, &type, &version, sizeof version);
    if (!p || type != ASN_INTEGER) version = -1;
  }
  if (version != SNMP_VERSION_1 && version != SNMP_VERSION_2c) return false;
  static netsnmp_session parse_session = [] {
    netsnmp_session s;
    snmp_sess_init(&s);  // version "default": snmp_parse reads it from the message
    return s;
  }();
  netsnmp_pdu* pdu = snmp_pdu_create(0);
  if (!pdu) return false;
  struct Free {
    netsnmp_pdu* p;
    ~Free() { snmp_free_pdu(p); }
  } owned{pdu};
  if (snmp_parse(nullptr, &parse_session, pdu, data, size) != 0) return false;
  out.version = pdu->version;
  out.community.assign(reinterpret_cast<const char*>(pdu->community), pdu->community ? pdu->community_len : 0);
  out.command = pdu->command;
  out.response = (pdu->flags & UCD_MSG_FLAG_RESPONSE_PDU) != 0;
  out.reqid = pdu->reqid;
  out.errstat = pdu->errstat;
  out.errindex = pdu->errindex;
  out.report = 0;
  out.varbinds.reset();
  if (pdu->command == SNMP_MSG_REPORT)
    out.report = snmpv3_get_report_type(pdu);
  else
    out.varbinds = to_varbinds(*pdu);
  return true;
}

namespace {

struct ProtoOid {
  const oid* arcs;
  size_t len;
};

std::optional<ProtoOid> auth_oid(Credentials::AuthProto p) {
  switch (p) {
    case Credentials::AuthProto::MD5: return ProtoOid{usmHMACMD5AuthProtocol, OID_LENGTH(usmHMACMD5AuthProtocol)};
    case Credentials::AuthProto::SHA: return ProtoOid{usmHMACSHA1AuthProtocol, OID_LENGTH(usmHMACSHA1AuthProtocol)};
    case Credentials::AuthProto::SHA224: return ProtoOid{usmHMAC128SHA224AuthProtocol, OID_LENGTH(usmHMAC128SHA224AuthProtocol)};
    case Credentials::AuthProto::SHA256: return ProtoOid{usmHMAC192SHA256AuthProtocol, OID_LENGTH(usmHMAC192SHA256AuthProtocol)};
    case Credentials::AuthProto::SHA384: return ProtoOid{usmHMAC256SHA384AuthProtocol, OID_LENGTH(usmHMAC256SHA384AuthProtocol)};
    case Credentials::AuthProto::SHA512: return ProtoOid{usmHMAC384SHA512AuthProtocol, OID_LENGTH(usmHMAC384SHA512AuthProtocol)};
    case Credentials::AuthProto::None: break;
  }
  return std::nullopt;
}

std::optional<ProtoOid> priv_oid(Credentials::PrivProto p) {
  switch (p) {
#ifndef NETSNMP_DISABLE_DES
    case Credentials::PrivProto::DES: return ProtoOid{usmDESPrivProtocol, OID_LENGTH(usmDESPrivProtocol)};
#endif
    case Credentials::PrivProto::AES: return ProtoOid{usmAESPrivProtocol, OID_LENGTH(usmAESPrivProtocol)};
#ifdef NETSNMP_DRAFT_BLUMENTHAL_AES_04
    case Credentials::PrivProto::AES192: return ProtoOid{usmAES192PrivProtocol, OID_LENGTH(usmAES192PrivProtocol)};
    case Credentials::PrivProto::AES256: return ProtoOid{usmAES256PrivProtocol, OID_LENGTH(usmAES256PrivProtocol)};
#endif
    default: break;
  }
  return std::nullopt;
}

Error auth_error(const Peer& peer, const std::string& what) {
  return Error{kReasonAuth, peer.key + ": " + what};
}

// The USM part of a session: level, protocols and keys (Ku, not yet localized). `name` and
// `context` must outlive `s`. Error text names no secret.
std::optional<std::string> setup_usm(netsnmp_session& s, const Credentials& c, std::string& name,
                                     std::string& context) {
  if (name.empty()) return "SNMPv3 without a user name";
  s.securityModel = SNMP_SEC_MODEL_USM;
  s.securityName = name.data();
  s.securityNameLen = name.size();
  s.contextName = context.data();
  s.contextNameLen = context.size();
  s.securityLevel = SNMP_SEC_LEVEL_NOAUTH;
  if (c.level == Credentials::Level::NoAuthNoPriv) return std::nullopt;
  auto a = auth_oid(c.auth);
  if (!a) return "authentication level without an auth protocol";
  s.securityLevel = SNMP_SEC_LEVEL_AUTHNOPRIV;
  s.securityAuthProto = const_cast<oid*>(a->arcs);  // copied by snmp_sess_open
  s.securityAuthProtoLen = a->len;
  s.securityAuthKeyLen = USM_AUTH_KU_LEN;
  if (generate_Ku(a->arcs, static_cast<u_int>(a->len),
                  reinterpret_cast<const u_char*>(c.auth_password.data()), c.auth_password.size(),
                  s.securityAuthKey, &s.securityAuthKeyLen) != SNMPERR_SUCCESS)
    return "cannot derive the auth key (password shorter than 8?)";
  if (c.level != Credentials::Level::AuthPriv) return std::nullopt;
  auto p = priv_oid(c.priv);
  if (!p) return "privacy protocol not supported by this Net-SNMP";
  s.securityLevel = SNMP_SEC_LEVEL_AUTHPRIV;
  s.securityPrivProto = const_cast<oid*>(p->arcs);
  s.securityPrivProtoLen = p->len;
  s.securityPrivKeyLen = USM_PRIV_KU_LEN;
  if (generate_Ku(a->arcs, static_cast<u_int>(a->len),
                  reinterpret_cast<const u_char*>(c.priv_password.data()), c.priv_password.size(),
                  s.securityPrivKey, &s.securityPrivKeyLen) != SNMPERR_SUCCESS)
    return "cannot derive the privacy key (password shorter than 8?)";
  return std::nullopt;
}

void wipe_keys(netsnmp_session& s) {
  std::memset(s.securityAuthKey, 0, sizeof s.securityAuthKey);
  std::memset(s.securityPrivKey, 0, sizeof s.securityPrivKey);
}

}  // namespace

Result<void*> open_session(const Peer& peer) {
  if (!peer.credentials) return Error{kReasonAuth, peer.key + ": no credentials"};
  const Credentials& c = *peer.credentials;
  auto peername = to_peername(peer.address);
  if (!peername) return Error{kReasonTransport, peer.key + ": " + peername.error().detail};

  netsnmp_session s;
  snmp_sess_init(&s);
  s.peername = peername->data();  // snmp_sess_open copies every string it is given
  s.timeout = static_cast<long>(std::max<int64_t>(1, peer.timeout.count())) * 1000L;
  s.retries = std::max(0, peer.retries);
  s.flags |= SNMP_FLAGS_DONT_PROBE;
  std::string community = c.community;
  std::string user = c.username;
  std::string context = c.context;
  switch (c.version) {
    case Credentials::Version::V1: s.version = SNMP_VERSION_1; break;
    case Credentials::Version::V2c: s.version = SNMP_VERSION_2c; break;
    case Credentials::Version::V3: s.version = SNMP_VERSION_3; break;
  }
  if (c.version != Credentials::Version::V3) {
    s.community = reinterpret_cast<u_char*>(community.data());
    s.community_len = community.size();
  } else if (auto bad = setup_usm(s, c, user, context)) {
    wipe_keys(s);
    return auth_error(peer, *bad);
  }
  void* sp = snmp_sess_open(&s);
  // Wipe key material from the stack copy; the session keeps its own.
  wipe_keys(s);
  if (!sp) {
    int liberr = 0, syserr = 0;
    char* msg = nullptr;
    snmp_error(&s, &liberr, &syserr, &msg);
    std::string detail = peer.key + ": cannot open session to " + *peername;
    if (msg) {
      detail += std::string(": ") + msg;
      free(msg);
    }
    return Error{kReasonTransport, detail};
  }
  // snmp_sess_open clears DONT_PROBE once the session is open; without it the first v3 PDU
  // sent to an agent of unknown engine ID runs Net-SNMP's synchronous probe, blocking the
  // engine thread for the peer's whole timeout. The engine discovers asynchronously instead.
  if (netsnmp_session* open = snmp_sess_session(sp)) open->flags |= SNMP_FLAGS_DONT_PROBE;
  return sp;
}

Result<UsmUserPtr> make_usm_user(const Credentials& c, const std::string& engine_id) {
  if (c.version != Credentials::Version::V3) return Error{kReasonAuth, "not an SNMPv3 credential"};
  if (engine_id.empty()) return Error{kReasonAuth, "user " + c.username + ": empty engine ID"};
  netsnmp_session s;
  snmp_sess_init(&s);
  s.version = SNMP_VERSION_3;
  std::string user = c.username;
  std::string context = c.context;
  std::string id = engine_id;
  if (auto bad = setup_usm(s, c, user, context)) {
    wipe_keys(s);
    return Error{kReasonAuth, "user " + c.username + ": " + *bad};
  }
  s.securityEngineID = reinterpret_cast<u_char*>(id.data());
  s.securityEngineIDLen = id.size();
  auto made = make_usm_user(s);  // localizes the keys to `id`
  wipe_keys(s);
  return made;
}

Result<Notification> to_notification(const snmp_pdu& pdu) {
  auto varbinds = to_varbinds(pdu);
  if (!varbinds) return varbinds.error();
  Notification n;
  n.source = sender_address(pdu);
  n.varbinds = std::move(*varbinds);
  if (pdu.command == SNMP_MSG_TRAP) {
    if (pdu.trap_type >= 0 && pdu.trap_type < 6) {  // generic: snmpTraps.<generic+1>
      n.trap_oid = {1, 3, 6, 1, 6, 3, 1, 1, 5, static_cast<uint32_t>(pdu.trap_type + 1)};
    } else {  // enterprise-specific: enterprise.0.specific
      for (size_t i = 0; pdu.enterprise && i < pdu.enterprise_length; ++i)
        n.trap_oid.push_back(static_cast<uint32_t>(pdu.enterprise[i]));
      n.trap_oid.push_back(0);
      n.trap_oid.push_back(static_cast<uint32_t>(pdu.specific_type));
    }
    const unsigned char* a = pdu.agent_addr;
    if (a[0] || a[1] || a[2] || a[3]) {  // 0.0.0.0: the sender did not say
      VarBind agent{{1, 3, 6, 1, 6, 3, 18, 1, 3, 0}, Value{}};  // snmpTrapAddress.0
      agent.value.type = Type::IpAddress;
      agent.value.bytes.assign(reinterpret_cast<const char*>(a), 4);
      n.varbinds.push_back(std::move(agent));
    }
  } else {
    const Oid trap_oid_oid{1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};  // snmpTrapOID.0
    for (const auto& vb : n.varbinds)
      if (vb.oid == trap_oid_oid && vb.value.type == Type::ObjectId) n.trap_oid = vb.value.oid;
  }
  return n;
}

std::string sender_address(const snmp_pdu& pdu) {
  if (!pdu.transport_data || pdu.transport_data_length < static_cast<int>(sizeof(sockaddr))) return {};
  // UDP transports record a netsnmp_indexed_addr_pair (remote address first).
  const auto* pair = static_cast<const netsnmp_indexed_addr_pair*>(pdu.transport_data);
  char buf[INET6_ADDRSTRLEN] = {};
  if (pair->remote_addr.sa.sa_family == AF_INET) {
    if (!inet_ntop(AF_INET, &pair->remote_addr.sin.sin_addr, buf, sizeof buf)) return {};
    return buf;
  }
#ifdef NETSNMP_ENABLE_IPV6
  if (pair->remote_addr.sa.sa_family == AF_INET6 &&
      pdu.transport_data_length >= static_cast<int>(sizeof(sockaddr_in6))) {
    const in6_addr& a = pair->remote_addr.sin6.sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(&a)) {
      if (!inet_ntop(AF_INET, a.s6_addr + 12, buf, sizeof buf)) return {};
      return buf;
    }
    if (!inet_ntop(AF_INET6, &a, buf, sizeof buf)) return {};
    return buf;
  }
#endif
  return {};
}

}  // namespace lw::snmp::detail
