#include "snmp/shared_transport.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
// Net-SNMP #defines these PDU field aliases; keep them out of the rest of this file.
#undef non_repeaters
#undef max_repetitions

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <random>

#include "snmp/netsnmp_convert.h"
#include "snmp/socket_stats.h"

namespace lw::snmp::detail {
namespace {

constexpr size_t kDatagramMax = 65536;     // more than any UDP payload: nothing is cut short

uint16_t port_of(const sockaddr_storage& a) {
  return a.ss_family == AF_INET6 ? ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port)
                                 : ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
}

// Endpoint from what recvmmsg wrote (only the fields that name the peer are kept).
Endpoint endpoint_of(const sockaddr_storage& a, socklen_t len) {
  Endpoint e;
  if (a.ss_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    auto& in = reinterpret_cast<sockaddr_in&>(e.addr);
    const auto& from = reinterpret_cast<const sockaddr_in&>(a);
    in.sin_family = AF_INET;
    in.sin_port = from.sin_port;
    in.sin_addr = from.sin_addr;
    e.len = sizeof(sockaddr_in);
  } else if (a.ss_family == AF_INET6 && len >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    auto& in6 = reinterpret_cast<sockaddr_in6&>(e.addr);
    const auto& from = reinterpret_cast<const sockaddr_in6&>(a);
    in6.sin6_family = AF_INET6;
    in6.sin6_port = from.sin6_port;
    in6.sin6_addr = from.sin6_addr;
    in6.sin6_scope_id = from.sin6_scope_id;
    e.len = sizeof(sockaddr_in6);
  }
  return e;
}

bool is_v1(const Credentials& c) { return c.version == Credentials::Version::V1; }

}  // namespace

// ---- Endpoint ----

Result<Endpoint> Endpoint::parse(const std::string& address) {
  auto peername = to_peername(address);  // the engine's one reading of "host:port" forms
  if (!peername) return peername.error();
  std::string host, port;
  const std::string& p = *peername;
  if (p.rfind("udp6:[", 0) == 0) {
    const size_t close = p.find(']');
    host = p.substr(6, close - 6);
    port = p.substr(close + 2);
  } else {
    const size_t colon = p.rfind(':');
    host = p.substr(4, colon - 4);
    port = p.substr(colon + 1);
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;  // literals only: never a DNS query here
  addrinfo* res = nullptr;
  const int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0 || !res) {
    if (res) freeaddrinfo(res);
    return Error{kReasonTransport, "'" + address + "' is not an IP address and port (" + gai_strerror(rc) + ")"};
  }
  Endpoint e;
  if (res->ai_addrlen <= sizeof e.addr && (res->ai_family == AF_INET || res->ai_family == AF_INET6)) {
    std::memcpy(&e.addr, res->ai_addr, res->ai_addrlen);
    e.len = res->ai_addrlen;
  }
  freeaddrinfo(res);
  if (e.len == 0) return Error{kReasonTransport, "'" + address + "' is not an IPv4 or IPv6 address"};
  return endpoint_of(e.addr, e.len);
}

bool Endpoint::operator==(const Endpoint& o) const {
  if (addr.ss_family != o.addr.ss_family || port_of(addr) != port_of(o.addr)) return false;
  if (addr.ss_family == AF_INET)
    return reinterpret_cast<const sockaddr_in&>(addr).sin_addr.s_addr ==
           reinterpret_cast<const sockaddr_in&>(o.addr).sin_addr.s_addr;
  if (addr.ss_family == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6&>(addr);
    const auto& b = reinterpret_cast<const sockaddr_in6&>(o.addr);
    return std::memcmp(&a.sin6_addr, &b.sin6_addr, sizeof a.sin6_addr) == 0 && a.sin6_scope_id == b.sin6_scope_id;
  }
  return true;
}

size_t EndpointHash::operator()(const Endpoint& e) const {
  uint64_t h = 1469598103934665603ull;  // FNV-1a over family, port and address bytes
  auto mix = [&h](const void* p, size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
  };
  const uint16_t family = e.addr.ss_family, port = port_of(e.addr);
  mix(&family, sizeof family);
  mix(&port, sizeof port);
  if (family == AF_INET) mix(&reinterpret_cast<const sockaddr_in&>(e.addr).sin_addr, sizeof(in_addr));
  if (family == AF_INET6) mix(&reinterpret_cast<const sockaddr_in6&>(e.addr).sin6_addr, sizeof(in6_addr));
  return static_cast<size_t>(h);
}

