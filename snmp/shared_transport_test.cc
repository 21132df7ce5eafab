// The shared v1/v2c transport against real UDP sockets on loopback: a test "agent" socket
// reads what the transport sends (parsed by Net-SNMP) and answers with messages Net-SNMP
// encodes, or with hostile ones (wrong source, request-id, community or version, duplicates,
// garbage, truncated, huge). Time is the real clock for the sockets and an injected one for
// the deadlines.

#include "snmp/shared_transport.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#undef non_repeaters
#undef max_repetitions

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <span>
#include <thread>

#include <gtest/gtest.h>

#include "snmp/netsnmp_convert.h"
#include "snmp/netsnmp_encode_for_tests.h"
#include "snmp/netsnmp_library.h"
#include "snmp/socket_stats.h"

namespace lw::snmp::detail {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::shared_ptr<const Credentials> community(const std::string& c, Credentials::Version v = Credentials::Version::V2c) {
  auto cr = std::make_shared<Credentials>();
  cr->version = v;
  cr->community = c;
  return cr;
}

struct PduFree {
  void operator()(netsnmp_pdu* p) const { snmp_free_pdu(p); }
};
using PduPtr = std::unique_ptr<netsnmp_pdu, PduFree>;

// A message encoded by Net-SNMP, as an agent would send it.
std::string encode(netsnmp_pdu* pdu, long version, const std::string& comm) {
  return test_support::encode_message(pdu, version, comm);
}

// A GET of `o`, as the engine hands one to the transport. The request points at `o`, which
// must outlive the send (the tests' OIDs are constants or outlive it).
RequestPdu get_pdu(const Oid& o) {
  static std::deque<const Oid*> pointers;  // stable addresses for the requests' spans
  pointers.push_back(&o);
  RequestPdu pdu;
  pdu.command = RequestPdu::Command::Get;
  pdu.oids = std::span<const Oid* const>(&pointers.back(), 1);
  return pdu;
}

// A Response to `reqid` with one varbind `o` = OCTET STRING `value`.
std::string response(long reqid, const Oid& o, const std::string& value, long version = SNMP_VERSION_2c,
                     const std::string& comm = "public", int command = SNMP_MSG_RESPONSE) {
  PduPtr pdu(snmp_pdu_create(command));
  pdu->reqid = reqid;
  std::vector<oid> arcs(o.begin(), o.end());
  snmp_pdu_add_variable(pdu.get(), arcs.data(), arcs.size(), ASN_OCTET_STR, value.data(), value.size());
  return encode(pdu.get(), version, comm);
}

// A UDP socket on loopback standing in for an agent.
class Agent {
 public:
  explicit Agent(int family = AF_INET) : family_(family) {
    fd_ = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_storage a{};
    socklen_t len;
    if (family == AF_INET6) {
      auto& in6 = reinterpret_cast<sockaddr_in6&>(a);
      in6.sin6_family = AF_INET6;
      in6.sin6_addr = in6addr_loopback;
      len = sizeof in6;
    } else {
      auto& in = reinterpret_cast<sockaddr_in&>(a);
      in.sin_family = AF_INET;
      in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      len = sizeof in;
    }
    ok_ = bind(fd_, reinterpret_cast<sockaddr*>(&a), len) == 0 &&
          getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0;
    set_receive_buffer(fd_, 4 << 20);  // a burst of requests must not overflow the agent
    port_ = ntohs(family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(a).sin6_port
                                     : reinterpret_cast<sockaddr_in&>(a).sin_port);
  }
  ~Agent() { close(fd_); }
  bool ok() const { return ok_; }
  std::string address() const {
    return (family_ == AF_INET6 ? "[::1]:" : "127.0.0.1:") + std::to_string(port_);
  }
  Endpoint endpoint() const { return *Endpoint::parse(address()); }

  // The next datagram (as bytes), waiting up to `wait`; remembers who sent it.
  std::optional<std::string> receive(std::chrono::milliseconds wait = 2000ms) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(wait.count())) <= 0) return std::nullopt;
    char buf[65536];
    from_len_ = sizeof from_;
    const ssize_t n = recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from_), &from_len_);
    if (n < 0) return std::nullopt;
    return std::string(buf, static_cast<size_t>(n));
  }
  void reply(const std::string& bytes) {
    sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&from_), from_len_);
  }
  // Sends from another socket (another port): an answer from the wrong source.
  void reply_from_elsewhere(const std::string& bytes) {
    const int other = socket(family_, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sendto(other, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&from_), from_len_);
    close(other);
  }

 private:
  int family_;
  int fd_ = -1;
  bool ok_ = false;
  uint16_t port_ = 0;
  sockaddr_storage from_{};
  socklen_t from_len_ = 0;
};

