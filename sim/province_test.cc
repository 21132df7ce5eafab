#include "sim/province.h"

#include <set>

#include <gtest/gtest.h>

namespace lw::sim {
namespace {

Province load() {
  auto d = read_districts(std::string(LINKWATCH_SOURCE_DIR) + "/config/nghe-an/districts.csv");
  EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error().to_string());
  return build_province(*d);
}

TEST(Province, CountsMatchTheDistrictTable) {
  Province p = load();
  ASSERT_EQ(p.districts.size(), 20u);
  int communes = 0, planned = 0, bts = 0, live = 0, no_ifx = 0;
  for (auto& d : p.devices) {
    communes += d.kind == Kind::CommuneSite;
    planned += !d.live;
    bts += d.kind == Kind::BtsRadio;
    live += d.live;
    no_ifx += d.no_ifx;
  }
  EXPECT_EQ(communes, 480);
  EXPECT_EQ(planned, 23);
  EXPECT_EQ(bts, 2325);
  EXPECT_EQ(live, 1 + 20 + 20 + 457 + 2325);
  EXPECT_EQ(no_ifx, 20);  // every <district>-03
}

TEST(Province, AddressesNamesAndParents) {
  Province p = load();
  int gw = p.find("ky-son-gw");
  ASSERT_GE(gw, 0);
  EXPECT_EQ(ip_string(p.devices[static_cast<size_t>(gw)].address), "127.20.0.1");
  EXPECT_EQ(p.devices[static_cast<size_t>(p.find("ky-son-wan"))].uplink, "microwave");
  EXPECT_EQ(p.devices[static_cast<size_t>(p.find("vinh-wan"))].uplink, "fibre");
  std::set<uint32_t> addrs;
  std::set<std::string> names;
  for (size_t i = 0; i < p.devices.size(); ++i) {
    const auto& d = p.devices[i];
    EXPECT_TRUE(addrs.insert(d.address).second) << ip_string(d.address);
    EXPECT_TRUE(names.insert(d.name).second) << d.name;
    EXPECT_NE(d.address, (127u << 24) | 1u) << "127.0.0.1 is kept free";
    if (i == 0) {
      EXPECT_EQ(d.parent, -1);
    } else {
      EXPECT_GE(d.parent, 0);
      EXPECT_LT(d.parent, static_cast<int>(i)) << "parents come first";
    }
  }
  // Planned sites sit in the mountains and have no link yet.
  for (auto& d : p.devices)
    if (!d.live) {
      EXPECT_TRUE(d.terrain == "mountain" || d.terrain == "high-mountain") << d.name;
      EXPECT_EQ(d.uplink, "none");
    }
  // Lowland communes get more BTS than high-mountain ones on average.
  auto mean_bts = [&](const std::string& slug) {
    int n = 0, c = 0;
    for (auto& d : p.devices) {
      if (d.district < 0 || p.districts[static_cast<size_t>(d.district)].slug != slug) continue;
      n += d.kind == Kind::BtsRadio;
      c += d.kind == Kind::CommuneSite && d.live;
    }
    return static_cast<double>(n) / c;
  };
  EXPECT_GT(mean_bts("dien-chau"), 2 * mean_bts("ky-son"));
}

TEST(Province, BadTableIsAnError) {
  auto r = read_districts("/nonexistent/districts.csv");
  EXPECT_FALSE(r.ok());
}

TEST(Province, ScaleHasDistinctAddresses) {
  Province p = build_scale(3000);
  std::set<uint32_t> addrs;
  for (auto& d : p.devices) EXPECT_TRUE(addrs.insert(d.address).second);
  EXPECT_EQ(p.devices.size(), 3000u);
}

}  // namespace
}  // namespace lw::sim
