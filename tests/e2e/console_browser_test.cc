// The console in a real browser (issue 12, part 3): Debian's headless chromium, driven over
// the DevTools protocol (chromium.h), against linkwatchd polling linkwatch-sim.
//
// What it checks, in one run (a subset of the province to stay well under 2 minutes: the
// core's district (Vinh), Kỳ Sơn and Quế Phong, about 330 sites, polled every 5 s with a 1 s
// timeout):
//   1. The map shows one mark per site of the inventory (live and planned), each an SVG
//      element with the classes `site` and its state, in that state's colour; before any fault
//      every live site is up (green) and every planned one hollow.
//   2. After the simulator cuts Kỳ Sơn's WAN link (its control endpoint), "what is wrong"
//      shows exactly one root cause, ky-son-wan, with as many sites behind it as the simulator
//      says are unreachable, and every one of those turns orange (unreachable) on the map while
//      ky-son-wan turns red and the other districts stay green.
//   3. The language switch: English texts after a click on EN (the root cause's sentence too,
//      with "Huyện Kỳ Sơn" intact), Vietnamese again after VI; both languages have every text.
//   4. Escaping: a target label holding <script> and <img onerror> shows as text in the site
//      view; no script ran and no element was made from it.
//   5. The console's files come with their content types and an ETag that answers 304.
//   6. (A second case, its own linkwatchd started as a shard of the core's district and Kỳ
//      Sơn) the core, shadowed there, has the "shadowed" badge in its site view, an owned site
//      none, and the header gives the shard and how many sites it shadows.
// Screenshots (Vietnamese and English after the cut, and the site view with the label) are
// kept in the build directory: console_browser_vi.png, console_browser_en.png and
// console_browser_site.png.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "config/shard.h"
#include "tests/e2e/chromium.h"
#include "tests/e2e/province_env.h"

