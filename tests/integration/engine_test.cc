// The Net-SNMP engine against a real snmpd (tests/support/snmpd.h), compared with Net-SNMP's
// own command-line tools where there is a reference to compare with.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "snmp/netsnmp_engine.h"
#include "tests/support/snmpd.h"

namespace lw::snmp {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const Oid kSysUpTime = *parse_oid("1.3.6.1.2.1.1.3.0");
const Oid kSysDescr = *parse_oid("1.3.6.1.2.1.1.1.0");
const Oid kSystem = *parse_oid("1.3.6.1.2.1.1");
const Oid kIfTable = *parse_oid("1.3.6.1.2.1.2.2");
const Oid kIfXTable = *parse_oid("1.3.6.1.2.1.31.1.1");

Peer v2c_peer(const std::string& address, const std::string& community = "public") {
  auto c = std::make_shared<Credentials>();
  c->version = Credentials::Version::V2c;
  c->community = community;
  Peer p;
  p.key = "agent-" + community;
  p.address = address;
  p.credentials = c;
  p.timeout = 3000ms;
  p.retries = 1;
  return p;
}

Credentials::AuthProto auth_of(const std::string& s) {
  if (s == "MD5") return Credentials::AuthProto::MD5;
  if (s == "SHA") return Credentials::AuthProto::SHA;
  if (s == "SHA-224") return Credentials::AuthProto::SHA224;
  if (s == "SHA-256") return Credentials::AuthProto::SHA256;
  if (s == "SHA-384") return Credentials::AuthProto::SHA384;
  if (s == "SHA-512") return Credentials::AuthProto::SHA512;
  return Credentials::AuthProto::None;
}

Credentials::PrivProto priv_of(const std::string& s) {
  if (s == "DES") return Credentials::PrivProto::DES;
  if (s == "AES") return Credentials::PrivProto::AES;
  if (s == "AES-192") return Credentials::PrivProto::AES192;
  if (s == "AES-256") return Credentials::PrivProto::AES256;
  return Credentials::PrivProto::None;
}

Peer v3_peer(const std::string& address, const test::SnmpdUser& u) {
  auto c = std::make_shared<Credentials>();
  c->version = Credentials::Version::V3;
  c->username = u.name;
  c->auth = auth_of(u.auth_proto);
  c->auth_password = u.auth_pass;
  c->priv = priv_of(u.priv_proto);
  c->priv_password = u.priv_pass;
  c->level = u.priv_proto.empty()
                 ? (u.auth_proto.empty() ? Credentials::Level::NoAuthNoPriv : Credentials::Level::AuthNoPriv)
                 : Credentials::Level::AuthPriv;
  Peer p;
  p.key = "agent-v3-" + u.name;
  p.address = address;
  p.credentials = c;
  p.timeout = 3000ms;
  p.retries = 1;
  return p;
}

Result<VarBinds> get_sync(Engine& e, const Peer& p, std::vector<Oid> oids) {
  std::promise<Result<VarBinds>> done;
  auto f = done.get_future();
  e.get(p, std::move(oids), [&done](Result<VarBinds> r) { done.set_value(std::move(r)); });
  if (f.wait_for(60s) != std::future_status::ready) return Error{"test", "no answer in 60 s"};
  return f.get();
}

WalkResult walk_sync(Engine& e, const Peer& p, const Oid& root) {
  std::promise<WalkResult> done;
  auto f = done.get_future();
  e.walk(p, root, [&done](WalkResult r) { done.set_value(std::move(r)); });
  if (f.wait_for(60s) != std::future_status::ready) return WalkResult{{}, Error{"test", "no answer in 60 s"}};
  return f.get();
}

// A real engine whose notices (engine-ID changes and clashes) are kept for the test to read.
// The engine is declared last: it stops, and stops calling back, before the list goes.
struct NoticedEngine {
  NoticedEngine() {
    NetSnmpOptions opts;
    opts.on_notice = [this](const std::string& n) {
      std::lock_guard g(mu);
      kept.push_back(n);
    };
    engine = make_netsnmp_engine(opts);
  }
  std::vector<std::string> notices() {
    std::lock_guard g(mu);
    return kept;
  }
  std::mutex mu;
  std::vector<std::string> kept;
  std::unique_ptr<Engine> engine;
};

// One line of `snmpbulkwalk -On -Oe -Ot -Ox` output, parsed into a VarBind.
std::optional<VarBind> parse_tool_line(const std::string& line) {
  const size_t eq = line.find(" = ");
  if (eq == std::string::npos) return std::nullopt;
  auto oid = parse_oid(line.substr(0, eq));
  if (!oid) return std::nullopt;
  std::string rest = line.substr(eq + 3);
  const size_t colon = rest.find(": ");
  std::string type = colon == std::string::npos ? rest : rest.substr(0, colon);
  std::string text = colon == std::string::npos ? "" : rest.substr(colon + 2);
  if (type.size() && type.back() == ':') type.pop_back();
  VarBind vb{*oid, {}};
  auto num = [&text] { return std::stoull(text); };
  if (colon == std::string::npos && !rest.empty() &&
      rest.find_first_not_of("0123456789") == std::string::npos) {  // -Ot prints bare ticks
    vb.value = Value::Unsigned(Type::TimeTicks, std::stoull(rest));
    return vb;
  }
  if (type == "INTEGER") {
    vb.value = Value::Int(std::stoll(text));
  } else if (type == "Hex-STRING" || type == "STRING") {
    std::istringstream in(text);
    std::string bytes, hex;
    while (in >> hex) bytes.push_back(static_cast<char>(std::stoul(hex, nullptr, 16)));
    vb.value = Value::Str(bytes);
  } else if (rest == "\"\"") {
    vb.value = Value::Str("");
  } else if (type == "Counter32") {
    vb.value = Value::Unsigned(Type::Counter32, num());
  } else if (type == "Gauge32") {
    vb.value = Value::Unsigned(Type::Gauge32, num());
  } else if (type == "Timeticks") {
    vb.value = Value::Unsigned(Type::TimeTicks, num());
  } else if (type == "Counter64") {
    vb.value = Value::Unsigned(Type::Counter64, num());
  } else if (type == "OID") {
    vb.value.type = Type::ObjectId;
    vb.value.oid = *parse_oid(text);
  } else if (type == "IpAddress") {
    in_addr a{};
    inet_pton(AF_INET, text.c_str(), &a);
    vb.value.type = Type::IpAddress;
    vb.value.bytes.assign(reinterpret_cast<const char*>(&a), 4);
  } else {
    return std::nullopt;
  }
  return vb;
}

VarBinds parse_tool_output(const std::string& out) {
  // A long Hex-STRING wraps: continuation lines do not start with an OID.
  std::vector<std::string> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line[0] == '.' || lines.empty())
      lines.push_back(line);
    else
      lines.back() += " " + line;
  }
  VarBinds vbs;
  for (const auto& l : lines) {
    auto vb = parse_tool_line(l);
    EXPECT_TRUE(vb.has_value()) << "cannot parse tool line: " << l;
    if (vb) vbs.push_back(*vb);
  }
  return vbs;
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { engine_ = make_netsnmp_engine(NetSnmpOptions{}); }
  static void SetUpTestSuite() { agent_ = new test::Snmpd(); }
  static void TearDownTestSuite() {
    delete agent_;
    agent_ = nullptr;
  }

  static test::Snmpd* agent_;
  std::unique_ptr<Engine> engine_;
};
test::Snmpd* EngineTest::agent_ = nullptr;

