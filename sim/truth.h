#pragma once
// The simulator's ground truth: every fault it injects, when, what it affects, and the alert an
// operator should get for it. The precision/recall test (tests/e2e/alert_quality_test.cc) and
// the demo read it from GET /truth; `--truth-log FILE` also writes it as JSON lines.
//
// A fault is opened by begin() where World starts it (a control action, a random failure, a
// battery running flat, ...) and closed by end() where it stops (repair, restore, recharge).
// Instant faults (a reboot) open and close at once. Each record carries sim time and wall-clock
// time (Unix seconds): the sim clock runs fast, Prometheus and Alertmanager run on the wall
// clock, and a test matches notifications to faults on the wall clock.
//
// What should alert (expected_alerts) follows the shipped rules' intent, by kind and role:
//   cut, link_failure, power_loss  province_core: ProvinceCoreDown (critical, pages)
//                                  wan_link, district_gateway: DistrictLinkDown (critical, pages)
//                                  other sites: SiteDown (warning); but a solar site's battery
//                                  run flat (power_loss, cause solar): SiteOutOfEnergy (notice)
//   power_off (mains off, UPS)     SiteOnBattery (warning); no UPS: recorded as power_loss
//   battery_low                    BatteryLow (critical, pages): on battery, under 25% charge,
//                                  and the power will not return first (a solar site that lasts
//                                  until 06:00 is not a fault)
//   flap                           LinkFlapping (warning); optional when random (a short
//                                  burst polls may see as one change), required on control
//   reboot                         DeviceRebooted (warning)
//   radio_fade                     BackhaulDegraded (warning): a rain cell or a step fault
//                                  (misalignment, a failing ODU) takes more than half the
//                                  hop's planned fade margin; from then until it falls back
// Running on battery at night is what a solar site does: not a fault, nothing recorded.
// `notify` is "required" (the fault must notify if it lasts longer than the rule's `for`),
// "optional" (it may: a short random flap) or "none".
//
// Thread safety: none; World owns it and calls it under World::mutex.

#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/result.h"
#include "sim/province.h"

namespace lw::sim {

struct ExpectedAlert {
  std::string alertname, target, severity;
  std::string if_name;   // the interface it is on, when on another device than the fault's
  bool pages = false;    // severity critical: the province NOC is paged
  bool primary = true;   // the alert for this fault; false: the same fault seen from elsewhere
                         // (the core's end of a WAN link), acceptable but a duplicate
};

struct Fault {
  uint64_t id = 0;
  std::string kind;   // cut, link_failure, power_off, power_loss, battery_low, flap, reboot, radio_fade
  std::string cause;  // control, random, solar, cold_start, restore, rain, step, ...
  std::string notify = "required";  // required, optional, none
  int dev = -1;
  int count = 0;  // flap: down/up cycles in the burst
  std::string target, role, district, district_name;  // district: the slug ("" for the core)
  double start_sim = 0, start_wall = 0;
  double end_sim = -1, end_wall = -1;  // -1 while it lasts
  std::vector<std::string> affected;   // the target and every live device behind it
  std::vector<ExpectedAlert> alerts;
  bool open() const { return end_sim < 0; }
};

nlohmann::json to_json(const Fault& f);

class Truth {
 public:
  explicit Truth(const Province& province);
  Truth(const Truth&) = delete;
  Truth& operator=(const Truth&) = delete;

  // Also append every start and end to `path` as JSON lines ({"event": "start"|"end", ...}).
  // Error if the file cannot be opened.
  Result<bool> log_to(const std::string& path);

  // Opens a fault of `kind` on device `dev` unless one of that kind is already open there.
  // Returns its id (the open one's if there was one). `count` is the flap count (0 otherwise).
  uint64_t begin(const std::string& kind, int dev, double sim_t, double wall_t,
                 const std::string& cause, int count = 0);
  // Closes the open fault of `kind` on `dev`; no-op if there is none.
  void end(const std::string& kind, int dev, double sim_t, double wall_t);
  // An instant fault (a reboot): opened and closed at the same time.
  void instant(const std::string& kind, int dev, double sim_t, double wall_t, const std::string& cause);
  // Closes every open fault (POST /restore).
  void end_all(double sim_t, double wall_t);
  bool is_open(const std::string& kind, int dev) const { return open_.count({kind, dev}) > 0; }

  const std::vector<Fault>& faults() const { return faults_; }
  // {"faults": [...]} with every fault whose id is > since_id.
  nlohmann::json json(uint64_t since_id = 0) const;

 private:
  void write(const char* event, const Fault& f);
  std::vector<std::string> affected(int dev) const;
  std::vector<ExpectedAlert> expected(const std::string& kind, int dev, const std::string& cause) const;

  const Province& p_;
  std::vector<std::vector<int>> children_;
  std::vector<Fault> faults_;                       // every fault, in the order they started
  std::map<std::pair<std::string, int>, size_t> open_;  // (kind, dev) -> index in faults_
  std::unique_ptr<std::ofstream> log_;
};

}  // namespace lw::sim
