// The `maintenance:` and `admin_versions:` sections and site `admin:` placements.
#include "config/test_util.h"

namespace lw::config {
namespace {

using testing::has_error;
using testing::load_text;
using testing::TempDir;

// kPrelude is 8 lines; then 4 lines of targets; the section under test starts at line 13.
LoadResult load_with(const TempDir& dir, const std::string& section) {
  return load_text(dir, std::string(testing::kPrelude) + R"(targets:
  - {name: ky-son-gw, address: 10.0.0.1, auth: v2, modules: [m], site: {district_slug: ky-son, role: district_gateway}}
  - {name: qp-gw, address: 10.0.0.2, auth: v2, modules: [m], site: {district_slug: que-phong, role: district_gateway}}
  - {name: qp-bts, address: 10.0.0.3, auth: v2, modules: [m], labels: {role: bts_backhaul}}
)" + section);
}

TEST(Maintenance, TheIssuesExample) {
  TempDir dir;
  const auto r = load_with(dir, R"(maintenance:
  - name: ky-son-power-works
    targets: [ky-son-gw]
    from: 2026-12-05T01:00:00+07:00
    to: 2026-12-05T05:00:00+07:00
    reason: "power works on the Mường Xén line"
  - name: sunday-window
    regions: [que-phong]
    every: {weekday: sunday, from: "02:00", to: "04:00"}
  - name: bts-monthly
    match: {role: bts_backhaul}
    every: {day: last, from: "23:00", to: "01:00"}
    time_zone: UTC
)");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  const auto& m = r.config->maintenance;
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].name, "ky-son-power-works");
  EXPECT_EQ(m[0].targets, (std::vector<std::string>{"ky-son-gw"}));
  EXPECT_EQ(*m[0].from_unix, 1796407200);  // 2026-12-04T18:00:00Z
  EXPECT_EQ(*m[0].to_unix - *m[0].from_unix, 4 * 3600);
  EXPECT_EQ(m[0].reason, "power works on the Mường Xén line");
  EXPECT_EQ(m[1].time_zone, "Asia/Ho_Chi_Minh");
  ASSERT_TRUE(m[1].every);
  EXPECT_EQ(m[1].every->kind, Recurrence::Kind::Weekly);
  EXPECT_EQ(m[1].every->weekday, 0);
  EXPECT_EQ(m[1].every->from_minutes, 120);
  EXPECT_EQ(m[1].every->to_minutes, 240);
  EXPECT_EQ(m[2].every->kind, Recurrence::Kind::Monthly);
  EXPECT_EQ(m[2].every->day, 0);
  EXPECT_EQ(m[2].time_zone, "UTC");
  EXPECT_EQ(m[2].match, (std::vector<std::pair<std::string, std::string>>{{"role", "bts_backhaul"}}));
}

TEST(Maintenance, ErrorsCarryTheirPlace) {
  TempDir dir;
  const auto r = load_with(dir, R"(maintenance:
  - {name: a, targets: [qp-gw], from: 2026-12-05T01:00:00+07:00, to: 2026-12-05T00:00:00+07:00}
  - {name: b, regions: [que-phong], every: {weekday: caturday, from: "2:00", to: "04:00"}}
  - {name: c, targets: [qp-gw], every: {day: 32, from: "02:00", to: "04:00"}, time_zone: Mars/Olympus}
  - {name: d, targets: [qp-gw], from: "2026-12-05 01:00"}
  - {name: e, targets: [qp-gw]}
  - {name: f, every: {weekday: monday, from: "02:00", to: "04:00"}}
  - {name: g, targets: [nope], regions: [atlantis], every: {day: last, from: "02:00", to: "04:00"}}
)");
  EXPECT_TRUE(has_error(r, 14, 70, "to: must be after from"));
  EXPECT_TRUE(has_error(r, 15, 54, "weekday: expected one of sunday"));
  EXPECT_TRUE(has_error(r, 15, 70, "from: expected a local time HH:MM (got \"2:00\")"));
  EXPECT_TRUE(has_error(r, 16, 46, "day: must be between 1 and 31"));
  EXPECT_TRUE(has_error(r, 16, 90, "time_zone: unknown zone \"Mars/Olympus\""));
  EXPECT_TRUE(has_error(r, 17, 39, "from: expected a date and time with its offset"));
  EXPECT_TRUE(has_error(r, 17, 5, "a one-off window needs both from and to"));
  EXPECT_TRUE(has_error(r, 18, 5, "missing the time"));
  EXPECT_TRUE(has_error(r, 19, 5, "says nothing it applies to"));
  EXPECT_TRUE(has_error(r, 20, 25, "unknown target \"nope\""));
  EXPECT_TRUE(has_error(r, 20, 42, "no site has district_slug \"atlantis\""));
  EXPECT_EQ(r.errors.size(), 11u) << testing::dump(r.errors);
}

TEST(AdminVersions, VersionsAndPlacements) {
  TempDir dir;
  const auto r = load_text(dir, std::string(testing::kPrelude) + R"(admin_versions:
  - {name: "2025", effective_from: 2025-07-01}
  - {name: "2011", effective_from: 2011-01-01}
targets:
  - name: ms-01
    address: 10.0.0.1
    auth: v2
    modules: [m]
    site:
      district_slug: ky-son
      admin:
        "2011": {unit: "Xã Mường Xén", kind: township, parent: "Huyện Kỳ Sơn"}
        "2025": {unit: "Xã Mường Xén", kind: commune}
)");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  const auto& v = r.config->admin_versions;
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].name, "2011");  // sorted by date
  EXPECT_EQ(v[1].name, "2025");
  EXPECT_EQ(v[1].effective_from, "2025-07-01");
  EXPECT_EQ(v[1].effective_from_unix, 1751302800);  // 2025-06-30T17:00:00Z, midnight in Vietnam
  const auto& a = r.config->targets[0].site->admin;
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].version, "2011");
  EXPECT_EQ(a[0].unit, "Xã Mường Xén");
  EXPECT_EQ(a[0].kind, "township");
  EXPECT_EQ(a[0].parent, "Huyện Kỳ Sơn");
  EXPECT_EQ(a[1].parent, "");
}

TEST(AdminVersions, Errors) {
  TempDir dir;
  const auto r = load_text(dir, std::string(testing::kPrelude) + R"(admin_versions:
  - {name: "2025", effective_from: 1 July 2025}
targets:
  - name: ms-01
    address: 10.0.0.1
    auth: v2
    modules: [m]
    site:
      admin:
        "1999": {unit: "Xã A", kind: commune}
  - name: ms-02
    address: 10.0.0.2
    auth: v2
    modules: [m]
    site:
      admin:
        "2025": {unit: "Xã B"}
)");
  EXPECT_TRUE(has_error(r, 10, 36, "effective_from: expected a date YYYY-MM-DD"));
  EXPECT_TRUE(has_error(r, 18, 9, "unknown admin version \"1999\""));
  EXPECT_TRUE(has_error(r, 25, 17, "missing required key \"kind\"")) << testing::dump(r.errors);
  EXPECT_EQ(r.errors.size(), 3u) << testing::dump(r.errors);
}

}  // namespace
}  // namespace lw::config