TEST_F(EngineTest, GetsSysUpTimeAndSysDescr) {
  auto r = get_sync(*engine_, v2c_peer(agent_->address()), {kSysUpTime, kSysDescr});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].oid, kSysUpTime);
  EXPECT_EQ((*r)[0].value.type, Type::TimeTicks);
  EXPECT_EQ((*r)[1].value, Value::Str("linkwatch test agent"));
}

TEST_F(EngineTest, GetOfMissingInstancesGivesExceptions) {
  auto r = get_sync(*engine_, v2c_peer(agent_->address()),
                    {*parse_oid("1.3.6.1.2.1.1.3.7"), kSysDescr, *parse_oid("1.3.6.1.4.1.99999.1.0")});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].value.type, Type::NoSuchInstance);
  EXPECT_EQ((*r)[1].value, Value::Str("linkwatch test agent"));
  EXPECT_EQ((*r)[2].value.type, Type::NoSuchObject);
}

TEST_F(EngineTest, LargeGetIsSplitAndKeepsOrder) {
  std::vector<Oid> oids;
  for (int i = 0; i < 100; ++i) oids.push_back(i % 2 ? kSysDescr : kSysUpTime);
  auto r = get_sync(*engine_, v2c_peer(agent_->address()), oids);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 100u);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ((*r)[static_cast<size_t>(i)].oid, oids[static_cast<size_t>(i)]);
    EXPECT_EQ((*r)[static_cast<size_t>(i)].value.type, i % 2 ? Type::OctetString : Type::TimeTicks);
  }
}

void expect_same_walk(const VarBinds& ours, const VarBinds& tool) {
  ASSERT_EQ(ours.size(), tool.size());
  for (size_t i = 0; i < ours.size(); ++i) {
    SCOPED_TRACE(to_string(ours[i].oid));
    ASSERT_EQ(ours[i].oid, tool[i].oid);
    ASSERT_EQ(ours[i].value.type, tool[i].value.type);
    if (ours[i].value.type == Type::Counter32 || ours[i].value.type == Type::Counter64) {
      // Traffic (this test's own) moves counters between the two walks; ours ran first.
      EXPECT_LE(ours[i].value.unsigned_, tool[i].value.unsigned_);
      EXPECT_LE(tool[i].value.unsigned_ - ours[i].value.unsigned_, 100000000u);
    } else {
      EXPECT_EQ(ours[i].value, tool[i].value);
    }
  }
}

TEST_F(EngineTest, WalksOfIfTableAndIfXTableMatchSnmpbulkwalk) {
  for (const Oid& root : {kIfTable, kIfXTable}) {
    SCOPED_TRACE(to_string(root));
    auto ours = walk_sync(*engine_, v2c_peer(agent_->address()), root);
    ASSERT_FALSE(ours.error) << ours.error->to_string();
    ASSERT_GT(ours.varbinds.size(), 5u);
    auto tool = agent_->run_tool({"snmpbulkwalk", "-v2c", "-c", "public", "-On", "-Oe", "-Ot",
                                  "-Ox", "-Cr25", agent_->address(), to_string(root)});
    ASSERT_EQ(tool.exit_code, 0) << tool.err;
    expect_same_walk(ours.varbinds, parse_tool_output(tool.out));
  }
}

