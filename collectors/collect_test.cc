#include "collectors/collect.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

namespace lw::collect {
namespace {

using config::Index;
using config::IndexType;
using config::Lookup;
using config::Metric;
using config::MetricType;
using snmp::Oid;
using snmp::Type;
using snmp::Value;

const Oid kIfDescr = {1, 3, 6, 1, 2, 1, 2, 2, 1, 2};
const Oid kIfPhysAddress = {1, 3, 6, 1, 2, 1, 2, 2, 1, 6};
const Oid kIfOperStatus = {1, 3, 6, 1, 2, 1, 2, 2, 1, 8};
const Oid kIfName = {1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1};
const Oid kIfHCInOctets = {1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6};
const Oid kIfAlias = {1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 18};
const Oid kSysDescr = {1, 3, 6, 1, 2, 1, 1, 1};
const Oid kSysUpTime = {1, 3, 6, 1, 2, 1, 1, 3};

Oid at(Oid base, std::initializer_list<uint32_t> suffix) {
  base.insert(base.end(), suffix);
  return base;
}

std::vector<Lookup> if_lookups() {
  return {{{"ifIndex"}, "ifName", kIfName},
          {{"ifIndex"}, "ifAlias", kIfAlias},
          {{"ifIndex"}, "ifDescr", kIfDescr}};
}

Metric table_metric(std::string name, Oid oid, MetricType type) {
  Metric m;
  m.name = std::move(name);
  m.oid = std::move(oid);
  m.type = type;
  m.indexes = {{"ifIndex", IndexType::Integer, 0}};
  m.lookups = if_lookups();
  return m;
}

Metric scalar_metric(std::string name, Oid oid, MetricType type, double scale = 1.0) {
  Metric m;
  m.name = std::move(name);
  m.oid = std::move(oid);
  m.type = type;
  m.scale = scale;
  return m;
}

config::Module if_module() {
  config::Module mod;
  mod.name = "if_mib";
  mod.metrics.push_back(table_metric("ifHCInOctets", kIfHCInOctets, MetricType::Counter));
  Metric oper = table_metric("ifOperStatus", kIfOperStatus, MetricType::Enum);
  oper.enum_values = {{1, "up"}, {2, "down"}};
  oper.help = "The current operational state of the interface.";
  mod.metrics.push_back(oper);
  return mod;
}

// Three interfaces; 1 and 2 share an ifName; 2 has no ifAlias row; shuffled, as the rows of
// several walks arrive in any order.
ModuleInput if_input() {
  ModuleInput in;
  auto add = [&](Oid oid, Value v) { in.walked.push_back({std::move(oid), std::move(v)}); };
  add(at(kIfDescr, {1}), Value::Str("GigabitEthernet0/1"));
  add(at(kIfDescr, {2}), Value::Str("GigabitEthernet0/1.100"));
  add(at(kIfDescr, {3}), Value::Str("Vlan10"));
  add(at(kIfOperStatus, {1}), Value::Int(1));
  add(at(kIfOperStatus, {2}), Value::Int(2));
  add(at(kIfOperStatus, {3}), Value::Int(7));
  add(at(kIfName, {1}), Value::Str("Gi0/1"));
  add(at(kIfName, {2}), Value::Str("Gi0/1"));
  add(at(kIfName, {3}), Value::Str("Vl10"));
  add(at(kIfHCInOctets, {1}), Value::Unsigned(Type::Counter64, 1ull << 53));
  add(at(kIfHCInOctets, {2}), Value::Unsigned(Type::Counter64, UINT64_MAX));
  add(at(kIfHCInOctets, {3}), Value::Unsigned(Type::Counter64, 0));
  add(at(kIfAlias, {1}), Value::Str("WAN Huyện Kỳ Sơn"));
  add(at(kIfAlias, {3}), Value::Str(""));
  std::mt19937 rng(7);
  std::shuffle(in.walked.begin(), in.walked.end(), rng);
  return in;
}

CollectOptions target_opts() {
  return CollectOptions{{{"target", "ky-son-gw"}, {"district", "Huyện Kỳ Sơn"}}};
}

const Family* family(const CollectOutput& out, const std::string& name) {
  for (const Family& f : out.families)
    if (f.name == name) return &f;
  return nullptr;
}

std::optional<std::string> label(const Series& s, const std::string& name) {
  for (const auto& [n, v] : s.labels)
    if (n == name) return v;
  return std::nullopt;
}

TEST(Collect, IfTableWithLookups) {
  const auto out = collect(if_module(), if_input(), target_opts());
  EXPECT_EQ(out.skipped, 0u);
  const Family* f = family(out, "ifHCInOctets");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->kind, Kind::Counter);
  EXPECT_EQ(f->help, "MIB object ifHCInOctets (1.3.6.1.2.1.31.1.1.1.6)");
  ASSERT_EQ(f->series.size(), 3u);
  const Labels want = {{"target", "ky-son-gw"},   {"district", "Huyện Kỳ Sơn"},
                       {"ifIndex", "1"},           {"ifName", "Gi0/1"},
                       {"ifAlias", "WAN Huyện Kỳ Sơn"}, {"ifDescr", "GigabitEthernet0/1"}};
  EXPECT_EQ(f->series[0].labels, want);  // rows in OID order
  EXPECT_EQ(f->series[0].value, 9007199254740992.0);
  EXPECT_GT(f->series[1].value, 0.0);  // 2^64-1 stays non-negative
  EXPECT_EQ(f->series[2].value, 0.0);
  EXPECT_EQ(label(f->series[2], "ifAlias"), "");  // present but empty is kept
}

TEST(Collect, DuplicateLookupValuesKeepDistinctSeries) {
  const auto out = collect(if_module(), if_input(), target_opts());
  const Family* f = family(out, "ifHCInOctets");
  ASSERT_NE(f, nullptr);
  ASSERT_GE(f->series.size(), 2u);
  EXPECT_EQ(label(f->series[0], "ifName"), "Gi0/1");
  EXPECT_EQ(label(f->series[1], "ifName"), "Gi0/1");
  EXPECT_NE(f->series[0].labels, f->series[1].labels);
  EXPECT_EQ(label(f->series[1], "ifIndex"), "2");
}

TEST(Collect, MissingLookupOmitsTheLabel) {
  const auto out = collect(if_module(), if_input(), target_opts());
  const Family* f = family(out, "ifHCInOctets");
  ASSERT_NE(f, nullptr);
  const Series& s = f->series.at(1);
  EXPECT_EQ(label(s, "ifIndex"), "2");
  EXPECT_EQ(label(s, "ifAlias"), std::nullopt);
  EXPECT_EQ(label(s, "ifName"), "Gi0/1");
  EXPECT_EQ(s.labels.size(), 5u);
}

TEST(Collect, EnumIsTheNumberWithNoExtraLabels) {
  const auto out = collect(if_module(), if_input(), target_opts());
  const Family* f = family(out, "ifOperStatus");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->kind, Kind::Gauge);
  EXPECT_EQ(f->help, "The current operational state of the interface.");
  ASSERT_EQ(f->series.size(), 3u);
  EXPECT_EQ(f->series[0].value, 1.0);
  EXPECT_EQ(f->series[1].value, 2.0);
  EXPECT_EQ(f->series[2].value, 7.0);
  EXPECT_EQ(f->series[0].labels.size(), 6u);
}