namespace lw::e2e {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

const std::set<std::string> kDistricts = {"vinh", "ky-son", "que-phong"};
constexpr const char* kEvil = "<script>window.__lw_pwned=1</script><img src=x onerror=\"window.__lw_pwned=2\">";

// The colours console.css gives each state, as getComputedStyle reports them.
const std::map<std::string, std::string> kFill = {{"up", "rgb(46, 157, 71)"},       {"down", "rgb(214, 39, 40)"},
                                                  {"unreachable", "rgb(240, 140, 0)"}, {"unknown", "rgb(154, 154, 154)"},
                                                  {"planned", "none"},                 {"retired", "none"}};

// Every site mark on the map: name -> {class, fill}.
std::map<std::string, std::pair<std::string, std::string>> marks(Chromium& b) {
  const json list = b.eval(
      "Array.from(document.querySelectorAll('#map .site')).map(c => [c.dataset.name, c.getAttribute('class'), "
      "getComputedStyle(c).fill])");
  std::map<std::string, std::pair<std::string, std::string>> out;
  for (const auto& m : list) out[m[0].get<std::string>()] = {m[1].get<std::string>(), m[2].get<std::string>()};
  return out;
}

// The label is added to ky-son-gw's flow map of labels in its inventory file.
void add_evil_label(std::string& text) {
  const auto at = text.find("  - name: ky-son-gw\n");
  if (at == std::string::npos) return;
  const std::string key = "labels: {";
  const auto labels = text.find(key, at);
  json quoted = kEvil;  // a JSON string is a valid YAML double-quoted scalar
  text.insert(labels + key.size(), "note: " + quoted.dump() + ", ");
}

TEST(ConsoleBrowser, MapRootCauseLanguageAndEscaping) {
  const auto t0 = std::chrono::steady_clock::now();
  ProvinceOptions opt;
  opt.districts.assign(kDistricts.begin(), kDistricts.end());
  opt.interval_s = 5;
  opt.timeout_s = 1;
  opt.edit_inventory = add_evil_label;
  ProvinceEnv env(opt);

  // The simulator's word on what exists and what state it is in.
  std::map<std::string, SimDevice> devices;
  for (auto& d : env.sim_devices())
    if (kDistricts.count(d.district_slug)) devices[d.name] = d;
  ASSERT_GT(devices.size(), 300u);
  ASSERT_TRUE(devices.count("ky-son-wan") && devices.count("ky-son-gw") && devices.count("vinh-core"));

  const std::string base = "http://127.0.0.1:" + std::to_string(env.daemon_port());
  Chromium browser(env.dir().file("chromium-profile"), env.dir().file("chromium.log"));
  browser.navigate(base + "/");

  // 1. One mark per site, all in their state's colour: live ones up, planned ones hollow.
  std::map<std::string, std::pair<std::string, std::string>> seen;
  const bool all_up = test::wait_until(
      [&] {
        seen = marks(browser);
        if (seen.size() != devices.size()) return false;
        for (const auto& [name, d] : devices)
          if (!seen.count(name) || seen[name].first != "site " + std::string(d.lifecycle == "live" ? "up" : "planned"))
            return false;
        return true;
      },
      60s, 500ms);
  ASSERT_TRUE(all_up) << seen.size() << " marks for " << devices.size() << " sites\n" << env.logs();
  for (const auto& [name, d] : devices) {
    const std::string state = d.lifecycle == "live" ? "up" : "planned";
    EXPECT_EQ(seen[name].second, kFill.at(state)) << name;
  }
  std::cout << "all " << devices.size() << " sites on the map after "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s\n";

  // 2. Cut Kỳ Sơn: one root cause, the simulator's count behind it, the district orange.
  ASSERT_EQ(env.sim_post("/cut?district=ky-son").status, 200);
  std::set<std::string> behind;
  for (const auto& d : env.sim_devices())
    if (devices.count(d.name) && d.state == "unreachable") behind.insert(d.name);
  ASSERT_GT(behind.size(), 40u);
  const std::string want_root = "(() => { const li = document.querySelectorAll('#wrong .roots li[data-site]');"
                                " return li.length === 1 && li[0].dataset.site === 'ky-son-wan' && li[0].dataset.behind === '" +
                                std::to_string(behind.size()) + "'; })()";
  ASSERT_TRUE(browser.wait_for(want_root, 60s))
      << browser.eval("document.getElementById('wrong').textContent").dump() << "\n" << env.logs();
  bool coloured = test::wait_until(
      [&] {
        seen = marks(browser);
        for (const auto& name : behind)
          if (seen[name].first != "site unreachable") return false;
        return seen["ky-son-wan"].first == "site down";
      },
      15s, 500ms);
  EXPECT_TRUE(coloured);
  for (const auto& [name, d] : devices) {
    const std::string state = name == "ky-son-wan" ? "down"
                              : behind.count(name) ? "unreachable"
                              : d.lifecycle == "live" ? "up"
                                                      : "planned";
    EXPECT_EQ(seen[name].first, "site " + state) << name;
    EXPECT_EQ(seen[name].second, kFill.at(state)) << name;
  }
  const std::string root_vi = browser.eval("document.querySelector('#wrong .roots li').textContent").get<std::string>();
  EXPECT_NE(root_vi.find("Huyện Kỳ Sơn"), std::string::npos) << root_vi;
  EXPECT_NE(root_vi.find(std::to_string(behind.size()) + " trạm không liên lạc được phía sau"), std::string::npos) << root_vi;
  browser.screenshot(LW_ARTEFACT_DIR "/console_browser_vi.png");

  // 3. The language switch.
  browser.eval("document.querySelector('#lang button[data-lang=en]').click()");
  EXPECT_TRUE(browser.wait_for("document.querySelector('#wrong h2').textContent === 'What is wrong'", 5s));
  EXPECT_EQ(browser.eval("document.documentElement.lang"), "en");
  const std::string root_en = browser.eval("document.querySelector('#wrong .roots li').textContent").get<std::string>();
  EXPECT_NE(root_en.find("ky-son-wan (Huyện Kỳ Sơn) down since "), std::string::npos) << root_en;
  EXPECT_NE(root_en.find(std::to_string(behind.size()) + " sites unreachable behind it"), std::string::npos) << root_en;
  EXPECT_EQ(browser.eval("document.querySelector('#districts th[data-sort=coverage]').textContent"), "Coverage");
  browser.screenshot(LW_ARTEFACT_DIR "/console_browser_en.png");
  // Every text exists in both languages (i18n.js is the one file translators edit).
  EXPECT_EQ(browser.eval("(() => { const v = Object.keys(window.LW_TEXTS.vi), e = Object.keys(window.LW_TEXTS.en);"
                         " return v.filter(k => !e.includes(k)).concat(e.filter(k => !v.includes(k))); })()"),
            json::array());
  browser.eval("document.querySelector('#lang button[data-lang=vi]').click()");
  EXPECT_TRUE(browser.wait_for("document.querySelector('#wrong h2').textContent === 'Sự cố'", 5s));
  EXPECT_EQ(browser.eval("document.documentElement.lang"), "vi");

  // 4. The label with markup, in the site view: text, and nothing ran.
  browser.eval("location.hash = '#site/ky-son-gw'");
  ASSERT_TRUE(browser.wait_for("!!document.querySelector('#site-body .labels')", 15s));
  const std::string labels = browser.eval("document.querySelector('#site-body .labels').textContent").get<std::string>();
  EXPECT_NE(labels.find(std::string("note=") + kEvil), std::string::npos) << labels;
  EXPECT_EQ(browser.eval("document.querySelectorAll('#site-body script, #site-body img').length"), 0);
  EXPECT_EQ(browser.eval("typeof window.__lw_pwned"), "undefined");
  EXPECT_EQ(browser.eval("document.querySelector('#site-body dd a') && document.querySelector('#site-body dd a').textContent"),
            "ky-son-wan")
      << "the site view names the root cause first";
  browser.screenshot(LW_ARTEFACT_DIR "/console_browser_site.png");

  // 5. Content types and caching of the console's files.
  const auto page = test::http_request(env.daemon_port(), "GET", "/", 10s);
  EXPECT_NE(page.headers.find("Content-Type: text/html; charset=utf-8"), std::string::npos) << page.headers;
  const auto js = test::http_request(env.daemon_port(), "GET", "/console/console.js", 10s);
  EXPECT_NE(js.headers.find("Content-Type: text/javascript; charset=utf-8"), std::string::npos) << js.headers;
  const auto etag_at = js.headers.find("ETag: ");
  ASSERT_NE(etag_at, std::string::npos) << js.headers;
  const std::string etag = js.headers.substr(etag_at + 6, js.headers.find('\r', etag_at) - etag_at - 6);
  EXPECT_EQ(test::http_request(env.daemon_port(), "GET", "/console/console.js", 10s, "If-None-Match: " + etag + "\r\n").status,
            304);
  EXPECT_EQ(test::http_request(env.daemon_port(), "GET", "/console/no-such.js", 10s).status, 404);
  std::cout << "done in " << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s\n";
}

// 6. On a shard, a site polled only for root causes (an ancestor another shard owns) carries
// a "shadowed" badge in the site view and the header says how many there are.
TEST(ConsoleBrowser, ShadowedSitesAreMarkedOnAShard) {
  ProvinceOptions opt = two_districts_fast();
  opt.start_daemon = false;
  ProvinceEnv env(opt);
  // A shard that owns Kỳ Sơn but not the core: the core is then shadowed.
  int index = -1, count = 2;
  for (; count <= 8 && index < 0; ++count)
    if (config::rendezvous_shard("ky-son-wan", count) != config::rendezvous_shard("vinh-core", count))
      index = config::rendezvous_shard("ky-son-wan", count);
  --count;
  ASSERT_GE(index, 0);
  test::Linkwatchd daemon(LW_LINKWATCHD, env.dir().file("linkwatch.yml"), env.dir().file("shard.log"),
                          {"--shard", std::to_string(index) + "/" + std::to_string(count)});
  Chromium browser(env.dir().file("chromium-profile"), env.dir().file("chromium.log"));
  browser.navigate("http://127.0.0.1:" + std::to_string(daemon.port()) + "/#site/vinh-core");
  ASSERT_TRUE(browser.wait_for("!!document.querySelector('#site-body h2 .shadowed')", 60s)) << daemon.log();
  EXPECT_EQ(browser.eval("document.querySelector('#site-body h2 .shadowed').textContent"), "theo dõi phụ");
  EXPECT_TRUE(browser.wait_for("document.getElementById('updated').textContent.includes('shard " + std::to_string(index) +
                                   "/" + std::to_string(count) + ": 1 trạm')",
                               30s))
      << browser.eval("document.getElementById('updated').textContent").dump();
  // An owned site has no badge.
  browser.eval("location.hash = '#site/ky-son-wan'");
  ASSERT_TRUE(browser.wait_for("document.querySelector('#site-body h2') && "
                               "document.querySelector('#site-body h2').textContent.startsWith('ky-son-wan')",
                               15s));
  EXPECT_EQ(browser.eval("document.querySelectorAll('#site-body h2 .shadowed').length"), 0);
}

}  // namespace
}  // namespace lw::e2e
