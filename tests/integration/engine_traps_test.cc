// The Net-SNMP engine's notification receiver against Net-SNMP's own snmptrap/snmpinform:
// v1, v2c and v3 (trap with the sender's engine ID, inform with discovery) are accepted and
// decoded; a wrong community, an unknown user and a wrong password are rejected and reported.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "snmp/netsnmp_engine.h"
#include "tests/support/process.h"

namespace lw::snmp {
namespace {

using namespace std::chrono_literals;

constexpr const char* kEngineId = "0x8000a8ff01020304";  // the sender's, in snmptrap -e
constexpr const char* kEngineIdRaw = "\x80\x00\xa8\xff\x01\x02\x03\x04";

std::shared_ptr<const Credentials> v2(const std::string& community) {
  Credentials c;
  c.version = Credentials::Version::V2c;
  c.community = community;
  return std::make_shared<const Credentials>(c);
}

std::shared_ptr<const Credentials> v3_sha256_aes() {
  Credentials c;
  c.version = Credentials::Version::V3;
  c.username = "trapper";
  c.level = Credentials::Level::AuthPriv;
  c.auth = Credentials::AuthProto::SHA256;
  c.auth_password = "trap-auth-pass";
  c.priv = Credentials::PrivProto::AES;
  c.priv_password = "trap-priv-pass";
  c.engine_id = std::string(kEngineIdRaw, 8);
  return std::make_shared<const Credentials>(c);
}

// Listens for notifications on a free loopback port and returns it: the port may be taken
// between free_udp_port() and the bind, so a few tries. The last error if none worked.
Result<uint16_t> listen_on_free_port(Engine& engine, std::vector<std::shared_ptr<const Credentials>> accept,
                                     const NotificationHandlers& handlers) {
  Status st;
  for (int i = 0; i < 5; ++i) {
    const uint16_t port = test::free_udp_port();
    st = engine.listen_for_notifications("127.0.0.1:" + std::to_string(port), accept, handlers);
    if (!st) return port;
  }
  return *st;
}

class TrapReceiver : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = make_netsnmp_engine({});
    NotificationHandlers h;
    h.accepted = [this](Notification n) {
      std::lock_guard g(mu_);
      got_.push_back(std::move(n));
    };
    h.rejected = [this](RejectedNotification r) {
      std::lock_guard g(mu_);
      rejected_.push_back(std::move(r));
    };
    const auto port = listen_on_free_port(*engine_, {v2("traps-ok"), v3_sha256_aes()}, h);
    ASSERT_TRUE(port.ok()) << port.error().to_string();
    port_ = port.value();
  }

  std::string dest() const { return "127.0.0.1:" + std::to_string(port_); }

  test::CommandResult tool(std::vector<std::string> argv) {
    return test::run_command(argv, 30s,
                             {{"SNMP_PERSISTENT_DIR", dir_.file("state")},
                              {"SNMPCONFPATH", dir_.file("conf")},
                              {"MIBS", ""},
                              {"MIBDIRS", dir_.file("no-mibs")},
                              {"HOME", dir_.path()}});
  }

  size_t accepted() {
    std::lock_guard g(mu_);
    return got_.size();
  }
  size_t rejected() {
    std::lock_guard g(mu_);
    return rejected_.size();
  }
  Notification last() {
    std::lock_guard g(mu_);
    return got_.back();
  }
  RejectedNotification last_rejected() {
    std::lock_guard g(mu_);
    return rejected_.back();
  }

  test::TempDir dir_{"linkwatch-traps"};
  std::unique_ptr<Engine> engine_;
  uint16_t port_ = 0;
  std::mutex mu_;
  std::vector<Notification> got_;
  std::vector<RejectedNotification> rejected_;
};

const Oid kIfIndex3{1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 3};
const Oid kLinkDown{1, 3, 6, 1, 6, 3, 1, 1, 5, 3};
const Oid kColdStart{1, 3, 6, 1, 6, 3, 1, 1, 5, 1};

bool has_varbind(const Notification& n, const Oid& oid) {
  for (const auto& vb : n.varbinds)
    if (vb.oid == oid) return true;
  return false;
}