TEST(Collect, FamiliesInModuleOrder) {
  const auto out = collect(if_module(), if_input(), target_opts());
  ASSERT_EQ(out.families.size(), 2u);
  EXPECT_EQ(out.families[0].name, "ifHCInOctets");
  EXPECT_EQ(out.families[1].name, "ifOperStatus");
}

TEST(Collect, UndecodableIndexIsSkippedAndCounted) {
  ModuleInput in = if_input();
  in.walked.push_back({at(kIfHCInOctets, {4, 1}), Value::Unsigned(Type::Counter64, 5)});
  in.walked.push_back({kIfHCInOctets, Value::Unsigned(Type::Counter64, 5)});  // no suffix
  const auto out = collect(if_module(), in, target_opts());
  EXPECT_EQ(out.skipped, 2u);
  EXPECT_EQ(family(out, "ifHCInOctets")->series.size(), 3u);
}

TEST(Collect, ValuesThatAreNotNumbersAreSkippedAndCounted) {
  ModuleInput in = if_input();
  in.walked.push_back({at(kIfHCInOctets, {10}), Value::Str("lots")});
  in.walked.push_back({at(kIfHCInOctets, {11}), Value::Exception(Type::NoSuchInstance)});
  in.walked.push_back({at(kIfHCInOctets, {12}), Value::Int(-1)});  // a counter is never negative
  in.walked.push_back({at(kIfHCInOctets, {13}), Value{}});         // NULL
  in.walked.push_back({at(kIfHCInOctets, {14}), Value::Str("42")});  // a number as text is fine
  const auto out = collect(if_module(), in, target_opts());
  EXPECT_EQ(out.skipped, 4u);
  const Family* f = family(out, "ifHCInOctets");
  ASSERT_EQ(f->series.size(), 4u);
  EXPECT_EQ(label(f->series[3], "ifIndex"), "14");
  EXPECT_EQ(f->series[3].value, 42.0);
  EXPECT_EQ(label(f->series[3], "ifName"), std::nullopt);  // no lookup rows for it
}

