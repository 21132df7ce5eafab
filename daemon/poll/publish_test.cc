// The daemon-wide families keep the names docs/metrics.md promises, with the values given.
#include "daemon/poll/publish.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace lw::poll {
namespace {

TEST(Publish, DaemonFamiliesHaveTheDocumentedNames) {
  config::Config config;
  config.global.trap_listen_address = "127.0.0.1:0";
  DaemonCounters c;
  c.skipped = 7;
  c.traps_unmatched = 3;
  c.traps_rejected["community"] = 2;
  c.polled = 5;
  const auto families = daemon_families(c, snmp::EngineStats{}, &config);
  std::set<std::string> names;
  for (const auto& f : families) names.insert(f.name);
  for (const char* n : {"linkwatch_build_info", "linkwatch_config_last_reload_successful",
                        "linkwatch_config_last_reload_success_timestamp_seconds", "linkwatch_requests_in_flight",
                        "linkwatch_requests_queued", "linkwatch_snmp_engine_id_changes_total",
                        "linkwatch_snmp_engine_id_duplicates_total", "linkwatch_targets", "linkwatch_interval_seconds",
                        "linkwatch_scheduler_lag_seconds", "linkwatch_polls_skipped_total",
                        "linkwatch_traps_rejected_total", "linkwatch_traps_unmatched_total",
                        "linkwatch_trap_socket_drops_total", "linkwatch_trap_receive_buffer_bytes"})
    EXPECT_TRUE(names.count(n)) << n;
  EXPECT_EQ(names.size(), 15u);
  for (const auto& f : families) {
    if (f.name == "linkwatch_polls_skipped_total") {
      EXPECT_EQ(f.series.at(0).value, 7);
    }
    if (f.name == "linkwatch_traps_unmatched_total") {
      EXPECT_EQ(f.series.at(0).value, 3);
    }
    if (f.name == "linkwatch_targets") {
      EXPECT_EQ(f.series.at(0).value, 5);
    }
    if (f.name == "linkwatch_traps_rejected_total") {
      EXPECT_EQ(f.series.size(), 3u) << "every reason from the start";
    }
  }
}

TEST(Publish, NoTrapFamiliesWithoutAListener) {
  config::Config config;
  for (const auto& f : daemon_families(DaemonCounters{}, snmp::EngineStats{}, &config))
    EXPECT_EQ(f.name.str().find("trap"), std::string::npos) << f.name;
}

}  // namespace
}  // namespace lw::poll
