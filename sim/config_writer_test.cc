#include "sim/config_writer.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "config/config.h"

namespace lw::sim {
namespace {

namespace fs = std::filesystem;
const std::string kDir = std::string(LINKWATCH_SOURCE_DIR) + "/config/nghe-an";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Province province() { return build_province(*read_districts(kDir + "/districts.csv")); }

TEST(ConfigWriter, CommittedProvinceConfigIsExactlyTheGeneratorsOutput) {
  fs::path tmp = fs::temp_directory_path() / ("lw-sim-config-" + std::to_string(::getpid()));
  ASSERT_FALSE(write_province_config(tmp.string(), province(), 1161).has_value());
  EXPECT_EQ(slurp(tmp / "linkwatch.yml"), slurp(fs::path(kDir) / "linkwatch.yml"));
  size_t files = 0;
  for (auto& e : fs::directory_iterator(tmp / "inventory")) {
    ++files;
    EXPECT_EQ(slurp(e.path()), slurp(fs::path(kDir) / "inventory" / e.path().filename()))
        << e.path().filename() << " differs: run linkwatch-sim --write-province-config config/nghe-an";
  }
  EXPECT_EQ(files, 20u);
  size_t committed = 0;
  for (auto& e : fs::directory_iterator(fs::path(kDir) / "inventory")) committed += e.path().extension() == ".yml";
  EXPECT_EQ(committed, 20u) << "stale inventory files in config/nghe-an/inventory";
  fs::remove_all(tmp);
}

TEST(ConfigWriter, ProvinceConfigLoadsWithoutErrors) {
  // The province config includes the shipped modules: without them it cannot load, and that
  // is a failure of the tree, not a reason to skip.
  for (const char* module : {"system", "if_mib", "if_links", "ups_mib", "entity_sensor", "host_resources", "radio",
                             "system_uptime", "bts_radio", "ups_slim"})
    ASSERT_TRUE(fs::is_regular_file(std::string(LINKWATCH_SOURCE_DIR) + "/config/modules/" + module + ".yml"))
        << "config/modules/" << module << ".yml is missing";
  auto r = lw::config::load_config(kDir + "/linkwatch.yml");
  std::string errors;
  for (auto& e : r.errors) errors += e.to_string() + "\n";
  EXPECT_TRUE(r.errors.empty()) << errors.substr(0, 4000);
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->targets.size(), 2846u);
  size_t polled = 0;
  for (auto& t : r.config->targets) polled += t.polled();
  EXPECT_EQ(polled, 2823u);

  // Both ends of every district's WAN link name each other: the core's port carries the
  // district (peer_district), so its alerts are that district's incident.
  std::set<std::string> core_peer_districts;
  size_t wan_terminals = 0;
  for (auto& t : r.config->targets) {
    if (t.name == "vinh-core") {
      for (auto& l : t.links)
        if (l.role == "wan") {
          EXPECT_EQ(l.peer, l.pattern.substr(4) + "-wan") << l.pattern;
          core_peer_districts.insert(l.peer_district);
        }
    } else if (t.name.size() > 4 && t.name.compare(t.name.size() - 4, 4, "-wan") == 0) {
      ++wan_terminals;
      ASSERT_FALSE(t.links.empty()) << t.name;
      EXPECT_EQ(t.links[0].peer, "vinh-core") << t.name;
      EXPECT_EQ(t.links[0].peer_district, "Thành phố Vinh") << t.name;
    }
  }
  EXPECT_EQ(core_peer_districts.size(), 20u);
  EXPECT_EQ(wan_terminals, 20u);
}

// The series budget (bench/README.md): below the gateway each hop is a link of interest at its
// lower end only, naming the upper end as its peer; BTS radios and commune sites use the slim
// modules; the raw IF-MIB only on the core and the WAN terminals.
TEST(ConfigWriter, EachHopIsWatchedAtOneEndWithSlimModules) {
  auto r = lw::config::load_config(kDir + "/linkwatch.yml");
  ASSERT_TRUE(r.config);
  using Modules = std::vector<std::string>;
  size_t bts = 0, communes = 0, links = 0;
  for (auto& t : r.config->targets) {
    if (!t.polled()) continue;
    std::string role;
    for (auto& [k, v] : t.labels)
      if (k == "role") role = v;
    links += t.links.size();
    ASSERT_FALSE(t.links.empty()) << t.name << ": no links: would watch every interface";
    for (auto& l : t.links) EXPECT_NE(l.role, "downlink") << t.name << ": the far end of a hop watched below";
    const bool ups = std::find(t.modules.begin(), t.modules.end(), "ups_slim") != t.modules.end();
    if (role == "bts_backhaul") {
      ++bts;
      ASSERT_EQ(t.links.size(), 1u) << t.name;
      EXPECT_EQ(t.links[0].role, "backhaul") << t.name;
      EXPECT_EQ(t.links[0].peer, t.parent) << t.name;
      const Modules want = ups ? Modules{"bts_radio", "if_links", "ups_slim"} : Modules{"bts_radio", "if_links"};
      EXPECT_EQ(t.modules, want) << t.name;
    } else if (role == "commune_site") {
      ++communes;
      ASSERT_EQ(t.links.size(), 1u) << t.name;
      EXPECT_EQ(t.links[0].role, "uplink") << t.name;
      EXPECT_EQ(t.links[0].peer, t.parent) << t.name;
      // No sysUpTime series: reboots are counted in linkwatch_counter_discontinuities_total.
      const Modules want = ups ? Modules{"if_links", "ups_slim"} : Modules{"if_links"};
      EXPECT_EQ(t.modules, want) << t.name;
    } else {
      const bool raw = std::find(t.modules.begin(), t.modules.end(), "if_mib") != t.modules.end();
      EXPECT_EQ(raw, role == "province_core" || role == "wan_link") << t.name;
    }
  }
  EXPECT_EQ(bts, 2325u);
  EXPECT_EQ(communes, 457u);
  EXPECT_EQ(links, 2883u);  // the bench's count of linkwatch_link_up series
}

}  // namespace
}  // namespace lw::sim
