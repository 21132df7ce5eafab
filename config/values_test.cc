// Values that look fine to YAML but would break polling or the exposition, and the messages
// that say so (issue 9, items 5, 8 and 12).
#include <string>

#include "config/test_util.h"

namespace lw::config {
namespace {

using testing::has_error;
using testing::load_text;
using testing::TempDir;

// A module "m" whose one metric has the given extra keys (line 4 holds them), then no targets.
LoadResult load_metric(const TempDir& dir, const std::string& oid, const std::string& extra = "") {
  return load_text(dir, "modules:\n"
                        "  m:\n"
                        "    metrics:\n"
                        "      - {name: x, oid: " + oid + ", type: gauge" + extra + "}\n"
                        "targets: []\n");
}

TEST(Values, RawNonUtf8HelpIsRefusedWithItsPlace) {
  TempDir dir;
  const auto r = load_metric(dir, "1.3.6.1.2.1.1.3", ", help: \"caf\xe9\"");
  EXPECT_FALSE(r.config);
  EXPECT_TRUE(has_error(r, 4, 64, "not valid UTF-8 (byte \\xe9)")) << testing::dump(r.errors);
}

TEST(Values, EnumValueNamesMustBeUtf8) {
  TempDir dir;
  const auto r = load_text(dir, "modules:\n"
                                "  m:\n"
                                "    metrics:\n"
                                "      - {name: x, oid: 1.3.6.1.2.1.2.2.1.8, type: enum, indexes: [{label: i, type: integer}],\n"
                                "         enum_values: {1: up, 2: d\xf6wn}}\n"
                                "targets: []\n");
  EXPECT_FALSE(r.config);
  EXPECT_TRUE(has_error(r, 5, 35, "not valid UTF-8 (byte \\xf6)")) << testing::dump(r.errors);
}

TEST(Values, VietnameseTextIsKept) {
  TempDir dir;
  const auto r = load_metric(dir, "1.3.6.1.2.1.1.3", ", help: \"Huyện Kỳ Sơn\"");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  EXPECT_EQ(r.config->modules.at("m").metrics[0].help, "Huyện Kỳ Sơn");
}

TEST(Values, OidWithMoreThan128ArcsIsAnError) {
  TempDir dir;
  std::string oid = "1.3";
  for (int i = 0; i < 127; ++i) oid += ".1";  // 129 arcs
  const auto r = load_metric(dir, oid);
  EXPECT_FALSE(r.config);
  EXPECT_TRUE(has_error(r, 4, 24, "OID has 129 arcs; SNMP allows at most 128")) << testing::dump(r.errors);
  std::string ok = "1.3";
  for (int i = 0; i < 126; ++i) ok += ".1";  // 128 arcs
  EXPECT_TRUE(load_metric(dir, ok).errors.empty()) << testing::dump(load_metric(dir, ok).errors);
}

TEST(Values, OidFirstArcAbove2IsAnError) {
  TempDir dir;
  const auto r = load_metric(dir, "3.6.1.2.1");
  EXPECT_TRUE(has_error(r, 4, 24, "the first arc of an OID is 0, 1 or 2 (got 3)")) << testing::dump(r.errors);
}

TEST(Values, OidSecondArcAbove39UnderArc0Or1IsAnError) {
  TempDir dir;
  EXPECT_TRUE(has_error(load_metric(dir, "1.40.1"), 4, 24, "the second arc is at most 39 when the first is 0 or 1 (got 40)"));
  EXPECT_TRUE(load_metric(dir, "2.999.1").errors.empty());  // under 2 any second arc goes
}

TEST(Values, BadOidsInWalkAndLookupsToo) {
  TempDir dir;
  const auto r = load_text(dir, "modules:\n"
                                "  m:\n"
                                "    walk: [5.1.2]\n"
                                "    metrics:\n"
                                "      - {name: x, oid: 1.3.6.1.2.1.2.2.1.8, type: gauge, indexes: [{label: i, type: integer}],\n"
                                "         lookups: [{labels: [i], label: n, oid: 1.45.1}]}\n"
                                "targets: []\n");
  EXPECT_TRUE(has_error(r, 3, 12, "walk: the first arc of an OID is 0, 1 or 2 (got 5)")) << testing::dump(r.errors);
  EXPECT_TRUE(has_error(r, 6, 49, "oid: the second arc is at most 39 when the first is 0 or 1 (got 45)")) << testing::dump(r.errors);
}

TEST(Values, ZeroIntervalMustBePositive) {
  TempDir dir;
  const auto r = load_text(dir, "global: {interval: 0s}\ntargets: []\n");
  EXPECT_TRUE(has_error(r, 1, 20, "interval: must be positive (got \"0s\")")) << testing::dump(r.errors);
  const auto neg = load_text(dir, "global: {timeout: -2s}\ntargets: []\n");
  EXPECT_TRUE(has_error(neg, 1, 19, "timeout: must be positive (got \"-2s\")")) << testing::dump(neg.errors);
}

TEST(Values, HugeDurationIsOutOfRange) {
  TempDir dir;
  const auto r = load_text(dir, "global: {interval: 999999999999y}\ntargets: []\n");
  EXPECT_TRUE(has_error(r, 1, 20, "interval: out of range")) << testing::dump(r.errors);
}

TEST(Values, IntegerBeyond64BitsIsOutOfRange) {
  TempDir dir;
  const auto r = load_text(dir, "global: {retries: 18446744073709551617}\ntargets: []\n");
  EXPECT_TRUE(has_error(r, 1, 19, "retries: out of range: must be between 0 and 10 (got 18446744073709551617)"))
      << testing::dump(r.errors);
}

TEST(Values, ListenAddressWithoutHostMeansEveryAddress) {
  TempDir dir;
  const auto r = load_text(dir, "global: {listen_address: ':9730'}\ntargets: []\n");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  EXPECT_EQ(r.config->global.listen_address, ":9730");
  EXPECT_TRUE(has_error(load_text(dir, "global: {listen_address: ':0'}\ntargets: []\n"), 1, 26, "port must be"));
}

TEST(Values, LongParentCycleIsOneShortLine) {
  TempDir dir;
  std::string text = std::string(testing::kPrelude) + "targets:\n";
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    text += "  - {name: t" + std::to_string(i) + ", address: 10.0.0.1, auth: v2, modules: [m], parent: t" +
            std::to_string((i + 1) % n) + "}\n";
  }
  const auto r = load_text(dir, text);
  ASSERT_EQ(r.errors.size(), 1u);
  const std::string& m = r.errors[0].message;
  EXPECT_LT(m.size(), 200u) << m;
  EXPECT_NE(m.find("parent cycle of 20000 targets: t0 -> t1 -> t2 -> t3 -> t4 -> ..."), std::string::npos) << m;
}

TEST(Values, ShortParentCycleIsNamedWhole) {
  TempDir dir;
  const auto r = load_text(dir, std::string(testing::kPrelude) +
                                    "targets:\n"
                                    "  - {name: x, address: 10.0.0.2, auth: v2, modules: [m], parent: y}\n"
                                    "  - {name: y, address: 10.0.0.3, auth: v2, modules: [m], parent: x}\n");
  EXPECT_TRUE(has_error(r, 10, 66, "parent cycle: x -> y -> x")) << testing::dump(r.errors);
}

}  // namespace
}  // namespace lw::config
