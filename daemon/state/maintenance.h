#pragma once
// When maintenance windows are open, and which targets each one covers.
//
// `window_open` is the window arithmetic: a one-off window is [from, to); a recurring one
// opens at its local time of day (`from`) on its weekday or day of the month in its time zone
// and closes at `to`, on the next day if `to` is at or before `from`. A monthly day beyond the
// month's end (31 in April) means the month's last day; `last` is always the last day. Local
// times are read in the window's IANA zone through date/tz (Howard Hinnant's library, the
// model of C++20's chrono tz, which gcc 12 lacks), so a zone with daylight saving works too:
// the local clock decides, and a local time skipped by a spring-forward opens the window
// at the first instant after the gap.
//
// `MaintenanceBoard` resolves every window to the targets it covers (named targets, sites of
// the regions by district_slug, and targets whose labels and site fields match `match`) once
// per config, then says which (target, window) pairs are open at a given time.
//
// Thread safety: window_open is a pure function; a MaintenanceBoard is used by one thread
// (the poller's).

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"

namespace lw::state {

// True if `w` is open at `unix_seconds`. The zone must be known (the config loader checks it).
bool window_open(const config::MaintenanceWindow& w, int64_t unix_seconds);

class MaintenanceBoard {
 public:
  struct Cover {
    size_t target;  // index into Config::targets
    size_t window;  // index into Config::maintenance
  };

  // Resolves the windows of `config` (kept by reference: the caller keeps it alive).
  explicit MaintenanceBoard(const config::Config& config);
  MaintenanceBoard() = default;

  const std::vector<Cover>& covers() const { return covers_; }
  // Open or not, per cover, at `unix_seconds`. Returns true if anything changed since the
  // last call (the first call always does).
  bool update(int64_t unix_seconds);
  const std::vector<bool>& open() const { return open_; }

 private:
  const config::Config* config_ = nullptr;
  std::vector<Cover> covers_;
  std::vector<bool> open_;
  bool first_ = true;
};

}  // namespace lw::state
