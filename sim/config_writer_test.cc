#include "sim/config_writer.h"

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
  if (!fs::exists(std::string(LINKWATCH_SOURCE_DIR) + "/config/modules/system.yml"))
    GTEST_SKIP() << "config/modules/ has no shipped modules yet";
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

}  // namespace
}  // namespace lw::sim
