// The poller end to end over the FakeEngine (stands in for real agents; the integration
// tests use snmpd and the simulator): scheduling, collection, reachability, reload.
#include "daemon/poll/poller.h"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "daemon/http/exposition.h"
#include "daemon/poll/core.h"
#include "snmp/fake_engine.h"

namespace lw::poll {
namespace {

using namespace std::chrono_literals;
using snmp::Type;
using snmp::Value;

std::shared_ptr<config::Config> make_config(const std::vector<std::pair<std::string, std::string>>& targets) {
  auto c = std::make_shared<config::Config>();
  c->global.interval = 300ms;
  c->global.unreachable_backoff = 1;
  auto creds = std::make_shared<snmp::Credentials>();
  creds->community = "public";
  c->auths["v2"] = {"v2", creds, {}};

  config::Module sys;
  sys.name = "sys";
  config::Metric up;
  up.name = "sysUpTime";
  up.oid = {1, 3, 6, 1, 2, 1, 1, 3};
  up.type = config::MetricType::TimeTicks;
  up.scale = 0.01;
  sys.metrics.push_back(up);
  sys.get.push_back({1, 3, 6, 1, 2, 1, 1, 3, 0});
  c->modules["sys"] = sys;

  config::Module ifx;
  ifx.name = "ifx";
  config::Metric in;
  in.name = "ifHCInOctets";
  in.oid = {1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6};
  in.type = config::MetricType::Counter;
  in.indexes.push_back({"ifIndex", config::IndexType::Integer, 0});
  in.lookups.push_back({{"ifIndex"}, "ifName", {1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1}});
  ifx.metrics.push_back(in);
  ifx.walk = {{1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1}, {1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6}};
  c->modules["ifx"] = ifx;

  for (const auto& [name, parent] : targets) {
    config::Target t;
    t.name = name;
    t.address = "127.0.0.1";
    t.auth = "v2";
    t.modules = {"sys", "ifx"};
    t.labels = {{"district", "Huyện Kỳ Sơn"}};
    t.parent = parent;
    c->targets.push_back(t);
  }
  return c;
}

void fill(snmp::FakeAgent& a, const std::string& ifname) {
  a.mib[{1, 3, 6, 1, 2, 1, 1, 3, 0}] = Value::Unsigned(Type::TimeTicks, 123456);
  a.mib[{1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1, 1}] = Value::Str(ifname);
  a.mib[{1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, 1}] = Value::Unsigned(Type::Counter64, 9007199254740992ull);
}

class PollerTest : public ::testing::Test {
 protected:
  PollerTest() : engine(true), poller(engine, box) {
    for (const auto* n : {"core", "wan", "gw", "c1"}) fill(engine.agent(n), std::string("if-") + n);
  }
  // The fake's queued callbacks reach the poller: run them while it still exists.
  ~PollerTest() override {
    poller.stop();
    engine.drain();
  }

  std::string state_of(const std::string& target) {
    for (const auto& s : box.latest()->status)
      if (s->name() == target) return s->state + (s->root.empty() ? "" : "@" + s->root);
    return "absent";
  }
  // Polls the snapshot until `pred` holds or 15 s pass.
  bool eventually(const std::function<bool()>& pred) {
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(20ms);
    }
    return pred();
  }

