#include "config/test_util.h"

namespace lw::config {
namespace {

using testing::has_error;
using testing::load_snippet;
using testing::TempDir;

snmp::Oid oid(const char* s) { return *snmp::parse_oid(s); }

TEST(Modules, ReadsMetricsAndDerivesGetAndWalk) {
  TempDir dir;
  const auto r = load_snippet(dir, R"(modules:
  if_mib:
    metrics:
      - name: sysUpTime
        oid: 1.3.6.1.2.1.1.3
        type: timeticks
        scale: 0.01
        help: Time since the agent started
      - name: ifOperStatus
        oid: 1.3.6.1.2.1.2.2.1.8
        type: enum
        indexes: [{label: ifIndex, type: integer}]
        lookups:
          - {labels: [ifIndex], label: ifName, oid: 1.3.6.1.2.1.31.1.1.1.1}
          - {labels: [ifIndex], label: ifDescr, oid: 1.3.6.1.2.1.2.2.1.2}
        enum_values: {1: up, 2: down, 7: lowerLayerDown}
      - name: ifInOctets
        oid: 1.3.6.1.2.1.2.2.1.10
        type: counter
        indexes: [{label: ifIndex, type: gauge}]
        lookups:
          - {labels: [ifIndex], label: ifName, oid: 1.3.6.1.2.1.31.1.1.1.1}
      - name: sysName
        oid: 1.3.6.1.2.1.1.5
        type: DisplayString
    walk: [1.3.6.1.2.1.31.1.1.1, 1.3.6.1.2.1.4.20]
)");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  const Module& m = r.config->modules.at("if_mib");
  EXPECT_EQ(m.name, "if_mib");
  ASSERT_EQ(m.metrics.size(), 4u);
  const Metric& up = m.metrics[0];
  EXPECT_EQ(up.name, "sysUpTime");
  EXPECT_EQ(up.type, MetricType::TimeTicks);
  EXPECT_DOUBLE_EQ(up.scale, 0.01);
  EXPECT_EQ(up.help, "Time since the agent started");
  EXPECT_EQ(up.mark.line, 4);
  EXPECT_EQ(up.mark.column, 9);
  const Metric& oper = m.metrics[1];
  EXPECT_EQ(oper.type, MetricType::Enum);
  ASSERT_EQ(oper.indexes.size(), 1u);
  EXPECT_EQ(oper.indexes[0].label, "ifIndex");
  EXPECT_EQ(oper.indexes[0].type, IndexType::Integer);
  ASSERT_EQ(oper.lookups.size(), 2u);
  EXPECT_EQ(oper.lookups[0].label, "ifName");
  EXPECT_EQ(oper.lookups[0].indexes, std::vector<std::string>{"ifIndex"});
  EXPECT_EQ(oper.lookups[0].oid, oid("1.3.6.1.2.1.31.1.1.1.1"));
  EXPECT_EQ(oper.enum_values, (std::map<int64_t, std::string>{{1, "up"}, {2, "down"}, {7, "lowerLayerDown"}}));
  EXPECT_EQ(m.metrics[2].indexes[0].type, IndexType::Integer);  // snmp_exporter's "gauge"
  EXPECT_EQ(m.metrics[3].type, MetricType::String);             // DisplayString
  EXPECT_EQ(m.get, (std::vector<snmp::Oid>{oid("1.3.6.1.2.1.1.3.0"), oid("1.3.6.1.2.1.1.5.0")}));
  // Columns, deduplicated; ifName's column lies under the explicit ifXEntry walk.
  EXPECT_EQ(m.walk, (std::vector<snmp::Oid>{oid("1.3.6.1.2.1.2.2.1.2"), oid("1.3.6.1.2.1.2.2.1.8"),
                                            oid("1.3.6.1.2.1.2.2.1.10"), oid("1.3.6.1.2.1.4.20"),
                                            oid("1.3.6.1.2.1.31.1.1.1")}));
}

TEST(Modules, TypeSpellings) {
  TempDir dir;
  const auto r = load_snippet(dir, R"yaml(modules:
  m:
    metrics:
      - {name: a, oid: 1.3.6.1.1, type: gauge}
      - {name: b, oid: 1.3.6.1.2, type: counter}
      - {name: c, oid: 1.3.6.1.3, type: string}
      - {name: d, oid: 1.3.6.1.4, type: ipaddress}
      - {name: e, oid: 1.3.6.1.5, type: physaddress}
      - {name: f, oid: 1.3.6.1.6, type: hex}
      - {name: g, oid: 1.3.6.1.7, type: OctetString}
      - {name: h, oid: 1.3.6.1.8, type: PhysAddress48}
      - {name: i, oid: 1.3.6.1.9, type: IpAddr}
      - {name: j, oid: 1.3.6.1.10, type: EnumAsInfo, enum_values: {1: x}}
      - {name: k, oid: 1.3.6.1.11, type: EnumAsStateSet, enum_values: {1: x}}
      - name: l
        oid: 1.3.6.1.12
        type: gauge
        indexes:
          - {label: a, type: string}
          - {label: b, type: fixed_string, fixed_size: 6}
          - {label: c, type: "fixed_string(4)"}
          - {label: d, type: ipaddress}
          - {label: e, type: physaddress}
          - {label: f, type: DisplayString}
          - {label: g, type: PhysAddress48}
          - {label: h, type: IpAddr}
)yaml");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  const auto& ms = r.config->modules.at("m").metrics;
  const MetricType want[] = {MetricType::Gauge,       MetricType::Counter, MetricType::String,
                             MetricType::IpAddress,   MetricType::PhysAddress, MetricType::Hex,
                             MetricType::Hex,         MetricType::PhysAddress, MetricType::IpAddress,
                             MetricType::Enum,        MetricType::Enum};
  for (size_t i = 0; i < std::size(want); ++i) EXPECT_EQ(ms[i].type, want[i]) << ms[i].name;
  const auto& ix = ms[11].indexes;
  ASSERT_EQ(ix.size(), 8u);
  EXPECT_EQ(ix[0].type, IndexType::String);
  EXPECT_EQ(ix[1].type, IndexType::FixedString);
  EXPECT_EQ(ix[1].fixed_size, 6);
  EXPECT_EQ(ix[2].type, IndexType::FixedString);
  EXPECT_EQ(ix[2].fixed_size, 4);
  EXPECT_EQ(ix[3].type, IndexType::IpAddress);
  EXPECT_EQ(ix[4].type, IndexType::PhysAddress);
  EXPECT_EQ(ix[5].type, IndexType::String);
  EXPECT_EQ(ix[6].type, IndexType::PhysAddress);
  EXPECT_EQ(ix[7].type, IndexType::IpAddress);
}

TEST(Modules, EveryMetricError) {
  TempDir dir;
  const auto r = load_snippet(dir, R"(modules:
  m:
    metrics:
      - {name: 1bad, oid: 1.3.6.1.1, type: gauge}
      - {name: b, oid: 1.3.x, type: gauge}
      - {name: c, oid: 1.3.6.1.3, type: float}
      - {oid: 1.3.6.1.4, type: gauge}
      - {name: e, oid: 1.3.6.1.5, type: gauge, scale: 0}
      - {name: f, oid: 1.3.6.1.6, type: enum}
      - {name: g, oid: 1.3.6.1.7, type: gauge, enum_values: {1: up}}
      - {name: h, oid: 1.3.6.1.8, type: enum, enum_values: {one: up}}
      - {name: i, oid: 1.3.6.1.9, type: gauge, indexes: [{label: ifIndex, type: int}]}
      - {name: j, oid: 1.3.6.1.10, type: gauge, indexes: [{label: a, type: fixed_string}]}
      - {name: k, oid: 1.3.6.1.11, type: gauge, indexes: [{label: a}], lookups: [{labels: [ifIndex], label: ifName, oid: 1.3.6.1.12}]}
      - {name: l, oid: 1.3.6.1.12, type: gauge, lookups: [{labels: [a], label: b, oid: 1.3.6.1.12}]}
      - {name: b, oid: 1.3.6.1.13, type: gauge, helpp: x}
      - {name: n, oid: 1.3.6.1.14, type: gauge, indexes: [{label: "if-index", type: integer}]}
      - {name: o, oid: 1.3.6.1.14, type: gauge, indexes: [{label: a, type: integer}, {label: a, type: string}]}
      - {name: p, oid: 1.3.6.1.15, type: gauge}
      - {name: p, oid: 1.3.6.1.16, type: gauge}
    walk: [1.3.6.1.2.1, nope]
)");
  EXPECT_TRUE(has_error(r, 4, 16, "module \"m\" metric #1: name: \"1bad\" is not a valid Prometheus metric name"));
  EXPECT_TRUE(has_error(r, 5, 24, "module \"m\" metric \"b\": oid: expected a numeric OID like 1.3.6.1.2.1.1.3 (got \"1.3.x\")"));
  EXPECT_TRUE(has_error(r, 6, 41, "type: expected one of gauge, counter, timeticks, enum, string"));
  EXPECT_TRUE(has_error(r, 7, 9, "module \"m\" metric #4: missing required key \"name\""));
  EXPECT_TRUE(has_error(r, 8, 55, "scale: must not be 0"));
  EXPECT_TRUE(has_error(r, 9, 9, "module \"m\" metric \"f\": type enum needs enum_values"));
  EXPECT_TRUE(has_error(r, 10, 48, "enum_values is only for type enum"));
  EXPECT_TRUE(has_error(r, 11, 61, "enum_values: key \"one\" is not an integer"));
  EXPECT_TRUE(has_error(r, 12, 81, "type: expected one of integer, string, fixed_string, ipaddress, physaddress"));
  EXPECT_TRUE(has_error(r, 13, 76, "type fixed_string needs fixed_size"));
  EXPECT_TRUE(has_error(r, 14, 59, "missing required key \"type\""));
  EXPECT_TRUE(has_error(r, 14, 92, "labels: \"ifIndex\" is not an index label (indexes: "));
  EXPECT_TRUE(has_error(r, 15, 58, "lookups need indexes"));
  EXPECT_TRUE(has_error(r, 16, 49, "unknown key \"helpp\" in module \"m\" metric \"b\" (known: name, oid, type, help, indexes, lookups, enum_values, scale)"));
  EXPECT_TRUE(has_error(r, 17, 67, "label: \"if-index\" is not a valid label name"));
  EXPECT_TRUE(has_error(r, 18, 86, "index label \"a\" repeated"));
  EXPECT_TRUE(has_error(r, 20, 9, "metric \"p\" defined twice"));
  EXPECT_TRUE(has_error(r, 21, 25, "walk: expected a numeric OID like 1.3.6.1.2.1.1.3 (got \"nope\")"));
  EXPECT_EQ(r.config, nullptr);
}

TEST(Modules, ModuleLevelErrors) {
  TempDir dir;
  const auto r = load_snippet(dir, R"(modules:
  empty:
    metrics: []
  nometrics:
    metric: []
  typo:
    metric: []
  "bad name":
    metrics: [{name: a, oid: 1.3.6.1.1, type: gauge}]
)");
  EXPECT_TRUE(has_error(r, 3, 14, "module \"empty\": metrics: the list is empty"));
  EXPECT_TRUE(has_error(r, 5, 5, "module \"nometrics\": missing required key \"metrics\""));
  EXPECT_TRUE(has_error(r, 7, 5, "unknown key \"metric\" in module \"typo\" (known: metrics, walk)"));
  EXPECT_TRUE(has_error(r, 8, 3, "bad module name \"bad name\""));
}

TEST(Modules, WalkOnlyModuleExportsNothingButWalks) {
  // For link health without the raw series: the walks happen, no metric is defined.
  TempDir dir;
  const auto r = load_snippet(dir, R"(modules:
  if_links:
    walk: [1.3.6.1.2.1.2.2.1, 1.3.6.1.2.1.31.1.1.1]
)");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  const Module& m = r.config->modules.at("if_links");
  EXPECT_TRUE(m.metrics.empty());
  EXPECT_TRUE(m.get.empty());
  EXPECT_EQ(m.walk, (std::vector<snmp::Oid>{oid("1.3.6.1.2.1.2.2.1"), oid("1.3.6.1.2.1.31.1.1.1")}));
}

TEST(Modules, DuplicateInOneFile) {
  TempDir dir;
  const auto r = load_snippet(dir, R"(modules:
  m:
    metrics: [{name: a, oid: 1.3.6.1.1, type: gauge}]
  m:
    metrics: [{name: a, oid: 1.3.6.1.1, type: gauge}]
)");
  EXPECT_TRUE(has_error(r, 4, 3, "\"m\" repeated (first at"));
  EXPECT_TRUE(has_error(r, 4, 3, "linkwatch.yml:2:3)"));
}

}  // namespace
}  // namespace lw::config