PduPtr parse(std::string bytes) {
  netsnmp_session s;
  snmp_sess_init(&s);
  PduPtr pdu(snmp_pdu_create(0));
  if (snmp_parse(nullptr, &s, pdu.get(), reinterpret_cast<u_char*>(bytes.data()), bytes.size()) != 0) return nullptr;
  return pdu;
}

const Oid kSysDescr = *parse_oid("1.3.6.1.2.1.1.1.0");

class SharedTransportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { init_netsnmp("linkwatch-test"); }
  void SetUp() override {
    std::lock_guard g(netsnmp_lock());
    transport_ = std::make_unique<SharedTransport>(SharedTransport::Options{});
  }
  void TearDown() override {
    std::lock_guard g(netsnmp_lock());
    transport_.reset();
  }

  bool send(uint64_t token, const Endpoint& to, const RequestPdu& pdu,
            std::shared_ptr<const Credentials> c = community("public"), std::chrono::milliseconds timeout = 5000ms,
            int retries = 0, Clock::time_point now = Clock::now()) {
    std::lock_guard g(netsnmp_lock());
    SharedTransport::Request r;
    r.token = token;
    r.to = to;
    r.credentials = std::move(c);
    r.timeout = timeout;
    r.retries = retries;
    std::string error;
    const bool ok = transport_->send(r, pdu, now, error);
    if (ok) transport_->flush();
    return ok;
  }

  // Reads the transport's sockets until `n` replies came, or `wait` passed; returns them.
  std::vector<Reply> replies(size_t n, std::chrono::milliseconds wait = 2000ms) {
    std::vector<Reply> out;
    const auto until = Clock::now() + wait;
    while (out.size() < n && Clock::now() < until) {
      std::vector<pollfd> fds;
      {
        std::lock_guard g(netsnmp_lock());
        transport_->poll_fds(fds);
      }
      poll(fds.data(), fds.size(), 20);
      std::lock_guard g(netsnmp_lock());
      transport_->on_poll(fds.data(), fds.size(), 256);
      transport_->flush();
      for (auto& r : transport_->take()) out.push_back(std::move(r));
    }
    return out;
  }

  // Lets the sockets settle: reads everything that arrives for `wait`.
  void drain(std::chrono::milliseconds wait = 100ms) {
    auto extra = replies(1000000, wait);
    stray_.insert(stray_.end(), extra.begin(), extra.end());
  }

  std::unique_ptr<SharedTransport> transport_;
  std::vector<Reply> stray_;
};

TEST(EndpointTest, ParsesLiteralsOnly) {
  auto a = Endpoint::parse("127.0.0.1");
  ASSERT_TRUE(a.ok()) << a.error().to_string();
  EXPECT_EQ(a->to_string(), "127.0.0.1:161");
  EXPECT_EQ(Endpoint::parse("127.0.0.1:1161")->to_string(), "127.0.0.1:1161");
  EXPECT_EQ(Endpoint::parse("[::1]:162")->to_string(), "[::1]:162");
  EXPECT_EQ(Endpoint::parse("::1")->to_string(), "[::1]:161");
  EXPECT_TRUE(*Endpoint::parse("127.0.0.1:1161") == *Endpoint::parse("127.0.0.1:1161"));
  EXPECT_FALSE(*Endpoint::parse("127.0.0.1:1161") == *Endpoint::parse("127.0.0.1:1162"));
  EXPECT_FALSE(*Endpoint::parse("127.0.0.1:1161") == *Endpoint::parse("127.0.0.2:1161"));
  EXPECT_EQ(EndpointHash{}(*Endpoint::parse("[::1]:5")), EndpointHash{}(*Endpoint::parse("[::1]:5")));
  for (const char* bad : {"127.0.0.1:notaport", "router.example", "", "127.0.0.1:0", "[::1", "1.2.3.4:70000"}) {
    auto r = Endpoint::parse(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().reason, kReasonTransport);
  }
}

