#pragma once
// Series that come from the config and the clock, not from polls: where each site stands in
// the versions of the administrative map not in force (linkwatch_site_admin_info; the one in
// force is on linkwatch_site_info, which saves a series per site), the versions and which
// is in force (linkwatch_admin_version_info), and the open maintenance windows
// (linkwatch_maintenance). docs/metrics.md has the contract.
//
// Thread safety: used by the poller thread only. Keeps a reference to the Config it was
// made from; the owner keeps that Config alive as long as the Calendar.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/sample.h"
#include "config/config.h"
#include "daemon/state/maintenance.h"

namespace lw::poll {

// linkwatch_site_admin_info: one series per site (planned and retired ones too) per placement
// in a version other than `current` (the one in force, empty if none is yet).
collect::Families site_admin_families(const config::Config& config, std::string_view current);

class Calendar {
 public:
  explicit Calendar(const config::Config& config) : config_(config), board_(config) {}

  // Re-reads the clock's view of the windows and versions; true if the series changed (and
  // on the first call).
  bool update(int64_t unix_seconds);
  // linkwatch_admin_version_info and linkwatch_maintenance as of the last update.
  collect::Families families() const;
  // The name of the version of the administrative map in force, empty if none (yet).
  std::string_view current_version() const;

 private:
  const config::Config& config_;
  state::MaintenanceBoard board_;
  int current_version_ = -1;  // index into admin_versions, -1 before the first
};

}  // namespace lw::poll
