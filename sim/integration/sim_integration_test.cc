// linkwatch-sim against Net-SNMP's own tools: the real binary on free ports.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sim/province.h"
#include "tests/support/process.h"
#include "tests/support/snmpd.h"

namespace lw::sim {
namespace {

using namespace std::chrono_literals;
using lw::test::CommandResult;

// A minimal HTTP/1.1 request to 127.0.0.1:port; returns "status body" or "" on failure.
std::pair<int, std::string> http(const std::string& method, uint16_t port, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return {0, ""};
  }
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  (void)!::write(fd, req.data(), req.size());
  std::string resp;
  char buf[65536];
  for (int i = 0; i < 100000; ++i) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    resp.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  if (resp.size() < 12) return {0, ""};
  auto body = resp.find("\r\n\r\n");
  return {std::atoi(resp.c_str() + 9), body == std::string::npos ? "" : resp.substr(body + 4)};
}

class Sim {
 public:
  explicit Sim(std::vector<std::string> extra = {}) : dir_("linkwatch-sim-test") {
    port_ = lw::test::free_udp_port();
    control_ = lw::test::free_tcp_port();
    std::vector<std::string> argv = {LINKWATCH_SIM_BINARY, "--port", std::to_string(port_),
                                     "--control-port", std::to_string(control_)};
    argv.insert(argv.end(), extra.begin(), extra.end());
    proc_ = lw::test::Process(argv, dir_.file("sim.log"));
    probe_ = extra.size() > 1 && extra[0] == "--replay" ? "127.0.0.1" : "127.0.0.10";
    std::string community = "public";
    for (size_t i = 0; i + 1 < extra.size(); ++i)
      if (extra[i] == "--community") community = extra[i + 1];
    bool up = lw::test::wait_until([&] { return tool({"snmpget", "-v2c", "-c", community, "-t", "0.5", "-r", "0", addr(probe_), "1.3.6.1.2.1.1.1.0"}).out.find(" = ") != std::string::npos; }, 30s, 100ms);
    if (!up) throw std::runtime_error("linkwatch-sim did not answer:\n" + log());
  }
  std::string addr(const std::string& ip) const { return ip + ":" + std::to_string(port_); }
  uint16_t control() const { return control_; }
  std::string log() const {
    std::ifstream in(dir_.file("sim.log"));
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  CommandResult tool(const std::vector<std::string>& argv) const {
    return lw::test::run_command(argv, 60s, {{"SNMPCONFPATH", dir_.path()}, {"SNMP_PERSISTENT_DIR", dir_.path()}, {"MIBS", ""}, {"HOME", dir_.path()}});
  }
  std::vector<std::string> v3() const {
    return {"-v3", "-l", "authPriv", "-u", "linkwatch", "-a", "SHA-256", "-A", "linkwatch-auth", "-x", "AES", "-X", "linkwatch-priv"};
  }
  const lw::test::TempDir& dir() const { return dir_; }

 private:
  lw::test::TempDir dir_;
  uint16_t port_ = 0, control_ = 0;
  std::string probe_;
  lw::test::Process proc_;
};

std::vector<std::string> cat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

size_t lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

TEST(SimSnmp, V2cAndV3ReturnTheDevicesData) {
  Sim sim({"--no-random-failures"});
  auto r = sim.tool({"snmpget", "-v2c", "-c", "public", "-On", sim.addr("127.20.0.1"), "1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.31.1.1.1.1.1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("STRING: \"ky-son-gw\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("STRING: \"wan0\""), std::string::npos) << r.out;

  // v3 authPriv (SHA-256/AES): the core's WAN interfaces, one per district.
  r = sim.tool(cat(cat({"snmpbulkwalk"}, sim.v3()), {"-On", sim.addr("127.0.0.10"), "1.3.6.1.2.1.31.1.1.1.1"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"wan-ky-son\""), std::string::npos) << r.out;
  EXPECT_EQ(lines(r.out), 22u) << r.out;  // lo, lan0, 20 WAN interfaces

  // A BTS radio serves the example radio table; a wrong community gets no answer at all.
  r = sim.tool({"snmpgetnext", "-v2c", "-c", "public", "-On", sim.addr("127.1.1.11"), "1.3.6.1.4.1.32473.1.1.1.4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(".1.3.6.1.4.1.32473.1.1.1.4.1 = INTEGER:"), std::string::npos) << r.out;
  r = sim.tool({"snmpget", "-v2c", "-c", "wrong", "-t", "0.3", "-r", "0", sim.addr("127.0.0.10"), "1.3.6.1.2.1.1.5.0"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("Timeout"), std::string::npos) << r.err;
  // v3 wrong password: a report, which the tool shows as an authentication failure.
  r = sim.tool({"snmpget", "-v3", "-l", "authNoPriv", "-u", "monitor", "-a", "SHA", "-A", "not-the-password", sim.addr("127.0.0.10"), "1.3.6.1.2.1.1.5.0"});
  EXPECT_EQ(r.out.find("vinh-core"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("Authentication failure"), std::string::npos) << r.err;
}

TEST(SimSnmp, ExceptionsAndGetBulkBoundaries) {
  Sim sim({"--no-random-failures"});
  const auto a = sim.addr("127.1.1.11");
  auto r = sim.tool({"snmpget", "-v2c", "-c", "public", "-On", a, "1.3.6.1.2.1.2.2.1.2.99", "1.3.6.1.2.1.99.1.0"});
  EXPECT_NE(r.out.find(".1.3.6.1.2.1.2.2.1.2.99 = No Such Instance"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(".1.3.6.1.2.1.99.1.0 = No Such Object"), std::string::npos) << r.out;
  // The last OID of a BTS radio is lwRadioPlannedFadeMargin.1: after it, endOfMibView.
  r = sim.tool({"snmpgetnext", "-v2c", "-c", "public", "-On", a, "1.3.6.1.4.1.32473.1.1.1.12.1"});
  EXPECT_NE(r.out.find("No more variables left in this MIB View"), std::string::npos) << r.out;
  // Non-repeaters 1 (sysDescr's next: sysObjectID), max-repetitions 3 over ifDescr.
  r = sim.tool({"snmpbulkget", "-v2c", "-c", "public", "-On", "-Cn1", "-Cr3", a, "1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.2.2.1.2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines(r.out), 4u) << r.out;
  EXPECT_NE(r.out.find(".1.3.6.1.2.1.1.2.0 = OID"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(".1.3.6.1.2.1.2.2.1.2.2 = STRING"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(".1.3.6.1.2.1.2.2.1.3.1 = INTEGER"), std::string::npos) << r.out;
  // Running off the end: endOfMibView after the last entry, then the repetitions stop.
  r = sim.tool({"snmpbulkget", "-v2c", "-c", "public", "-On", "-Cr5", a, "1.3.6.1.4.1.32473.1.1.1.9"});
  EXPECT_NE(r.out.find(".1.3.6.1.4.1.32473.1.1.1.9.1 = INTEGER"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("No more variables left in this MIB View"), std::string::npos) << r.out;
}

TEST(SimSnmp, TooBigForGetAndFewerRepetitionsForGetBulk) {
  Sim sim({"--no-random-failures", "--max-message-size", "484"});
  std::vector<std::string> get = {"snmpget", "-v2c", "-c", "public", sim.addr("127.0.0.10")};
  for (int i = 0; i < 12; ++i) get.push_back("1.3.6.1.2.1.1.1.0");  // 12 × ~60 bytes > 484
  auto r = sim.tool(get);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE((r.out + r.err).find("tooBig"), std::string::npos) << r.out << r.err;
  // GETBULK asking for 100 rows of ifAlias gets as many as fit, not an error.
  r = sim.tool({"snmpbulkget", "-v2c", "-c", "public", "-On", "-Cr100", sim.addr("127.0.0.10"), "1.3.6.1.2.1.31.1.1.1.18"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(lines(r.out), 3u) << r.out;
  EXPECT_LT(lines(r.out), 22u) << r.out;
  // Same over v3, where the request's own msgMaxSize also applies.
  r = sim.tool(cat(cat({"snmpbulkget"}, sim.v3()), {"-On", "-Cr100", sim.addr("127.0.0.10"), "1.3.6.1.2.1.31.1.1.1.18"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(lines(r.out), 2u) << r.out;
}

TEST(SimReplay, AWalkOfSnmpdReplaysOidForOidValueForValue) {
  lw::test::Snmpd snmpd;
  auto rec = snmpd.run_tool({"snmpwalk", "-v2c", "-c", "public", "-On", snmpd.address(), "1.3.6.1.2.1"});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  ASSERT_GT(lines(rec.out), 50u);
  lw::test::TempDir tmp("linkwatch-sim-rec");
  tmp.write("snmpd.walk", rec.out);
  Sim sim({"--replay", tmp.file("snmpd.walk")});
  auto back = sim.tool({"snmpwalk", "-v2c", "-c", "public", "-On", sim.addr("127.0.0.1"), "1.3.6.1.2.1"});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  // The recording ends there, so the replayed walk ends with endOfMibView, which snmpwalk
  // reports on one more line; snmpd had more MIB after 1.3.6.1.2.1 and ended silently.
  auto strip_end = [](std::string s) {
    auto p = s.find(" = No more variables left in this MIB View");
    if (p != std::string::npos) s.erase(s.rfind('\n', p) + 1);
    return s;
  };
  back.out = strip_end(back.out);
  EXPECT_EQ(back.out, rec.out);
  if (back.out != rec.out) {
    std::ofstream(tmp.file("back.walk")) << back.out;
    std::system(("diff " + tmp.file("snmpd.walk") + " " + tmp.file("back.walk") + " | head -20 >&2").c_str());
  }
  auto bulk = sim.tool({"snmpbulkwalk", "-v2c", "-c", "public", "-On", sim.addr("127.0.0.1"), "1.3.6.1.2.1"});
  EXPECT_EQ(strip_end(bulk.out), rec.out);
}

TEST(SimReplay, ShippedSnmprecServes) {
  Sim sim({"--replay", std::string(LINKWATCH_SOURCE_DIR) + "/sim/testdata/switch.snmprec", "--community", "recorded"});
  auto r = sim.tool({"snmpwalk", "-v2c", "-c", "recorded", "-On", sim.addr("127.0.0.1"), "1.3.6.1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(".1.3.6.1.2.1.1.5.0 = STRING: \"recorded-switch\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(".1.3.6.1.2.1.31.1.1.1.6.1 = Counter64: 123456789012"), std::string::npos) << r.out;
}

// Reads "TYPE: n" numbers from `snmpget -On -Ot` output in order.
std::vector<uint64_t> numbers(const std::string& out) {
  std::vector<uint64_t> v;
  std::regex re(R"(= (?:[A-Za-z0-9]+: )?(\d+))");
  for (std::sregex_iterator it(out.begin(), out.end(), re), end; it != end; ++it) v.push_back(std::stoull((*it)[1]));
  return v;
}

TEST(SimDynamics, CountersNeverGoBackwardsExceptWrapOrReboot) {
  Sim sim({"--no-random-failures", "--speed", "300", "--seed", "7"});
  // vinh-03 has no ifXTable: 32-bit counters only, busy enough to wrap at this speed.
  const auto a = sim.addr("127.1.3.1");
  uint64_t last_up = 0, last_in = 0;
  int wraps = 0, resets = 0;
  for (int i = 0; i < 40; ++i) {
    if (i == 20) {
      ASSERT_EQ(http("POST", sim.control(), "/reboot?target=vinh-03").first, 200);
    }
    auto r = sim.tool({"snmpget", "-v2c", "-c", "public", "-On", "-Ot", a, "1.3.6.1.2.1.1.3.0", "1.3.6.1.2.1.2.2.1.10.1"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto n = numbers(r.out);
    ASSERT_EQ(n.size(), 2u) << r.out;
    if (i > 0) {
      if (n[0] < last_up) {
        ++resets;  // sysUpTime went back: a reboot, counters restart
      } else if (n[1] < last_in) {
        EXPECT_GT(last_in - n[1], 1ULL << 31) << "went backwards without a wrap at sample " << i;
        ++wraps;
      }
    }
    last_up = n[0];
    last_in = n[1];
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(resets, 1);
  EXPECT_GE(wraps, 1);
  // Counter64 on the core never goes backwards.
  uint64_t prev = 0;
  for (int i = 0; i < 5; ++i) {
    auto r = sim.tool({"snmpget", "-v2c", "-c", "public", "-On", sim.addr("127.0.0.10"), "1.3.6.1.2.1.31.1.1.1.6.3"});
    auto n = numbers(r.out);
    ASSERT_EQ(n.size(), 1u) << r.out << r.err;
    EXPECT_GT(n[0], prev);
    prev = n[0];
    std::this_thread::sleep_for(100ms);
  }
}

TEST(SimDynamics, CuttingADistrictSilencesEverythingBehindItAndRestoreBringsItBack) {
  Sim sim({"--no-random-failures"});
  auto districts = read_districts(std::string(LINKWATCH_SOURCE_DIR) + "/config/nghe-an/districts.csv");
  ASSERT_TRUE(districts.ok());
  auto p = build_province(*districts);
  std::vector<std::string> behind;
  for (auto& d : p.devices)
    if (d.live && d.district >= 0 && p.districts[static_cast<size_t>(d.district)].slug == "cua-lo") behind.push_back(ip_string(d.address));
  ASSERT_GT(behind.size(), 10u);
  auto get = [&](const std::string& ip) {
    return sim.tool({"snmpget", "-v2c", "-c", "public", "-t", "0.3", "-r", "0", sim.addr(ip), "1.3.6.1.2.1.1.3.0"}).exit_code == 0;
  };
  for (auto& ip : behind) ASSERT_TRUE(get(ip)) << ip;
  auto [status, body] = http("POST", sim.control(), "/cut?district=cua-lo");
  ASSERT_EQ(status, 200) << body;
  for (auto& ip : behind) EXPECT_FALSE(get(ip)) << ip << " still answers";
  EXPECT_TRUE(get("127.0.0.10"));  // the core is in front of the cut
  EXPECT_TRUE(get("127.1.0.1"));   // another district is untouched
  auto state = http("GET", sim.control(), "/state?target=cua-lo-gw");
  EXPECT_EQ(nlohmann::json::parse(state.second).value("state", ""), "unreachable") << state.second;
  ASSERT_EQ(http("POST", sim.control(), "/restore").first, 200);
  for (auto& ip : behind) EXPECT_TRUE(get(ip)) << ip << " did not come back";
}

TEST(SimControl, BadRequestsAreAnsweredWithErrors) {
  Sim sim({"--no-random-failures"});
  EXPECT_EQ(http("POST", sim.control(), "/cut?district=atlantis").first, 404);
  EXPECT_EQ(http("POST", sim.control(), "/flap").first, 400);
  EXPECT_EQ(http("POST", sim.control(), "/flap?target=vinh-01&count=0").first, 400);
  EXPECT_EQ(http("GET", sim.control(), "/nothing").first, 405);
  auto s = http("GET", sim.control(), "/state");
  EXPECT_EQ(s.first, 200);
  const auto all = nlohmann::json::parse(s.second);
  bool gw = false, no_ifx = false;
  for (const auto& d : all.at("devices")) {
    gw = gw || (d.value("name", "") == "ky-son-gw" && d.value("address", "") == "127.20.0.1");
    no_ifx = no_ifx || d.value("no_ifxtable", false);
  }
  EXPECT_TRUE(gw);
  EXPECT_TRUE(no_ifx);
  // An error is JSON too.
  const auto bad = http("POST", sim.control(), "/cut?target=no-such-%22device%22");
  EXPECT_EQ(bad.first, 404);
  EXPECT_EQ(nlohmann::json::parse(bad.second).value("error", ""), "unknown or planned target no-such-\"device\"");
  // A flap moves ifLastChange while the device keeps answering.
  auto lc = [&] { return sim.tool({"snmpget", "-v2c", "-c", "public", "-On", "-Ot", sim.addr("127.1.0.1"), "1.3.6.1.2.1.2.2.1.9.3"}).out; };
  std::string before = lc();
  ASSERT_EQ(http("POST", sim.control(), "/flap?target=vinh-01&count=2").first, 200);
  EXPECT_TRUE(lw::test::wait_until([&] { return lc() != before; }, 10s));
}

}  // namespace
}  // namespace lw::sim