// A plain Response takes the fast decoder (snmp/ber_response.h); one with an Opaque value is
// Net-SNMP's; both are answers, decoded alike.
TEST_F(SharedTransportTest, ResponsesTakeTheFastDecoderOthersNetSnmp) {
  Agent agent;
  ASSERT_TRUE(agent.ok());
  const std::string name = "Huyện Kỳ Sơn";
  for (int opaque = 0; opaque < 2; ++opaque) {
    ASSERT_TRUE(send(10 + opaque, agent.endpoint(), get_pdu(kSysDescr)));
    auto got = agent.receive();
    ASSERT_TRUE(got);
    std::string answer;
    {
      std::lock_guard g(netsnmp_lock());
      PduPtr req = parse(*got);
      ASSERT_TRUE(req);
      PduPtr pdu(snmp_pdu_create(SNMP_MSG_RESPONSE));
      pdu->reqid = req->reqid;
      std::vector<oid> arcs(kSysDescr.begin(), kSysDescr.end());
      snmp_pdu_add_variable(pdu.get(), arcs.data(), arcs.size(), opaque ? ASN_OPAQUE : ASN_OCTET_STR, name.data(),
                            name.size());
      answer = encode(pdu.get(), SNMP_VERSION_2c, "public");
    }
    agent.reply(answer);
    auto r = replies(1);
    ASSERT_EQ(r.size(), 1u) << opaque;
    EXPECT_EQ(r[0].token, static_cast<uint64_t>(10 + opaque));
    EXPECT_EQ(r[0].op, NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE);
    EXPECT_EQ(r[0].command, SNMP_MSG_RESPONSE);
    ASSERT_TRUE(r[0].varbinds && r[0].varbinds->ok());
    ASSERT_EQ(r[0].varbinds->value().size(), 1u);
    EXPECT_EQ(r[0].varbinds->value()[0].oid, kSysDescr);
    EXPECT_EQ(r[0].varbinds->value()[0].value.bytes, name);
    EXPECT_EQ(r[0].varbinds->value()[0].value.type, opaque ? Type::Opaque : Type::OctetString);
    std::lock_guard g(netsnmp_lock());
    EXPECT_EQ(transport_->stats().answers, static_cast<uint64_t>(opaque + 1));
    EXPECT_EQ(transport_->stats().fast_decoded, 1u) << opaque;  // the first only
  }
}

TEST_F(SharedTransportTest, AnswerIsMatchedAndDecoded) {
  Agent agent;
  ASSERT_TRUE(agent.ok());
  ASSERT_TRUE(send(7, agent.endpoint(), get_pdu(kSysDescr)));
  auto got = agent.receive();
  ASSERT_TRUE(got);
  PduPtr req;
  {
    std::lock_guard g(netsnmp_lock());
    req = parse(*got);
  }
  ASSERT_TRUE(req);
  EXPECT_EQ(req->version, SNMP_VERSION_2c);
  EXPECT_EQ(req->command, SNMP_MSG_GET);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(req->community), req->community_len), "public");
  ASSERT_TRUE(req->variables);
  EXPECT_EQ(snmp_oid_compare(req->variables->name, req->variables->name_length,
                             std::vector<oid>(kSysDescr.begin(), kSysDescr.end()).data(), kSysDescr.size()),
            0);
  const std::string name = "Huyện Kỳ Sơn";
  {
    std::lock_guard g(netsnmp_lock());
    agent.reply(response(req->reqid, kSysDescr, name));
  }
  auto r = replies(1);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].token, 7u);
  EXPECT_EQ(r[0].op, NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE);
  EXPECT_EQ(r[0].command, SNMP_MSG_RESPONSE);
  ASSERT_TRUE(r[0].varbinds && r[0].varbinds->ok());
  ASSERT_EQ(r[0].varbinds->value().size(), 1u);
  EXPECT_EQ(r[0].varbinds->value()[0].oid, kSysDescr);
  EXPECT_EQ(r[0].varbinds->value()[0].value, Value::Str(name));
  EXPECT_EQ(transport_->on_the_wire(), 0u);
  EXPECT_EQ(transport_->stats().answers, 1u);
  EXPECT_EQ(transport_->stats().unmatched, 0u);
}