TEST(Collect, Scalars) {
  config::Module mod;
  mod.metrics.push_back(scalar_metric("sysUpTime", kSysUpTime, MetricType::TimeTicks, 0.01));
  mod.metrics.push_back(scalar_metric("sysDescr", kSysDescr, MetricType::String));
  ModuleInput in;
  in.scalars.push_back({at(kSysDescr, {0}), Value::Str(std::string("Cisco IOS XE – Nghệ An core") + '\0')});
  in.scalars.push_back({at(kSysUpTime, {0}), Value::Unsigned(Type::TimeTicks, 123456)});
  const auto out = collect(mod, in, target_opts());
  EXPECT_EQ(out.skipped, 0u);
  ASSERT_EQ(out.families.size(), 2u);
  const Family& up = out.families[0];
  EXPECT_EQ(up.name, "sysUpTime");
  EXPECT_EQ(up.kind, Kind::Gauge);
  ASSERT_EQ(up.series.size(), 1u);
  EXPECT_DOUBLE_EQ(up.series[0].value, 1234.56);
  EXPECT_EQ(up.series[0].labels, target_opts().target_labels);
  const Family& descr = out.families[1];
  ASSERT_EQ(descr.series.size(), 1u);
  EXPECT_EQ(descr.series[0].value, 1.0);
  EXPECT_EQ(label(descr.series[0], "sysDescr"), "Cisco IOS XE – Nghệ An core");
  EXPECT_EQ(descr.series[0].labels.back().first, "sysDescr");  // the value label comes last
}

TEST(Collect, ScalarExceptionSkippedAndUnansweredAbsent) {
  config::Module mod;
  mod.metrics.push_back(scalar_metric("sysUpTime", kSysUpTime, MetricType::TimeTicks, 0.01));
  mod.metrics.push_back(scalar_metric("sysDescr", kSysDescr, MetricType::String));
  ModuleInput in;
  in.scalars.push_back({at(kSysUpTime, {0}), Value::Exception(Type::NoSuchObject)});
  const auto out = collect(mod, in, target_opts());
  EXPECT_TRUE(out.families.empty());
  EXPECT_EQ(out.skipped, 1u);
}

TEST(Collect, ScalarFoundInWalkedRows) {
  config::Module mod;
  mod.metrics.push_back(scalar_metric("sysUpTime", kSysUpTime, MetricType::TimeTicks, 0.01));
  ModuleInput in;
  in.walked.push_back({at(kSysUpTime, {0}), Value::Unsigned(Type::TimeTicks, 500)});
  const auto out = collect(mod, in, {});
  ASSERT_EQ(out.families.size(), 1u);
  EXPECT_EQ(out.families[0].series.at(0).value, 5.0);
}

TEST(Collect, StringTypedColumnBecomesALabel) {
  config::Module mod;
  Metric phys = table_metric("ifPhysAddress", kIfPhysAddress, MetricType::PhysAddress);
  phys.lookups = {{{"ifIndex"}, "ifName", kIfName}};
  mod.metrics.push_back(phys);
  ModuleInput in = if_input();
  in.walked.push_back({at(kIfPhysAddress, {1}), Value::Str(std::string("\x00\x1b\x2c\x3d\x4e\x5f", 6))});
  const auto out = collect(mod, in, {{{"target", "t"}}});
  ASSERT_EQ(out.families.size(), 1u);
  const Series& s = out.families[0].series.at(0);
  EXPECT_EQ(s.value, 1.0);
  const Labels want = {{"target", "t"}, {"ifIndex", "1"}, {"ifName", "Gi0/1"},
                       {"ifPhysAddress", "00:1b:2c:3d:4e:5f"}};
  EXPECT_EQ(s.labels, want);
}