std::string Endpoint::to_string() const {
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(addr).sin_addr, text, sizeof text);
    return std::string(text) + ":" + std::to_string(port_of(addr));
  }
  if (addr.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(addr).sin6_addr, text, sizeof text);
    return "[" + std::string(text) + "]:" + std::to_string(port_of(addr));
  }
  return "(no address)";
}

// ---- SharedTransport ----

struct SharedTransport::Buffers {
  explicit Buffers(int batch)
      : data(new unsigned char[static_cast<size_t>(batch) * kDatagramMax]),  // not zeroed: untouched pages stay out of RSS
        iov(static_cast<size_t>(batch)),
        names(static_cast<size_t>(batch)),
        hdrs(static_cast<size_t>(batch)),
        send_iov(static_cast<size_t>(batch)),
        send_hdrs(static_cast<size_t>(batch)),
        send_ids(static_cast<size_t>(batch)) {}
  std::unique_ptr<unsigned char[]> data;  // batch × kDatagramMax; only the bytes written are touched
  std::vector<iovec> iov;
  std::vector<sockaddr_storage> names;
  std::vector<mmsghdr> hdrs;
  std::vector<iovec> send_iov;
  std::vector<mmsghdr> send_hdrs;
  std::vector<std::pair<int32_t, uint64_t>> send_ids;  // request-id, generation of each send_hdrs
};

SharedTransport::SharedTransport(Options options) : options_(options) {
  if (options_.batch < 1) options_.batch = 1;
  buffers_ = std::make_unique<Buffers>(options_.batch);
  // Request-ids start somewhere unguessable: a spoofed answer must guess one.
  reqid_seed_ = options_.request_id_seed ? options_.request_id_seed : std::random_device{}();
}

SharedTransport::~SharedTransport() {
  for (Socket* s : {&v4_, &v6_})
    if (s->fd >= 0) close(s->fd);
}

SharedTransport::Socket* SharedTransport::socket_for(int family, std::string& error) {
  Socket& s = family == AF_INET6 ? v6_ : v4_;
  if (s.fd >= 0) return &s;
  const int fd = ::socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::string("cannot open a UDP socket: ") + std::strerror(errno);
    return nullptr;
  }
  if (family == AF_INET6) {
    const int one = 1;  // v4 answers come on the v4 socket, never as mapped addresses here
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  }
  sockaddr_storage any{};
  any.ss_family = static_cast<sa_family_t>(family);  // wildcard address, ephemeral port
  const socklen_t len = family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  if (bind(fd, reinterpret_cast<sockaddr*>(&any), len) != 0) {
    error = std::string("cannot bind a UDP socket: ") + std::strerror(errno);
    close(fd);
    return nullptr;
  }
  if (options_.receive_buffer > 0) set_receive_buffer(fd, options_.receive_buffer);
  s.fd = fd;
  return &s;
}

int32_t SharedTransport::next_reqid() {
  while (true) {
    reqid_seed_ = reqid_seed_ * 1103515245u + 12345u;  // odd steps through 2^31 ids
    const auto id = static_cast<int32_t>(reqid_seed_ & 0x7fffffffu);
    if (id != 0 && !pending_.count(id)) return id;
  }
}

bool SharedTransport::send(const Request& request, RequestPdu pdu, Clock::time_point now, std::string& error) {
  if (!request.credentials) {
    error = "no credentials";
    return false;
  }
  const Credentials& c = *request.credentials;
  if (c.version != Credentials::Version::V1 && c.version != Credentials::Version::V2c) {
    error = "the shared transport carries SNMPv1 and SNMPv2c only";
    return false;
  }
  Socket* s = socket_for(request.to.family(), error);
  if (!s) return false;

  const int32_t reqid = next_reqid();
  pdu.v1 = is_v1(c);
  pdu.request_id = reqid;
  Pending p;
  if (!encode_request(pdu, c.community, p.bytes)) {
    error = "cannot encode the request (an OID or community SNMP cannot carry)";
    return false;
  }
  p.token = request.token;
  p.to = request.to;
  p.credentials = request.credentials;
  p.timeout = std::max(request.timeout, std::chrono::milliseconds(1));
  p.retries_left = std::max(0, request.retries);
  p.generation = ++generation_;
  PeerCount& peer = peers_[request.to];
  ++peer.pending;
  p.unmatched_at_send = peer.unmatched;
  deadlines_.push(Deadline{now + p.timeout, reqid, p.generation});
  s->out.emplace_back(reqid, p.generation);
  pending_.emplace(reqid, std::move(p));
  ++stats_.requests;
  return true;
}