TEST_F(SharedTransportTest, V1RequestsGoOutAsV1AndIPv6Works) {
  Agent agent(AF_INET6);
  if (!agent.ok()) GTEST_SKIP() << "no IPv6 loopback here";
  ASSERT_TRUE(send(1, agent.endpoint(), get_pdu(kSysDescr), community("v1c", Credentials::Version::V1)));
  auto got = agent.receive();
  ASSERT_TRUE(got);
  {
    std::lock_guard g(netsnmp_lock());
    PduPtr req = parse(*got);
    ASSERT_TRUE(req);
    EXPECT_EQ(req->version, SNMP_VERSION_1);
    EXPECT_EQ(req->command, SNMP_MSG_GET);
    agent.reply(response(req->reqid, kSysDescr, "x", SNMP_VERSION_1, "v1c"));
  }
  auto r = replies(1);
  ASSERT_EQ(r.size(), 1u) << "received " << transport_->stats().datagrams_received << ", undecodable "
                          << transport_->stats().undecodable << ", unmatched " << transport_->stats().unmatched;
  EXPECT_EQ(r[0].token, 1u);
  ASSERT_TRUE(r[0].varbinds && r[0].varbinds->ok());
  EXPECT_EQ(r[0].varbinds->value()[0].value, Value::Str("x"));
}

TEST_F(SharedTransportTest, HostileAnswersAreDroppedAndCounted) {
  Agent agent;
  ASSERT_TRUE(agent.ok());
  ASSERT_TRUE(send(42, agent.endpoint(), get_pdu(kSysDescr)));
  auto got = agent.receive();
  ASSERT_TRUE(got);
  long reqid;
  {
    std::lock_guard g(netsnmp_lock());
    reqid = parse(*got)->reqid;
    const std::string good = response(reqid, kSysDescr, "good");
    agent.reply_from_elsewhere(good);                                           // wrong source port
    agent.reply(response(reqid, kSysDescr, "forged", SNMP_VERSION_2c, "private"));  // wrong community
    agent.reply(response(reqid, kSysDescr, "forged", SNMP_VERSION_1));           // wrong version
    agent.reply(response(reqid + 1, kSysDescr, "forged"));                       // wrong request-id
    agent.reply(response(reqid, kSysDescr, "forged", SNMP_VERSION_2c, "public", SNMP_MSG_GET));  // not a response
    agent.reply(good.substr(0, good.size() / 2));                                // truncated
    agent.reply(std::string("\x30\x84\xff\xff\xff\xff\x02\x01\x01", 9));         // absurd length
    agent.reply(std::string(300, '\xff'));                                       // noise
    agent.reply(std::string());                                                  // empty datagram
    std::string v3 = good;
    v3[4] = 3;  // the version INTEGER's value: an SNMPv3 message is never parsed here
    agent.reply(v3);
  }
  drain(200ms);
  EXPECT_TRUE(stray_.empty()) << "a hostile datagram was taken as the answer";
  EXPECT_EQ(transport_->on_the_wire(), 1u);
  EXPECT_EQ(transport_->stats().unmatched, 5u);
  EXPECT_EQ(transport_->stats().undecodable, 5u);
  {
    std::lock_guard g(netsnmp_lock());
    agent.reply(response(reqid, kSysDescr, "good"));
    agent.reply(response(reqid, kSysDescr, "duplicate"));
  }
  auto r = replies(1);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].token, 42u);
  ASSERT_TRUE(r[0].varbinds && r[0].varbinds->ok());
  EXPECT_EQ(r[0].varbinds->value()[0].value, Value::Str("good"));
  drain(100ms);
  EXPECT_TRUE(stray_.empty()) << "the duplicate answered again";
  EXPECT_EQ(transport_->stats().answers, 1u);
  EXPECT_EQ(transport_->stats().unmatched, 6u);  // the duplicate
}

TEST_F(SharedTransportTest, HugeAnswerIsRead) {
  Agent agent;
  ASSERT_TRUE(agent.ok());
  ASSERT_TRUE(send(3, agent.endpoint(), get_pdu(kSysDescr)));
  auto got = agent.receive();
  ASSERT_TRUE(got);
  const std::string big(60000, 'x');
  {
    std::lock_guard g(netsnmp_lock());
    const std::string msg = response(parse(*got)->reqid, kSysDescr, big);
    ASSERT_GT(msg.size(), 60000u);
    agent.reply(msg);
  }
  auto r = replies(1);
  ASSERT_EQ(r.size(), 1u);
  ASSERT_TRUE(r[0].varbinds && r[0].varbinds->ok());
  EXPECT_EQ(r[0].varbinds->value()[0].value, Value::Str(big));
}