TEST_F(EngineTest, WalksTogetherMatchSnmpbulkwalkInFewerRequests) {
  // snmpd answers the combined GETBULK (one varbind per walk, answers interleaved); at 5
  // repetitions every walk takes several rounds, and the shorter ones drop out on the way.
  Peer p = v2c_peer(agent_->address());
  p.max_repetitions = 5;
  const std::vector<Oid> roots{kIfTable, kIfXTable, kSystem};
  uint64_t apart = 0;
  std::vector<WalkResult> alone;
  for (const Oid& root : roots) {
    const auto before = engine_->stats().pdus_sent;
    alone.push_back(walk_sync(*engine_, p, root));
    apart += engine_->stats().pdus_sent - before;
  }
  std::promise<std::vector<WalkResult>> done;
  auto f = done.get_future();
  const auto before = engine_->stats().pdus_sent;
  engine_->walk_together(p, roots, [&done](std::vector<WalkResult> r) { done.set_value(std::move(r)); });
  ASSERT_EQ(f.wait_for(60s), std::future_status::ready);
  const auto together = f.get();
  const auto combined = engine_->stats().pdus_sent - before;
  ASSERT_EQ(together.size(), roots.size());
  for (size_t i = 0; i < roots.size(); ++i) {
    SCOPED_TRACE(to_string(roots[i]));
    ASSERT_FALSE(together[i].error) << together[i].error->to_string();
    ASSERT_GT(together[i].varbinds.size(), 5u);
    ASSERT_EQ(together[i].varbinds.size(), alone[i].varbinds.size());
    if (roots[i] == kSystem) {  // sysUpTime moves between walks: the same objects suffice
      for (size_t k = 0; k < alone[i].varbinds.size(); ++k)
        EXPECT_EQ(together[i].varbinds[k].oid, alone[i].varbinds[k].oid);
      continue;
    }
    auto tool = agent_->run_tool({"snmpbulkwalk", "-v2c", "-c", "public", "-On", "-Oe", "-Ot",
                                  "-Ox", "-Cr25", agent_->address(), to_string(roots[i])});
    ASSERT_EQ(tool.exit_code, 0) << tool.err;
    expect_same_walk(together[i].varbinds, parse_tool_output(tool.out));
  }
  EXPECT_LT(combined, apart);
  uint64_t longest = 0;  // a walk of n rows at 5 repetitions takes n / 5 + 1 requests
  for (const auto& w : alone) longest = std::max<uint64_t>(longest, w.varbinds.size() / 5 + 1);
  EXPECT_LE(combined, longest + 1) << "the round trips of the longest walk, not the sum (" << apart << ")";
}

TEST_F(EngineTest, GetAndWalkCarriesTheGetAlongAndMatchesAGetThenWalks) {
  // snmpd answers the GET's scalars as GETBULK non-repeaters ahead of the walks' rows.
  for (const bool v3 : {false, true}) {
    SCOPED_TRACE(v3 ? "v3" : "v2c");
    const Peer p = v3 ? v3_peer(agent_->address(), test::Snmpd::users().back()) : v2c_peer(agent_->address());
    const Oid missing = *parse_oid("1.3.6.1.2.1.1.99.0");
    const std::vector<Oid> oids{kSysUpTime, kSysDescr, missing};
    const std::vector<Oid> roots{kIfTable, kIfXTable};
    auto got = get_sync(*engine_, p, oids);  // also discovers the v3 engine ID first
    ASSERT_TRUE(got.ok()) << got.error().to_string();
    std::vector<WalkResult> walks;
    for (const Oid& root : roots) walks.push_back(walk_sync(*engine_, p, root));
    std::promise<PollResult> done;
    auto f = done.get_future();
    const auto before = engine_->stats().pdus_sent;
    engine_->get_and_walk(p, oids, roots, [&done](PollResult r) { done.set_value(std::move(r)); });
    ASSERT_EQ(f.wait_for(60s), std::future_status::ready);
    const PollResult r = f.get();
    const auto pdus = engine_->stats().pdus_sent - before;
    ASSERT_TRUE(r.scalars.ok()) << r.scalars.error().to_string();
    ASSERT_EQ(r.scalars->size(), 3u);
    EXPECT_EQ((*r.scalars)[0].value.type, Type::TimeTicks);
    EXPECT_EQ((*r.scalars)[1], (*got)[1]);  // sysDescr.0
    EXPECT_EQ((*r.scalars)[2].oid, missing);
    EXPECT_TRUE((*r.scalars)[2].value.is_exception());
    ASSERT_EQ(r.walks.size(), 2u);
    uint64_t rows = 0;
    for (size_t i = 0; i < 2; ++i) {
      ASSERT_FALSE(r.walks[i].error) << r.walks[i].error->to_string();
      ASSERT_EQ(r.walks[i].varbinds.size(), walks[i].varbinds.size());
      for (size_t k = 0; k < walks[i].varbinds.size(); ++k)
        EXPECT_EQ(r.walks[i].varbinds[k].oid, walks[i].varbinds[k].oid);
      rows = std::max<uint64_t>(rows, walks[i].varbinds.size());
    }
    EXPECT_LE(pdus, rows / 25 + 2) << "one op: the GET rides along the longest walk's requests";
  }
}

TEST_F(EngineTest, SmallRepetitionsGiveTheSameWalk) {
  Peer p = v2c_peer(agent_->address());
  auto big = walk_sync(*engine_, p, kSystem);
  p.max_repetitions = 1;
  auto one = walk_sync(*engine_, p, kSystem);
  ASSERT_FALSE(big.error);
  ASSERT_FALSE(one.error);
  ASSERT_EQ(big.varbinds.size(), one.varbinds.size());
  for (size_t i = 0; i < big.varbinds.size(); ++i) EXPECT_EQ(big.varbinds[i].oid, one.varbinds[i].oid);
}