void SharedTransport::flush() {
  for (Socket* s : {&v4_, &v6_})
    if (s->fd >= 0 && !s->out.empty()) flush(*s);
}

void SharedTransport::flush(Socket& s) {
  Buffers& b = *buffers_;
  while (!s.out.empty()) {
    // The next batch: entries of requests since answered or resent are skipped.
    size_t n = 0;
    while (n < b.send_hdrs.size() && !s.out.empty()) {
      const auto [reqid, generation] = s.out.front();
      auto it = pending_.find(reqid);
      if (it == pending_.end() || it->second.generation != generation) {
        s.out.pop_front();
        continue;
      }
      Pending& p = it->second;
      b.send_iov[n] = iovec{p.bytes.data(), p.bytes.size()};
      mmsghdr& h = b.send_hdrs[n];
      h = mmsghdr{};
      h.msg_hdr.msg_name = &p.to.addr;
      h.msg_hdr.msg_namelen = p.to.len;
      h.msg_hdr.msg_iov = &b.send_iov[n];
      h.msg_hdr.msg_iovlen = 1;
      b.send_ids[n] = {reqid, generation};
      s.out.pop_front();
      ++n;
    }
    if (n == 0) return;
    size_t done = 0;
    while (done < n) {
      const int r = sendmmsg(s.fd, &b.send_hdrs[done], static_cast<unsigned>(n - done), 0);
      if (r > 0) {
        done += static_cast<size_t>(r);
        stats_.datagrams_sent += static_cast<uint64_t>(r);
        continue;
      }
      if (r < 0 && errno == EINTR) continue;
      if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) {
        // No room now: what is left goes back to the front, in order, for POLLOUT.
        for (size_t i = n; i > done; --i) s.out.push_front(b.send_ids[i - 1]);
        return;
      }
      // The kernel refuses this one datagram (unreachable network, bad address): its request
      // fails, the rest of the batch goes on.
      const int err = r < 0 ? errno : EIO;
      ++stats_.send_errors;
      if (auto it = pending_.find(b.send_ids[done].first);
          it != pending_.end() && it->second.generation == b.send_ids[done].second) {
        Reply reply;
        reply.token = it->second.token;
        reply.op = NETSNMP_CALLBACK_OP_SEND_FAILED;
        reply.send_error = std::string("sendmmsg to ") + it->second.to.to_string() + ": " + std::strerror(err);
        replies_.push_back(std::move(reply));
        finish(it);
      }
      ++done;
    }
  }
}

void SharedTransport::poll_fds(std::vector<pollfd>& fds) const {
  for (const Socket* s : {&v4_, &v6_})
    if (s->fd >= 0)
      fds.push_back(pollfd{s->fd, static_cast<short>(POLLIN | (s->out.empty() ? 0 : POLLOUT)), 0});
}

void SharedTransport::on_poll(const pollfd* fds, size_t n, int max_datagrams) {
  for (size_t i = 0; i < n; ++i) {
    Socket* s = fds[i].fd == v4_.fd ? &v4_ : fds[i].fd == v6_.fd ? &v6_ : nullptr;
    if (!s || s->fd < 0) continue;
    if (fds[i].revents & (POLLIN | POLLERR)) read(*s, max_datagrams);
    if (fds[i].revents & POLLOUT) flush(*s);
  }
}

void SharedTransport::read(int max_datagrams) {
  for (Socket* s : {&v4_, &v6_})
    if (s->fd >= 0) read(*s, max_datagrams);
}

void SharedTransport::read(Socket& s, int max_datagrams) {
  Buffers& b = *buffers_;
  const size_t batch = b.hdrs.size();
  int total = 0;
  while (total < max_datagrams) {
    const size_t want = std::min(batch, static_cast<size_t>(max_datagrams - total));
    for (size_t i = 0; i < want; ++i) {
      b.iov[i] = iovec{b.data.get() + i * kDatagramMax, kDatagramMax};
      mmsghdr& h = b.hdrs[i];
      h = mmsghdr{};
      h.msg_hdr.msg_name = &b.names[i];
      h.msg_hdr.msg_namelen = sizeof(sockaddr_storage);
      h.msg_hdr.msg_iov = &b.iov[i];
      h.msg_hdr.msg_iovlen = 1;
    }
    const int r = recvmmsg(s.fd, b.hdrs.data(), static_cast<unsigned>(want), MSG_DONTWAIT, nullptr);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return;  // nothing more now (or a pending socket error, now cleared)
    for (int i = 0; i < r; ++i) {
      const mmsghdr& h = b.hdrs[static_cast<size_t>(i)];
      receive(endpoint_of(b.names[static_cast<size_t>(i)], h.msg_hdr.msg_namelen),
               b.data.get() + static_cast<size_t>(i) * kDatagramMax, h.msg_len,
               (h.msg_hdr.msg_flags & MSG_TRUNC) != 0);
    }
    total += r;
    if (static_cast<size_t>(r) < want) return;  // the queue is empty
  }
}