TEST(Collect, StringIndexAndItsLookup) {
  // A table indexed by a DisplayString (e.g. a sensor name), with a lookup keyed by it.
  const Oid value_col = {1, 3, 6, 1, 4, 1, 99999, 1, 1, 3};
  const Oid unit_col = {1, 3, 6, 1, 4, 1, 99999, 1, 1, 2};
  config::Module mod;
  Metric m;
  m.name = "sensorValue";
  m.oid = value_col;
  m.type = MetricType::Gauge;
  m.indexes = {{"sensor", IndexType::String, 0}};
  m.lookups = {{{"sensor"}, "unit", unit_col}};
  mod.metrics.push_back(m);

  auto suffix = [](const std::string& s) {
    Oid o = {static_cast<uint32_t>(s.size())};
    for (char c : s) o.push_back(static_cast<uint8_t>(c));
    return o;
  };
  auto cat = [](Oid a, const Oid& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  ModuleInput in;
  in.walked.push_back({cat(value_col, suffix("Nhiệt độ")), Value::Int(31)});
  in.walked.push_back({cat(unit_col, suffix("Nhiệt độ")), Value::Str("°C")});
  in.walked.push_back({cat(value_col, suffix("volt")), Value::Str("230.5")});
  const auto out = collect(mod, in, {});
  EXPECT_EQ(out.skipped, 0u);
  ASSERT_EQ(out.families.size(), 1u);
  const auto& series = out.families[0].series;
  ASSERT_EQ(series.size(), 2u);
  // OID order: the shorter length prefix (4, "volt") sorts first.
  EXPECT_EQ(series[0].labels, (Labels{{"sensor", "volt"}}));
  EXPECT_EQ(series[0].value, 230.5);
  EXPECT_EQ(series[1].labels, (Labels{{"sensor", "Nhiệt độ"}, {"unit", "°C"}}));
  EXPECT_EQ(series[1].value, 31.0);
}

TEST(Collect, LookupKeyedByPartOfTheIndex) {
  // Rows indexed by (ifIndex, vlan); the ifName lookup uses only ifIndex's sub-id.
  const Oid col = {1, 3, 6, 1, 4, 1, 99999, 2, 1, 5};
  config::Module mod;
  Metric m;
  m.name = "vlanPackets";
  m.oid = col;
  m.type = MetricType::Counter;
  m.indexes = {{"ifIndex", IndexType::Integer, 0}, {"vlan", IndexType::Integer, 0}};
  m.lookups = {{{"ifIndex"}, "ifName", kIfName}};
  mod.metrics.push_back(m);
  ModuleInput in = if_input();
  in.walked.push_back({at(col, {3, 100}), Value::Unsigned(Type::Counter32, 9)});
  const auto out = collect(mod, in, {});
  ASSERT_EQ(out.families.size(), 1u);
  EXPECT_EQ(out.families[0].series.at(0).labels,
            (Labels{{"ifIndex", "3"}, {"vlan", "100"}, {"ifName", "Vl10"}}));
}

TEST(Collect, LookupNamedLikeAnIndexLabelIsDropped) {
  config::Module mod;
  Metric m = table_metric("ifHCInOctets", kIfHCInOctets, MetricType::Counter);
  m.lookups = {{{"ifIndex"}, "ifIndex", kIfName}, {{"ifIndex"}, "target", kIfDescr}};
  mod.metrics.push_back(m);
  const auto out = collect(mod, if_input(), {{{"target", "t"}}});
  EXPECT_EQ(out.skipped, 0u);
  ASSERT_EQ(out.families.size(), 1u);
  EXPECT_EQ(out.families[0].series.at(0).labels, (Labels{{"target", "t"}, {"ifIndex", "1"}}));
}

TEST(Collect, LookupOnUnknownIndexLabelIsOmitted) {
  config::Module mod;
  Metric m = table_metric("ifHCInOctets", kIfHCInOctets, MetricType::Counter);
  m.lookups = {{{"nosuch"}, "ifName", kIfName}};
  mod.metrics.push_back(m);
  const auto out = collect(mod, if_input(), {});
  ASSERT_EQ(out.families.size(), 1u);
  EXPECT_EQ(out.families[0].series.at(0).labels, (Labels{{"ifIndex", "1"}}));
}

TEST(Collect, OverlappingWalksDoNotDoubleSeries) {
  ModuleInput in = if_input();
  const ModuleInput again = if_input();
  in.walked.insert(in.walked.end(), again.walked.begin(), again.walked.end());
  const auto out = collect(if_module(), in, target_opts());
  EXPECT_EQ(family(out, "ifHCInOctets")->series.size(), 3u);
}

// Walks given as parts known to be increasing (the poller's walks): only the junctions are
// checked, so parts that are each in order but overlap, come in the wrong order or repeat one
// another must still be sorted and made unique: the result is that of the same rows checked
// throughout, in one part.
TEST(Collect, IncreasingPartsInAnyOrderReadAsOneWalk) {
  snmp::VarBinds all = if_input().walked;
  std::sort(all.begin(), all.end(),
            [](const snmp::VarBind& a, const snmp::VarBind& b) { return snmp::oid_less(a.oid, b.oid); });
  const auto want = collect(if_module(), ModuleInput{{}, all}, target_opts());
  ASSERT_EQ(family(want, "ifHCInOctets")->series.size(), 3u);
  const auto half = static_cast<std::ptrdiff_t>(all.size() / 2);
  const snmp::VarBinds low(all.begin(), all.begin() + half), high(all.begin() + half, all.end());
  const snmp::VarBinds overlap(all.begin() + half - 2, all.end()), empty;
  const std::vector<std::vector<const snmp::VarBinds*>> cases = {
      {&low, &high}, {&high, &low}, {&low, &empty, &high}, {&low, &overlap}, {&all, &all}, {&empty, &all, &empty}};
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(i);
    const ModuleView view{{}, cases[i], /*walked_parts_increasing=*/true};
    const auto got = collect(if_module(), view, target_opts());
    ASSERT_EQ(got.families.size(), want.families.size());
    for (size_t f = 0; f < want.families.size(); ++f) {
      EXPECT_EQ(got.families[f].name, want.families[f].name);
      ASSERT_EQ(got.families[f].series.size(), want.families[f].series.size());
      for (size_t k = 0; k < want.families[f].series.size(); ++k) {
        EXPECT_EQ(got.families[f].series[k].labels, want.families[f].series[k].labels);
        EXPECT_EQ(got.families[f].series[k].value, want.families[f].series[k].value);
      }
    }
  }
}

