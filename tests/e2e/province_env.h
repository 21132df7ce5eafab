#pragma once
// lw::e2e::ProvinceEnv: the simulated Nghệ An province (linkwatch-sim) and a linkwatchd
// polling all of it, for the end-to-end tests.
//
// The constructor copies the shipped province config (config/nghe-an) into a temp dir with
// absolute include paths, the simulator's free UDP port in every address and a short poll
// interval; starts `linkwatch-sim` (--no-random-failures unless asked for them) on that port with its control on a
// free TCP port; then starts linkwatchd on the copy (tests/support/daemon.h). Throws
// std::runtime_error (with the logs) if either does not come up. The destructor stops both.
// Scrapes of a whole province are large (hundreds of thousands of lines): scrape() keeps
// only the metric names asked for, so a test parses what it checks.
//
// Thread safety: none; one test (or one test suite) owns it.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "tests/support/daemon.h"
#include "tests/support/http.h"
#include "tests/support/metrics_text.h"
#include "tests/support/process.h"

namespace lw::e2e {

struct ProvinceOptions {
  double speed = 1;          // sim clock, × real time
  int interval_s = 5;        // linkwatchd global.interval
  int timeout_s = 1;         // global.timeout
  int retries = 0;           // global.retries
  // Poll only these districts (inventory file stems; "vinh" holds the core). Empty: all.
  std::vector<std::string> districts;
  bool random_failures = false;      // the simulator's random failures, flaps and loss
  uint64_t seed = 1;
  std::vector<std::string> sim_args;  // more linkwatch-sim flags (--min-fault-duration, ...)
  // Targets (by name) that read the raw IF-MIB series (if_mib) where the shipped config walks
  // the tables for link health only (if_links): for tests that compare raw counters. The rest
  // keep the shipped choice, so the province costs what it costs in the field.
  std::function<bool(const std::string&)> raw_if_mib;
  // Changes an inventory file's text (after the port is set) before linkwatchd reads it:
  // e.g. a label with markup in it, for the console's escaping test. Unset: the files as shipped.
  std::function<void(std::string& text)> edit_inventory;
  // false: no linkwatchd; the test starts its own (shards) on dir().file("linkwatch.yml").
  bool start_daemon = true;
};

// One device of the simulator's GET /state (the fields the tests use).
struct SimDevice {
  std::string name, role, district_slug, parent, lifecycle, state;
  bool no_ifxtable = false;
};

class ProvinceEnv {
 public:
  explicit ProvinceEnv(const ProvinceOptions& options);
  ~ProvinceEnv();
  ProvinceEnv(const ProvinceEnv&) = delete;
  ProvinceEnv& operator=(const ProvinceEnv&) = delete;

  const ProvinceOptions& options() const { return options_; }
  std::chrono::seconds interval() const { return std::chrono::seconds(options_.interval_s); }
  // Worst time for one poll of a silent target: every try times out.
  std::chrono::seconds poll_timeout() const {
    return std::chrono::seconds(options_.timeout_s * (options_.retries + 1));
  }
  uint16_t daemon_port() const { return daemon_->port(); }
  const test::TempDir& dir() const { return *dir_; }

  // The simulator's control API (POST /cut?district=ky-son, ...).
  test::HttpResponse sim_post(const std::string& path_and_query) const;
  test::HttpResponse sim_get(const std::string& path_and_query) const;
  std::vector<SimDevice> sim_devices() const;  // GET /state; empty on failure

  // GET /metrics, parsed, keeping only samples whose name is in `names` (all if empty) and,
  // if `target` is set, whose target label is `target`. An empty Scrape with the reason in
  // bad_lines if the request failed.
  test::Scrape scrape(const std::set<std::string>& names = {}, const std::string& target = "") const;

  // Names of the targets whose linkwatch_target_state{state=`state`} is 1.
  static std::set<std::string> targets_in_state(const test::Scrape& s, const std::string& state);

  std::string logs() const;  // both logs' tails, for failure messages

 private:
  void write_config(uint16_t sim_port) const;
  bool start_sim(uint16_t sim_port, uint16_t control_port);

  ProvinceOptions options_;
  std::unique_ptr<test::TempDir> dir_;
  test::Process sim_;
  uint16_t control_port_ = 0;
  std::unique_ptr<test::Linkwatchd> daemon_;
};

// Live targets of the shipped province (README of sim/: 2,823 live, 2,846 in the inventory).
inline constexpr size_t kLiveTargets = 2823;
inline constexpr size_t kInventoryTargets = 2846;

}  // namespace lw::e2e
