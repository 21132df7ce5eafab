#include "sim/agent.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/lcd_time.h>
#include <net-snmp/library/snmpusm.h>
#include <net-snmp/library/snmpv3.h>
#include <poll.h>

#include <chrono>
#include <cstring>
#include <deque>
#include <vector>

#include <spdlog/spdlog.h>

namespace lw::sim {
namespace {

using Clock = std::chrono::steady_clock;

// BER size of a length field and of a sub-identifier, to size responses before building
// them (the library builds them; this only decides how many varbinds fit).
size_t len_size(size_t n) { return n < 128 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : 4; }
size_t tlv(size_t content) { return 1 + len_size(content) + content; }
size_t subid_size(uint64_t v) {
  size_t n = 1;
  while (v >= 128) { v >>= 7; ++n; }
  return n;
}
size_t oid_size(const snmp::Oid& o) {
  size_t n = 1;  // first two arcs in one byte (always < 128 here)
  for (size_t i = 2; i < o.size(); ++i) n += subid_size(o[i]);
  return tlv(n);
}
size_t value_size(const snmp::Value& v) {
  switch (v.type) {
    case snmp::Type::OctetString: case snmp::Type::Opaque: case snmp::Type::IpAddress: return tlv(v.bytes.size());
    case snmp::Type::ObjectId: return oid_size(v.oid);
    case snmp::Type::Integer: case snmp::Type::Counter32: case snmp::Type::Gauge32:
    case snmp::Type::TimeTicks: return tlv(5);
    case snmp::Type::Counter64: return tlv(9);
    default: return 2;
  }
}
size_t varbind_size(const snmp::Oid& o, const snmp::Value& v) { return tlv(oid_size(o) + value_size(v)); }

snmp::Oid to_oid(const oid* name, size_t len) { return snmp::Oid(name, name + len); }

void add_var(netsnmp_pdu* pdu, const snmp::Oid& o, const snmp::Value& v) {
  oid name[MAX_OID_LEN];
  size_t n = std::min<size_t>(o.size(), MAX_OID_LEN);
  for (size_t i = 0; i < n; ++i) name[i] = o[i];
  netsnmp_variable_list** vl = &pdu->variables;
  switch (v.type) {
    case snmp::Type::Integer: {
      long x = static_cast<long>(v.integer);
      snmp_varlist_add_variable(vl, name, n, ASN_INTEGER, &x, sizeof x);
      break;
    }
    case snmp::Type::OctetString:
      snmp_varlist_add_variable(vl, name, n, ASN_OCTET_STR, v.bytes.data(), v.bytes.size());
      break;
    case snmp::Type::Opaque:
      snmp_varlist_add_variable(vl, name, n, ASN_OPAQUE, v.bytes.data(), v.bytes.size());
      break;
    case snmp::Type::IpAddress:
      snmp_varlist_add_variable(vl, name, n, ASN_IPADDRESS, v.bytes.data(), v.bytes.size());
      break;
    case snmp::Type::ObjectId: {
      oid val[MAX_OID_LEN];
      size_t m = std::min<size_t>(v.oid.size(), MAX_OID_LEN);
      for (size_t i = 0; i < m; ++i) val[i] = v.oid[i];
      snmp_varlist_add_variable(vl, name, n, ASN_OBJECT_ID, val, m * sizeof(oid));
      break;
    }
    case snmp::Type::Counter32: case snmp::Type::Gauge32: case snmp::Type::TimeTicks: {
      u_long x = static_cast<u_long>(v.unsigned_);
      u_char t = v.type == snmp::Type::Counter32 ? ASN_COUNTER : v.type == snmp::Type::Gauge32 ? ASN_GAUGE : ASN_TIMETICKS;
      snmp_varlist_add_variable(vl, name, n, t, &x, sizeof x);
      break;
    }
    case snmp::Type::Counter64: {
      counter64 c{};
      c.high = static_cast<u_long>(v.unsigned_ >> 32);
      c.low = static_cast<u_long>(v.unsigned_ & 0xffffffffULL);
      snmp_varlist_add_variable(vl, name, n, ASN_COUNTER64, &c, sizeof c);
      break;
    }
    case snmp::Type::NoSuchObject: snmp_varlist_add_variable(vl, name, n, SNMP_NOSUCHOBJECT, nullptr, 0); break;
    case snmp::Type::NoSuchInstance: snmp_varlist_add_variable(vl, name, n, SNMP_NOSUCHINSTANCE, nullptr, 0); break;
    case snmp::Type::EndOfMibView: snmp_varlist_add_variable(vl, name, n, SNMP_ENDOFMIBVIEW, nullptr, 0); break;
    case snmp::Type::Null: snmp_varlist_add_variable(vl, name, n, ASN_NULL, nullptr, 0); break;
  }
}

bool g_library_ready = false;

Status init_library() {
  if (g_library_ready) return std::nullopt;
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
  netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIB_WARNINGS, 0);
  setenv("MIBS", "", 1);
  init_snmp("linkwatch-sim");
  if (setup_engineID(nullptr, kEngineIdText) < 0) return Error{"snmp", "cannot set the engine ID"};
  // init_snmp registered the engine it generated in the time cache; register ours, or
  // every request would be answered with usmStatsUnknownEngineIDs.
  u_char eid[SNMP_MAXBUF_SMALL];
  size_t eid_len = snmpv3_get_engineID(eid, sizeof eid);
  set_enginetime(eid, static_cast<u_int>(eid_len), snmpv3_local_snmpEngineBoots(),
                 snmpv3_local_snmpEngineTime(), TRUE);
  // Users as snmpd's createUser lines: keys localised to the engine ID above.
  char u1[] = "linkwatch SHA-256 linkwatch-auth AES linkwatch-priv";
  char u2[] = "monitor SHA monitor-auth";
  usm_parse_create_usmUser("createUser", u1);
  usm_parse_create_usmUser("createUser", u2);
  if (!usm_get_user(nullptr, 0, "linkwatch") && !usm_get_userList())
    return Error{"snmp", "cannot create the v3 users"};
  g_library_ready = true;
  return std::nullopt;
}

struct Delayed {
  Clock::time_point due;
  netsnmp_pdu* pdu;
};

}  // namespace