TEST_F(SharedTransportTest, DeadlinesResendTheSameRequestThenTimeOut) {
  Agent agent;
  ASSERT_TRUE(agent.ok());
  const auto t0 = Clock::now();
  ASSERT_TRUE(send(9, agent.endpoint(), get_pdu(kSysDescr), community("public"), 100ms, 2, t0));
  auto first = agent.receive();
  ASSERT_TRUE(first);
  auto step = [&](Clock::time_point at) {
    std::lock_guard g(netsnmp_lock());
    transport_->expire(at);
    transport_->flush();
    return transport_->take();
  };
  EXPECT_TRUE(step(t0 + 99ms).empty());
  EXPECT_FALSE(agent.receive(50ms)) << "resent before the deadline";
  {
    std::lock_guard g(netsnmp_lock());
    ASSERT_TRUE(transport_->next_deadline());
    EXPECT_EQ(*transport_->next_deadline(), t0 + 100ms);
  }
  EXPECT_TRUE(step(t0 + 100ms).empty());
  auto second = agent.receive();
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, *first) << "a resend is the same message (same request-id)";
  agent.reply(std::string(50, '\x01'));  // garbage from the peer meanwhile
  drain(100ms);
  EXPECT_TRUE(step(t0 + 200ms).empty());
  ASSERT_TRUE(agent.receive());
  auto r = step(t0 + 300ms);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].token, 9u);
  EXPECT_EQ(r[0].op, NETSNMP_CALLBACK_OP_TIMED_OUT);
  EXPECT_EQ(r[0].unmatched, 1u) << "the peer's garbage is told with the timeout";
  EXPECT_EQ(transport_->stats().resends, 2u);
  EXPECT_EQ(transport_->stats().timeouts, 1u);
  EXPECT_EQ(transport_->on_the_wire(), 0u);
  std::lock_guard g(netsnmp_lock());
  EXPECT_FALSE(transport_->next_deadline());
}

TEST_F(SharedTransportTest, ManyRequestsGoOutInBatchesAndEachGetsItsAnswer) {
  Agent agent;
  ASSERT_TRUE(agent.ok());
  constexpr int kRequests = 500;
  std::atomic<int> answered{0};
  std::thread echo([&] {  // answers every GET with its own OID, from the agent's socket
    for (int i = 0; i < kRequests; ++i) {
      auto got = agent.receive(5000ms);
      if (!got) return;
      std::lock_guard g(netsnmp_lock());
      PduPtr req = parse(*got);
      if (!req || !req->variables) continue;
      Oid o(req->variables->name, req->variables->name + req->variables->name_length);
      agent.reply(response(req->reqid, o, "row " + std::to_string(o.back())));
      ++answered;
    }
  });
  std::map<uint64_t, uint32_t> asked;
  {
    std::lock_guard g(netsnmp_lock());
    for (int i = 0; i < kRequests; ++i) {
      Oid o = kSysDescr;
      o.back() = static_cast<uint32_t>(i);
      SharedTransport::Request r;
      r.token = 1000 + static_cast<uint64_t>(i);
      r.to = agent.endpoint();
      r.credentials = community("public");
      r.timeout = 10000ms;
      std::string error;
      ASSERT_TRUE(transport_->send(r, get_pdu(o), Clock::now(), error)) << error;
      asked[r.token] = static_cast<uint32_t>(i);
    }
    transport_->flush();
  }
  auto r = replies(kRequests, 20000ms);
  echo.join();
  ASSERT_EQ(r.size(), static_cast<size_t>(kRequests));
  for (const auto& reply : r) {
    ASSERT_TRUE(asked.count(reply.token)) << reply.token;
    ASSERT_TRUE(reply.varbinds && reply.varbinds->ok());
    EXPECT_EQ(reply.varbinds->value()[0].oid.back(), asked[reply.token]) << "answer given to the wrong request";
    asked.erase(reply.token);
  }
  EXPECT_TRUE(asked.empty());
  EXPECT_EQ(transport_->stats().unmatched, 0u);
  EXPECT_EQ(transport_->stats().datagrams_sent, static_cast<uint64_t>(kRequests));
}