TEST_F(EngineTest, V1WalkUsesGetNextAndMatchesV2c) {
  Peer v1 = v2c_peer(agent_->address());
  auto c = std::make_shared<Credentials>(*v1.credentials);
  c->version = Credentials::Version::V1;
  v1.credentials = c;
  v1.key = "agent-v1";
  const auto before = engine_->stats().pdus_sent;
  auto a = walk_sync(*engine_, v1, kSystem);
  const auto pdus = engine_->stats().pdus_sent - before;
  auto b = walk_sync(*engine_, v2c_peer(agent_->address()), kSystem);
  ASSERT_FALSE(a.error) << a.error->to_string();
  ASSERT_FALSE(b.error);
  ASSERT_EQ(a.varbinds.size(), b.varbinds.size());
  for (size_t i = 0; i < a.varbinds.size(); ++i) EXPECT_EQ(a.varbinds[i].oid, b.varbinds[i].oid);
  EXPECT_EQ(pdus, a.varbinds.size() + 1) << "GETNEXT: one PDU per row plus the one past the end";
  // v1 reports a missing instance as noSuchName for the whole PDU; the engine splits it out.
  auto g = get_sync(*engine_, v1, {kSysDescr, *parse_oid("1.3.6.1.2.1.1.3.7"), kSysUpTime});
  ASSERT_TRUE(g.ok()) << g.error().to_string();
  EXPECT_EQ((*g)[0].value, Value::Str("linkwatch test agent"));
  EXPECT_TRUE((*g)[1].value.is_exception());
  EXPECT_EQ((*g)[2].value.type, Type::TimeTicks);
}

TEST_F(EngineTest, EveryV3UserWorks) {
  for (const auto& u : test::Snmpd::users()) {
    SCOPED_TRACE(u.name);
    Peer p = v3_peer(agent_->address(), u);
    auto r = get_sync(*engine_, p, {kSysDescr});
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ((*r)[0].value, Value::Str("linkwatch test agent"));
    auto w = walk_sync(*engine_, p, kIfTable);
    ASSERT_FALSE(w.error) << w.error->to_string();
    EXPECT_GT(w.varbinds.size(), 5u);
  }
}

TEST_F(EngineTest, WrongCommunityTimesOut) {
  Peer p = v2c_peer(agent_->address(), "not-the-community");
  p.timeout = 300ms;
  p.retries = 1;
  auto r = get_sync(*engine_, p, {kSysDescr});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, kReasonTimeout) << r.error().to_string();
}

TEST_F(EngineTest, WrongV3PasswordsAreAuthErrors) {
  auto u = test::Snmpd::user("authpriv");
  u.auth_pass = "wrong-password";
  auto r = get_sync(*engine_, v3_peer(agent_->address(), u), {kSysDescr});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, kReasonAuth) << r.error().to_string();
  EXPECT_EQ(r.error().detail.find("wrong-password"), std::string::npos) << "secret in an error";

  auto unknown = test::Snmpd::user("authnopriv");
  unknown.name = "nobody-here";
  auto r2 = get_sync(*engine_, v3_peer(agent_->address(), unknown), {kSysDescr});
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().reason, kReasonAuth) << r2.error().to_string();

  auto wrong_priv = test::Snmpd::user("strong");
  wrong_priv.priv_pass = "not-the-privacy-password";
  Peer wp = v3_peer(agent_->address(), wrong_priv);
  wp.timeout = 300ms;
  wp.retries = 0;
  auto r4 = get_sync(*engine_, wp, {kSysDescr});
  ASSERT_FALSE(r4.ok());
  // snmpd cannot decrypt the request and drops it silently (snmpget sees a timeout too).
  EXPECT_EQ(r4.error().reason, kReasonTimeout) << r4.error().to_string();

  auto short_pass = test::Snmpd::user("authnopriv");
  short_pass.auth_pass = "short";
  auto r5 = get_sync(*engine_, v3_peer(agent_->address(), short_pass), {kSysDescr});
  ASSERT_FALSE(r5.ok());
  EXPECT_EQ(r5.error().reason, kReasonAuth) << r5.error().to_string();

  // The same target with the right password, after the wrong one, works (session re-created).
  auto good = v3_peer(agent_->address(), test::Snmpd::user("authpriv"));
  auto r3 = get_sync(*engine_, good, {kSysDescr});
  ASSERT_TRUE(r3.ok()) << r3.error().to_string();
}

// Minimal BER for the misbehaving peer below: tag, short or long length, contents.
std::string ber(unsigned char tag, const std::string& content) {
  std::string out(1, static_cast<char>(tag));
  if (content.size() < 128) {
    out.push_back(static_cast<char>(content.size()));
  } else {
    out.push_back(static_cast<char>(0x82));
    out.push_back(static_cast<char>(content.size() >> 8));
    out.push_back(static_cast<char>(content.size() & 0xff));
  }
  return out + content;
}

// Reads one TLV at `pos` of `in`: returns its tag and contents and moves `pos` past it.
std::optional<std::pair<unsigned char, std::string>> read_tlv(const std::string& in, size_t& pos) {
  if (pos + 2 > in.size()) return std::nullopt;
  const auto tag = static_cast<unsigned char>(in[pos++]);
  size_t len = static_cast<unsigned char>(in[pos++]);
  if (len & 0x80) {
    const size_t n = len & 0x7f;
    if (n == 0 || n > 2 || pos + n > in.size()) return std::nullopt;
    len = 0;
    for (size_t i = 0; i < n; ++i) len = (len << 8) | static_cast<unsigned char>(in[pos++]);
  }
  if (pos + len > in.size()) return std::nullopt;
  std::string content = in.substr(pos, len);
  pos += len;
  return std::make_pair(tag, std::move(content));
}