struct Agent::Impl {
  World& world;
  const Mib& mib;
  AgentOptions opts;
  void* sessp = nullptr;
  int fd = -1;
  std::deque<Delayed> delayed;  // due times are not ordered; small, scanned linearly
  uint64_t requests = 0;

  Impl(World& w, const Mib& m, AgentOptions o) : world(w), mib(m), opts(std::move(o)) {}

  static int callback(int op, netsnmp_session* s, int, netsnmp_pdu* pdu, void* magic) {
    // USM calls back with a message whose digest was wrong (s_snmp_errno set), after it has
    // sent the report: it must not be answered.
    if (s && s->s_snmp_errno == SNMPERR_USM_AUTHENTICATIONFAILURE) return 1;
    if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE) static_cast<Impl*>(magic)->handle(pdu);
    return 1;
  }

  void handle(netsnmp_pdu* req);
  void send(netsnmp_pdu* resp);
};

void Agent::Impl::send(netsnmp_pdu* resp) {
  if (snmp_sess_send(sessp, resp) == 0) {
    netsnmp_session* s = snmp_sess_session(sessp);
    if (s && s->s_snmp_errno == SNMPERR_TOO_LONG) {
      // Built but larger than allowed: the RFC 3416 answer is tooBig with no varbinds.
      snmp_free_varbind(resp->variables);
      resp->variables = nullptr;
      resp->errstat = SNMP_ERR_TOOBIG;
      resp->errindex = 0;
      if (snmp_sess_send(sessp, resp) != 0) return;
    }
    snmp_free_pdu(resp);
  }
}

