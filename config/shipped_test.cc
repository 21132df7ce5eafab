// The files linkwatch ships: every module in config/modules/ and config/linkwatch.example.yml.
#include <algorithm>

#include "config/test_util.h"

namespace lw::config {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using testing::TempDir;

const fs::path kSource = LW_CONFIG_SOURCE_DIR;

snmp::Oid oid(const char* s) { return *snmp::parse_oid(s); }

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Loads one shipped module file through an include, as a deployment does.
LoadResult load_module_file(const TempDir& dir, const std::string& stem) {
  return testing::load_snippet(dir, "include: [" + (kSource / "modules" / (stem + ".yml")).string() + "]\n");
}

const Metric* find(const Module& m, const std::string& name) {
  for (const Metric& x : m.metrics)
    if (x.name == name) return &x;
  return nullptr;
}

TEST(Shipped, EveryModuleFileLoadsAndIsNamedAfterItsFile) {
  int files = 0;
  for (const auto& entry : fs::directory_iterator(kSource / "modules")) {
    if (entry.path().extension() != ".yml") continue;
    ++files;
    TempDir dir;
    const std::string stem = entry.path().stem().string();
    const auto r = load_module_file(dir, stem);
    ASSERT_TRUE(r.errors.empty()) << entry.path() << "\n" << testing::dump(r.errors);
    EXPECT_TRUE(r.warnings.empty()) << testing::dump(r.warnings);
    ASSERT_EQ(r.config->modules.size(), 1u) << stem;
    const Module& m = r.config->modules.begin()->second;
    EXPECT_EQ(m.name, stem);
    EXPECT_FALSE(m.metrics.empty() && m.walk.empty()) << stem;
    for (const Metric& metric : m.metrics) EXPECT_FALSE(metric.help.empty()) << metric.name;
  }
  EXPECT_EQ(files, 10);
}

// The slim modules (sites by the thousand, bench/README.md's series budget) serve a subset
// of the full modules' metrics with the very same OID, type, scale, indexes and help, so a
// dashboard or rule sees the same series whichever a site uses.
void expect_subset(const std::string& slim, const std::vector<std::string>& full, const std::vector<std::string>& want) {
  TempDir dir;
  const auto s = load_module_file(dir, slim);
  ASSERT_TRUE(s.errors.empty()) << testing::dump(s.errors);
  const Module& m = s.config->modules.at(slim);
  std::vector<std::string> names;
  for (const Metric& x : m.metrics) {
    names.push_back(x.name);
    const Metric* same = nullptr;
    for (const auto& f : full) {
      TempDir d2;
      const auto r = load_module_file(d2, f);
      ASSERT_TRUE(r.errors.empty()) << f;
      if (const Metric* y = find(r.config->modules.at(f), x.name)) {
        ASSERT_EQ(same, nullptr) << x.name << " in two full modules";
        same = y;
        EXPECT_EQ(x.oid, y->oid) << x.name;
        EXPECT_EQ(x.type, y->type) << x.name;
        EXPECT_DOUBLE_EQ(x.scale, y->scale) << x.name;
        EXPECT_EQ(x.indexes.size(), y->indexes.size()) << x.name;
        EXPECT_EQ(x.enum_values, y->enum_values) << x.name;
        EXPECT_EQ(x.help, y->help) << x.name;
        break;
      }
    }
    EXPECT_NE(same, nullptr) << slim << ": " << x.name << " is in none of its full modules";
  }
  EXPECT_EQ(names, want) << slim;
}

TEST(Shipped, SlimModulesAreSubsetsOfTheFullOnes) {
  expect_subset("system_uptime", {"system"}, {"sysUpTime"});
  // What the rules read (BackhaulDegraded): docs/radio-mib.md. No sysUpTime: DeviceRebooted
  // reads the reboots linkwatchd counts from the sysUpTime it reads on every poll.
  expect_subset("bts_radio", {"system", "radio"},
                {"lwRadioRxLevel", "lwRadioModulation", "lwRadioErroredSeconds",
                 "lwRadioPlannedModulation", "lwRadioPlannedRxLevel", "lwRadioPlannedFadeMargin"});
  expect_subset("ups_slim", {"ups_mib"},
                {"upsBatteryStatus", "upsSecondsOnBattery", "upsEstimatedMinutesRemaining",
                 "upsEstimatedChargeRemaining", "upsOutputSource"});
}

TEST(Shipped, IfLinksWalksTheTablesLinkHealthReadsAndExportsNothing) {
  TempDir dir;
  const auto r = load_module_file(dir, "if_links");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  const Module& m = r.config->modules.at("if_links");
  EXPECT_TRUE(m.metrics.empty());
  EXPECT_EQ(m.walk, (std::vector<snmp::Oid>{oid("1.3.6.1.2.1.2.2.1"), oid("1.3.6.1.2.1.31.1.1.1")}));
  // The same roots as if_mib's, so a target with both walks each table once.
  const auto i = load_module_file(dir, "if_mib");
  ASSERT_TRUE(i.errors.empty()) << testing::dump(i.errors);
  EXPECT_EQ(i.config->modules.at("if_mib").walk, m.walk);
}

TEST(Shipped, System) {
  TempDir dir;
  const auto r = load_module_file(dir, "system");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  const Module& m = r.config->modules.at("system");
  const Metric* up = find(m, "sysUpTime");
  ASSERT_NE(up, nullptr);
  EXPECT_EQ(up->type, MetricType::TimeTicks);
  EXPECT_DOUBLE_EQ(up->scale, 0.01);
  for (const char* s : {"sysDescr", "sysName", "sysLocation", "sysContact", "sysObjectID"}) {
    const Metric* x = find(m, s);
    ASSERT_NE(x, nullptr) << s;
    EXPECT_EQ(x->type, MetricType::String) << s;
  }
  EXPECT_TRUE(m.walk.empty());
  EXPECT_NE(std::find(m.get.begin(), m.get.end(), oid("1.3.6.1.2.1.1.3.0")), m.get.end());
  EXPECT_NE(std::find(m.get.begin(), m.get.end(), oid("1.3.6.1.2.1.1.5.0")), m.get.end());
}

TEST(Shipped, IfMibHasSnmpExporterNames) {
  TempDir dir;
  const auto r = load_module_file(dir, "if_mib");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  const Module& m = r.config->modules.at("if_mib");
  EXPECT_EQ(m.walk, (std::vector<snmp::Oid>{oid("1.3.6.1.2.1.2.2.1"), oid("1.3.6.1.2.1.31.1.1.1")}));
  EXPECT_TRUE(m.get.empty());
  // Every column decodes its rows alike (ifIndex, ifName, ifAlias, ifDescr): one row group,
  // filled at load.
  EXPECT_EQ(m.row_group, std::vector<uint32_t>(m.metrics.size(), 0u));
  const std::pair<const char*, const char*> want[] = {
      {"ifOperStatus", "1.3.6.1.2.1.2.2.1.8"},     {"ifAdminStatus", "1.3.6.1.2.1.2.2.1.7"},
      {"ifHCInOctets", "1.3.6.1.2.1.31.1.1.1.6"},  {"ifHCOutOctets", "1.3.6.1.2.1.31.1.1.1.10"},
      {"ifHCInUcastPkts", "1.3.6.1.2.1.31.1.1.1.7"}, {"ifHCOutUcastPkts", "1.3.6.1.2.1.31.1.1.1.11"},
      {"ifInOctets", "1.3.6.1.2.1.2.2.1.10"},      {"ifOutOctets", "1.3.6.1.2.1.2.2.1.16"},
      {"ifInErrors", "1.3.6.1.2.1.2.2.1.14"},      {"ifOutErrors", "1.3.6.1.2.1.2.2.1.20"},
      {"ifInDiscards", "1.3.6.1.2.1.2.2.1.13"},    {"ifOutDiscards", "1.3.6.1.2.1.2.2.1.19"},
      {"ifHighSpeed", "1.3.6.1.2.1.31.1.1.1.15"},  {"ifSpeed", "1.3.6.1.2.1.2.2.1.5"},
      {"ifLastChange", "1.3.6.1.2.1.2.2.1.9"},     {"ifType", "1.3.6.1.2.1.2.2.1.3"},
      {"ifMtu", "1.3.6.1.2.1.2.2.1.4"}};
  for (const auto& [name, o] : want) {
    const Metric* x = find(m, name);
    ASSERT_NE(x, nullptr) << name;
    EXPECT_EQ(x->oid, oid(o)) << name;
    ASSERT_EQ(x->indexes.size(), 1u) << name;
    EXPECT_EQ(x->indexes[0].label, "ifIndex");
    ASSERT_EQ(x->lookups.size(), 3u) << name;
    EXPECT_EQ(x->lookups[0].label, "ifName");
    EXPECT_EQ(x->lookups[0].oid, oid("1.3.6.1.2.1.31.1.1.1.1"));
    EXPECT_EQ(x->lookups[1].label, "ifAlias");
    EXPECT_EQ(x->lookups[1].oid, oid("1.3.6.1.2.1.31.1.1.1.18"));
    EXPECT_EQ(x->lookups[2].label, "ifDescr");
    EXPECT_EQ(x->lookups[2].oid, oid("1.3.6.1.2.1.2.2.1.2"));
  }
  EXPECT_EQ(find(m, "ifHCInOctets")->type, MetricType::Counter);
  EXPECT_EQ(find(m, "ifInOctets")->type, MetricType::Counter);
  const Metric* oper = find(m, "ifOperStatus");
  EXPECT_EQ(oper->type, MetricType::Enum);
  EXPECT_EQ(oper->enum_values.at(1), "up");
  EXPECT_EQ(oper->enum_values.at(7), "lowerLayerDown");
  EXPECT_EQ(find(m, "ifAdminStatus")->enum_values.at(2), "down");
}

TEST(Shipped, UpsMibAsDocumented) {
  TempDir dir;
  const auto r = load_module_file(dir, "ups_mib");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  const Module& m = r.config->modules.at("ups_mib");
  EXPECT_EQ(find(m, "upsBatteryStatus")->oid, oid("1.3.6.1.2.1.33.1.2.1"));
  EXPECT_EQ(find(m, "upsBatteryStatus")->enum_values.at(3), "batteryLow");
  EXPECT_EQ(find(m, "upsSecondsOnBattery")->oid, oid("1.3.6.1.2.1.33.1.2.2"));
  EXPECT_EQ(find(m, "upsEstimatedMinutesRemaining")->oid, oid("1.3.6.1.2.1.33.1.2.3"));
  EXPECT_EQ(find(m, "upsEstimatedChargeRemaining")->oid, oid("1.3.6.1.2.1.33.1.2.4"));
  EXPECT_DOUBLE_EQ(find(m, "upsBatteryVoltage")->scale, 0.1);
  EXPECT_EQ(find(m, "upsInputVoltage")->indexes.at(0).label, "upsInputLineIndex");
  EXPECT_EQ(find(m, "upsOutputSource")->enum_values.at(5), "battery");
  EXPECT_EQ(m.walk, std::vector<snmp::Oid>{oid("1.3.6.1.2.1.33.1.3.3.1.3")});
  EXPECT_EQ(m.get.size(), 6u);
}

TEST(Shipped, EntitySensor) {
  TempDir dir;
  const auto r = load_module_file(dir, "entity_sensor");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  const Module& m = r.config->modules.at("entity_sensor");
  for (const char* s : {"entPhySensorType", "entPhySensorScale", "entPhySensorPrecision",
                        "entPhySensorValue", "entPhySensorOperStatus"}) {
    const Metric* x = find(m, s);
    ASSERT_NE(x, nullptr) << s;
    EXPECT_EQ(x->indexes.at(0).label, "entPhysicalIndex");
    EXPECT_EQ(x->lookups.at(0).label, "entPhysicalName");
    EXPECT_EQ(x->lookups.at(0).oid, oid("1.3.6.1.2.1.47.1.1.1.1.7"));
  }
  EXPECT_EQ(find(m, "entPhySensorValue")->oid, oid("1.3.6.1.2.1.99.1.1.1.4"));
  EXPECT_EQ(find(m, "entPhySensorType")->enum_values.at(8), "celsius");
  EXPECT_EQ(m.walk.size(), 6u);  // five columns + entPhysicalName
}

TEST(Shipped, HostResources) {
  TempDir dir;
  const auto r = load_module_file(dir, "host_resources");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  const Module& m = r.config->modules.at("host_resources");
  EXPECT_EQ(find(m, "hrProcessorLoad")->oid, oid("1.3.6.1.2.1.25.3.3.1.2"));
  EXPECT_EQ(find(m, "hrStorageUsed")->lookups.at(0).label, "hrStorageDescr");
  EXPECT_EQ(find(m, "hrStorageSize")->oid, oid("1.3.6.1.2.1.25.2.3.1.5"));
  EXPECT_EQ(m.get, (std::vector<snmp::Oid>{oid("1.3.6.1.2.1.25.1.1.0"), oid("1.3.6.1.2.1.25.2.2.0")}));
}

TEST(Shipped, RadioAsDocumented) {
  TempDir dir;
  const auto r = load_module_file(dir, "radio");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  const Module& m = r.config->modules.at("radio");
  const std::tuple<const char*, const char*, MetricType, double> want[] = {
      {"lwRadioRxLevel", "1.3.6.1.4.1.32473.1.1.1.2", MetricType::Gauge, 0.1},
      {"lwRadioSnr", "1.3.6.1.4.1.32473.1.1.1.3", MetricType::Gauge, 0.1},
      {"lwRadioModulation", "1.3.6.1.4.1.32473.1.1.1.4", MetricType::Enum, 1},
      {"lwRadioCapacity", "1.3.6.1.4.1.32473.1.1.1.5", MetricType::Gauge, 1000},
      {"lwRadioErroredSeconds", "1.3.6.1.4.1.32473.1.1.1.6", MetricType::Counter, 1},
      {"lwRadioSeverelyErroredSeconds", "1.3.6.1.4.1.32473.1.1.1.7", MetricType::Counter, 1},
      {"lwRadioRxLevelThreshold", "1.3.6.1.4.1.32473.1.1.1.8", MetricType::Gauge, 0.1},
      {"lwRadioSnrThreshold", "1.3.6.1.4.1.32473.1.1.1.9", MetricType::Gauge, 0.1},
      {"lwRadioPlannedModulation", "1.3.6.1.4.1.32473.1.1.1.10", MetricType::Enum, 1},
      {"lwRadioPlannedRxLevel", "1.3.6.1.4.1.32473.1.1.1.11", MetricType::Gauge, 0.1},
      {"lwRadioPlannedFadeMargin", "1.3.6.1.4.1.32473.1.1.1.12", MetricType::Gauge, 0.1}};
  ASSERT_EQ(m.metrics.size(), std::size(want));
  for (const auto& [name, o, type, scale] : want) {
    const Metric* x = find(m, name);
    ASSERT_NE(x, nullptr) << name;
    EXPECT_EQ(x->oid, oid(o)) << name;
    EXPECT_EQ(x->type, type) << name;
    EXPECT_DOUBLE_EQ(x->scale, scale) << name;
    EXPECT_EQ(x->indexes.at(0).label, "ifIndex") << name;
  }
  EXPECT_EQ(find(m, "lwRadioModulation")->enum_values.at(8), "qam1024");
}

// The example as shipped, in a temp dir beside a copy of modules/ and the secret file its
// first comment says to create (tests/integration/example_configs_test.cc runs that comment).
TEST(Shipped, ExampleChecks) {
  TempDir dir;
  fs::copy(kSource / "modules", dir.path() / "modules", fs::copy_options::recursive);
  fs::create_directories(dir.path() / "secrets");
  dir.write("secrets/ops.auth", "auth-secret-256\n");
  const std::string text = slurp(kSource / "linkwatch.example.yml");
  testing::ScopedEnv env("LINKWATCH_OPS_PRIV", "priv-secret-aes");
  const auto r = load_config(dir.write("linkwatch.yml", text, 0600));
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  EXPECT_TRUE(r.warnings.empty()) << testing::dump(r.warnings);
  const Config& c = *r.config;
  EXPECT_EQ(c.global.listen_address, "127.0.0.1:9730");
  EXPECT_EQ(c.modules.size(), 10u);  // every file of config/modules/
  ASSERT_EQ(c.targets.size(), 4u);
  const Target& vinh = c.targets[0];
  EXPECT_EQ(vinh.name, "vinh-core");
  EXPECT_EQ(vinh.labels, (Labels{{"district", "Thành phố Vinh"}, {"role", "province_core"}}));
  const snmp::Peer p = c.peer_for(vinh);
  EXPECT_EQ(p.address, "10.10.0.1");
  EXPECT_EQ(p.credentials->version, snmp::Credentials::Version::V3);
  EXPECT_EQ(p.credentials->auth, snmp::Credentials::AuthProto::SHA256);
  EXPECT_EQ(p.credentials->auth_password, "auth-secret-256");
  EXPECT_EQ(p.credentials->priv, snmp::Credentials::PrivProto::AES);
  EXPECT_EQ(p.credentials->priv_password, "priv-secret-aes");
  EXPECT_EQ(p.timeout, milliseconds(2000));
  const Target& ky = c.targets[3];
  EXPECT_EQ(ky.labels[0].second, "Huyện Kỳ Sơn");
  EXPECT_EQ(ky.parents, (std::vector<std::string>{"ky-son-wan", "ky-son-vsat"}));
  ASSERT_TRUE(ky.site);
  ASSERT_EQ(ky.site->admin.size(), 2u);
  EXPECT_EQ(ky.site->admin[1].unit, "Xã Mường Xén");
  EXPECT_EQ(c.admin_versions.size(), 2u);
  EXPECT_EQ(c.maintenance.size(), 2u);
  const snmp::Peer q = c.peer_for(ky);
  EXPECT_EQ(q.address, "[2001:db8::20]:161");
  EXPECT_EQ(q.credentials->community, "public");
  EXPECT_EQ(q.timeout, milliseconds(5000));
  EXPECT_EQ(q.retries, 3);
  EXPECT_EQ(q.max_repetitions, 25);
}

TEST(Shipped, ExampleWithoutItsSecretsFails) {
  TempDir dir;
  fs::copy(kSource / "modules", dir.path() / "modules", fs::copy_options::recursive);
  ::unsetenv("LINKWATCH_OPS_PRIV");
  const auto r = load_config(dir.write("linkwatch.yml", slurp(kSource / "linkwatch.example.yml")));
  ASSERT_EQ(r.errors.size(), 2u) << testing::dump(r.errors);
  EXPECT_NE(r.errors[0].message.find("secrets/ops.auth"), std::string::npos);
  EXPECT_NE(r.errors[1].message.find("LINKWATCH_OPS_PRIV"), std::string::npos);
}

}  // namespace
}  // namespace lw::config