TEST(Collect, NeighbouringColumnsDoNotLeakIn) {
  // ifHCInOctets is ...1.6; ...1.60 must not be read as its rows.
  ModuleInput in = if_input();
  in.walked.push_back({at({1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 60}, {1}), Value::Int(5)});
  const auto out = collect(if_module(), in, target_opts());
  EXPECT_EQ(out.skipped, 0u);
  EXPECT_EQ(family(out, "ifHCInOctets")->series.size(), 3u);
}

TEST(Collect, EmptyInputYieldsNoFamilies) {
  const auto out = collect(if_module(), ModuleInput{}, target_opts());
  EXPECT_TRUE(out.families.empty());
  EXPECT_EQ(out.skipped, 0u);
  config::Module empty;
  EXPECT_TRUE(collect(empty, if_input(), {}).families.empty());
}

// Columns that do not have the same rows: the second lacks rows the first has and brings new
// ones, the third (a different row group: no ifAlias lookup) and the fourth skip around. Every
// series must still carry its own row's labels, and the columns of one group share each
// row's labels (one identity), whatever order the rows were met in.
TEST(Collect, ColumnsWithDifferentRowsKeepEachRowsLabels) {
  config::Module mod;
  mod.name = "ragged";
  mod.metrics.push_back(table_metric("ifDescrCopy", kIfDescr, MetricType::Gauge));  // rows 1 2 3 5
  mod.metrics.push_back(table_metric("ifOperStatus", kIfOperStatus, MetricType::Gauge));  // rows 2 4 6
  Metric name_only = table_metric("ifPhysAddress", kIfPhysAddress, MetricType::Gauge);  // rows 6 1
  name_only.lookups = {{{"ifIndex"}, "ifName", kIfName}};
  mod.metrics.push_back(name_only);
  mod.metrics.push_back(table_metric("ifHCInOctets", kIfHCInOctets, MetricType::Counter));  // rows 5 1 4
  ModuleInput in;
  auto add = [&](const Oid& column, uint32_t row, uint64_t v) {
    in.walked.push_back({at(column, {row}), Value::Unsigned(Type::Gauge32, v)});
  };
  for (uint32_t r : {1, 2, 3, 5}) add(kIfDescr, r, r);
  for (uint32_t r : {2, 4, 6}) add(kIfOperStatus, r, r);
  for (uint32_t r : {6, 1}) add(kIfPhysAddress, r, r);
  for (uint32_t r : {5, 1, 4}) add(kIfHCInOctets, r, r);
  for (uint32_t r = 1; r <= 6; ++r) {
    in.walked.push_back({at(kIfName, {r}), Value::Str("port" + std::to_string(r))});
    in.walked.push_back({at(kIfAlias, {r}), Value::Str("alias" + std::to_string(r))});
  }
  const auto out = collect(mod, in, target_opts());
  EXPECT_EQ(out.skipped, 0u);
  std::map<std::string, const void*> identity_of_row;  // for the if_lookups() group
  size_t seen = 0;
  for (const Family& f : out.families) {
    for (const Series& s : f.series) {
      ++seen;
      const std::string row = std::to_string(static_cast<int>(s.value));
      EXPECT_EQ(label(s, "ifIndex"), row) << f.name.str();
      EXPECT_EQ(label(s, "ifName"), "port" + row) << f.name.str();
      if (f.name == "ifPhysAddress") {
        EXPECT_EQ(label(s, "ifAlias"), std::nullopt);
        continue;
      }
      EXPECT_EQ(label(s, "ifAlias"), "alias" + row) << f.name.str();
      const auto [it, fresh] = identity_of_row.emplace(row, s.labels.identity());
      if (!fresh) {
        EXPECT_EQ(it->second, s.labels.identity()) << f.name.str() << " row " << row;
      }
    }
  }
  EXPECT_EQ(seen, 12u);
  EXPECT_EQ(identity_of_row.size(), 6u);
}

