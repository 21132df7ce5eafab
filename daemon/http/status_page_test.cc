// The status page's events section (issue 8): newest first, escaped, UTF-8 intact.
#include <gtest/gtest.h>

#include "daemon/http/server.h"

namespace lw::http {
namespace {

TEST(StatusPageEvents, NewestFirstEscapedAndBounded) {
  state::EventLog log;
  state::SiteEvent cut{1'700'000'000, 0, "ky-son-wan", "Huyện Kỳ Sơn", "up", "down", "timeout", ""};
  log.append(cut);
  state::SiteEvent behind{1'700'000'001, 0, "ky-son-<gw>", "Huyện Kỳ Sơn", "up", "unreachable", "timeout", "ky-son-wan"};
  log.append(behind);
  state::SiteEvent back{1'700'000'100, 0, "ky-son-wan", "Huyện Kỳ Sơn", "down", "up", "ok", ""};
  log.append(back);
  Snapshot snap;
  snap.events = log.history();
  const std::string html = status_page(snap);

  const auto section = html.find("<h2>Recent events</h2>");
  ASSERT_NE(section, std::string::npos) << html;
  EXPECT_NE(html.find("3 kept in memory"), std::string::npos);
  const auto newest = html.find("<td>down</td><td>up</td>", section);
  const auto middle = html.find("ky-son-&lt;gw&gt;", section);
  const auto oldest = html.find("<td>up</td><td>down</td>", section);
  ASSERT_NE(newest, std::string::npos) << html;
  ASSERT_NE(middle, std::string::npos) << "the site name is escaped: " << html;
  ASSERT_NE(oldest, std::string::npos) << html;
  EXPECT_LT(newest, middle);
  EXPECT_LT(middle, oldest);
  EXPECT_EQ(html.find("ky-son-<gw>"), std::string::npos);
  EXPECT_NE(html.find("<td>Huyện Kỳ Sơn</td>", section), std::string::npos);
  EXPECT_NE(html.find("<td>2023-11-14 22:13:20 UTC</td>", section), std::string::npos);

  // Thousands kept; the page shows the newest few hundred.
  for (int i = 0; i < 2000; ++i) log.append(cut);
  snap.events = log.history();
  const std::string big = status_page(snap);
  EXPECT_NE(big.find("2003 kept in memory, the newest 500 shown"), std::string::npos);
  size_t rows = 0;
  for (size_t p = big.find("<td>ky-son-wan</td>"); p != std::string::npos; p = big.find("<td>ky-son-wan</td>", p + 1)) ++rows;
  EXPECT_EQ(rows, 500u);
}

TEST(StatusPageShard, ShadowedTargetsAreMarked) {
  Snapshot snap;
  auto row = [](std::string name, bool shadowed) {
    auto t = std::make_shared<TargetStatus>();
    auto inv = std::make_shared<TargetInventory>();
    inv->name = std::move(name);
    inv->shadowed = shadowed;
    t->inventory = std::move(inv);
    t->state = "up";
    return std::shared_ptr<const TargetStatus>(t);
  };
  snap.status = {row("vinh-core", false), row("ky-son-wan", false), row("ky-son-gw", false)};
  std::string html = status_page(snap);
  EXPECT_EQ(html.find("<span class=\"shadowed\""), std::string::npos) << "not a shard: no badge";
  EXPECT_EQ(html.find("Shard <b>"), std::string::npos);
  snap.shard = "1/3";
  snap.status[0] = row("vinh-core", true);
  html = status_page(snap);
  EXPECT_NE(html.find("Shard <b>1/3</b>: 2 targets owned, 1 shadowed"), std::string::npos) << html;
  const std::string badge = "<td>vinh-core <span class=\"shadowed\"";
  EXPECT_NE(html.find(badge), std::string::npos) << html;
  EXPECT_NE(html.find("<td>ky-son-wan</td>"), std::string::npos) << "an owned target has no badge: " << html;
}

}  // namespace
}  // namespace lw::http