void Agent::Impl::handle(netsnmp_pdu* req) {
  ++requests;
  if (req->command != SNMP_MSG_GET && req->command != SNMP_MSG_GETNEXT && req->command != SNMP_MSG_GETBULK)
    return;  // no SETs, no traps: a read-only agent ignores them
  if (req->version == SNMP_VERSION_1 || req->version == SNMP_VERSION_2c) {
    if (req->community_len != opts.community.size() ||
        std::memcmp(req->community, opts.community.data(), req->community_len) != 0)
      return;  // wrong community: silent, as snmpd
  }
  if (req->command == SNMP_MSG_GETBULK && req->version == SNMP_VERSION_1) return;

  // Which device: the address the request was sent to.
  uint32_t dst = 0;
  if (req->transport_data && req->transport_data_length >= static_cast<int>(sizeof(netsnmp_indexed_addr_pair))) {
    auto* pair = static_cast<netsnmp_indexed_addr_pair*>(req->transport_data);
    if (pair->local_addr.sa.sa_family == AF_INET) dst = ntohl(pair->local_addr.sin.sin_addr.s_addr);
  }

  std::lock_guard lock(world.mutex);
  const double t = world.now();
  int dev = world.by_address(dst);
  if (dev < 0) {
    // A single device (replay) answers on every address.
    if (world.province().devices.size() == 1) dev = 0;
    else return;
  }
  if (!world.answers(dev, t)) return;
  if (world.drop_request(dev, static_cast<uint64_t>(req->reqid) * 2654435761u + requests)) return;
  const Layout& lay = mib.layout(dev);

  size_t limit = opts.max_message;
  if (req->version == SNMP_VERSION_3 && req->msgMaxSize > 0) limit = std::min<size_t>(limit, static_cast<size_t>(req->msgMaxSize));
  const bool v1 = req->version == SNMP_VERSION_1;
  // Everything around the varbinds: message, community or USM header, PDU fields.
  const size_t overhead = v1 || req->version == SNMP_VERSION_2c ? 30 + req->community_len : 180;

  netsnmp_variable_list* vars = req->variables;
  req->variables = nullptr;
  netsnmp_pdu* resp = snmp_clone_pdu(req);
  req->variables = vars;
  if (!resp) return;
  resp->command = SNMP_MSG_RESPONSE;
  resp->errstat = 0;
  resp->errindex = 0;
  resp->msgMaxSize = static_cast<long>(limit);

  auto next_of = [&](const snmp::Oid& from) -> std::pair<snmp::Oid, snmp::Value> {
    const Entry* e = lay.next(from);
    while (e && v1) {  // v1 has no Counter64: skip it (RFC 2576 4.1.2.1)
      auto v = value_of(world, dev, lay, *e, t);
      if (v.type != snmp::Type::Counter64) return {e->oid, v};
      e = lay.next(e->oid);
    }
    if (!e) return {from, snmp::Value::Exception(snmp::Type::EndOfMibView)};
    return {e->oid, value_of(world, dev, lay, *e, t)};
  };

  size_t size = overhead;
  bool too_big = false;
  int index = 0;
  if (req->command == SNMP_MSG_GET || req->command == SNMP_MSG_GETNEXT) {
    for (auto* v = vars; v; v = v->next_variable) {
      ++index;
      snmp::Oid o = to_oid(v->name, v->name_length);
      std::pair<snmp::Oid, snmp::Value> r;
      if (req->command == SNMP_MSG_GET) {
        const Entry* e = lay.exact(o);
        r = {o, e ? value_of(world, dev, lay, *e, t)
                  : snmp::Value::Exception(lay.object_exists(o) ? snmp::Type::NoSuchInstance : snmp::Type::NoSuchObject)};
        if (v1 && r.second.type == snmp::Type::Counter64) r.second = snmp::Value::Exception(snmp::Type::NoSuchObject);
      } else {
        r = next_of(o);
      }
      if (v1 && r.second.is_exception()) {
        // v1: noSuchName, the request's varbinds echoed back.
        snmp_free_varbind(resp->variables);
        resp->variables = snmp_clone_varbind(vars);
        resp->errstat = SNMP_ERR_NOSUCHNAME;
        resp->errindex = index;
        break;
      }
      size += varbind_size(r.first, r.second);
      if (size > limit) { too_big = true; break; }
      add_var(resp, r.first, r.second);
    }
  } else {
    const long non_rep = std::max(0L, req->non_repeaters);
    const long max_rep = std::clamp(req->max_repetitions, 0L, 10000L);
    std::vector<snmp::Oid> repeaters;
    long i = 0;
    for (auto* v = vars; v; v = v->next_variable, ++i) {
      snmp::Oid o = to_oid(v->name, v->name_length);
      if (i < non_rep) {
        auto r = next_of(o);
        size += varbind_size(r.first, r.second);
        if (size > limit) { too_big = true; break; }
        add_var(resp, r.first, r.second);
      } else {
        repeaters.push_back(std::move(o));
      }
    }
    // Repetitions while they fit: a GETBULK answer is cut short rather than tooBig
    // (RFC 3416 4.2.3); only non-repeaters that do not fit make it tooBig.
    bool full = false;
    for (long rep = 0; !too_big && !full && rep < max_rep && !repeaters.empty(); ++rep) {
      bool all_end = true;
      for (auto& o : repeaters) {
        auto r = next_of(o);
        size_t vs = varbind_size(r.first, r.second);
        if (size + vs > limit) { full = true; break; }
        size += vs;
        if (r.second.type != snmp::Type::EndOfMibView) all_end = false;
        add_var(resp, r.first, r.second);
        o = r.first;
      }
      if (all_end) break;
    }
  }
  if (too_big) {
    snmp_free_varbind(resp->variables);
    resp->variables = nullptr;
    resp->errstat = SNMP_ERR_TOOBIG;
    resp->errindex = 0;
  }
  double delay = world.reply_delay_s(dev, static_cast<uint64_t>(req->reqid));
  if (delay > 0) {
    delayed.push_back({Clock::now() + std::chrono::microseconds(static_cast<long>(delay * 1e6)), resp});
    return;
  }
  send(resp);
}

