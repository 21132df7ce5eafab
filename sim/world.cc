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
    s.autonomy_h = 8 + 14 * unit(d.name, 62);  // some solar sites do not last the night
    s.flappy = d.kind != Kind::Core && unit(d.name, 63) < 0.03;
    if (d.live) by_addr_[d.address] = static_cast<int>(i);
    if (d.has_ups) ups_devices_.push_back(static_cast<int>(i));
  }
  if (o_.random_failures) {
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

bool World::answers(int dev, double /*t*/) const {
  for (int d = dev; d >= 0; d = p_.devices[static_cast<size_t>(d)].parent) {
    if (!p_.devices[static_cast<size_t>(d)].live || !alive(d)) return false;
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