// A well-formed SNMPv2c Response to a v2c request, with the request-id moved by one: what a
// confused (or spoofing) agent sends. Empty if the request cannot be read.
std::string response_with_wrong_request_id(const std::string& request) {
  size_t pos = 0;
  auto msg = read_tlv(request, pos);
  if (!msg || msg->first != 0x30) return {};
  size_t p = 0;
  auto version = read_tlv(msg->second, p);
  auto community = read_tlv(msg->second, p);
  auto pdu = read_tlv(msg->second, p);
  if (!version || !community || !pdu) return {};
  size_t q = 0;
  auto reqid = read_tlv(pdu->second, q);
  if (!reqid || reqid->first != 0x02 || reqid->second.empty() || reqid->second.size() > 4) return {};
  uint32_t id = 0;
  for (unsigned char c : reqid->second) id = (id << 8) | c;
  ++id;
  std::string id_bytes{'\0', static_cast<char>(id >> 24), static_cast<char>(id >> 16),
                       static_cast<char>(id >> 8), static_cast<char>(id)};
  const std::string sys_descr_oid("\x2b\x06\x01\x02\x01\x01\x01\x00", 8);
  const std::string varbinds = ber(0x30, ber(0x30, ber(0x06, sys_descr_oid) + ber(0x04, "forged")));
  const std::string response = ber(0xa2, ber(0x02, id_bytes) + ber(0x02, std::string(1, '\0')) +
                                             ber(0x02, std::string(1, '\0')) + varbinds);
  return ber(0x30, ber(0x02, version->second) + ber(0x04, community->second) + response);
}

// A UDP socket on 127.0.0.1 that reads everything and answers nothing, garbage, or
// well-formed responses with the wrong request-id. (A hand-written fake: snmpd cannot be
// made to misbehave like this.)
class SilentPeer {
 public:
  enum class Mode { Silent, Garbage, WrongRequestId };
  explicit SilentPeer(bool garbage = false) : SilentPeer(garbage ? Mode::Garbage : Mode::Silent) {}
  explicit SilentPeer(Mode mode) : mode_(mode) {
    fd_ = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~SilentPeer() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  int packets() const { return packets_; }

 private:
  void serve() {
    unsigned char buf[65536];
    uint32_t seed = 12345;
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      sockaddr_in from{};
      socklen_t len = sizeof from;
      const ssize_t n = recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n <= 0) continue;
      ++packets_;
      if (mode_ == Mode::WrongRequestId) {
        const std::string out =
            response_with_wrong_request_id(std::string(reinterpret_cast<const char*>(buf), static_cast<size_t>(n)));
        if (!out.empty()) sendto(fd_, out.data(), out.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
        continue;
      }
      if (mode_ != Mode::Garbage) continue;
      // Answer with the request truncated, bit-flipped, and pure noise: none may crash or hang.
      for (int variant = 0; variant < 3; ++variant) {
        std::string out(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
        if (variant == 0) out.resize(out.size() / 2);
        if (variant == 1)
          for (auto& ch : out) { seed = seed * 1103515245 + 12345; if (seed % 7 == 0) ch = static_cast<char>(seed >> 16); }
        if (variant == 2)
          for (auto& ch : out) { seed = seed * 1103515245 + 12345; ch = static_cast<char>(seed >> 16); }
        sendto(fd_, out.data(), out.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
      }
    }
  }

  Mode mode_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> packets_{0};
  std::thread thread_;
};

TEST_F(EngineTest, DeadPeerDoesNotDelayAGoodOne) {
  SilentPeer dead;
  Peer bad = v2c_peer(dead.address());
  bad.key = "dead";
  bad.timeout = 2000ms;
  bad.retries = 1;  // about 4 s before the dead one gives up
  std::promise<std::pair<Result<VarBinds>, Clock::time_point>> dead_done;
  const auto start = Clock::now();
  engine_->get(bad, {kSysDescr}, [&](Result<VarBinds> r) {
    dead_done.set_value({std::move(r), Clock::now()});
  });
  WalkResult good;
  Clock::time_point good_at;
  std::promise<void> good_done;
  engine_->walk(v2c_peer(agent_->address()), kIfTable, [&](WalkResult r) {
    good = std::move(r);
    good_at = Clock::now();
    good_done.set_value();
  });
  ASSERT_EQ(good_done.get_future().wait_for(30s), std::future_status::ready);
  auto f = dead_done.get_future();
  ASSERT_EQ(f.wait_for(30s), std::future_status::ready);
  auto [dead_result, dead_at] = f.get();
  ASSERT_FALSE(good.error);
  ASSERT_FALSE(dead_result.ok());
  EXPECT_EQ(dead_result.error().reason, kReasonTimeout);
  EXPECT_GE(dead_at - start, 3500ms);
  EXPECT_LT(good_at - start, 1500ms) << "the good walk waited for the dead peer";
  EXPECT_GE(dead.packets(), 2) << "a retry was sent";
}

// SNMPv3 engine-ID discovery of a dead peer must not block the engine thread: Net-SNMP clears
// SNMP_FLAGS_DONT_PROBE after opening a session and would then run its own synchronous probe
// when the first PDU is sent, waiting out every timeout with all other targets stalled.
TEST_F(EngineTest, DeadV3PeerDoesNotDelayAGoodOne) {
  SilentPeer dead;
  Peer bad = v3_peer(dead.address(), test::Snmpd::user("authpriv"));
  bad.key = "dead-v3";
  bad.timeout = 1000ms;
  bad.retries = 1;
  std::promise<Result<VarBinds>> dead_done;
  const auto start = Clock::now();
  engine_->get(bad, {kSysDescr}, [&](Result<VarBinds> r) { dead_done.set_value(std::move(r)); });
  std::this_thread::sleep_for(100ms);  // the dead peer's discovery is on the wire
  auto good = get_sync(*engine_, v2c_peer(agent_->address()), {kSysDescr});
  const auto good_at = Clock::now();
  ASSERT_TRUE(good.ok()) << good.error().to_string();
  EXPECT_LT(good_at - start, 800ms) << "the good GET waited for the dead peer's engine-ID discovery";
  auto f = dead_done.get_future();
  ASSERT_EQ(f.wait_for(30s), std::future_status::ready);
  auto r = f.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, kReasonTimeout) << r.error().to_string();
}

TEST_F(EngineTest, GarbageAnswersNeitherCrashNorHang) {
  SilentPeer noisy(/*garbage=*/true);
  Peer p = v2c_peer(noisy.address());
  p.key = "noisy";
  p.timeout = 500ms;
  p.retries = 1;
  // The engine saw the replies and could not read them: decode, not timeout.
  auto r = get_sync(*engine_, p, {kSysDescr});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, kReasonDecode) << r.error().to_string();
  auto w = walk_sync(*engine_, p, kIfTable);
  ASSERT_TRUE(w.error);
  EXPECT_EQ(w.error->reason, kReasonDecode) << w.error->to_string();
  Peer v3 = v3_peer(noisy.address(), test::Snmpd::user("authpriv"));
  v3.timeout = 500ms;
  auto r3 = get_sync(*engine_, v3, {kSysDescr});
  ASSERT_FALSE(r3.ok());
  EXPECT_GT(noisy.packets(), 0);
  // The engine still works.
  EXPECT_TRUE(get_sync(*engine_, v2c_peer(agent_->address()), {kSysDescr}).ok());
}

