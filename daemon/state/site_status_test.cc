// SiteTracker (site_status.h): link rates and utilisation across polls, flaps in the last
// hour, power from UPS-MIB, and the inventory copied by fill_status.
#include "daemon/state/site_status.h"

#include <gtest/gtest.h>

namespace lw::state {
namespace {

collect::Families poll(double in, double out, double flaps, double oper, const char* alias = "BH-<x>") {
  const collect::Labels l = {{"target", "t"}, {"ifIndex", "2"}, {"ifName", "wan0"}, {"ifAlias", alias},
                             {"link_role", "wan"}, {"peer", "p"}};
  auto dir = [&](const char* d) {
    collect::Labels x = l;
    x.emplace_back("direction", d);
    return x;
  };
  return {{"linkwatch_link_oper_status", "", collect::Kind::Gauge, {{l, oper}}},
          {"linkwatch_link_speed_bytes_per_second", "", collect::Kind::Gauge, {{l, 1000}}},
          {"linkwatch_link_flaps_total", "", collect::Kind::Counter, {{l, flaps}}},
          {"linkwatch_link_last_change_timestamp_seconds", "", collect::Kind::Gauge, {{l, 42}}},
          {"linkwatch_link_octets_total", "", collect::Kind::Counter, {{dir("in"), in}, {dir("out"), out}}}};
}

TEST(SiteTracker, RatesUtilisationAndFlapsLastHour) {
  SiteTracker s;
  s.observe(poll(0, 0, 0, 1), 1000);
  ASSERT_EQ(s.links().size(), 1u);
  EXPECT_EQ(s.links()[0].in_bytes_per_second, -1) << "one poll gives no rate";
  EXPECT_EQ(s.links()[0].utilisation, -1);
  s.observe(poll(5000, 2000, 2, 2), 1010);
  const LinkStatus& l = s.links()[0];
  EXPECT_EQ(l.if_index, 2u);
  EXPECT_EQ(l.if_alias(), "BH-<x>");
  EXPECT_EQ(l.peer(), "p");
  EXPECT_EQ(l.oper_status, 2);
  EXPECT_DOUBLE_EQ(l.in_bytes_per_second, 500);
  EXPECT_DOUBLE_EQ(l.out_bytes_per_second, 200);
  EXPECT_DOUBLE_EQ(l.utilisation, 0.5);
  EXPECT_EQ(l.flaps, 2u);
  EXPECT_EQ(l.flaps_last_hour, 2u);
  EXPECT_EQ(l.last_change_unix, 42);
  // An hour and more later the early flaps no longer count.
  s.observe(poll(6000, 3000, 3, 1), 1010 + 3600 + 5);
  EXPECT_EQ(s.links()[0].flaps, 3u);
  EXPECT_EQ(s.links()[0].flaps_last_hour, 1u);
  // A silent poll (no link families) keeps what was known.
  s.observe({}, 5000);
  EXPECT_EQ(s.links().size(), 1u);
}

// A status row shares the tracker's links rather than copying them, and a published row
// never changes: the next poll makes a new list.
TEST(SiteTracker, StatusRowsShareTheLinksAndKeepTheirs) {
  SiteTracker s;
  config::Target def;
  def.name = "t";
  s.observe(poll(0, 0, 0, 1), 1000);
  TargetStatus first;
  fill_status(first, def, s);
  EXPECT_EQ(first.links.get(), &s.links());
  s.observe(poll(5000, 2000, 2, 2), 1010);
  TargetStatus second;
  fill_status(second, def, s);
  EXPECT_NE(second.links, first.links);
  ASSERT_EQ(first.links->size(), 1u);
  EXPECT_EQ((*first.links)[0].oper_status, 1);
  EXPECT_EQ((*first.links)[0].in_bytes_per_second, -1);
  EXPECT_EQ((*second.links)[0].oper_status, 2);
  EXPECT_DOUBLE_EQ((*second.links)[0].in_bytes_per_second, 500);
  // A target with no links yet shows an empty list, not a null one.
  TargetStatus none;
  fill_status(none, def, SiteTracker{});
  ASSERT_NE(none.links, nullptr);
  EXPECT_TRUE(none.links->empty());
}

// A link's names are made once and shared by its statuses poll after poll, until they change.
TEST(SiteTracker, LinkNamesAreSharedUntilTheyChange) {
  SiteTracker s;
  s.observe(poll(0, 0, 0, 1), 1000);
  const auto first = s.links()[0].names;
  s.observe(poll(10, 10, 0, 1), 1010);
  EXPECT_EQ(s.links()[0].names.get(), first.get());
  s.observe(poll(20, 20, 0, 1, "BH-new"), 1020);
  EXPECT_NE(s.links()[0].names.get(), first.get());
  EXPECT_EQ(s.links()[0].if_alias(), "BH-new");
  EXPECT_EQ(first->if_alias, "BH-<x>") << "a status already made keeps its names";
  EXPECT_EQ(s.links()[0].if_name(), "wan0");
}

TEST(SiteTracker, HostileStatusValuesAreUnknown) {
  SiteTracker s;
  s.observe(poll(0, 0, -5, 1e300), 1);
  ASSERT_EQ(s.links().size(), 1u);
  EXPECT_EQ(s.links()[0].oper_status, 0);
  EXPECT_EQ(s.links()[0].flaps, 0u);
}

TEST(SiteTracker, PowerFromUpsMib) {
  SiteTracker s;
  EXPECT_FALSE(s.power());
  s.observe({{"upsOutputSource", "", collect::Kind::Gauge, {{{}, 5}}},
             {"upsEstimatedChargeRemaining", "", collect::Kind::Gauge, {{{}, 64}}},
             {"upsEstimatedMinutesRemaining", "", collect::Kind::Gauge, {{{}, 30}}}},
            1);
  ASSERT_TRUE(s.power());
  EXPECT_TRUE(s.power()->on_battery);
  EXPECT_EQ(s.power()->battery_percent, 64);
  EXPECT_EQ(s.power()->minutes_remaining, 30);
  s.observe({{"upsOutputSource", "", collect::Kind::Gauge, {{{}, 3}}}}, 2);
  EXPECT_FALSE(s.power()->on_battery);
}

TEST(SiteTracker, FillStatusCopiesTheInventory) {
  config::Target def;
  def.name = "ky-son-gw";
  def.parent = "ky-son-wan";
  def.labels = {{"district", "Huyện Kỳ Sơn"}};
  config::Site site;
  site.district_slug = "ky-son";
  site.lifecycle = config::Site::Lifecycle::Planned;
  site.latitude = 19.41;
  def.site = site;
  TargetStatus st;
  fill_status(st, def, SiteTracker{});
  EXPECT_EQ(st.parent(), "ky-son-wan");
  ASSERT_EQ(st.labels().size(), 1u);
  EXPECT_EQ(st.labels()[0].second, "Huyện Kỳ Sơn");
  ASSERT_TRUE(st.site());
  EXPECT_EQ(st.site()->lifecycle, "planned");
  EXPECT_EQ(st.site()->latitude, 19.41);
  EXPECT_FALSE(st.site()->longitude);
}

}  // namespace
}  // namespace lw::state
