#pragma once
// The shared v1/v2c transport of the Net-SNMP engine: one UDP socket per address family for
// every SNMPv1 and SNMPv2c target, instead of a Net-SNMP session and socket per target.
//
// Requests are what the engine asks (command and OIDs); the transport gives each a request-id
// of its own, encodes it once (snmp/ber_request.h: Net-SNMP's snmp_build bytes, without a
// Net-SNMP PDU), keeps the bytes (~100) for resends and queues them;
// flush() hands the queue to the kernel with sendmmsg(). read() takes datagrams with recvmmsg()
// into buffers it owns (no allocation per datagram) and decodes each: a GetResponse straight
// into VarBinds (snmp/ber_response.h), anything it does not recognise with Net-SNMP
// (snmp_parse, v1/v2c only: anything else is not even parsed). A datagram answers a request only if its
// request-id is one on the wire AND it comes from the address and port that request went to
// AND it carries the request's version and community AND it is a Response (or Report) PDU.
// Everything else is dropped and counted (Stats), never trusted: device data is hostile.
// A dropped datagram from an address:port that has requests on the wire counts against that
// peer (Reply::unmatched of a later timeout), so a peer that answers only garbage or wrong
// request-ids times out as `decode`, not `timeout`, as with Net-SNMP's own sessions.
//
// Timeouts and retries come from one deadline heap (expire()): a request not answered by its
// deadline is sent again, the same bytes and request-id, `retries` times, then reported as a
// timeout. Answers and timeouts come out of take() as detail::Reply values, exactly as the
// Net-SNMP callbacks of a session produce them (op RECEIVED_MESSAGE / TIMED_OUT /
// SEND_FAILED), so the engine handles both paths with one piece of code.
//
// A peer address is an Endpoint: an IPv4 or IPv6 literal and a port (names are resolved by
// the engine beforehand, snmp/resolver.h). The sockets are opened on first use, bound to the
// wildcard address and an ephemeral port, non-blocking, with a large receive buffer.
//
// Thread safety: none. Engine thread only, with the Net-SNMP lock held (snmp_parse, for what
// the fast decoder does not recognise, touches Net-SNMP's globals), after init_netsnmp().

#include <sys/socket.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "snmp/ber_request.h"
#include "snmp/engine.h"
#include "snmp/netsnmp_receiver.h"

struct snmp_pdu;
struct pollfd;

namespace lw::snmp::detail {

// An IP address literal and UDP port, as a sockaddr, hashable.
struct Endpoint {
  sockaddr_storage addr{};
  socklen_t len = 0;

  // "127.0.0.1", "127.0.0.1:1161", "[::1]:161", "::1" (port 161 if none). Error (reason
  // transport) if it is not an address literal with a valid port.
  static Result<Endpoint> parse(const std::string& address);
  int family() const { return addr.ss_family; }
  bool operator==(const Endpoint& o) const;
  std::string to_string() const;  // "127.0.0.1:161", "[::1]:161"
};
struct EndpointHash {
  size_t operator()(const Endpoint& e) const;
};

class SharedTransport {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    int64_t receive_buffer = 8 << 20;  // bytes asked for each socket (answers come in bursts)
    int batch = 32;                    // datagrams per sendmmsg/recvmmsg call
    // Where the request-ids start; 0 (the default): somewhere random. Fixed only by the fuzz
    // target, so that its inputs can name a request on the wire.
    uint32_t request_id_seed = 0;
  };

  struct Request {
    uint64_t token = 0;  // the engine's, handed back in the Reply
    Endpoint to;
    std::shared_ptr<const Credentials> credentials;  // version V1 or V2c, and the community
    std::chrono::milliseconds timeout{2000};
    int retries = 1;
  };

  struct Stats {
    uint64_t requests = 0;        // requests queued (each once)
    uint64_t resends = 0;         // datagrams sent again after a timeout
    uint64_t datagrams_sent = 0;  // handed to the kernel (first tries and resends)
    uint64_t send_errors = 0;     // the kernel refused a datagram (the request failed)
    uint64_t datagrams_received = 0;
    uint64_t answers = 0;         // datagrams that answered a request on the wire
    uint64_t fast_decoded = 0;    // datagrams read by the fast decoder (snmp/ber_response.h)
    uint64_t undecodable = 0;     // not a v1/v2c message Net-SNMP could parse, or truncated
    uint64_t unmatched = 0;       // parsed, but no request on the wire is answered by it
                                  // (unknown or late request-id, wrong source, version or
                                  // community, not a response)
    uint64_t timeouts = 0;        // requests reported as timed out
  };

