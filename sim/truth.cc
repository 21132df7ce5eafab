#include "sim/truth.h"

#include <nlohmann/json.hpp>

namespace lw::sim {

nlohmann::json to_json(const Fault& f) {
  nlohmann::json alerts = nlohmann::json::array();
  for (const auto& a : f.alerts)
    alerts.push_back({{"alertname", a.alertname}, {"target", a.target}, {"severity", a.severity},
                      {"pages", a.pages}, {"primary", a.primary}, {"ifName", a.if_name}});
  nlohmann::json j = {{"id", f.id},
                      {"kind", f.kind},
                      {"cause", f.cause},
                      {"notify", f.notify},
                      {"target", f.target},
                      {"role", f.role},
                      {"district", f.district},
                      {"district_name", f.district_name},
                      {"start_sim", f.start_sim},
                      {"start_wall", f.start_wall},
                      {"end_sim", f.open() ? nlohmann::json() : nlohmann::json(f.end_sim)},
                      {"end_wall", f.open() ? nlohmann::json() : nlohmann::json(f.end_wall)},
                      {"affected", f.affected},
                      {"alerts", alerts}};
  if (f.count > 0) j["count"] = f.count;
  return j;
}

Truth::Truth(const Province& province) : p_(province), children_(province.devices.size()) {
  for (size_t i = 0; i < p_.devices.size(); ++i)
    if (p_.devices[i].parent >= 0) children_[static_cast<size_t>(p_.devices[i].parent)].push_back(static_cast<int>(i));
}

Result<bool> Truth::log_to(const std::string& path) {
  auto out = std::make_unique<std::ofstream>(path, std::ios::app);
  if (!*out) return Error{"truth-log", "cannot open " + path + " for appending"};
  log_ = std::move(out);
  return true;
}

std::vector<std::string> Truth::affected(int dev) const {
  std::vector<std::string> out;
  std::vector<int> stack{dev};
  while (!stack.empty()) {
    const int d = stack.back();
    stack.pop_back();
    const auto& device = p_.devices[static_cast<size_t>(d)];
    if (!device.live) continue;  // planned sites are not served: nothing there to lose
    out.push_back(device.name);
    const auto& c = children_[static_cast<size_t>(d)];
    stack.insert(stack.end(), c.rbegin(), c.rend());
  }
  return out;
}

std::vector<ExpectedAlert> Truth::expected(const std::string& kind, int dev, const std::string& cause) const {
  const auto& d = p_.devices[static_cast<size_t>(dev)];
  const std::string& name = d.name;
  std::vector<ExpectedAlert> out;
  auto add = [&](const std::string& alert, const std::string& target, bool critical, bool primary,
                 const std::string& if_name = "") {
    out.push_back({alert, target, critical ? "critical" : "warning", if_name, critical, primary});
  };
  // The parent's port towards this device sees the same link from the other end (the core's
  // wan-<district>, a gateway's ge0/C, a commune site's btsK).
  std::string parent, parent_port;
  if (d.parent >= 0) {
    const auto& pd = p_.devices[static_cast<size_t>(d.parent)];
    parent = pd.name;
    for (const auto& f : pd.ifaces)
      if (f.child == dev) parent_port = f.name;
  }
  if (kind == "power_loss" && cause == "solar" && d.kind != Kind::Core && d.kind != Kind::WanLink &&
      d.kind != Kind::Gateway) {
    // A solar site whose battery ran flat at night: a notice with the expected recovery
    // (dashboards/prometheus/rules/linkwatch-energy.yml), SiteDown inhibited; nobody dispatched.
    out.push_back({"SiteOutOfEnergy", name, "notice", "", false, true});
  } else if (kind == "cut" || kind == "link_failure" || kind == "power_loss") {
    if (d.kind == Kind::Core) {
      add("ProvinceCoreDown", name, true, true);
    } else if (d.kind == Kind::WanLink || d.kind == Kind::Gateway) {
      add("DistrictLinkDown", name, true, true);
      if (d.kind == Kind::WanLink) add("WanLinkDown", parent, true, false, parent_port);
    } else {
      add("SiteDown", name, false, true);
    }
  } else if (kind == "power_off") {
    add("SiteOnBattery", name, false, true);
  } else if (kind == "battery_low") {
    add("BatteryLow", name, true, true);
  } else if (kind == "flap") {
    add("LinkFlapping", name, false, true);
    if (!parent_port.empty()) add("LinkFlapping", parent, false, false, parent_port);
  } else if (kind == "reboot") {
    add("DeviceRebooted", name, false, true);
  } else if (kind == "radio_fade") {
    add("BackhaulDegraded", name, false, true);
  }
  return out;
}

void Truth::write(const char* event, const Fault& f) {
  if (!log_) return;
  auto j = to_json(f);
  j["event"] = event;
  *log_ << j.dump() << '\n';
  log_->flush();  // a reader (the test, `tail -f`) sees each fault as it happens
}

uint64_t Truth::begin(const std::string& kind, int dev, double sim_t, double wall_t,
                      const std::string& cause, int count) {
  if (dev < 0 || static_cast<size_t>(dev) >= p_.devices.size()) return 0;
  if (auto it = open_.find({kind, dev}); it != open_.end()) return faults_[it->second].id;
  const auto& d = p_.devices[static_cast<size_t>(dev)];
  Fault f;
  f.id = faults_.size() + 1;
  f.kind = kind;
  f.cause = cause;
  f.count = count;
  f.dev = dev;
  f.target = d.name;
  f.role = std::string(role_of(d.kind));
  if (d.district >= 0 && static_cast<size_t>(d.district) < p_.districts.size()) {
    f.district = p_.districts[static_cast<size_t>(d.district)].slug;
    f.district_name = p_.districts[static_cast<size_t>(d.district)].name;
  }
  f.start_sim = sim_t;
  f.start_wall = wall_t;
  f.affected = affected(dev);
  f.alerts = expected(kind, dev, cause);
  // A random burst of one to three bounces fits between two polls and counts as one change:
  // it alerts only if it repeats within the rule's window, so it may but need not. A flap
  // asked for on the control API is long (0.4 s real per cycle) and must.
  if (kind == "flap" && cause == "random") f.notify = "optional";
  if (f.alerts.empty()) f.notify = "none";
  open_[{kind, dev}] = faults_.size();
  faults_.push_back(std::move(f));
  write("start", faults_.back());
  return faults_.back().id;
}

void Truth::end(const std::string& kind, int dev, double sim_t, double wall_t) {
  auto it = open_.find({kind, dev});
  if (it == open_.end()) return;
  Fault& f = faults_[it->second];
  f.end_sim = sim_t;
  f.end_wall = wall_t;
  open_.erase(it);
  write("end", f);
}

void Truth::instant(const std::string& kind, int dev, double sim_t, double wall_t, const std::string& cause) {
  end(kind, dev, sim_t, wall_t);  // an earlier instant of the same kind is closed already
  begin(kind, dev, sim_t, wall_t, cause);
  end(kind, dev, sim_t, wall_t);
}

void Truth::end_all(double sim_t, double wall_t) {
  while (!open_.empty()) {
    const auto [kind, dev] = open_.begin()->first;
    end(kind, dev, sim_t, wall_t);
  }
}

nlohmann::json Truth::json(uint64_t since_id) const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : faults_)
    if (f.id > since_id) list.push_back(to_json(f));
  return {{"faults", list}};
}

}  // namespace lw::sim
