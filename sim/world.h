#pragma once
// The running province: device state and its dynamics on a simulated clock.
//
// World owns the Province (layout) and a DevState per device. Sim time is seconds since the
// Unix epoch as a double; it starts at the wall-clock time and runs `speed` times faster.
// Dynamics (random link failures and repairs by terrain, random flaps, solar batteries that
// drain at night, rain cells and step faults on radio hops) are events drawn from a generator seeded with --seed, scheduled relative to
// the start, so a seed always gives the same sequence of events in sim time.
//
// Thread safety: World is NOT thread-safe; callers hold World::mutex (the agent thread and
// the control server both do). Functions taking an explicit `now` never read the clock.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <queue>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/province.h"
#include "sim/truth.h"

namespace lw::sim {

struct DevState {
  double boot = 0;            // sim time of the last (re)boot
  double last_change = 0;     // sim time of the last uplink oper-status change
  bool cut = false;           // control: its link is cut
  bool failed = false;        // random failure of its link
  bool powered_off = false;   // control: mains off (UPS sites then run on battery)
  bool dead = false;          // no power at all: battery empty or no UPS
  double battery = 100;       // % charge (UPS sites)
  double on_battery_since = -1;
  double autonomy_h = 12;     // hours a full battery lasts
  double flap_start = -1;     // a flap burst: `flap_count` down/up cycles of `flap_period` each
  int flap_count = 0;
  double flap_period = 1;
  bool flappy = false;        // flaps at random (a fixed subset)
  double fail_wall = 0;       // wall-clock time of the last random failure (for the hold)
  // Radios: extra path loss over the link budget. A rain cell passing (loss rises to
  // `rain_depth_db` half-way through [rain_start, rain_end) and falls back), and a step
  // loss (misalignment, water in a connector) that lasts until repaired.
  double rain_start = -1, rain_end = -1, rain_depth_db = 0;
  double step_loss_db = 0;
};

// A radio hop's plan, from its link budget: the modulation it was planned to carry, the
// clear-sky receive level, and the fade margin (that level minus the level where the planned
// modulation fails). Fixed by the device's name, like the layout.
struct RadioPlan {
  int modulation = 6;          // 1 qpsk … 8 qam1024 (docs/radio-mib.md)
  double rx_dbm = -40;
  double fade_margin_db = 25;
};

// A radio's figures at one moment.
struct RadioReading {
  double rx_dbm = 0, snr_db = 0;
  int modulation = 1;
};

// One spell of extra loss on a hop, as the world drew it: what a truth record needs to know
// which hops really lost margin or capacity, and when.
struct RadioFade {
  int dev = -1;
  double start = 0, end = 0;   // end: when the loss is gone (a step: its repair)
  double depth_db = 0;         // the deepest extra loss
  bool rain = true;            // a rain cell; false: a step fault
};

struct Options {
  double speed = 1;
  uint64_t seed = 1;
  bool random_failures = true;
  // Random link failures last at least this many real seconds (0: as drawn). Lets a fast
  // clock run days of dynamics while each fault still outlasts the alert rules' `for:`.
  double min_fault_real_s = 0;
};

class World {
 public:
  World(Province province, Options opts, double start_time);

  std::mutex mutex;  // guards everything below

  const Province& province() const { return p_; }
  const std::vector<DevState>& states() const { return s_; }
  const Options& options() const { return o_; }
  // Every injected fault (see truth.h); hooked where faults start and end.
  Truth& truth() { return truth_; }
  const Truth& truth() const { return truth_; }

  // Sim time now from the steady clock (reads the clock, no state change).
  double now() const;
  // Wall-clock time (Unix seconds) at which the sim clock reads `sim_t` (at the current speed).
  double wall_time(double sim_t) const;
  void set_speed(double speed);
  // Processes every event due up to `t` (battery, failures, repairs, flaps).
  void advance(double t);

  // The device serving this address, or -1.
  int by_address(uint32_t address) const;
  // True if the device answers at `t`: it and every device on its parent path are alive.
  bool answers(int dev, double t) const;
  bool alive(int dev) const;  // its own link and power are fine (ignores its parents)
  // Oper status of device d's uplink at t: 1 up, 2 down (a flap burst in its down half).
  int uplink_oper(int dev, double t) const;
  double uplink_last_change(int dev, double t) const;
  bool on_battery(int dev, double t) const;

  // Control actions. Return false if the name is unknown.
  bool cut_district(const std::string& slug, double t);
  bool cut_target(const std::string& name, double t);
  bool flap(const std::string& name, int count, double t);
  bool power_off(const std::string& name, double t);
  bool reboot(const std::string& name, double t);
  // Sets a UPS site's battery charge (percent, 0..100): a site that will not last the night.
  // False for a device without a UPS.
  bool set_battery(const std::string& name, double percent, double t);
  void restore(double t);

  // Radios (devices with a radio interface: BTS backhaul, highland WAN hops).
  bool has_radio(int dev) const;
  RadioPlan radio_plan(int dev) const;
  // Extra loss over the clear-sky level at t, dB: slow scintillation (±1 dB), rain, a step.
  double radio_loss_db(int dev, double t) const;
  // Level, SNR and modulation at t: adaptive modulation picks the highest modulation whose
  // threshold the SNR clears, never above the planned one.
  RadioReading radio(int dev, double t) const;
  // Every fade begun so far, oldest first (the last kFadeLog).
  const std::vector<RadioFade>& radio_fades() const { return fades_; }
  static constexpr size_t kFadeLog = 100000;

  // Loss and extra delay for one request to `dev` (mountain agents are slow and lossy).
  bool drop_request(int dev, uint64_t salt) const;
  double reply_delay_s(int dev, uint64_t salt) const;

 private:
  struct Event {
    double t;
    int dev;
    enum Type : uint8_t { Fail, Repair, Flap, Rain, Step, StepRepair } type;  // Rain: dev is a district
    bool operator>(const Event& o) const { return t > o.t || (t == o.t && dev > o.dev); }
  };
  void schedule_failure(int dev, double from);
  void schedule_flap(int dev, double from);
  void update_power(int dev, double t, double dt);
  double mtbf_s(int dev) const;
  double mttr_s(int dev) const;
  void set_link(int dev, bool failed, double t);
  void record_flap(int dev, double t, const char* cause);  // a burst, start to end, in truth_
  void schedule_rain(int district, double from);
  void rain_cell(int district, double t);
  void log_fade(const RadioFade& f);
  void record_fade(const RadioFade& f);  // into truth_, when it eats into the fade margin

  Province p_;
  Options o_;
  std::vector<DevState> s_;
  std::unordered_map<uint32_t, int> by_addr_;
  std::vector<int> ups_devices_;
  std::vector<std::vector<int>> radios_by_district_;
  std::vector<RadioFade> fades_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  Truth truth_{p_};
  std::mt19937_64 rng_;
  double t_ = 0;          // sim time processed so far
  double sim0_ = 0;       // sim time at real0_
  std::chrono::steady_clock::time_point real0_;
};

// Local hour of day (Vietnam, UTC+7) at sim time t, in [0, 24).
double local_hour(double t);
// Mean traffic factor of the daily profile at t (quiet at night, busy in the evening).
double traffic_integral(double t);  // ∫ profile dt from 0, in seconds; profile mean is 1

}  // namespace lw::sim