  explicit SharedTransport(Options options);
  ~SharedTransport();
  SharedTransport(const SharedTransport&) = delete;
  SharedTransport& operator=(const SharedTransport&) = delete;

  // Encodes `pdu` (a GET, GETNEXT or GETBULK: its command, repetitions and OIDs; the version
  // and request-id are the transport's) for `request` and queues it for the next flush(); its
  // deadline starts at `now`. False with `error` set if it cannot be sent (no credentials,
  // not v1/v2c, no socket, a request encode_request() refuses).
  bool send(const Request& request, RequestPdu pdu, Clock::time_point now, std::string& error);

  // Hands queued datagrams to the kernel. A datagram the kernel refuses (other than "try
  // again") fails its request: a SEND_FAILED Reply. What the socket cannot take now stays
  // queued, and poll_fds() asks for POLLOUT.
  void flush();

  // Adds the open sockets to `fds` (POLLIN; POLLOUT too while datagrams wait for room).
  void poll_fds(std::vector<pollfd>& fds) const;
  // After poll(): reads the sockets of `fds` that are readable (at most `max_datagrams`
  // each) and flushes those that are writable. Entries for other descriptors are ignored.
  void on_poll(const pollfd* fds, size_t n, int max_datagrams);

  // Reads what waits on the sockets, at most `max_datagrams` per socket.
  void read(int max_datagrams);

  // Resends or times out the requests whose deadline is at or before `now`.
  void expire(Clock::time_point now);

  // The earliest deadline of a request on the wire, if any.
  std::optional<Clock::time_point> next_deadline();

  // What read() does with one datagram from `from` (`truncated`: it did not fit the buffer).
  // Public for the fuzz target (tests/fuzz/fuzz_shared_transport.cc); `data` may be written.
  void receive(const Endpoint& from, unsigned char* data, size_t size, bool truncated = false);

  bool empty() const { return replies_.empty(); }
  std::vector<Reply> take();

  size_t on_the_wire() const { return pending_.size(); }
  const Stats& stats() const { return stats_; }

 private:
  struct Pending {
    uint64_t token = 0;
    Endpoint to;
    std::shared_ptr<const Credentials> credentials;
    std::string bytes;  // the encoded message, for resends
    std::chrono::milliseconds timeout{0};
    int retries_left = 0;
    uint64_t generation = 0;  // this try's: older deadlines and queue entries are stale
    uint64_t unmatched_at_send = 0;
  };
  struct PeerCount {  // per address:port with requests on the wire
    int pending = 0;
    uint64_t unmatched = 0;  // datagrams from it that answered nothing
  };
  struct Deadline {
    Clock::time_point at;
    int32_t reqid;
    uint64_t generation;
    bool operator>(const Deadline& o) const { return at > o.at; }
  };
  struct Socket {
    int fd = -1;
    std::deque<std::pair<int32_t, uint64_t>> out;  // (request-id, generation) to send, in order
  };
  struct Buffers;  // recvmmsg's buffers and headers

  Socket* socket_for(int family, std::string& error);
  int32_t next_reqid();
  void flush(Socket& s);
  void read(Socket& s, int max_datagrams);
  void unmatched_from(const Endpoint& from);
  void finish(std::unordered_map<int32_t, Pending>::iterator it);  // forgets a request

  Options options_;
  Socket v4_, v6_;
  std::unique_ptr<Buffers> buffers_;
  uint32_t reqid_seed_ = 0;
  uint64_t generation_ = 0;
  std::unordered_map<int32_t, Pending> pending_;  // request-id -> request on the wire
  std::unordered_map<Endpoint, PeerCount, EndpointHash> peers_;
  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<Deadline>> deadlines_;
  std::vector<Reply> replies_;
  Stats stats_;
};

}  // namespace lw::snmp::detail