TEST(Collect, RowGroupsJoinColumnsDecodedAlike) {
  config::Module mod = if_module();
  Metric name_only = table_metric("ifPhysAddress", kIfPhysAddress, MetricType::Gauge);
  name_only.lookups = {{{"ifIndex"}, "ifName", kIfName}};
  mod.metrics.push_back(name_only);
  mod.metrics.push_back(scalar_metric("sysUpTime", kSysUpTime, MetricType::Gauge));
  mod.metrics.push_back(table_metric("ifHCInOctets2", kIfHCInOctets, MetricType::Counter));
  mod.metrics.push_back(scalar_metric("sysDescr", kSysDescr, MetricType::String));
  EXPECT_EQ(config::row_groups(mod), (std::vector<uint32_t>{0, 0, 2, 3, 0, 5}));
  // What the loader fills and what collect() makes for a module built by hand agree.
  const auto by_hand = collect(mod, if_input(), target_opts());
  mod.row_group = config::row_groups(mod);
  const auto loaded = collect(mod, if_input(), target_opts());
  ASSERT_EQ(by_hand.families.size(), loaded.families.size());
  for (size_t i = 0; i < loaded.families.size(); ++i) {
    ASSERT_EQ(by_hand.families[i].series.size(), loaded.families[i].series.size());
    for (size_t j = 0; j < loaded.families[i].series.size(); ++j)
      EXPECT_EQ(by_hand.families[i].series[j].labels, loaded.families[i].series[j].labels);
  }
}

// 20,000 interfaces x 5 columns = 100,000 varbinds with three lookups per row. A scan per
// row would be ~10^10 steps and hit the test timeout; the sorted index does it in well
// under a second.
TEST(Collect, HundredThousandVarbinds) {
  constexpr uint32_t kRows = 20000;
  ModuleInput in;
  in.walked.reserve(kRows * 5);
  for (uint32_t i = 1; i <= kRows; ++i) {
    in.walked.push_back({at(kIfHCInOctets, {i}), Value::Unsigned(Type::Counter64, i)});
    in.walked.push_back({at(kIfOperStatus, {i}), Value::Int(1)});
    in.walked.push_back({at(kIfName, {i}), Value::Str("port" + std::to_string(i))});
    in.walked.push_back({at(kIfAlias, {i}), Value::Str("xã " + std::to_string(i))});
    in.walked.push_back({at(kIfDescr, {i}), Value::Str("descr")});
  }
  std::mt19937 rng(1);
  std::shuffle(in.walked.begin(), in.walked.end(), rng);
  const auto out = collect(if_module(), in, target_opts());
  EXPECT_EQ(out.skipped, 0u);
  const Family* f = family(out, "ifHCInOctets");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(f->series.size(), kRows);
  EXPECT_EQ(label(f->series[kRows - 1], "ifName"), "port20000");
  EXPECT_EQ(label(f->series[kRows - 1], "ifAlias"), "xã 20000");
  EXPECT_EQ(f->series[kRows - 1].value, 20000.0);
}

}  // namespace
}  // namespace lw::collect