void SharedTransport::unmatched_from(const Endpoint& from) {
  if (auto it = peers_.find(from); it != peers_.end()) ++it->second.unmatched;
}

void SharedTransport::receive(const Endpoint& from, unsigned char* data, size_t size, bool truncated) {
  ++stats_.datagrams_received;
  // A GetResponse is decoded straight into VarBinds when the fast decoder recognises it
  // (snmp/ber_response.h: the same result, without a Net-SNMP PDU); anything else, and
  // anything odd, goes through Net-SNMP's snmp_parse, v1/v2c messages only.
  CommunityMessage m;
  bool decoded = false;
  if (!truncated) {
    if (decode_fast_response(data, size, m)) {
      decoded = true;
      ++stats_.fast_decoded;
    } else {
      decoded = parse_community_message(data, size, m);
    }
  }
  if (!decoded) {
    ++stats_.undecodable;
    unmatched_from(from);
    return;
  }
  // An answer to a request on the wire, from where it went, in its version and community.
  auto it = m.response && m.reqid > 0 && m.reqid <= 0x7fffffffL ? pending_.find(static_cast<int32_t>(m.reqid))
                                                                 : pending_.end();
  bool match = it != pending_.end() && it->second.to == from;
  if (match) {
    const Credentials& c = *it->second.credentials;
    match = m.version == (is_v1(c) ? SNMP_VERSION_1 : SNMP_VERSION_2c) && m.community == c.community;
  }
  if (!match) {
    ++stats_.unmatched;
    unmatched_from(from);
    return;
  }
  ++stats_.answers;
  Reply r;  // as ReplyCollector records a Net-SNMP callback
  r.token = it->second.token;
  r.op = NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE;
  r.command = m.command;
  r.errstat = m.errstat;
  r.errindex = m.errindex;
  r.report = m.report;
  r.varbinds = std::move(m.varbinds);
  replies_.push_back(std::move(r));
  finish(it);
}

void SharedTransport::expire(Clock::time_point now) {
  while (!deadlines_.empty() && deadlines_.top().at <= now) {
    const Deadline d = deadlines_.top();
    deadlines_.pop();
    auto it = pending_.find(d.reqid);
    if (it == pending_.end() || it->second.generation != d.generation) continue;  // answered or resent
    Pending& p = it->second;
    if (p.retries_left > 0) {
      --p.retries_left;
      p.generation = ++generation_;
      deadlines_.push(Deadline{now + p.timeout, d.reqid, p.generation});
      std::string ignored;
      if (Socket* s = socket_for(p.to.family(), ignored)) s->out.emplace_back(d.reqid, p.generation);
      ++stats_.resends;
      continue;
    }
    Reply r;
    r.token = p.token;
    r.op = NETSNMP_CALLBACK_OP_TIMED_OUT;
    if (auto peer = peers_.find(p.to); peer != peers_.end()) r.unmatched = peer->second.unmatched - p.unmatched_at_send;
    replies_.push_back(std::move(r));
    ++stats_.timeouts;
    finish(it);
  }
}

std::optional<SharedTransport::Clock::time_point> SharedTransport::next_deadline() {
  while (!deadlines_.empty()) {  // drop deadlines of requests answered or resent since
    const Deadline& d = deadlines_.top();
    auto it = pending_.find(d.reqid);
    if (it != pending_.end() && it->second.generation == d.generation) return d.at;
    deadlines_.pop();
  }
  return std::nullopt;
}

std::vector<Reply> SharedTransport::take() {
  std::vector<Reply> out = std::move(replies_);
  replies_.clear();
  return out;
}

void SharedTransport::finish(std::unordered_map<int32_t, Pending>::iterator it) {
  if (auto peer = peers_.find(it->second.to); peer != peers_.end() && --peer->second.pending <= 0)
    peers_.erase(peer);
  pending_.erase(it);
}

}  // namespace lw::snmp::detail
