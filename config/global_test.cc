#include "config/test_util.h"

namespace lw::config {
namespace {

using std::chrono::milliseconds;
using testing::has_error;
using testing::load_snippet;
using testing::load_text;
using testing::TempDir;

TEST(Global, DefaultsWhenAbsent) {
  TempDir dir;
  const auto r = load_text(dir, "targets: []\n");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  const Global& g = r.config->global;
  EXPECT_EQ(g.interval, milliseconds(60000));
  EXPECT_EQ(g.timeout, milliseconds(2000));
  EXPECT_EQ(g.retries, 1);
  EXPECT_EQ(g.max_repetitions, 25);
  EXPECT_EQ(g.max_in_flight, 512);
  EXPECT_EQ(g.max_rows, 100000);
  EXPECT_EQ(g.listen_address, "127.0.0.1:9730");
  EXPECT_EQ(g.log_level, "info");
  EXPECT_EQ(g.metric_names, Global::MetricNames::Mib);
  EXPECT_EQ(g.unreachable_backoff, 4);
  EXPECT_FALSE(g.diagnostic_series);
  EXPECT_EQ(g.trap_listen_address, "");
  EXPECT_TRUE(g.trap_auths.empty());
}

TEST(Global, EmptyFileIsAnError) {
  // An emptied file must not pass as "poll nothing" (issue 9, item 3); see file_limits_test.
  TempDir dir;
  const auto r = load_text(dir, "");
  EXPECT_FALSE(r.config);
}

TEST(Global, ReadsEveryKey) {
  TempDir dir;
  const auto r = load_snippet(dir, R"(global:
  interval: 1m30s
  timeout: 500ms
  retries: 3
  max_repetitions: 10
  max_in_flight: 64
  max_rows: 5000
  listen_address: "[::1]:9731"
  log_level: debug
  metric_names: prometheus
  unreachable_backoff: 8
  diagnostic_series: true
  trap_listen_address: 127.0.0.1:1162
  trap_auths: [v2]
auths:
  v2: {version: 2, community: public}
)");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  const Global& g = r.config->global;
  EXPECT_EQ(g.interval, milliseconds(90000));
  EXPECT_EQ(g.timeout, milliseconds(500));
  EXPECT_EQ(g.retries, 3);
  EXPECT_EQ(g.max_repetitions, 10);
  EXPECT_EQ(g.max_in_flight, 64);
  EXPECT_EQ(g.max_rows, 5000);
  EXPECT_EQ(g.listen_address, "[::1]:9731");
  EXPECT_EQ(g.log_level, "debug");
  EXPECT_EQ(g.metric_names, Global::MetricNames::Prometheus);
  EXPECT_EQ(g.unreachable_backoff, 8);
  EXPECT_TRUE(g.diagnostic_series);
  EXPECT_EQ(g.trap_listen_address, "127.0.0.1:1162");
  EXPECT_EQ(g.trap_auths, std::vector<std::string>{"v2"});
}

TEST(Global, CombineWalks) {
  TempDir dir;
  const auto on = load_text(dir, "targets: []\n");
  ASSERT_TRUE(on.config);
  EXPECT_TRUE(on.config->global.combine_walks);  // the default
  const auto off = load_snippet(dir, "global:\n  combine_walks: false\n");
  ASSERT_TRUE(off.errors.empty()) << testing::dump(off.errors);
  EXPECT_FALSE(off.config->global.combine_walks);
  const auto bad = load_snippet(dir, "global:\n  combine_walks: sometimes\n");
  EXPECT_TRUE(has_error(bad, 2, 18, "combine_walks: expected one of false, true"));
}

TEST(Global, MisspeltKeyNamesTheKnownOnes) {
  TempDir dir;
  const auto r = load_snippet(dir, "global:\n  intervall: 30s\n");
  ASSERT_EQ(r.errors.size(), 1u) << testing::dump(r.errors);
  EXPECT_EQ(r.config, nullptr);
  EXPECT_TRUE(has_error(r, 2, 3, "unknown key \"intervall\" in global (known: interval, timeout,"));
  EXPECT_EQ(r.errors[0].mark.file, (dir.path() / "linkwatch.yml").string());
}

TEST(Global, MisspeltTopLevelKey) {
  TempDir dir;
  const auto r = load_text(dir, "global: {}\ntarget: []\n");
  EXPECT_TRUE(has_error(r, 2, 1, "unknown key \"target\" in the top level (known: global, include"));
}

TEST(Global, WrongTypesAndRanges) {
  TempDir dir;
  const auto r = load_snippet(dir, R"(global:
  interval: 60
  timeout: fast
  retries: two
  max_repetitions: 0
  max_in_flight: -1
  max_rows: 1.5
  listen_address: 127.0.0.1
  log_level: verbose
  metric_names: snake
  unreachable_backoff: 0
  trap_listen_address: "[::1]:0"
  diagnostic_series: yes
)");
  EXPECT_TRUE(has_error(r, 2, 13, "interval: expected a duration like 30s (got \"60\")"));
  EXPECT_TRUE(has_error(r, 3, 12, "timeout: expected a duration like 30s (got \"fast\")"));
  EXPECT_TRUE(has_error(r, 4, 12, "retries: expected an integer (got \"two\")"));
  EXPECT_TRUE(has_error(r, 5, 20, "max_repetitions: must be between 1 and 1000 (got 0)"));
  EXPECT_TRUE(has_error(r, 6, 18, "max_in_flight: must be between 1 and 100000 (got -1)"));
  EXPECT_TRUE(has_error(r, 7, 13, "max_rows: expected an integer"));
  EXPECT_TRUE(has_error(r, 8, 19, "listen_address: a port is required"));
  EXPECT_TRUE(has_error(r, 9, 14, "log_level: expected one of trace, debug, info, warn, error, critical, off"));
  EXPECT_TRUE(has_error(r, 10, 17, "metric_names: expected one of mib, prometheus"));
  EXPECT_TRUE(has_error(r, 11, 24, "unreachable_backoff: must be between 1 and 1000 (got 0)"));
  EXPECT_TRUE(has_error(r, 12, 24, "trap_listen_address: port must be a number from 1 to 65535"));
  EXPECT_TRUE(has_error(r, 13, 22, "diagnostic_series: expected one of false, true"));
  EXPECT_EQ(r.errors.size(), 12u) << testing::dump(r.errors);
  // In file order.
  for (size_t i = 1; i < r.errors.size(); ++i)
    EXPECT_LT(r.errors[i - 1].mark.line, r.errors[i].mark.line);
}

TEST(Global, DurationOutOfRange) {
  TempDir dir;
  const auto r = load_snippet(dir, "global:\n  interval: 500ms\n  timeout: 2m\n");
  EXPECT_TRUE(has_error(r, 2, 13, "interval: must be between 1s and 24h (got 500ms)"));
  EXPECT_TRUE(has_error(r, 3, 12, "timeout: must be between 10ms and 1m (got 2m)"));
}

TEST(Global, EmptyValueIsReportedAtTheKey) {
  TempDir dir;
  const auto r = load_snippet(dir, "global:\n  interval:\n  retries: 1\n");
  EXPECT_TRUE(has_error(r, 2, 3, "interval: expected a duration like 30s (the value is empty)"));
}

TEST(Global, TimeoutMustBeShorterThanInterval) {
  TempDir dir;
  const auto r = load_snippet(dir, "global:\n  interval: 5s\n  timeout: 5s\n");
  EXPECT_TRUE(has_error(r, 3, 12, "timeout must be shorter than the interval"));
}

TEST(Global, TrapAuthsMustExist) {
  TempDir dir;
  const auto r = load_snippet(dir, R"(global:
  trap_auths: [v2, traps]
auths:
  v2: {version: 2, community: public}
)");
  ASSERT_EQ(r.errors.size(), 1u) << testing::dump(r.errors);
  EXPECT_TRUE(has_error(r, 2, 20, "trap_auths: unknown auth \"traps\" (known: v2)"));
}

TEST(Global, RepeatedKey) {
  TempDir dir;
  const auto r = load_snippet(dir, "global:\n  retries: 1\n  retries: 2\n");
  EXPECT_TRUE(has_error(r, 3, 3, "key \"retries\" repeated (first at"));
}

TEST(Global, OnlyInTheTopFile) {
  TempDir dir;
  dir.write("inc.yml", "global:\n  retries: 2\n");
  const auto r = load_snippet(dir, "include: [inc.yml]\n");
  ASSERT_EQ(r.errors.size(), 1u) << testing::dump(r.errors);
  EXPECT_EQ(r.errors[0].mark.file, (dir.path() / "inc.yml").string());
  EXPECT_TRUE(has_error(r, 1, 1, "unknown key \"global\" in an included file"));
}

TEST(Load, YamlSyntaxErrorHasPlace) {
  TempDir dir;
  const auto r = load_text(dir, "global:\n  interval: [1s\n");
  ASSERT_EQ(r.errors.size(), 1u) << testing::dump(r.errors);
  EXPECT_NE(r.errors[0].message.find("YAML syntax error"), std::string::npos);
  EXPECT_GE(r.errors[0].mark.line, 2);
  EXPECT_GE(r.errors[0].mark.column, 1);
}

TEST(Load, YamlSyntaxErrorExactPlace) {
  TempDir dir;
  const auto r = load_text(dir, "global:\n  retries: 1\n    interval: 2s\n");
  EXPECT_TRUE(has_error(r, 3, 13, "YAML syntax error: illegal map value"));
}

TEST(Load, MissingFile) {
  const auto r = load_config("/nonexistent/linkwatch.yml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].to_string(),
            "/nonexistent/linkwatch.yml: cannot read \"/nonexistent/linkwatch.yml\": No such file "
            "or directory");
}

TEST(Load, TopLevelMustBeAMap) {
  TempDir dir;
  const auto r = load_text(dir, "- a\n- b\n");
  EXPECT_TRUE(has_error(r, 1, 1, "the top level: expected a map (got a list)"));
}

}  // namespace
}  // namespace lw::config
