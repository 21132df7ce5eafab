#include "sim/world.h"

#include <algorithm>
#include <cmath>

#include "sim/hash.h"

namespace lw::sim {
namespace {
constexpr double kDay = 86400;
constexpr double kPi = 3.14159265358979323846;
constexpr double kProfileAmplitude = 0.6;  // busiest hour 1.6× the mean, quietest 0.4×
constexpr double kStep = 10;               // sim seconds per battery step

bool mountain(const std::string& terrain) { return terrain == "mountain"; }
bool high(const std::string& terrain) { return terrain == "high-mountain"; }

// Radio physics (docs/radio-mib.md): SNR in dB from the receive level, and the SNR each
// modulation needs (1 qpsk … 8 qam1024).
constexpr double kSnrThreshold[] = {0, 10, 17, 21, 24, 27, 30, 33, 36};
double snr_of(double rx_dbm) { return std::clamp((rx_dbm + 92) * 0.85, 0.0, 50.0); }
double rx_threshold(int mod) { return kSnrThreshold[mod] / 0.85 - 92; }

// Weather: a rain cell over a district every kRainEvery on average, 15–60 minutes long,
// crossing kRainHit of its hops. Most cells are light (a few dB, well inside any fade
// margin); one in kHeavyOneIn is a downpour of 12–40 dB that can beat a hop's margin.
constexpr double kRainEvery = 6 * 3600.0;
constexpr double kRainHit = 0.3;
constexpr double kHeavyOneIn = 16;
// Step faults (misalignment, water in a connector, a failing ODU): once in three years per hop.
constexpr double kStepMtbf = 3 * 365 * kDay;
}  // namespace

double local_hour(double t) {
  double h = std::fmod((t + 7 * 3600) / 3600, 24);
  return h < 0 ? h + 24 : h;
}

double traffic_integral(double t) {
  // profile(t) = 1 + A cos(2π (hour - 20) / 24): peak at 20:00 local time.
  return t + kProfileAmplitude * kDay / (2 * kPi) * std::sin(2 * kPi * (t + (7 - 20) * 3600.0) / kDay);
}

World::World(Province province, Options opts, double start_time)
    : p_(std::move(province)), o_(opts), s_(p_.devices.size()), rng_(opts.seed), t_(start_time),
      sim0_(start_time), real0_(std::chrono::steady_clock::now()) {
  for (size_t i = 0; i < p_.devices.size(); ++i) {
    const auto& d = p_.devices[i];
    auto& s = s_[i];
    // Up for 1 to 90 days already, fixed by the name so uptimes look plausible and stable.
    s.boot = start_time - (1 + 89 * unit(d.name, 61)) * kDay;
    s.last_change = s.boot + 60;
    // Solar sites are sized for days without sun; mains sites' batteries bridge an outage.
    s.autonomy_h = d.power == "solar" ? 24 + 36 * unit(d.name, 62) : 8 + 14 * unit(d.name, 62);
    s.flappy = d.kind != Kind::Core && unit(d.name, 63) < 0.03;
    if (d.live) by_addr_[d.address] = static_cast<int>(i);
    if (d.has_ups) ups_devices_.push_back(static_cast<int>(i));
  }
  radios_by_district_.resize(p_.districts.size());
  for (size_t i = 0; i < p_.devices.size(); ++i) {
    const auto& d = p_.devices[i];
    if (d.live && d.district >= 0 && static_cast<size_t>(d.district) < p_.districts.size() && has_radio(static_cast<int>(i)))
      radios_by_district_[static_cast<size_t>(d.district)].push_back(static_cast<int>(i));
  }
  if (o_.random_failures) {
    for (size_t di = 0; di < p_.districts.size(); ++di) schedule_rain(static_cast<int>(di), start_time);
    for (size_t di = 0; di < p_.districts.size(); ++di)
      for (int dev : radios_by_district_[di]) {
        std::exponential_distribution<double> e(1.0 / kStepMtbf);
        events_.push({start_time + e(rng_), dev, Event::Step});
      }
    for (size_t i = 0; i < p_.devices.size(); ++i) {
      const auto& d = p_.devices[i];
      if (!d.live || d.kind == Kind::Core || d.kind == Kind::Gateway || d.kind == Kind::Recorded) continue;
      schedule_failure(static_cast<int>(i), start_time);
      if (s_[i].flappy) schedule_flap(static_cast<int>(i), start_time);
    }
  }
}

double World::now() const {
  double real = std::chrono::duration<double>(std::chrono::steady_clock::now() - real0_).count();
  return sim0_ + real * o_.speed;
}

double World::wall_time(double sim_t) const {
  const double wall_now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  return wall_now - (now() - sim_t) / o_.speed;
}

void World::set_speed(double speed) {
  double t = now();
  sim0_ = t;
  real0_ = std::chrono::steady_clock::now();
  o_.speed = speed;
}

double World::mtbf_s(int dev) const {
  const auto& d = p_.devices[static_cast<size_t>(dev)];
  double base = d.kind == Kind::WanLink ? 120 * kDay : d.kind == Kind::CommuneSite ? 60 * kDay : 40 * kDay;
  if (mountain(d.terrain)) base /= 3;
  if (high(d.terrain)) base /= 6;
  return base;
}

double World::mttr_s(int dev) const {
  const auto& d = p_.devices[static_cast<size_t>(dev)];
  if (high(d.terrain)) return 8 * 3600;
  if (mountain(d.terrain)) return 4 * 3600;
  return 1.5 * 3600;
}

void World::schedule_failure(int dev, double from) {
  std::exponential_distribution<double> e(1.0 / mtbf_s(dev));
  events_.push({from + e(rng_), dev, Event::Fail});
}

void World::schedule_flap(int dev, double from) {
  std::exponential_distribution<double> e(1.0 / (6 * 3600.0));
  events_.push({from + e(rng_), dev, Event::Flap});
}

void World::schedule_rain(int district, double from) {
  std::exponential_distribution<double> e(1.0 / kRainEvery);
  events_.push({from + e(rng_), district, Event::Rain});
}

void World::log_fade(const RadioFade& f) {
  if (fades_.size() >= kFadeLog) fades_.erase(fades_.begin(), fades_.begin() + static_cast<long>(kFadeLog / 10));
  fades_.push_back(f);
  record_fade(f);
}

void World::record_fade(const RadioFade& f) {
  // A fault when the hop loses more than half its planned fade margin (what BackhaulDegraded
  // means, docs/radio-mib.md), from when the loss passes that depth until it falls back.
  const double half = radio_plan(f.dev).fade_margin_db / 2;
  if (f.depth_db <= half) return;  // a light shower or a small step: the plan absorbs it
  double from = f.start, to = f.end;
  if (f.rain) {  // the loss rises as a half sine over [start, end)
    const double edge = (f.end - f.start) * std::asin(half / f.depth_db) / kPi;
    from += edge;
    to -= edge;
  }
  truth_.begin("radio_fade", f.dev, from, wall_time(from), f.rain ? "rain" : "step");
  truth_.end("radio_fade", f.dev, to, wall_time(to));
}

void World::rain_cell(int district, double t) {
  std::uniform_real_distribution<double> u(0, 1);
  const double duration = (15 + 45 * u(rng_)) * 60;
  const bool heavy = u(rng_) * kHeavyOneIn < 1;
  for (int dev : radios_by_district_[static_cast<size_t>(district)]) {
    const double hit = u(rng_), depth = u(rng_);
    auto& s = s_[static_cast<size_t>(dev)];
    if (hit >= kRainHit || s.rain_end > t) continue;  // missed, or still under the last cell
    s.rain_start = t;
    s.rain_end = t + duration;
    s.rain_depth_db = heavy ? 12 + 28 * depth : 0.5 + 6 * depth;
    log_fade({dev, t, s.rain_end, s.rain_depth_db, true});
  }
}

void World::set_link(int dev, bool failed, double t) {
  auto& s = s_[static_cast<size_t>(dev)];
  if (s.failed != failed) s.last_change = t;
  s.failed = failed;
}

void World::update_power(int dev, double t, double dt) {
  auto& s = s_[static_cast<size_t>(dev)];
  const auto& d = p_.devices[static_cast<size_t>(dev)];
  bool battery = on_battery(dev, t);
  if (battery) {
    if (s.on_battery_since < 0) s.on_battery_since = t;
    s.battery = std::max(0.0, s.battery - dt / 3600 / s.autonomy_h * 100);
    if (s.battery <= 0 && !s.dead) {
      s.dead = true;
      s.last_change = t;
      truth_.begin("power_loss", dev, t, wall_time(t), s.powered_off ? "mains_off" : "solar");
    }
  } else {
    s.on_battery_since = -1;
    s.battery = std::min(100.0, s.battery + dt / 3600 * (d.power == "solar" ? 12.0 : 25.0));
    if (s.dead && s.battery >= 10) {  // back on: a cold start
      s.dead = false;
      s.boot = t;
      s.last_change = t;
      truth_.end("power_loss", dev, t, wall_time(t));
      truth_.instant("reboot", dev, t, wall_time(t), "cold_start");
    }
  }
  // A low battery is a fault when the power will not return first: a solar site that lasts
  // until 06:00 is doing what it is built for.
  double to_dawn = std::fmod(30 - local_hour(t), 24);
  bool low = battery && !s.dead && s.battery < 25 &&
             (s.powered_off || d.power != "solar" || s.battery / 100 * s.autonomy_h < to_dawn);
  if (low != truth_.is_open("battery_low", dev)) {
    if (low) truth_.begin("battery_low", dev, t, wall_time(t), s.powered_off ? "mains_off" : "solar");
    else truth_.end("battery_low", dev, t, wall_time(t));
  }
}

void World::advance(double t) {
  while (t_ < t) {
    double next = std::min(t, t_ + kStep);
    while (!events_.empty() && events_.top().t <= next) {
      Event e = events_.top();
      events_.pop();
      auto& s = s_[static_cast<size_t>(e.dev)];
      switch (e.type) {
        case Event::Fail: {
          set_link(e.dev, true, e.t);
          s.fail_wall = wall_time(e.t);
          truth_.begin("link_failure", e.dev, e.t, wall_time(e.t), "random");
          std::exponential_distribution<double> r(1.0 / mttr_s(e.dev));
          events_.push({e.t + std::max(r(rng_), o_.min_fault_real_s * o_.speed), e.dev, Event::Repair});
          break;
        }
        case Event::Repair:
          // Held for real seconds even if the clock was sped up since the failure.
          if (s.failed && wall_time(e.t) - s.fail_wall < o_.min_fault_real_s - 0.01) {
            events_.push({e.t + (o_.min_fault_real_s - (wall_time(e.t) - s.fail_wall)) * o_.speed, e.dev, Event::Repair});
            break;
          }
          set_link(e.dev, false, e.t);
          truth_.end("link_failure", e.dev, e.t, wall_time(e.t));
          schedule_failure(e.dev, e.t);
          break;
        case Event::Rain:
          rain_cell(e.dev, e.t);
          schedule_rain(e.dev, e.t);
          break;
        case Event::Step: {
          std::uniform_real_distribution<double> u(0, 1);
          s.step_loss_db = 10 + 20 * u(rng_);
          std::exponential_distribution<double> r(1.0 / (4 * mttr_s(e.dev)));
          const double repair = e.t + r(rng_);
          events_.push({repair, e.dev, Event::StepRepair});
          log_fade({e.dev, e.t, repair, s.step_loss_db, false});
          break;
        }
        case Event::StepRepair: {
          s.step_loss_db = 0;
          std::exponential_distribution<double> f(1.0 / kStepMtbf);
          events_.push({e.t + f(rng_), e.dev, Event::Step});
          break;
        }
        case Event::Flap:
          s.flap_start = e.t;
          s.flap_count = 1 + static_cast<int>(rng_() % 3);
          s.flap_period = 2;
          record_flap(e.dev, e.t, "random");
          schedule_flap(e.dev, e.t);
          break;
      }
    }
    for (int dev : ups_devices_) update_power(dev, next, next - t_);
    t_ = next;
  }
}

int World::by_address(uint32_t address) const {
  auto it = by_addr_.find(address);
  return it == by_addr_.end() ? -1 : it->second;
}

bool World::alive(int dev) const {
  const auto& s = s_[static_cast<size_t>(dev)];
  if (s.cut || s.failed || s.dead) return false;
  if (s.powered_off && !p_.devices[static_cast<size_t>(dev)].has_ups) return false;
  return true;
}

bool World::answers(int dev, double t) const {
  for (int d = dev; d >= 0; d = p_.devices[static_cast<size_t>(d)].parent) {
    if (!p_.devices[static_cast<size_t>(d)].live || !alive(d)) return false;
    // Dual homed: reachable while any of its upstream paths is (the tree is shallow).
    const auto& more = p_.devices[static_cast<size_t>(d)].more_parents;
    if (!more.empty()) {
      const int first = p_.devices[static_cast<size_t>(d)].parent;
      if (first >= 0 && answers(first, t)) return true;
      for (int m : more)
        if (answers(m, t)) return true;
      return false;
    }
  }
  return true;
}

int World::uplink_oper(int dev, double t) const {
  if (!alive(dev)) return 2;
  const auto& s = s_[static_cast<size_t>(dev)];
  if (s.flap_count > 0 && t >= s.flap_start && t < s.flap_start + 2 * s.flap_count * s.flap_period) {
    auto phase = static_cast<long>((t - s.flap_start) / s.flap_period);
    return phase % 2 == 0 ? 2 : 1;
  }
  return 1;
}

double World::uplink_last_change(int dev, double t) const {
  const auto& s = s_[static_cast<size_t>(dev)];
  double lc = s.last_change;
  if (s.flap_count > 0 && t >= s.flap_start) {
    long last = 2L * s.flap_count - 1;
    long phase = std::min(last, static_cast<long>((t - s.flap_start) / s.flap_period));
    lc = std::max(lc, s.flap_start + static_cast<double>(phase) * s.flap_period);
  }
  return lc;
}

bool World::on_battery(int dev, double t) const {
  const auto& d = p_.devices[static_cast<size_t>(dev)];
  const auto& s = s_[static_cast<size_t>(dev)];
  if (!d.has_ups) return false;
  if (s.powered_off) return true;
  if (d.power == "solar") {
    double h = local_hour(t);
    return h < 6 || h >= 18;
  }
  return false;
}

bool World::has_radio(int dev) const {
  for (const auto& f : p_.devices[static_cast<size_t>(dev)].ifaces)
    if (f.radio) return true;
  return false;
}

RadioPlan World::radio_plan(int dev) const {
  const auto& d = p_.devices[static_cast<size_t>(dev)];
  RadioPlan plan;
  const bool highland = mountain(d.terrain) || high(d.terrain);
  if (d.kind == Kind::WanLink) plan.modulation = 6;
  else plan.modulation = (highland ? 5 : 6) + (unit(d.name, 74) < 0.5 ? 1 : 0);
  plan.fade_margin_db = std::round((20 + 15 * unit(d.name, 75)) * 10) / 10;
  plan.rx_dbm = std::round((rx_threshold(plan.modulation) + plan.fade_margin_db) * 10) / 10;
  return plan;
}

double World::radio_loss_db(int dev, double t) const {
  const auto& d = p_.devices[static_cast<size_t>(dev)];
  const auto& s = s_[static_cast<size_t>(dev)];
  const double period = 5400 + 7200 * unit(d.name, 72);
  double loss = std::sin(2 * kPi * t / period + 2 * kPi * unit(d.name, 73));  // scintillation
  if (t >= s.rain_start && t < s.rain_end)
    loss += s.rain_depth_db * std::sin(kPi * (t - s.rain_start) / (s.rain_end - s.rain_start));
  return loss + s.step_loss_db;
}

RadioReading World::radio(int dev, double t) const {
  const RadioPlan plan = radio_plan(dev);
  RadioReading r;
  r.rx_dbm = plan.rx_dbm - radio_loss_db(dev, t);
  r.snr_db = snr_of(r.rx_dbm);
  for (int m = plan.modulation; m >= 1; --m)
    if (r.snr_db >= kSnrThreshold[m]) {
      r.modulation = m;
      break;
    }
  return r;
}

bool World::cut_district(const std::string& slug, double t) { return cut_target(slug + "-wan", t); }

bool World::cut_target(const std::string& name, double t) {
  int i = p_.find(name);
  if (i < 0 || !p_.devices[static_cast<size_t>(i)].live) return false;
  auto& s = s_[static_cast<size_t>(i)];
  if (!s.cut) s.last_change = t;
  s.cut = true;
  truth_.begin("cut", i, t, wall_time(t), "control");
  return true;
}

bool World::flap(const std::string& name, int count, double t) {
  int i = p_.find(name);
  if (i < 0 || !p_.devices[static_cast<size_t>(i)].live) return false;
  auto& s = s_[static_cast<size_t>(i)];
  s.flap_start = t;
  s.flap_count = count;
  s.flap_period = 0.2 * o_.speed;  // 0.2 s of real time per half cycle
  record_flap(i, t, "control");
  return true;
}

bool World::power_off(const std::string& name, double t) {
  int i = p_.find(name);
  if (i < 0 || !p_.devices[static_cast<size_t>(i)].live) return false;
  auto& s = s_[static_cast<size_t>(i)];
  if (!s.powered_off) s.last_change = t;
  s.powered_off = true;
  if (!p_.devices[static_cast<size_t>(i)].has_ups) s.dead = true;
  truth_.begin(s.dead ? "power_loss" : "power_off", i, t, wall_time(t), "mains_off");
  return true;
}

bool World::set_battery(const std::string& name, double percent, double t) {
  int i = p_.find(name);
  if (i < 0 || !p_.devices[static_cast<size_t>(i)].live || !p_.devices[static_cast<size_t>(i)].has_ups) return false;
  (void)t;  // takes effect now; the caller has advanced the world to t
  s_[static_cast<size_t>(i)].battery = std::clamp(percent, 0.0, 100.0);
  return true;
}

bool World::reboot(const std::string& name, double t) {
  int i = p_.find(name);
  if (i < 0 || !p_.devices[static_cast<size_t>(i)].live) return false;
  auto& s = s_[static_cast<size_t>(i)];
  s.boot = t;
  s.last_change = t;
  truth_.instant("reboot", i, t, wall_time(t), "control");
  return true;
}

void World::record_flap(int dev, double t, const char* cause) {
  const auto& s = s_[static_cast<size_t>(dev)];
  const double end = t + 2 * s.flap_count * s.flap_period;
  truth_.begin("flap", dev, t, wall_time(t), cause, s.flap_count);
  truth_.end("flap", dev, end, wall_time(end));
}

void World::restore(double t) {
  truth_.end_all(t, wall_time(t));
  for (size_t i = 0; i < s_.size(); ++i)
    if (s_[i].dead) truth_.instant("reboot", static_cast<int>(i), t, wall_time(t), "restore");
  for (auto& s : s_) {
    if (s.cut || s.failed || s.dead || s.powered_off) s.last_change = t;
    if (s.dead) s.boot = t;
    s.cut = s.failed = s.powered_off = s.dead = false;
    s.battery = 100;
    s.on_battery_since = -1;
    s.flap_count = 0;
    s.rain_start = s.rain_end = -1;
    s.rain_depth_db = s.step_loss_db = 0;
  }
}

bool World::drop_request(int dev, uint64_t salt) const {
  if (!o_.random_failures) return false;
  const auto& d = p_.devices[static_cast<size_t>(dev)];
  double p = high(d.terrain) ? 0.02 : mountain(d.terrain) ? 0.005 : 0;
  return p > 0 && unit(d.name, salt) < p;
}

double World::reply_delay_s(int dev, uint64_t salt) const {
  const auto& d = p_.devices[static_cast<size_t>(dev)];
  double u = unit(d.name, salt ^ 0x5bd1e995);
  if (high(d.terrain)) return 0.05 + 0.15 * u;
  if (mountain(d.terrain)) return 0.01 + 0.04 * u;
  return 0;
}

}  // namespace lw::sim