// Mutated copies of a valid answer (bytes flipped, cut, grown), thousands of them, from the
// right address: none may crash the transport (run under ASan/UBSan by tools/test.sh), at
// most one may be taken as the answer, and every datagram is accounted for.
TEST_F(SharedTransportTest, MutatedAnswersAreCountedNeverTrusted) {
  Agent agent;
  ASSERT_TRUE(agent.ok());
  ASSERT_TRUE(send(5, agent.endpoint(), get_pdu(kSysDescr)));
  auto got = agent.receive();
  ASSERT_TRUE(got);
  std::string good;
  {
    std::lock_guard g(netsnmp_lock());
    good = response(parse(*got)->reqid, kSysDescr, "Huyện Kỳ Sơn");
  }
  constexpr int kDatagrams = 3000;
  uint32_t seed = 2026;
  auto next = [&seed] { return (seed = seed * 1103515245u + 12345u) >> 8; };
  std::vector<Reply> taken;
  for (int i = 0; i < kDatagrams; ++i) {
    std::string m = good;
    switch (i % 4) {
      case 0:  // a few bytes changed
        for (int k = 0; k < 1 + static_cast<int>(next() % 3); ++k) m[next() % m.size()] = static_cast<char>(next());
        break;
      case 1: m.resize(next() % m.size()); break;                       // cut short
      case 2: m.insert(next() % m.size(), std::string(next() % 40, static_cast<char>(next()))); break;  // grown
      default: m[1] = static_cast<char>(next()); m[next() % m.size()] ^= 0x80; break;  // lengths lie
    }
    agent.reply(m);
    if (i % 200 == 199) {  // let the transport keep up with the socket's buffer
      auto r = replies(1000000, 20ms);
      taken.insert(taken.end(), r.begin(), r.end());
    }
  }
  auto r = replies(1000000, 300ms);
  taken.insert(taken.end(), r.begin(), r.end());
  EXPECT_LE(taken.size(), 1u);
  for (const auto& reply : taken) EXPECT_EQ(reply.token, 5u);
  const auto& st = transport_->stats();
  EXPECT_EQ(st.datagrams_received, static_cast<uint64_t>(kDatagrams));
  EXPECT_EQ(st.answers + st.undecodable + st.unmatched, st.datagrams_received);
}

TEST_F(SharedTransportTest, ADatagramTheKernelRefusesFailsItsRequestOnly) {
  Agent agent;
  ASSERT_TRUE(agent.ok());
  // Broadcast without SO_BROADCAST: the kernel refuses it (EACCES); nothing leaves the host.
  ASSERT_TRUE(send(1, *Endpoint::parse("255.255.255.255:161"), get_pdu(kSysDescr)));
  ASSERT_TRUE(send(2, agent.endpoint(), get_pdu(kSysDescr)));
  auto r = replies(1);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].token, 1u);
  EXPECT_EQ(r[0].op, NETSNMP_CALLBACK_OP_SEND_FAILED);
  EXPECT_NE(r[0].send_error.find("255.255.255.255"), std::string::npos) << r[0].send_error;
  EXPECT_TRUE(agent.receive()) << "the other request still went out";
  EXPECT_EQ(transport_->stats().send_errors, 1u);
}

TEST_F(SharedTransportTest, RequestsThatCannotBeSentSaySo) {
  std::lock_guard g(netsnmp_lock());
  SharedTransport::Request r;
  r.to = *Endpoint::parse("127.0.0.1:9");
  std::string error;
  EXPECT_FALSE(transport_->send(r, get_pdu(kSysDescr), Clock::now(), error));
  EXPECT_EQ(error, "no credentials");
  auto v3 = std::make_shared<Credentials>();
  v3->version = Credentials::Version::V3;
  r.credentials = v3;
  EXPECT_FALSE(transport_->send(r, get_pdu(kSysDescr), Clock::now(), error));
  EXPECT_NE(error.find("SNMPv1 and SNMPv2c only"), std::string::npos);
  EXPECT_EQ(transport_->on_the_wire(), 0u);
}

}  // namespace
}  // namespace lw::snmp::detail