TEST_F(EngineTest, RepliesWithTheWrongRequestIdAreDecodeErrors) {
  SilentPeer confused(SilentPeer::Mode::WrongRequestId);
  Peer p = v2c_peer(confused.address());
  p.key = "confused";
  p.timeout = 300ms;
  p.retries = 1;
  auto r = get_sync(*engine_, p, {kSysDescr});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, kReasonDecode) << r.error().to_string();
  EXPECT_NE(r.error().detail.find("confused"), std::string::npos) << r.error().detail;
  auto w = walk_sync(*engine_, p, kIfTable);
  ASSERT_TRUE(w.error);
  EXPECT_EQ(w.error->reason, kReasonDecode) << w.error->to_string();
  EXPECT_GE(confused.packets(), 2);
  // A silent peer stays a timeout.
  SilentPeer dead;
  Peer d = v2c_peer(dead.address());
  d.key = "dead";
  d.timeout = 300ms;
  d.retries = 0;
  auto rd = get_sync(*engine_, d, {kSysDescr});
  ASSERT_FALSE(rd.ok());
  EXPECT_EQ(rd.error().reason, kReasonTimeout);
}

TEST_F(EngineTest, RowCapKeepsRows) {
  Peer p = v2c_peer(agent_->address());
  p.max_rows = 7;
  auto w = walk_sync(*engine_, p, kIfTable);
  ASSERT_TRUE(w.error);
  EXPECT_EQ(w.error->reason, kReasonRowCap);
  EXPECT_EQ(w.varbinds.size(), 7u);
}

TEST_F(EngineTest, ManyConcurrentWalksStayWithinMaxInFlight) {
  NetSnmpOptions opts;
  opts.max_in_flight = 8;
  auto engine = make_netsnmp_engine(opts);
  const Peer p = v2c_peer(agent_->address());
  auto reference = walk_sync(*engine, p, kIfTable);
  ASSERT_FALSE(reference.error);
  constexpr int kWalks = 200;
  std::atomic<int> finished{0};
  std::atomic<int> correct{0};
  std::mutex mu;
  std::vector<std::string> problems;
  for (int i = 0; i < kWalks; ++i) {
    engine->walk(p, kIfTable, [&](WalkResult r) {
      bool ok = !r.error && r.varbinds.size() == reference.varbinds.size();
      for (size_t j = 0; ok && j < r.varbinds.size(); ++j)
        ok = r.varbinds[j].oid == reference.varbinds[j].oid &&
             r.varbinds[j].value.type == reference.varbinds[j].value.type;
      if (ok) {
        ++correct;
      } else {
        std::lock_guard g(mu);
        problems.push_back(r.error ? r.error->to_string() : "rows differ");
      }
      ++finished;
    });
  }
  int64_t max_in_flight = 0, max_queued = 0;
  const bool all = test::wait_until(
      [&] {
        auto s = engine->stats();
        max_in_flight = std::max(max_in_flight, s.in_flight);
        max_queued = std::max(max_queued, s.queued);
        return finished.load() == kWalks;
      },
      120s, 1ms);
  ASSERT_TRUE(all) << finished.load() << " of " << kWalks << " walks finished";
  EXPECT_EQ(correct.load(), kWalks) << (problems.empty() ? "" : problems.front());
  EXPECT_LE(max_in_flight, 8);
  EXPECT_GT(max_in_flight, 1) << "walks ran in parallel";
  EXPECT_GT(max_queued, 0) << "the bound made requests wait";
  auto s = engine->stats();
  EXPECT_EQ(s.in_flight, 0);
  EXPECT_EQ(s.queued, 0);
  EXPECT_EQ(s.pdus_sent, s.pdus_received);
}

TEST_F(EngineTest, DestructorAnswersPendingRequestsPromptly) {
  SilentPeer dead;
  auto engine = make_netsnmp_engine(NetSnmpOptions{});
  Peer p = v2c_peer(dead.address());
  p.timeout = 10000ms;
  std::promise<Result<VarBinds>> got;
  std::promise<WalkResult> walked;
  engine->get(p, {kSysDescr}, [&](Result<VarBinds> r) { got.set_value(std::move(r)); });
  engine->walk(p, kIfTable, [&](WalkResult r) { walked.set_value(std::move(r)); });
  ASSERT_TRUE(test::wait_until([&] { return engine->stats().in_flight == 2; }, 10s));
  const auto start = Clock::now();
  engine.reset();
  EXPECT_LT(Clock::now() - start, 1000ms);
  auto g = got.get_future();
  auto w = walked.get_future();
  ASSERT_EQ(g.wait_for(0s), std::future_status::ready);
  ASSERT_EQ(w.wait_for(0s), std::future_status::ready);
  auto gr = g.get();
  ASSERT_FALSE(gr.ok());
  EXPECT_EQ(gr.error().reason, kReasonTransport);
  EXPECT_NE(gr.error().detail.find("engine stopped"), std::string::npos);
  EXPECT_EQ(w.get().error->reason, kReasonTransport);
}