TEST_F(TrapReceiver, V2cTrapIsAcceptedAndDecoded) {
  const auto r = tool({"snmptrap", "-v2c", "-c", "traps-ok", dest(), "", "1.3.6.1.6.3.1.1.5.3",
                       "1.3.6.1.2.1.2.2.1.1.3", "i", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(test::wait_until([&] { return accepted() == 1; }, 10s));
  const Notification n = last();
  EXPECT_EQ(n.source, "127.0.0.1");
  EXPECT_EQ(n.trap_oid, kLinkDown);
  EXPECT_TRUE(has_varbind(n, kIfIndex3));
  EXPECT_EQ(rejected(), 0u);
}

TEST_F(TrapReceiver, V1TrapIsTranslated) {
  // generic-trap 2 = linkDown; agent-addr 127.0.0.9 becomes snmpTrapAddress.0.
  const auto r = tool({"snmptrap", "-v1", "-c", "traps-ok", dest(), "1.3.6.1.4.1.8072", "127.0.0.9", "2",
                       "0", "", "1.3.6.1.2.1.2.2.1.1.3", "i", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(test::wait_until([&] { return accepted() == 1; }, 10s));
  const Notification n = last();
  EXPECT_EQ(n.trap_oid, kLinkDown);
  bool agent = false;
  for (const auto& vb : n.varbinds)
    if (vb.oid == Oid{1, 3, 6, 1, 6, 3, 18, 1, 3, 0})
      agent = vb.value.type == Type::IpAddress && vb.value.bytes == std::string("\x7f\x00\x00\x09", 4);
  EXPECT_TRUE(agent);
}

TEST_F(TrapReceiver, WrongCommunityIsRejected) {
  const auto r = tool({"snmptrap", "-v2c", "-c", "wrong", dest(), "", "1.3.6.1.6.3.1.1.5.3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(test::wait_until([&] { return rejected() == 1; }, 10s));
  EXPECT_EQ(last_rejected().reason, kRejectCommunity);
  EXPECT_EQ(last_rejected().source, "127.0.0.1");
  EXPECT_EQ(accepted(), 0u);
}

TEST_F(TrapReceiver, V3TrapWithSenderEngineIdIsAccepted) {
  const auto r = tool({"snmptrap", "-v3", "-e", kEngineId, "-u", "trapper", "-l", "authPriv", "-a",
                       "SHA-256", "-A", "trap-auth-pass", "-x", "AES", "-X", "trap-priv-pass", dest(), "",
                       "1.3.6.1.6.3.1.1.5.1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(test::wait_until([&] { return accepted() == 1; }, 10s)) << "rejected: " << rejected();
  EXPECT_EQ(last().trap_oid, kColdStart);
}

TEST_F(TrapReceiver, V3InformIsAcceptedAndAnswered) {
  // snmpinform discovers the receiver's engine ID and waits for the response: exit 0 means
  // the inform was answered.
  const auto r = tool({"snmpinform", "-v3", "-t", "3", "-r", "2", "-u", "trapper", "-l", "authPriv", "-a",
                       "SHA-256", "-A", "trap-auth-pass", "-x", "AES", "-X", "trap-priv-pass", dest(), "",
                       "1.3.6.1.6.3.1.1.5.4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(test::wait_until([&] { return accepted() >= 1; }, 10s));
  EXPECT_EQ(last().trap_oid, (Oid{1, 3, 6, 1, 6, 3, 1, 1, 5, 4}));
}

TEST_F(TrapReceiver, V2cInformIsAnswered) {
  const auto r = tool({"snmpinform", "-v2c", "-t", "3", "-r", "2", "-c", "traps-ok", dest(), "",
                       "1.3.6.1.6.3.1.1.5.2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(test::wait_until([&] { return accepted() == 1; }, 10s));
}

TEST_F(TrapReceiver, V3WrongPasswordAndUnknownUserAreRejected) {
  auto r = tool({"snmptrap", "-v3", "-e", kEngineId, "-u", "trapper", "-l", "authPriv", "-a", "SHA-256",
                 "-A", "not-the-password", "-x", "AES", "-X", "trap-priv-pass", dest(), "",
                 "1.3.6.1.6.3.1.1.5.1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(test::wait_until([&] { return rejected() == 1; }, 10s));
  EXPECT_EQ(last_rejected().reason, kRejectAuth);
  r = tool({"snmptrap", "-v3", "-e", kEngineId, "-u", "stranger", "-l", "authNoPriv", "-a", "SHA-256", "-A",
            "trap-auth-pass", dest(), "", "1.3.6.1.6.3.1.1.5.1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(test::wait_until([&] { return rejected() == 2; }, 10s));
  // A known user below its configured level (authNoPriv for an authPriv user).
  r = tool({"snmptrap", "-v3", "-e", kEngineId, "-u", "trapper", "-l", "authNoPriv", "-a", "SHA-256", "-A",
            "trap-auth-pass", dest(), "", "1.3.6.1.6.3.1.1.5.1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(test::wait_until([&] { return rejected() == 3; }, 10s));
  EXPECT_EQ(last_rejected().reason, kRejectAuth);
  EXPECT_EQ(accepted(), 0u);
}

TEST_F(TrapReceiver, GarbageIsRejectedAsDecode) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port_);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const char junk[] = "\x30\x03\x02\x01";  // a truncated SEQUENCE
  const ssize_t n = sendto(fd, junk, 4, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  close(fd);
  ASSERT_EQ(n, 4);
  ASSERT_TRUE(test::wait_until([&] { return rejected() == 1; }, 10s));
  EXPECT_EQ(last_rejected().reason, kRejectDecode);
  // The receiver still works afterwards.
  const auto r = tool({"snmptrap", "-v2c", "-c", "traps-ok", dest(), "", "1.3.6.1.6.3.1.1.5.3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(test::wait_until([&] { return accepted() == 1; }, 10s));
}

TEST(TrapReceiverBind, AddressInUseIsAnError) {
  auto engine = make_netsnmp_engine({});
  const uint16_t port = test::free_udp_port();
  const std::string address = "127.0.0.1:" + std::to_string(port);
  ASSERT_FALSE(engine->listen_for_notifications(address, {v2("x")}, {}));
  auto other = make_netsnmp_engine({});
  const Status st = other->listen_for_notifications(address, {v2("x")}, {});
  ASSERT_TRUE(st);
  EXPECT_EQ(st->reason, kReasonTransport);
  EXPECT_NE(st->detail.find(std::to_string(port)), std::string::npos) << st->detail;
}

TEST(TrapReceiverBind, Ipv6Loopback) {
  auto engine = make_netsnmp_engine({});
  const uint16_t port = test::free_udp_port();
  const Status st = engine->listen_for_notifications("[::1]:" + std::to_string(port), {v2("x")}, {});
  if (st && st->detail.find("Address family") != std::string::npos) GTEST_SKIP() << "no IPv6 here";
  EXPECT_FALSE(st) << st->to_string();
}

// A trap flood while the engine thread is busy: the kernel drops what the socket's buffer
// cannot hold, and the engine reports exactly the kernel's count.
TEST(TrapSocket, FloodDropsAreCountedAsTheKernelCountsThem) {
  NetSnmpOptions opts;
  opts.trap_receive_buffer = 8192;  // small, so a bounded flood overflows it
  auto engine = make_netsnmp_engine(opts);
  std::atomic<int> handled{0};
  NotificationHandlers h;
  h.rejected = [&](RejectedNotification) {
    if (handled++ == 0) std::this_thread::sleep_for(500ms);  // the engine thread is busy
  };
  const auto listening = listen_on_free_port(*engine, {v2("traps-ok")}, h);
  ASSERT_TRUE(listening.ok()) << listening.error().to_string();
  const uint16_t port = listening.value();
  EXPECT_GE(engine->stats().trap_receive_buffer, 8192);
  EXPECT_EQ(engine->stats().trap_socket_drops, 0u);

  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const std::string junk(200, 'x');  // not SNMP: rejected as decode, after the first one's stall
  sendto(fd, junk.data(), junk.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  ASSERT_TRUE(test::wait_until([&] { return handled.load() > 0; }, 10s));
  for (int i = 0; i < 2000; ++i)
    sendto(fd, junk.data(), junk.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  close(fd);

  const auto kernel = test::udp_drops(port);
  ASSERT_TRUE(kernel.has_value());
  ASSERT_GT(*kernel, 0u) << "the flood did not overflow the socket";
  ASSERT_TRUE(test::wait_until([&] { return engine->stats().trap_socket_drops == *kernel; }, 10s))
      << engine->stats().trap_socket_drops << " reported, the kernel says " << *kernel;
}

// Without a setting the receive buffer is raised above the kernel's default (212992 B), as far
// as the kernel lets us.
TEST(TrapSocket, ReceiveBufferIsRaisedByDefault) {
  auto engine = make_netsnmp_engine({});
  NotificationHandlers h;
  const auto listening = listen_on_free_port(*engine, {v2("traps-ok")}, h);
  ASSERT_TRUE(listening.ok()) << listening.error().to_string();
  std::ifstream max_file("/proc/sys/net/core/rmem_max");
  int64_t rmem_max = 0;
  max_file >> rmem_max;
  // Unprivileged, the kernel caps the request at rmem_max (and doubles it).
  EXPECT_GE(engine->stats().trap_receive_buffer, std::min<int64_t>(NetSnmpOptions{}.trap_receive_buffer, rmem_max));
}

}  // namespace
}  // namespace lw::snmp
