// The JSON API (api.h): escaping and UTF-8, filters, pagination, 404s, root causes, districts
// and the map's aggregation, on a hand-built snapshot.
#include "daemon/http/api.h"

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>

#include <nlohmann/json.hpp>

namespace lw::http {
namespace {

using json = nlohmann::json;

// A copy of the row's inventory to change: rows share theirs (daemon/snapshot.h).
TargetInventory& own_inventory(TargetStatus& t) {
  auto inv = std::make_shared<TargetInventory>(*t.inventory);
  TargetInventory& mine = *inv;
  t.inventory = std::move(inv);
  return mine;
}

std::shared_ptr<const TargetStatus> site(std::string name, std::string state, std::string district, std::string slug,
                                         std::string commune, double lat, double lon, std::string parent = "",
                                         std::string root = "", std::string role = "commune_site") {
  auto t = std::make_shared<TargetStatus>();
  t->state = std::move(state);
  t->reason = t->state == "up" ? "ok" : t->state == "planned" ? "" : "timeout";
  t->root = std::move(root);
  t->state_since_unix = 1'700'000'000;
  t->last_success_unix = 1'699'999'000;
  auto inv = std::make_shared<TargetInventory>();
  inv->name = std::move(name);
  inv->address = "127.0.0.1:1161";
  inv->district = std::move(district);
  inv->role = std::move(role);
  inv->parent = std::move(parent);
  inv->site = SiteStatus{slug, commune, "high-mountain", "microwave", "solar", t->state == "planned" ? "planned" : "live",
                         lat, lon};
  t->inventory = std::move(inv);
  return t;
}

struct ApiTest : ::testing::Test {
  Snapshot snap;
  const std::string ky = "Huyện Kỳ Sơn";
  void SetUp() override {
    snap.published_unix = 1'700'000'100;
    snap.ready = true;
    snap.status.push_back(site("vinh-core", "up", "Thành phố Vinh", "vinh", "vinh-01", 18.67, 105.68, "", "", "province_core"));
    snap.status.push_back(site("ky-son-wan", "down", ky, "ky-son", "ky-son-01", 19.40, 104.12, "vinh-core", "", "wan_link"));
    snap.status.push_back(site("ky-son-gw", "unreachable", ky, "ky-son", "ky-son-01", 19.41, 104.13, "ky-son-wan", "ky-son-wan",
                               "district_gateway"));
    snap.status.push_back(site("ky-son-02", "unreachable", ky, "ky-son", "ky-son-02", 19.30, 104.05, "ky-son-gw", "ky-son-wan"));
    snap.status.push_back(site("ky-son-03", "unreachable", ky, "ky-son", "ky-son-03", 19.20, 104.20, "ky-son-gw", "ky-son-wan"));
    snap.status.push_back(site("ky-son-09", "planned", ky, "ky-son", "ky-son-09", 19.50, 104.30, "ky-son-gw"));
    // Hostile strings: a name and a label that try to end a string or start markup.
    auto evil = std::make_shared<TargetStatus>(*site("vinh-\"<script>x</script>", "up", "Thành phố Vinh", "vinh", "vinh-02",
                                                     18.70, 105.70, "vinh-core"));
    own_inventory(*evil).labels = {{"note", "<script>alert('label')</script> \\ \"q\"\n\x01"}, {"district", "Thành phố Vinh"}};
    LinkStatus l;
    l.if_index = 2;
    l.names = std::make_shared<const LinkNames>(LinkNames{"wan0", "</td><script>alert(1)</script> Kỳ Sơn", "wan", ""});
    l.oper_status = 1;
    l.speed_bytes_per_second = 1.25e6;
    l.in_bytes_per_second = 1000;
    l.out_bytes_per_second = 250000;
    l.utilisation = 0.2;
    l.flaps = 7;
    l.flaps_last_hour = 3;
    l.last_change_unix = 1'700'000'050;
    evil->links = std::make_shared<const std::vector<LinkStatus>>(std::vector<LinkStatus>{l});
    evil->power = PowerStatus{true, 40, 25, 600};
    snap.status.push_back(evil);
  }
  json get(const std::string& path, const std::map<std::string, std::string>& q = {}, int want = 200) {
    const ApiReply r = api_v1(snap, path, q);
    EXPECT_EQ(r.status, want) << path << ": " << r.body;
    EXPECT_EQ(r.body.back(), '\n');
    return json::parse(r.body);
  }
};

TEST_F(ApiTest, StatusCountsAndRootCauses) {
  const json j = get("/status");
  EXPECT_EQ(j["counts"]["up"], 2);
  EXPECT_EQ(j["counts"]["down"], 1);
  EXPECT_EQ(j["counts"]["unreachable"], 3);
  EXPECT_EQ(j["counts"]["planned"], 1);
  EXPECT_EQ(j["sites"], 7);
  ASSERT_EQ(j["root_causes"].size(), 1u);
  EXPECT_EQ(j["root_causes"][0]["name"], "ky-son-wan");
  EXPECT_EQ(j["root_causes"][0]["sites_behind"], 3);
  EXPECT_EQ(j["root_causes"][0]["district"], ky);
  EXPECT_EQ(j["root_causes"][0]["since"], 1'700'000'000.0);
  ASSERT_EQ(j["flapping"].size(), 1u);
  EXPECT_EQ(j["flapping"][0]["link"]["flaps_last_hour"], 3);
  ASSERT_EQ(j["on_battery"].size(), 1u);
  EXPECT_EQ(j["on_battery"][0]["power"]["battery_percent"], 40.0);
  EXPECT_TRUE(j["failing"].empty());
  EXPECT_EQ(j["generated_at"], 1'700'000'100.0);
}

TEST_F(ApiTest, EscapesAndKeepsUtf8) {
  const ApiReply r = api_v1(snap, "/sites", {});
  // UTF-8 as bytes, not \u escapes; quotes, backslashes and control characters escaped.
  EXPECT_NE(r.body.find("Huyện Kỳ Sơn"), std::string::npos);
  EXPECT_NE(r.body.find(R"(vinh-\"<script>x</script>)"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"(\\ \"q\"\n\u0001)"), std::string::npos) << r.body;
  const json j = json::parse(r.body);
  const json* evil = nullptr;
  for (const auto& s : j["sites"])
    if (s["name"] == "vinh-\"<script>x</script>") evil = &s;
  ASSERT_NE(evil, nullptr);
  EXPECT_EQ((*evil)["labels"]["note"], "<script>alert('label')</script> \\ \"q\"\n\x01");
  EXPECT_EQ((*evil)["links"][0]["if_alias"], "</td><script>alert(1)</script> Kỳ Sơn");
  EXPECT_EQ((*evil)["links"][0]["oper_status"], "up");
  EXPECT_EQ((*evil)["links"][0]["utilisation"], 0.2);
  EXPECT_EQ((*evil)["power"]["on_battery"], true);

  // A string that is not UTF-8 costs a replacement character, not the answer.
  auto bad = std::make_shared<TargetStatus>(*snap.status[0]);
  own_inventory(*bad).name = "bad-\xff\xfe-name";
  snap.status.push_back(bad);
  const ApiReply r2 = api_v1(snap, "/sites", {{"q", "bad-"}});
  ASSERT_EQ(r2.status, 200);
  const json j2 = json::parse(r2.body);
  ASSERT_EQ(j2["total"], 1);
  EXPECT_EQ(j2["sites"][0]["name"], "bad-\xEF\xBF\xBD\xEF\xBF\xBD-name");
}

TEST_F(ApiTest, FiltersAndPagination) {
  EXPECT_EQ(get("/sites", {{"district", ky}})["total"], 5);
  EXPECT_EQ(get("/sites", {{"district", "ky-son"}})["total"], 5) << "the slug works as well as the name";
  EXPECT_EQ(get("/sites", {{"state", "unreachable"}})["total"], 3);
  EXPECT_EQ(get("/sites", {{"state", "down,unreachable"}})["total"], 4);
  EXPECT_EQ(get("/sites", {{"role", "wan_link"}})["total"], 1);
  EXPECT_EQ(get("/sites", {{"district", "ky-son"}, {"state", "up"}})["total"], 0);
  EXPECT_EQ(get("/sites", {{"district", "nowhere"}})["total"], 0);

  const json p1 = get("/sites", {{"limit", "3"}});
  EXPECT_EQ(p1["total"], 7);
  ASSERT_EQ(p1["sites"].size(), 3u);
  EXPECT_EQ(p1["sites"][0]["name"], "vinh-core");
  const json p3 = get("/sites", {{"limit", "3"}, {"offset", "6"}});
  ASSERT_EQ(p3["sites"].size(), 1u);
  EXPECT_EQ(p3["offset"], 6);
  EXPECT_TRUE(get("/sites", {{"offset", "70"}})["sites"].empty());
  get("/sites", {{"limit", "0"}}, 400);
  get("/sites", {{"limit", "abc"}}, 400);
  get("/sites", {{"offset", "-1"}}, 400);
  get("/sites", {{"limit", "100000"}}, 400);
}

TEST_F(ApiTest, OneSiteAnd404) {
  const json wan = get("/sites/ky-son-wan");
  EXPECT_EQ(wan["state"], "down");
  EXPECT_EQ(wan["sites_behind"], 3);
  EXPECT_EQ(wan["parent"], "vinh-core");
  ASSERT_EQ(wan["children"].size(), 1u);
  EXPECT_EQ(wan["children"][0]["name"], "ky-son-gw");
  EXPECT_EQ(wan["latitude"], 19.40);
  const json gw = get("/sites/ky-son-gw");
  EXPECT_EQ(gw["root_cause"], "ky-son-wan");
  EXPECT_EQ(gw["children"].size(), 3u);
  EXPECT_EQ(gw["children_total"], 3);
  const json missing = get("/sites/no-such-site", {}, 404);
  EXPECT_EQ(missing["error"], "no site named no-such-site");
  get("/no-such-path", {}, 404);
}

TEST_F(ApiTest, ShadowedTargetsAreMarkedEverywhere) {
  // Not a shard: no shard, every site owned.
  EXPECT_TRUE(get("/status")["shard"].is_null());
  EXPECT_EQ(get("/status")["sites_shadowed"], 0);
  EXPECT_EQ(get("/sites/vinh-core")["shard_role"], "owned");
  // A shard that polls the core only for its districts' root causes.
  snap.shard = "1/3";
  auto core = std::make_shared<TargetStatus>(*snap.status[0]);
  own_inventory(*core).shadowed = true;
  core->state = "down";
  snap.status[0] = core;
  const json st = get("/status");
  EXPECT_EQ(st["shard"], "1/3");
  EXPECT_EQ(st["sites_shadowed"], 1);
  EXPECT_EQ(get("/sites/vinh-core")["shard_role"], "shadowed");
  EXPECT_EQ(get("/sites/ky-son-wan")["shard_role"], "owned");
  EXPECT_EQ(get("/sites/ky-son-wan")["children"][0]["shard_role"], "owned");
  // In the lists of what is wrong too: a down shadowed core is shown, marked.
  bool seen = false;
  for (const auto& f : st["failing"])
    if (f["name"] == "vinh-core") {
      seen = true;
      EXPECT_EQ(f["shard_role"], "shadowed");
    }
  EXPECT_TRUE(seen) << st.dump();
  const json shadowed = get("/sites", {{"shard_role", "shadowed"}});
  ASSERT_EQ(shadowed["total"], 1);
  EXPECT_EQ(shadowed["sites"][0]["name"], "vinh-core");
  EXPECT_EQ(get("/sites", {{"shard_role", "owned"}})["total"], 6);
  get("/sites", {{"shard_role", "mine"}}, 400);
  const json m = get("/map");
  for (const auto& x : m["sites"]) EXPECT_EQ(x["shard_role"], x["name"] == "vinh-core" ? "shadowed" : "owned") << x;
}

TEST_F(ApiTest, Districts) {
  const json j = get("/districts");
  ASSERT_EQ(j["districts"].size(), 2u);
  const json& d = j["districts"][0];  // sorted by name: Huyện before Thành phố
  EXPECT_EQ(d["name"], ky);
  EXPECT_EQ(d["slug"], "ky-son");
  EXPECT_EQ(d["counts"]["down"], 1);
  EXPECT_EQ(d["counts"]["unreachable"], 3);
  EXPECT_EQ(d["counts"]["planned"], 1);
  EXPECT_EQ(d["communes"], 3) << "live communes only: ky-son-09 is planned";
  EXPECT_EQ(d["communes_connected"], 0);
  EXPECT_EQ(d["coverage"], 0.0);
  EXPECT_EQ(d["terrain"], "high-mountain");
  EXPECT_GE(d["outline"].size(), 3u);
  const json& v = j["districts"][1];
  EXPECT_EQ(v["communes_connected"], 2);
  EXPECT_EQ(v["coverage"], 1.0);
  EXPECT_TRUE(v["outline"].empty()) << "two points make no outline";
}

TEST_F(ApiTest, MapSitesAndCells) {
  const json all = get("/map");
  EXPECT_EQ(all["mode"], "sites");
  ASSERT_EQ(all["sites"].size(), 7u);
  for (const auto& s : all["sites"])
    if (s["name"] == "ky-son-gw") {
      EXPECT_EQ(s["parent"], "ky-son-wan");
      EXPECT_EQ(s["parent_lat"], 19.40);
      EXPECT_EQ(s["link_state"], "unknown");
      EXPECT_EQ(s["uplink"], "microwave");
    }
  const json box = get("/map", {{"bbox", "19,104,20,105"}});
  EXPECT_EQ(box["total"], 5) << "Kỳ Sơn only";
  const json cells = get("/map", {{"max", "2"}});
  EXPECT_EQ(cells["mode"], "cells");
  size_t n = 0;
  for (const auto& c : cells["cells"]) n += c["count"].get<size_t>();
  EXPECT_EQ(n, 7u);
  get("/map", {{"bbox", "1,2,3"}}, 400);
  get("/map", {{"bbox", "20,104,19,105"}}, 400);
  get("/map", {{"bbox", "a,b,c,d"}}, 400);
}

// A province of 100,000 sites: the map aggregates to cells, lists are paged, and no answer is
// the size of the province. Times are printed, not asserted (shared CI machines).
TEST(ApiScale, HundredThousandSitesAreAggregatedAndPaged) {
  Snapshot snap;
  constexpr int kSites = 100'000;
  snap.status.reserve(kSites);
  for (int i = 0; i < kSites; ++i) {
    auto t = std::make_shared<TargetStatus>();
    t->state = i % 100 == 0 ? "unreachable" : "up";
    t->root = i % 100 == 0 ? "site-1" : "";
    auto inv = std::make_shared<TargetInventory>();
    inv->name = "site-" + std::to_string(i);
    inv->district = "Huyện " + std::to_string(i % 50);
    inv->parent = i ? "site-" + std::to_string(i / 10) : "";
    inv->site = SiteStatus{"d" + std::to_string(i % 50), "c" + std::to_string(i % 5000), "plain", "fibre", "grid", "live",
                           18.5 + (i % 317) * 0.004, 104.0 + (i % 401) * 0.004};
    t->inventory = std::move(inv);
    snap.status.push_back(std::move(t));
  }
  auto timed = [&](const std::string& path, const std::map<std::string, std::string>& q = {}) {
    const auto t0 = std::chrono::steady_clock::now();
    ApiReply r = api_v1(snap, path, q);
    std::cout << path << ": " << r.body.size() << " bytes in "
              << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() << " ms\n";
    EXPECT_EQ(r.status, 200) << r.body.substr(0, 200);
    return r;
  };
  const ApiReply map = timed("/map");
  const json m = json::parse(map.body);
  EXPECT_EQ(m["mode"], "cells");
  EXPECT_LE(m["cells"].size(), 49u * 49u);
  EXPECT_LT(map.body.size(), 1'000'000u);
  size_t n = 0;
  for (const auto& c : m["cells"]) n += c["count"].get<size_t>();
  EXPECT_EQ(n, static_cast<size_t>(kSites));
  const json zoomed = json::parse(timed("/map", {{"bbox", "18.5,104.0,18.52,104.02"}}).body);
  EXPECT_EQ(zoomed["mode"], "sites") << "a small box shows its sites one by one";
  const json status = json::parse(timed("/status").body);
  EXPECT_EQ(status["root_causes"].size(), 0u) << "site-1 is up: nothing to show as root";
  EXPECT_EQ(status["counts"]["unreachable"], kSites / 100);
  const json page = json::parse(timed("/sites", {{"limit", "50"}, {"offset", "99990"}}).body);
  EXPECT_EQ(page["total"], kSites);
  EXPECT_EQ(page["sites"].size(), 10u);
  EXPECT_LE(timed("/districts").body.size(), 200'000u);
  timed("/sites/site-99999");
}

}  // namespace
}  // namespace lw::http