Agent::Agent(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Agent::~Agent() {
  for (auto& d : impl_->delayed) snmp_free_pdu(d.pdu);
  if (impl_->sessp) snmp_sess_close(impl_->sessp);
}

Result<std::unique_ptr<Agent>> Agent::start(World& world, const Mib& mib, AgentOptions opts) {
  if (auto e = init_library()) return *e;
  auto impl = std::make_unique<Impl>(world, mib, opts);
  std::string spec = "udp:" + opts.listen + ":" + std::to_string(opts.port);
  netsnmp_transport* tr = netsnmp_transport_open_server("linkwatch-sim", spec.c_str());
  if (!tr) return Error{"bind", "cannot listen on " + spec + " (port in use?)"};
  netsnmp_session sess;
  snmp_sess_init(&sess);
  sess.version = SNMP_DEFAULT_VERSION;
  sess.isAuthoritative = SNMP_SESS_AUTHORITATIVE;
  sess.callback = &Impl::callback;
  sess.callback_magic = impl.get();
  sess.rcvMsgMaxSize = 65507;
  sess.sndMsgMaxSize = 65507;
  impl->sessp = snmp_sess_add(&sess, tr, nullptr, nullptr);
  if (!impl->sessp) return Error{"snmp", "cannot open the agent session on " + spec};
  impl->fd = tr->sock;
  return std::unique_ptr<Agent>(new Agent(std::move(impl)));
}

void Agent::run(const std::atomic<bool>& stop) {
  auto& m = *impl_;
  auto last_advance = Clock::now() - std::chrono::seconds(1);
  while (!stop.load(std::memory_order_relaxed)) {
    auto now = Clock::now();
    if (now - last_advance > std::chrono::milliseconds(50)) {
      std::lock_guard lock(m.world.mutex);
      m.world.advance(m.world.now());
      last_advance = now;
    }
    int timeout_ms = 100;
    for (auto it = m.delayed.begin(); it != m.delayed.end();) {
      if (it->due <= now) {
        m.send(it->pdu);
        it = m.delayed.erase(it);
      } else {
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(it->due - now).count() + 1;
        timeout_ms = std::min<int>(timeout_ms, static_cast<int>(ms));
        ++it;
      }
    }
    pollfd p{m.fd, POLLIN, 0};
    int r = ::poll(&p, 1, timeout_ms);
    if (r > 0 && (p.revents & POLLIN)) {
      fd_set fds;
      FD_ZERO(&fds);
      FD_SET(m.fd, &fds);
      snmp_sess_read(m.sessp, &fds);
    }
  }
}

}  // namespace lw::sim