TEST_F(EngineTest, ForgetAndPeerChangesReopenSessions) {
  Peer p = v2c_peer(agent_->address());
  ASSERT_TRUE(get_sync(*engine_, p, {kSysDescr}).ok());
  engine_->forget(p.key);
  ASSERT_TRUE(get_sync(*engine_, p, {kSysDescr}).ok());
  Peer moved = p;
  moved.address = "127.0.0.1:1";  // same key, new address: nothing listens there
  moved.timeout = 200ms;
  moved.retries = 0;
  auto r = get_sync(*engine_, moved, {kSysDescr});
  ASSERT_FALSE(r.ok());
  ASSERT_TRUE(get_sync(*engine_, p, {kSysDescr}).ok());
}

// Net-SNMP keeps one USM user per (engine ID, user name) per process: two targets on the same
// agent naming the same user with different passwords must still each get their own result.
TEST_F(EngineTest, V3KeysDoNotLeakBetweenTargetsOfTheSameUser) {
  Peer good = v3_peer(agent_->address(), test::Snmpd::user("authpriv"));
  good.key = "good";
  auto wrong_user = test::Snmpd::user("authpriv");
  wrong_user.auth_pass = "not-the-auth-password";
  Peer wrong = v3_peer(agent_->address(), wrong_user);
  wrong.key = "wrong";
  // Good first, then the wrong one, then the good one again, then the wrong one again: each
  // interleaving once replaced the other's keys in Net-SNMP's user table.
  for (int round = 0; round < 2; ++round) {
    auto g = get_sync(*engine_, good, {kSysDescr});
    EXPECT_TRUE(g.ok()) << "round " << round << ": " << g.error().to_string();
    auto w = get_sync(*engine_, wrong, {kSysDescr});
    ASSERT_FALSE(w.ok()) << "round " << round << ": the wrong password was accepted";
    EXPECT_EQ(w.error().reason, kReasonAuth) << w.error().to_string();
  }
  // Both at once, many times: each answer must match its own credentials.
  std::atomic<int> good_ok{0}, wrong_auth{0}, done{0};
  for (int i = 0; i < 20; ++i) {
    engine_->get(good, {kSysDescr}, [&](Result<VarBinds> r) { good_ok += r.ok(); ++done; });
    engine_->get(wrong, {kSysDescr}, [&](Result<VarBinds> r) {
      wrong_auth += !r.ok() && r.error().reason == kReasonAuth;
      ++done;
    });
  }
  ASSERT_TRUE(test::wait_until([&] { return done.load() == 40; }, 60s));
  EXPECT_EQ(good_ok.load(), 20);
  EXPECT_EQ(wrong_auth.load(), 20);
}

// A device replaced by another on the same address (new engine ID): the engine learns the
// new ID instead of failing with usmStatsUnknownEngineIDs forever, and says so.
TEST(EngineIdTest, ChangedEngineIdIsRediscovered) {
  NoticedEngine noticed;
  Engine* engine = noticed.engine.get();
  auto first = std::make_unique<test::Snmpd>(std::vector<std::string>{"engineID linkwatch-old-box"});
  const uint16_t port = first->port();
  Peer p = v3_peer(first->address(), test::Snmpd::user("authpriv"));
  p.key = "swapped";
  p.timeout = 500ms;  // the new agent's report is dropped by Net-SNMP: one timeout to notice
  p.retries = 0;
  ASSERT_TRUE(get_sync(*engine, p, {kSysDescr}).ok());
  first.reset();
  test::Snmpd second({"engineID linkwatch-new-box"}, port);
  auto r = get_sync(*engine, p, {kSysDescr});
  EXPECT_TRUE(r.ok()) << r.error().to_string();
  auto w = walk_sync(*engine, p, kSystem);
  EXPECT_FALSE(w.error) << w.error->to_string();
  EXPECT_EQ(engine->stats().engine_id_changes, 1u);
  const auto notices = noticed.notices();
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_NE(notices[0].find("swapped"), std::string::npos) << notices[0];
  EXPECT_NE(notices[0].find("engine ID"), std::string::npos) << notices[0];
}

// Two devices answering with one engine ID (a cloned image): both still poll with their own
// keys, and the clash is counted and told with both targets named.
TEST(EngineIdTest, TwoDevicesWithOneEngineIdAreReported) {
  NoticedEngine noticed;
  Engine* engine = noticed.engine.get();
  test::Snmpd a({"engineID linkwatch-cloned"});
  test::Snmpd b({"engineID linkwatch-cloned"});
  Peer pa = v3_peer(a.address(), test::Snmpd::user("authpriv"));
  pa.key = "clone-a";
  Peer pb = v3_peer(b.address(), test::Snmpd::user("authpriv"));
  pb.key = "clone-b";
  auto ra = get_sync(*engine, pa, {kSysDescr});
  auto rb = get_sync(*engine, pb, {kSysDescr});
  EXPECT_TRUE(ra.ok()) << ra.error().to_string();
  EXPECT_TRUE(rb.ok()) << rb.error().to_string();
  EXPECT_EQ(engine->stats().engine_id_duplicates, 1u);
  const auto notices = noticed.notices();
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_NE(notices[0].find("clone-a"), std::string::npos) << notices[0];
  EXPECT_NE(notices[0].find("clone-b"), std::string::npos) << notices[0];
}

