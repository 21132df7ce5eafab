// systemd/linkwatchd.service, read by systemd's own tools:
// - `systemd-analyze security --offline=true --threshold=20` (systemd 252 counts exposure in
//   tenths internally: 20 means 2.0) must pass, and the "Overall exposure level" it prints
//   must be 2.0 or lower;
// - the same with the drop-in systemd/trap-port.conf (port 162 for traps);
// - `systemd-analyze verify` must accept it without a word. verify insists that ExecStart's
//   binary exists, so it reads a copy whose /usr/local/bin/linkwatchd points at the build.

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/process.h"

namespace lw {
namespace {

const std::string kUnit = std::string(LW_SOURCE_DIR) + "/systemd/linkwatchd.service";

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(DaemonUnitFileTest, SecurityExposureAtMostTwo) {
  const auto r = test::run_command(
      {"systemd-analyze", "security", "--offline=true", "--threshold=20", "--no-pager", kUnit});
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::smatch m;
  const std::string all = r.out + r.err;
  ASSERT_TRUE(std::regex_search(all, m, std::regex(R"(Overall exposure level for linkwatchd\.service: ([0-9.]+))")))
      << all;
  EXPECT_LE(std::stod(m[1].str()), 2.0) << all;
}

TEST(DaemonUnitFileTest, TrapPortDropInStaysAtMostTwo) {
  // A drop-in's [Service] lines count as if appended to the unit.
  test::TempDir dir("linkwatchd-unit");
  const std::string dropin = read_file(std::string(LW_SOURCE_DIR) + "/systemd/trap-port.conf");
  ASSERT_NE(dropin.find("CAP_NET_BIND_SERVICE"), std::string::npos);
  dir.write("linkwatchd.service", read_file(kUnit) + "\n" + dropin);
  const auto r = test::run_command({"systemd-analyze", "security", "--offline=true", "--threshold=20",
                                    "--no-pager", dir.file("linkwatchd.service")});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // The capability is really granted (not reset by the unit's empty assignment).
  EXPECT_NE(r.out.find("Service process receives ambient capabilities"), std::string::npos) << r.out;
}

TEST(DaemonUnitFileTest, ThresholdFailsAboveIt) {
  // The threshold flag is what the test above leans on: it must fail when the level is over it.
  const auto r = test::run_command(
      {"systemd-analyze", "security", "--offline=true", "--threshold=0", "--no-pager", kUnit});
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
}

TEST(DaemonUnitFileTest, Contract) {
  const std::string unit = read_file(kUnit);
  for (const char* line :
       {"Type=notify", "NotifyAccess=main", "WatchdogSec=30s", "Restart=on-failure",
        "ExecStart=/usr/local/bin/linkwatchd --config /etc/linkwatch/linkwatch.yml",
        "ExecReload=/bin/kill -HUP $MAINPID", "DynamicUser=yes", "CapabilityBoundingSet=\n",
        "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "UMask=0077"})
    EXPECT_NE(unit.find(line), std::string::npos) << line;
}

TEST(DaemonUnitFileTest, VerifyAcceptsIt) {
  test::TempDir dir("linkwatchd-unit");
  std::string unit = read_file(kUnit);
  ASSERT_FALSE(unit.empty());
  const std::string installed = "/usr/local/bin/linkwatchd";
  for (size_t at = unit.find(installed); at != std::string::npos; at = unit.find(installed, at))
    unit.replace(at, installed.size(), LW_LINKWATCHD);
  dir.write("linkwatchd.service", unit);
  const auto r = test::run_command(
      {"systemd-analyze", "verify", "--man=no", dir.file("linkwatchd.service")});
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "") << "verify has something to say";
}

}  // namespace
}  // namespace lw
