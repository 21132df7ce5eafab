// The calendar's series: which admin version is in force as time passes, and which
// placements linkwatch_site_admin_info carries (those of the versions not in force).
#include "daemon/poll/calendar.h"

#include <gtest/gtest.h>

namespace lw::poll {
namespace {

constexpr int64_t kJul2025 = 1751302800;  // 2025-07-01 00:00 in Asia/Ho_Chi_Minh

config::Config two_versions() {
  config::Config c;
  c.admin_versions = {{"2011", "2011-01-01", 1293814800}, {"2025", "2025-07-01", kJul2025}};
  config::Target t;
  t.name = "ky-son-07";
  t.site = config::Site{};
  t.site->admin = {{"2011", "Xã Mường Xén", "township", "Huyện Kỳ Sơn"}, {"2025", "Xã Mường Xén", "commune", ""}};
  c.targets.push_back(t);
  config::Target bare;  // placed in the old map only
  bare.name = "ky-son-08";
  bare.site = config::Site{};
  bare.site->admin = {{"2011", "Xã Na Ngoi", "commune", "Huyện Kỳ Sơn"}};
  c.targets.push_back(bare);
  return c;
}

std::vector<std::string> versions_of(const collect::Families& f, const std::string& target) {
  std::vector<std::string> out;
  for (const auto& fam : f)
    for (const auto& s : fam.series) {
      std::string t, v;
      for (const auto& [k, val] : s.labels) {
        if (k == "target") t = val;
        if (k == "admin_version") v = val;
      }
      if (t == target) out.push_back(v);
    }
  return out;
}

TEST(Calendar, TheVersionInForceFollowsTheClock) {
  const auto c = two_versions();
  Calendar cal(c);
  EXPECT_TRUE(cal.update(kJul2025 - 1));
  EXPECT_EQ(cal.current_version(), "2011");
  EXPECT_FALSE(cal.update(kJul2025 - 1));  // nothing changed
  EXPECT_TRUE(cal.update(kJul2025));
  EXPECT_EQ(cal.current_version(), "2025");
  Calendar early(c);
  early.update(0);
  EXPECT_EQ(early.current_version(), "");  // before any version
}

TEST(Calendar, SiteAdminInfoLeavesOutTheVersionInForce) {
  const auto c = two_versions();
  EXPECT_EQ(versions_of(site_admin_families(c, "2025"), "ky-son-07"), std::vector<std::string>{"2011"});
  EXPECT_EQ(versions_of(site_admin_families(c, "2011"), "ky-son-07"), std::vector<std::string>{"2025"});
  EXPECT_EQ(versions_of(site_admin_families(c, ""), "ky-son-07"), (std::vector<std::string>{"2011", "2025"}));
  EXPECT_EQ(versions_of(site_admin_families(c, "2025"), "ky-son-08"), std::vector<std::string>{"2011"});
  EXPECT_TRUE(versions_of(site_admin_families(c, "2011"), "ky-son-08").empty());
}

}  // namespace
}  // namespace lw::poll