// Target names: `localhost` comes from /etc/hosts; a `.invalid` name (RFC 6761) never resolves
// and says so as `dns` (it was a transport error from inside the engine thread).
TEST_F(EngineTest, NamesResolveAndUnresolvableNamesAreDns) {
  Peer local = v2c_peer("localhost:" + std::to_string(agent_->port()));
  local.key = "by-name";
  auto r = get_sync(*engine_, local, {kSysDescr});
  EXPECT_TRUE(r.ok()) << r.error().to_string();
  Peer nowhere = v2c_peer("no-such-site.invalid:" + std::to_string(agent_->port()));
  nowhere.key = "nowhere";
  auto bad = get_sync(*engine_, nowhere, {kSysDescr});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().reason, kReasonDns) << bad.error().to_string();
  EXPECT_NE(bad.error().detail.find("no-such-site.invalid"), std::string::npos) << bad.error().detail;
  auto w = walk_sync(*engine_, nowhere, kSystem);
  ASSERT_TRUE(w.error);
  EXPECT_EQ(w.error->reason, kReasonDns);
}

// A slow DNS answer holds up only the requests to that name. (The slow resolver is a stand-in:
// no DNS server runs here; the engine calls it exactly where it calls getaddrinfo.)
TEST(EngineDnsTest, ASlowNameDoesNotDelayOtherTargets) {
  test::Snmpd agent;
  NetSnmpOptions opts;
  opts.dns.resolve = [](const std::string& name) -> Result<std::string> {
    if (name == "slow.example") {
      std::this_thread::sleep_for(1500ms);
      return std::string("127.0.0.1");
    }
    return resolve_with_getaddrinfo(name);
  };
  auto engine = make_netsnmp_engine(opts);
  Peer slow = v2c_peer("slow.example:" + std::to_string(agent.port()));
  slow.key = "slow";
  std::promise<std::pair<bool, Clock::time_point>> slow_done;
  const auto start = Clock::now();
  engine->get(slow, {kSysDescr}, [&](Result<VarBinds> r) { slow_done.set_value({r.ok(), Clock::now()}); });
  std::this_thread::sleep_for(50ms);  // the slow name is being resolved now
  auto fast = get_sync(*engine, v2c_peer(agent.address()), {kSysDescr});
  const auto fast_at = Clock::now();
  EXPECT_TRUE(fast.ok()) << fast.error().to_string();
  EXPECT_LT(fast_at - start, 1000ms) << "a request to an address waited for a DNS answer";
  auto f = slow_done.get_future();
  ASSERT_EQ(f.wait_for(30s), std::future_status::ready);
  auto [ok, at] = f.get();
  EXPECT_TRUE(ok);
  EXPECT_GE(at - start, 1400ms);
}

// A name that now points elsewhere: after a timeout it is resolved again, and every
// `refresh` anyway.
TEST(EngineDnsTest, NamesAreResolvedAgainAfterATimeoutAndOnSchedule) {
  test::Snmpd agent;
  std::mutex mu;
  std::string points_to = "127.0.0.9";  // nothing answers there
  std::atomic<int> lookups{0};
  NetSnmpOptions opts;
  opts.dns.refresh = 300ms;
  opts.dns.resolve = [&](const std::string&) -> Result<std::string> {
    ++lookups;
    std::lock_guard g(mu);
    return points_to;
  };
  auto engine = make_netsnmp_engine(opts);
  Peer p = v2c_peer("moving.example:" + std::to_string(agent.port()));
  p.key = "moving";
  p.timeout = 300ms;
  p.retries = 0;
  auto first = get_sync(*engine, p, {kSysDescr});
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().reason, kReasonTimeout) << first.error().to_string();
  {
    std::lock_guard g(mu);
    points_to = "127.0.0.1";  // the device moved (or DNS was fixed)
  }
  auto second = get_sync(*engine, p, {kSysDescr});
  EXPECT_TRUE(second.ok()) << second.error().to_string();
  EXPECT_EQ(lookups.load(), 2);
  // Renewed on schedule, while the last answer keeps being used.
  std::this_thread::sleep_for(400ms);
  EXPECT_TRUE(get_sync(*engine, p, {kSysDescr}).ok());
  EXPECT_TRUE(test::wait_until([&] { return lookups.load() >= 3; }, 5s));
}

// A table the agent does not have: the walk ends at once, with no row and no error (the
// poller counts it as `empty_table`, daemon/poll/core.cc).
TEST_F(EngineTest, WalkOfAnAbsentTableHasNoRowsAndNoError) {
  for (const char* root : {"1.3.6.1.2.1.999", "1.3.6.1.6.3.999"}) {
    auto w = walk_sync(*engine_, v2c_peer(agent_->address()), *parse_oid(root));
    EXPECT_FALSE(w.error) << root << ": " << w.error->to_string();
    EXPECT_TRUE(w.varbinds.empty()) << root;
  }
  // Past the end of the whole MIB: endOfMibView at once.
  auto end = walk_sync(*engine_, v2c_peer(agent_->address()), *parse_oid("2.99"));
  EXPECT_FALSE(end.error);
  EXPECT_TRUE(end.varbinds.empty());
}

TEST_F(EngineTest, BadAddressIsATransportError) {
  Peer p = v2c_peer("127.0.0.1:notaport");
  auto r = get_sync(*engine_, p, {kSysDescr});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, kReasonTransport);
}

}  // namespace
}  // namespace lw::snmp