  snmp::FakeEngine engine;
  SnapshotBox box;
  Poller poller;
};

TEST_F(PollerTest, PollsEveryTargetAndExposesItsSamples) {
  poller.apply(make_config({{"core", ""}, {"wan", "core"}, {"gw", "wan"}, {"c1", "gw"}}));
  poller.start();
  ASSERT_TRUE(eventually([&] {
    return state_of("core") == "up" && state_of("wan") == "up" && state_of("gw") == "up" && state_of("c1") == "up";
  }));
  EXPECT_TRUE(poller.ready());
  const std::string text = http::render(*box.latest());
  EXPECT_NE(text.find("ifHCInOctets{target=\"gw\",district=\"Huyện Kỳ Sơn\",ifIndex=\"1\",ifName=\"if-gw\"} 9007199254740992"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("sysUpTime{target=\"core\",district=\"Huyện Kỳ Sơn\"} 1234.56"), std::string::npos);
  EXPECT_NE(text.find("linkwatch_target_up{target=\"c1\",district=\"Huyện Kỳ Sơn\"} 1"), std::string::npos);
  EXPECT_NE(text.find("linkwatch_target_state{target=\"wan\",district=\"Huyện Kỳ Sơn\",state=\"up\"} 1"),
            std::string::npos);
}

// linkwatch_site_info carries the placement in the admin version in force; the other
// versions are in linkwatch_site_admin_info, so no placement is served twice.
TEST_F(PollerTest, SiteInfoCarriesThePlacementInForce) {
  auto c = make_config({{"core", ""}});
  c->admin_versions = {{"2011", "2011-01-01", 1293814800}, {"2025", "2025-07-01", 1751302800}};
  c->targets[0].site = config::Site{};
  c->targets[0].site->district = "Huyện Kỳ Sơn";
  c->targets[0].site->admin = {{"2011", "Thị trấn Mường Xén", "township", "Huyện Kỳ Sơn"},
                               {"2025", "Xã Mường Xén", "commune", ""}};
  poller.apply(c);
  poller.start();
  ASSERT_TRUE(eventually([&] { return state_of("core") == "up"; }));
  const std::string text = http::render(*box.latest());
  EXPECT_NE(text.find("admin_version=\"2025\",admin_unit=\"Xã Mường Xén\",admin_unit_kind=\"commune\","
                      "admin_parent=\"\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("linkwatch_site_admin_info{target=\"core\",admin_version=\"2011\","
                      "admin_unit=\"Thị trấn Mường Xén\",admin_unit_kind=\"township\",admin_parent=\"Huyện Kỳ Sơn\"} 1"),
            std::string::npos);
  EXPECT_EQ(text.find("linkwatch_site_admin_info{target=\"core\",admin_version=\"2025\""), std::string::npos);
}

// A shard (config/shard.h) polls a shadowed ancestor for root causes but serves none of its
// series; the daemon's own series carry the shard and the external labels.
TEST_F(PollerTest, AShadowedAncestorIsJudgedButNotExported) {
  auto c = make_config({{"core", ""}, {"wan", "core"}, {"gw", "wan"}});
  c->targets[0].shadow = true;
  c->targets[0].site = config::Site{};
  c->global.shard = config::Shard{1, 2, ""};
  c->global.external_labels = {{"collector", "ky-son"}};
  c->ownership.active = true;
  c->ownership.owned = 2;
  c->ownership.shadowed = 1;
  c->ownership.regions = {"wan"};
  poller.apply(c);
  poller.start();
  ASSERT_TRUE(eventually([&] { return state_of("core") == "up" && state_of("gw") == "up"; }));
  std::string text = http::render(*box.latest());
  EXPECT_EQ(text.find("target=\"core\""), std::string::npos) << text;
  EXPECT_NE(text.find("linkwatch_target_state{target=\"gw\",district=\"Huyện Kỳ Sơn\",state=\"up\",collector=\"ky-son\"} 1"),
            std::string::npos) << text;
  EXPECT_NE(text.find("shard=\"1/2\""), std::string::npos) << text;
  EXPECT_NE(text.find("linkwatch_shard_targets_shadowed{collector=\"ky-son\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("linkwatch_shard_targets_owned{collector=\"ky-son\"} 2"), std::string::npos) << text;
  // The core down: the shard still names it as the root cause of what it exports.
  for (const auto* n : {"core", "wan", "gw"}) engine.set_failure(n, Error{snmp::kReasonTimeout, "core cut"});
  ASSERT_TRUE(eventually([&] { return state_of("gw") == "unreachable@core"; })) << state_of("gw");
  text = http::render(*box.latest());
  EXPECT_NE(text.find("linkwatch_target_root_cause{target=\"gw\",district=\"Huyện Kỳ Sơn\",root=\"core\""),
            std::string::npos) << text;
  EXPECT_EQ(text.find("target=\"core\""), std::string::npos);
}

TEST_F(PollerTest, ACutIsOneDownAndTheRestUnreachableThenRecovers) {
  poller.apply(make_config({{"core", ""}, {"wan", "core"}, {"gw", "wan"}, {"c1", "gw"}}));
  poller.start();
  ASSERT_TRUE(eventually([&] { return state_of("c1") == "up" && state_of("wan") == "up"; }));
  for (const auto* n : {"wan", "gw", "c1"}) engine.set_failure(n, Error{snmp::kReasonTimeout, "cut"});
  ASSERT_TRUE(eventually([&] {
    return state_of("core") == "up" && state_of("wan") == "down" && state_of("gw") == "unreachable@wan" &&
           state_of("c1") == "unreachable@wan";
  })) << state_of("wan") << " " << state_of("gw") << " " << state_of("c1");
  const std::string text = http::render(*box.latest());
  EXPECT_NE(text.find("linkwatch_target_root_cause{target=\"c1\",district=\"Huyện Kỳ Sơn\",root=\"wan\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("linkwatch_target_up_reason{target=\"wan\",district=\"Huyện Kỳ Sơn\",reason=\"timeout\"} 1"),
            std::string::npos);
  for (const auto* n : {"wan", "gw", "c1"}) engine.set_failure(n, std::nullopt);
  ASSERT_TRUE(eventually([&] { return state_of("wan") == "up" && state_of("gw") == "up" && state_of("c1") == "up"; }));
}

TEST_F(PollerTest, EachStateChangeIsLoggedOnceAndKeptNewestFirst) {
  std::ostringstream log;
  auto logger = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  logger->set_pattern("[%l] %v");
  logger->set_level(spdlog::level::info);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(logger);
  // Whatever happens below (a failed ASSERT returns early), the poller thread stops logging
  // into `log` before `log` goes away.
  struct Restore {
    Poller& p;
    std::shared_ptr<spdlog::logger> previous;
    ~Restore() {
      p.stop();
      spdlog::set_default_logger(previous);
    }
  } restore{poller, previous};

  poller.apply(make_config({{"core", ""}, {"wan", "core"}, {"gw", "wan"}, {"c1", "gw"}}));
  poller.start();
  ASSERT_TRUE(eventually([&] { return state_of("c1") == "up" && state_of("wan") == "up"; }));
  EXPECT_EQ(box.latest()->events->size(), 0u) << "a first verdict of up is no event";
  for (const auto* n : {"wan", "gw", "c1"}) engine.set_failure(n, Error{snmp::kReasonTimeout, "cut"});
  ASSERT_TRUE(eventually([&] { return state_of("wan") == "down" && state_of("c1") == "unreachable@wan"; }))
      << state_of("core") << " " << state_of("wan") << " " << state_of("gw") << " " << state_of("c1") << "\n" << log.str();
  for (const auto* n : {"wan", "gw", "c1"}) engine.set_failure(n, std::nullopt);
  ASSERT_TRUE(eventually([&] { return state_of("wan") == "up" && state_of("gw") == "up" && state_of("c1") == "up"; }));
  poller.stop();

  std::vector<std::string> seen;  // oldest first
  box.latest()->events->newest_first(100, [&](const state::SiteEvent& e) {
    seen.insert(seen.begin(), e.target + ":" + e.from + ">" + e.to + (e.root.empty() ? "" : "@" + e.root));
    return true;
  });
  auto index = [&](const std::string& what) {
    const auto it = std::find(seen.begin(), seen.end(), what);
    return it == seen.end() ? -1 : static_cast<int>(it - seen.begin());
  };
  std::string all;
  for (const auto& x : seen) all += x + " ";
  const int down = index("wan:up>down"), gw = index("gw:up>unreachable@wan"), c1 = index("c1:up>unreachable@wan");
  const int back = index("wan:down>up"), gw_back = index("gw:unreachable>up"), c1_back = index("c1:unreachable>up");
  EXPECT_GE(down, 0) << all;
  EXPECT_GE(gw, 0) << all;
  EXPECT_GE(c1, 0) << all;
  EXPECT_GT(back, down) << all;
  EXPECT_GT(gw_back, gw) << all;
  EXPECT_GT(c1_back, c1) << all;
  EXPECT_EQ(seen.size(), 6u) << "one event per change, nothing else: " << all;
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "core:up>down"), 0);

  const std::string text = log.str();
  EXPECT_NE(text.find("[info] site wan (Huyện Kỳ Sơn): up -> down, reason timeout, root cause itself\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("[info] site c1 (Huyện Kỳ Sơn): up -> unreachable, root cause wan\n"), std::string::npos) << text;
  EXPECT_NE(text.find("[info] site c1 (Huyện Kỳ Sơn): unreachable -> up, reason ok\n"), std::string::npos) << text;
  size_t lines = 0;
  for (const char c : text) lines += c == '\n';
  EXPECT_EQ(lines, 6u) << "one line per change: " << text;
}

TEST_F(PollerTest, ReloadDropsRemovedTargetsAndKeepsTheOthersState) {
  auto polls_of = [&](const std::string& target) {
    const std::string text = http::render(*box.latest());
    const auto pos = text.find("linkwatch_polls_total{target=\"" + target + "\"");
    return pos == std::string::npos ? -1.0 : std::stod(text.substr(text.find("} ", pos) + 2));
  };
  poller.apply(make_config({{"core", ""}, {"c1", "core"}}));
  poller.start();
  ASSERT_TRUE(eventually([&] { return state_of("c1") == "up"; }));
  // Enough polls that a reset counter could not catch up before the check below: a reset
  // state restarts at 0 and is polled about once per 300 ms interval.
  ASSERT_TRUE(eventually([&] { return polls_of("core") >= 8; }));
  const double before = polls_of("core");
  poller.apply(make_config({{"core", ""}, {"gw", "core"}}));
  ASSERT_TRUE(eventually([&] { return state_of("c1") == "absent" && state_of("gw") == "up"; }));
  const std::string text = http::render(*box.latest());
  EXPECT_EQ(text.find("target=\"c1\""), std::string::npos);
  // core kept its counters across the reload: polls_total went on from where it was.
  EXPECT_GE(polls_of("core"), before);
}

TEST_F(PollerTest, AWalkOnlyModuleFeedsLinkHealthAndExportsNoRawSeries) {
  // if_links in the shipped modules: the IF-MIB tables walked, no metric defined. The link
  // rule still sees the rows, so linkwatch_link_* is there; the raw ifHCInOctets is not.
  auto c = make_config({{"core", ""}});
  config::Module links;
  links.name = "links";
  links.walk = {{1, 3, 6, 1, 2, 1, 2, 2, 1}, {1, 3, 6, 1, 2, 1, 31, 1, 1, 1}};
  c->modules["links"] = links;
  c->targets[0].modules = {"sys", "links"};
  c->targets[0].links = {{config::LinkRule::Field::IfName, "if-core", "uplink"}};
  auto& a = engine.agent("core");
  a.mib[{1, 3, 6, 1, 2, 1, 2, 2, 1, 7, 1}] = Value::Int(1);  // ifAdminStatus up
  a.mib[{1, 3, 6, 1, 2, 1, 2, 2, 1, 8, 1}] = Value::Int(1);  // ifOperStatus up
  a.mib[{1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 10, 1}] = Value::Unsigned(Type::Counter64, 42);  // ifHCOutOctets
  poller.apply(c);
  poller.start();
  ASSERT_TRUE(eventually([&] {
    const std::string t = http::render(*box.latest());
    return t.find("linkwatch_link_up{") != std::string::npos && t.find("linkwatch_link_octets_total{") != std::string::npos;
  })) << http::render(*box.latest());
  const std::string text = http::render(*box.latest());
  EXPECT_NE(text.find("linkwatch_link_up{target=\"core\",district=\"Huyện Kỳ Sơn\""), std::string::npos) << text;
  EXPECT_NE(text.find("ifName=\"if-core\""), std::string::npos) << text;
  EXPECT_NE(text.find("linkwatch_link_octets_total{"), std::string::npos) << text;
  EXPECT_EQ(text.find("ifHCInOctets"), std::string::npos) << "no raw IF-MIB series: " << text;
  EXPECT_NE(text.find("linkwatch_module_up{target=\"core\",district=\"Huyện Kỳ Sơn\",module=\"links\"} 1"),
            std::string::npos)
      << text;
}

// An agent that answers but gives a module nothing (its table walks end at once) or values of
// the wrong type: the module's series are missing, so poll_errors_total says why.
TEST_F(PollerTest, EmptyTablesAndWrongTypesAreCounted) {
  auto& bare = engine.agent("gw");
  bare.mib.clear();
  bare.mib[{1, 3, 6, 1, 2, 1, 1, 3, 0}] = Value::Str("not a time");  // sysUpTime as a string
  poller.apply(make_config({{"core", ""}, {"gw", "core"}}));
  poller.start();
  auto count = [&](const std::string& target, const std::string& module, const std::string& reason) {
    const std::string text = http::render(*box.latest());
    const std::string series = "linkwatch_poll_errors_total{target=\"" + target +
                               "\",district=\"Huyện Kỳ Sơn\",module=\"" + module + "\",reason=\"" + reason + "\"} ";
    const auto pos = text.find(series);
    return pos == std::string::npos ? 0.0 : std::stod(text.substr(pos + series.size()));
  };
  ASSERT_TRUE(eventually([&] { return count("gw", "ifx", "empty_table") >= 2 && count("gw", "sys", "wrong_type") >= 1; }))
      << http::render(*box.latest());
  EXPECT_EQ(state_of("gw"), "up");  // it answered: reachable, just not useful
  EXPECT_EQ(count("core", "ifx", "empty_table"), 0);
  EXPECT_EQ(count("core", "sys", "wrong_type"), 0);
}

// A poll comes back to the target it was launched for by its index in the target table, and
// by name when a reload has moved the target since (here: a new target put before it).
TEST(PollerCoreTest, APollInFlightWhenAReloadMovesItsTargetLandsOnIt) {
  snmp::FakeEngine engine(true);  // answers wait for drain()
  for (const auto* n : {"core", "wan", "gw"}) fill(engine.agent(n), std::string("if-") + n);
  SnapshotBox box;
  Clock::time_point now = Clock::now();
  PollerCore core(engine, box, [&] { return now; });
  std::vector<std::shared_ptr<PollJob>> answered;
  core.on_finished = [&](std::shared_ptr<PollJob> job) { answered.push_back(std::move(job)); };
  core.apply(make_config({{"core", ""}, {"wan", "core"}}));
  now += 1h;
  core.launch_due(now);
  engine.drain();
  ASSERT_EQ(answered.size(), 2u);
  core.apply(make_config({{"gw", ""}, {"core", ""}, {"wan", "core"}}));
  for (auto& job : answered) core.finish(job);
  core.maybe_publish(now, true);
  const std::string text = http::render(*box.latest());
  for (const auto* target : {"core", "wan"})
    EXPECT_NE(text.find("linkwatch_polls_total{target=\"" + std::string(target) + "\",district=\"Huyện Kỳ Sơn\"} 1\n"),
              std::string::npos)
        << target << "\n" << text;
  EXPECT_EQ(text.find("linkwatch_polls_total{target=\"gw\""), std::string::npos) << "gw was not polled yet";
}

// A reload that leaves the targets as they were lets go of the config before it: each target
// takes an equal plan of the new config, and its polls still land. (Keeping the old plans kept
// every config that a reload had changed some target of alive, one per such reload.)
TEST(PollerCoreTest, AReloadLetsGoOfTheConfigBefore) {
  snmp::FakeEngine engine;
  for (const auto* n : {"core", "wan"}) fill(engine.agent(n), std::string("if-") + n);
  SnapshotBox box;
  Clock::time_point now = Clock::now();
  PollerCore core(engine, box, [&] { return now; });
  core.on_finished = [&](std::shared_ptr<PollJob> job) { core.finish(std::move(job)); };
  std::weak_ptr<const config::Config> first;
  {
    auto c = make_config({{"core", ""}, {"wan", "core"}});
    first = c;
    core.apply(std::move(c));
  }
  now += 1h;
  core.launch_due(now);
  core.apply(make_config({{"core", ""}, {"wan", "core"}}));
  EXPECT_TRUE(first.expired());
  now += 1h;
  core.launch_due(now);
  core.maybe_publish(now, true);
  const std::string text = http::render(*box.latest());
  for (const auto* target : {"core", "wan"})
    EXPECT_NE(text.find("linkwatch_polls_total{target=\"" + std::string(target) + "\",district=\"Huyện Kỳ Sơn\"} 2\n"),
              std::string::npos)
        << target << "\n" << text;
}

// The poller hands the engine at most twice its max_in_flight polls; the rest wait, due, until
// polls come back, and are then launched late (counted as lag), not skipped. (Handing over
// every due poll at once made 10,000 devices' first sweep hold ~40 MB of half-done walks in
// the engine's queue.)
TEST(PollerCoreTest, PollsBeyondTheEnginesBoundWaitTheirTurn) {
  snmp::FakeEngine engine(true);  // answers wait for drain()
  std::vector<std::pair<std::string, std::string>> targets;
  for (int i = 0; i < 7; ++i) {
    targets.emplace_back("t" + std::to_string(i), "");
    fill(engine.agent("t" + std::to_string(i)), "if0");
  }
  SnapshotBox box;
  Clock::time_point now = Clock::now();
  PollerCore core(engine, box, [&] { return now; });
  std::vector<std::shared_ptr<PollJob>> answered;
  core.on_finished = [&](std::shared_ptr<PollJob> job) { answered.push_back(std::move(job)); };
  auto config = make_config(targets);
  config->global.max_in_flight = 1;
  core.apply(config);
  now += 1h;
  std::vector<size_t> batches;
  for (int turn = 0; turn < 10 && batches.size() < 4; ++turn) {
    const auto wake = core.launch_due(now);
    if (turn == 0) {
      EXPECT_GT(wake, now) << "held-back polls wake the poller when others come back, not at once";
    }
    engine.drain();
    if (answered.empty()) break;
    batches.push_back(answered.size());
    for (auto& job : answered) core.finish(std::move(job));
    answered.clear();
  }
  EXPECT_EQ(batches, (std::vector<size_t>{2, 2, 2, 1}));
  core.maybe_publish(now, true);
  const std::string text = http::render(*box.latest());
  for (const auto& [name, parent] : targets)
    EXPECT_NE(text.find("linkwatch_polls_total{target=\"" + name + "\",district=\"Huyện Kỳ Sơn\"} 1\n"), std::string::npos)
        << name << "\n" << text;
  EXPECT_NE(text.find("linkwatch_polls_skipped_total 0\n"), std::string::npos) << text;
}

// Two modules that read the same object give one family with one series: merged by name.
// Modules whose names are all apart (the usual config) skip that search, and a poll with
// them still gives each family once.
TEST(PollerCoreTest, ModulesReadingTheSameObjectGiveOneFamily) {
  for (const bool shared : {false, true}) {
    snmp::FakeEngine engine;
    fill(engine.agent("core"), "if-core");
    SnapshotBox box;
    Clock::time_point now = Clock::now();
    PollerCore core(engine, box, [&] { return now; });
    core.on_finished = [&](std::shared_ptr<PollJob> job) { core.finish(std::move(job)); };
    auto config = make_config({{"core", ""}});
    if (shared) {
      config::Module again = config->modules.at("sys");
      again.name = "sys_again";
      config->modules["sys_again"] = again;
      config->targets[0].modules.push_back("sys_again");
    }
    core.apply(config);
    EXPECT_EQ(make_plan(config, config->targets[0])->asks->names_apart, !shared);
    now += 1h;
    core.launch_due(now);
    core.maybe_publish(now, true);
    const std::string text = http::render(*box.latest());
    for (const auto* family : {"sysUpTime", "ifHCInOctets", "linkwatch_module_up", "linkwatch_polls_total"}) {
      const std::string type = std::string("# TYPE ") + family + " ";
      const auto first = text.find(type);
      EXPECT_NE(first, std::string::npos) << family;
      EXPECT_EQ(text.find(type, first + 1), std::string::npos) << family << " twice\n" << text;
    }
    const std::string up = "sysUpTime{target=\"core\",district=\"Huyện Kỳ Sơn\"} 1234.56\n";
    ASSERT_NE(text.find(up), std::string::npos) << text;
    EXPECT_EQ(text.find(up, text.find(up) + 1), std::string::npos) << "shared " << shared << "\n" << text;
    EXPECT_NE(text.find("linkwatch_module_up{target=\"core\",district=\"Huyện Kỳ Sơn\",module=\"ifx\"} 1"),
              std::string::npos);
  }
}

TEST(Exposition, PrometheusNamesAreSnakeCaseWithTotal) {
  EXPECT_EQ(http::snake_case("ifHCInOctets"), "if_hc_in_octets");
  EXPECT_EQ(http::snake_case("ifIndex"), "if_index");
  EXPECT_EQ(http::snake_case("sysUpTime"), "sys_up_time");
  EXPECT_EQ(http::snake_case("linkwatch_target_up"), "linkwatch_target_up");
  EXPECT_EQ(http::snake_case("upsBatteryStatus"), "ups_battery_status");
}

}  // namespace
}  // namespace lw::poll
