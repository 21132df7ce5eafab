#include "sim/mib.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "sim/hash.h"

namespace lw::sim {
namespace {

const snmp::Oid kSystem = {1, 3, 6, 1, 2, 1, 1};
const snmp::Oid kIfNumber = {1, 3, 6, 1, 2, 1, 2, 1};
const snmp::Oid kIfEntry = {1, 3, 6, 1, 2, 1, 2, 2, 1};
const snmp::Oid kIfXEntry = {1, 3, 6, 1, 2, 1, 31, 1, 1, 1};
const snmp::Oid kUps = {1, 3, 6, 1, 2, 1, 33, 1};
const snmp::Oid kRadioEntry = {1, 3, 6, 1, 4, 1, 32473, 1, 1, 1};

snmp::Oid cat(const snmp::Oid& a, std::initializer_list<uint32_t> b) {
  snmp::Oid o = a;
  o.insert(o.end(), b);
  return o;
}

bool less(const snmp::Oid& a, const snmp::Oid& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

snmp::Value u(snmp::Type t, uint64_t v) { return snmp::Value::Unsigned(t, v); }
snmp::Value c32(double v) { return u(snmp::Type::Counter32, static_cast<uint64_t>(v) & 0xffffffffULL); }
snmp::Value c64(double v) { return u(snmp::Type::Counter64, static_cast<uint64_t>(v)); }
snmp::Value ticks(double seconds) {
  return u(snmp::Type::TimeTicks, static_cast<uint64_t>(std::max(0.0, seconds) * 100) & 0xffffffffULL);
}

std::string kind_descr(Kind k) {
  switch (k) {
    case Kind::Core: return "linkwatch-sim province core router (Vinh), simulated";
    case Kind::WanLink: return "linkwatch-sim district WAN link terminal, simulated";
    case Kind::Gateway: return "linkwatch-sim district gateway router, simulated";
    case Kind::CommuneSite: return "linkwatch-sim commune site switch, simulated";
    case Kind::BtsRadio: return "linkwatch-sim BTS backhaul microwave radio, simulated";
    case Kind::Recorded: return "recorded";
  }
  return "";
}

// The SNR each modulation needs (as in world.cc) and the receive level that gives it.
double snr_threshold(int mod) {
  static const double thr[] = {0, 10, 17, 21, 24, 27, 30, 33, 36};
  return thr[mod];
}
double rx_threshold(int mod) { return snr_threshold(mod) / 0.85 - 92; }
int bits_per_symbol(int mod) {
  static const int b[] = {0, 2, 4, 5, 6, 7, 8, 9, 10};
  return b[mod];
}

// Errored seconds of a healthy hop per second: a few a day (G.826-like objectives), so that
// even at --speed 500 a healthy radio stays under BackhaulDegraded's 60 in 15 real minutes.
double errored_second_rate(const Device& d) {
  return d.terrain == "high-mountain" ? 1e-4 : d.terrain == "mountain" ? 5e-5 : 2e-5;
}

double error_rate(const Device& d) {
  return d.terrain == "high-mountain" ? 3e-3 : d.terrain == "mountain" ? 1e-3 : 1e-4;
}

}  // namespace

const Entry* Layout::exact(const snmp::Oid& oid) const {
  auto it = std::lower_bound(entries.begin(), entries.end(), oid,
                             [](const Entry& e, const snmp::Oid& o) { return less(e.oid, o); });
  return it != entries.end() && it->oid == oid ? &*it : nullptr;
}

const Entry* Layout::next(const snmp::Oid& oid) const {
  auto it = std::upper_bound(entries.begin(), entries.end(), oid,
                             [](const snmp::Oid& o, const Entry& e) { return less(o, e.oid); });
  return it != entries.end() ? &*it : nullptr;
}

bool Layout::object_exists(const snmp::Oid& oid) const {
  for (size_t k = oid.size(); k-- > 1;) {
    snmp::Oid prefix(oid.begin(), oid.begin() + static_cast<long>(k));
    auto it = std::lower_bound(entries.begin(), entries.end(), prefix,
                               [](const Entry& e, const snmp::Oid& o) { return less(e.oid, o); });
    if (it != entries.end() && it->oid.size() == k + 1 &&
        std::equal(prefix.begin(), prefix.end(), it->oid.begin()))
      return true;
  }
  return false;
}

std::shared_ptr<const Layout> literal_layout(std::vector<snmp::VarBind> binds) {
  auto l = std::make_shared<Layout>();
  std::stable_sort(binds.begin(), binds.end(),
                   [](const snmp::VarBind& a, const snmp::VarBind& b) { return less(a.oid, b.oid); });
  for (auto& b : binds) {
    if (!l->entries.empty() && l->entries.back().oid == b.oid) continue;
    l->entries.push_back({b.oid, Var::Literal, static_cast<uint32_t>(l->literals.size())});
    l->literals.push_back(std::move(b.value));
  }
  return l;
}

std::shared_ptr<const Layout> build_layout(const Device& d) {
  auto l = std::make_shared<Layout>();
  auto add = [&](snmp::Oid o, Var v, uint32_t idx = 0) { l->entries.push_back({std::move(o), v, idx}); };
  add(cat(kSystem, {1, 0}), Var::SysDescr);
  add(cat(kSystem, {2, 0}), Var::SysObjectID);
  add(cat(kSystem, {3, 0}), Var::SysUpTime);
  add(cat(kSystem, {4, 0}), Var::SysContact);
  add(cat(kSystem, {5, 0}), Var::SysName);
  add(cat(kSystem, {6, 0}), Var::SysLocation);
  add(cat(kSystem, {7, 0}), Var::SysServices);
  add(cat(kIfNumber, {0}), Var::IfNumber);
  const std::pair<uint32_t, Var> if_cols[] = {
      {1, Var::IfIndex}, {2, Var::IfDescr}, {3, Var::IfType}, {4, Var::IfMtu}, {5, Var::IfSpeed},
      {6, Var::IfPhysAddress}, {7, Var::IfAdminStatus}, {8, Var::IfOperStatus},
      {9, Var::IfLastChange}, {10, Var::IfInOctets}, {11, Var::IfInUcastPkts},
      {13, Var::IfInDiscards}, {14, Var::IfInErrors}, {15, Var::IfInUnknownProtos},
      {16, Var::IfOutOctets}, {17, Var::IfOutUcastPkts}, {19, Var::IfOutDiscards},
      {20, Var::IfOutErrors}};
  const std::pair<uint32_t, Var> ifx_cols[] = {
      {1, Var::IfName}, {6, Var::IfHCInOctets}, {7, Var::IfHCInUcastPkts},
      {10, Var::IfHCOutOctets}, {11, Var::IfHCOutUcastPkts}, {15, Var::IfHighSpeed},
      {18, Var::IfAlias}};
  const auto n = static_cast<uint32_t>(d.ifaces.size());
  for (auto [col, var] : if_cols)
    for (uint32_t i = 0; i < n; ++i) add(cat(kIfEntry, {col, i + 1}), var, i);
  if (!d.no_ifx)
    for (auto [col, var] : ifx_cols)
      for (uint32_t i = 0; i < n; ++i) add(cat(kIfXEntry, {col, i + 1}), var, i);
  if (d.has_ups) {
    add(cat(kUps, {1, 1, 0}), Var::UpsManufacturer);
    add(cat(kUps, {1, 2, 0}), Var::UpsModel);
    add(cat(kUps, {2, 1, 0}), Var::UpsBatteryStatus);
    add(cat(kUps, {2, 2, 0}), Var::UpsSecondsOnBattery);
    add(cat(kUps, {2, 3, 0}), Var::UpsMinutesRemaining);
    add(cat(kUps, {2, 4, 0}), Var::UpsChargeRemaining);
    add(cat(kUps, {2, 5, 0}), Var::UpsBatteryVoltage);
    add(cat(kUps, {3, 2, 0}), Var::UpsInputNumLines);
    add(cat(kUps, {3, 3, 1, 3, 1}), Var::UpsInputVoltage);
    add(cat(kUps, {4, 1, 0}), Var::UpsOutputSource);
  }
  const std::pair<uint32_t, Var> radio_cols[] = {
      {2, Var::RadioRxLevel}, {3, Var::RadioSnr}, {4, Var::RadioModulation},
      {5, Var::RadioCapacity}, {6, Var::RadioErroredSeconds},
      {7, Var::RadioSeverelyErroredSeconds}, {8, Var::RadioRxLevelThreshold},
      {9, Var::RadioSnrThreshold}, {10, Var::RadioPlannedModulation},
      {11, Var::RadioPlannedRxLevel}, {12, Var::RadioPlannedFadeMargin}};
  for (auto [col, var] : radio_cols)
    for (uint32_t i = 0; i < n; ++i)
      if (d.ifaces[i].radio) add(cat(kRadioEntry, {col, i + 1}), var, i);
  std::sort(l->entries.begin(), l->entries.end(), [](const Entry& a, const Entry& b) { return less(a.oid, b.oid); });
  return l;
}

Mib::Mib(const Province& p, std::vector<std::pair<int, std::shared_ptr<const Layout>>> recorded) {
  std::map<std::string, std::shared_ptr<const Layout>> cache;
  layouts_.resize(p.devices.size());
  for (auto& [dev, l] : recorded) layouts_[static_cast<size_t>(dev)] = l;
  distinct_ = recorded.size();
  for (size_t i = 0; i < p.devices.size(); ++i) {
    if (layouts_[i]) continue;
    const auto& d = p.devices[i];
    std::string key = std::to_string(d.ifaces.size()) + (d.no_ifx ? "n" : "x") + (d.has_ups ? "u" : "-");
    for (auto& f : d.ifaces) key += f.radio ? 'r' : '.';
    auto& slot = cache[key];
    if (!slot) {
      slot = build_layout(d);
      ++distinct_;
    }
    layouts_[i] = slot;
  }
}

snmp::Value value_of(const World& w, int dev, const Layout& l, const Entry& e, double t) {
  using snmp::Type;
  using snmp::Value;
  const auto& d = w.province().devices[static_cast<size_t>(dev)];
  const auto& s = w.states()[static_cast<size_t>(dev)];
  const double up = t - s.boot;
  const Iface* f = e.idx < d.ifaces.size() ? &d.ifaces[e.idx] : nullptr;
  // Interface traffic in bytes since boot, in the two directions.
  auto octets = [&](bool in) {
    if (!f) return 0.0;
    double bytes = d.traffic_bps / 8 * f->traffic_share * (traffic_integral(t) - traffic_integral(s.boot));
    bool toward_users = !f->uplink;
    return bytes * ((in != toward_users) ? 1.0 : 0.3);
  };
  auto oper = [&]() {
    if (!f || f->type == 24 || (!f->uplink && f->child < 0)) return 1;
    return f->uplink ? w.uplink_oper(dev, t) : w.uplink_oper(f->child, t);
  };
  auto last_change = [&]() {
    double lc = s.boot + 60;
    if (f && f->uplink) lc = w.uplink_last_change(dev, t);
    else if (f && f->child >= 0) lc = w.uplink_last_change(f->child, t);
    return ticks(lc - s.boot);
  };
  switch (e.var) {
    case Var::Literal: return l.literals[e.idx];
    case Var::SysDescr: return Value::Str(kind_descr(d.kind));
    case Var::SysObjectID: {
      Value v;
      v.type = Type::ObjectId;
      v.oid = {1, 3, 6, 1, 4, 1, 32473, 2, static_cast<uint32_t>(d.kind) + 1};
      return v;
    }
    case Var::SysUpTime: return ticks(up);
    case Var::SysContact: return Value::Str("noc@nghean.example (simulated)");
    case Var::SysName: return Value::Str(d.name);
    case Var::SysLocation: {
      const auto& ps = w.province().districts;
      std::string district = d.district >= 0 && static_cast<size_t>(d.district) < ps.size() ? ps[static_cast<size_t>(d.district)].name : "";
      return Value::Str(d.commune + ", " + district + ", Nghệ An");
    }
    case Var::SysServices: return Value::Int(d.kind == Kind::CommuneSite ? 2 : 6);
    case Var::IfNumber: return Value::Int(static_cast<int64_t>(d.ifaces.size()));
    case Var::IfIndex: return Value::Int(e.idx + 1);
    case Var::IfDescr: return Value::Str(f->descr);
    case Var::IfType: return Value::Int(f->type);
    case Var::IfMtu: return Value::Int(f->type == 24 ? 65536 : 1500);
    // Counters run on the sim clock, so at --speed N a link carries N times its bytes per real
    // second: it reports N times its speed, and utilisation reads as it would at 1×.
    case Var::IfSpeed:
      return u(Type::Gauge32, static_cast<uint64_t>(std::min(f->speed_mbps * 1e6 * w.options().speed, 4294967295.0)));
    case Var::IfPhysAddress: {
      if (f->type == 24) return Value::Str("");
      uint64_t h = fnv1a(d.name, 81);
      std::string mac = {'\x02', static_cast<char>(h & 255), static_cast<char>((h >> 8) & 255),
                         static_cast<char>((h >> 16) & 255), static_cast<char>((h >> 24) & 255),
                         static_cast<char>(e.idx + 1)};
      return Value::Str(mac);
    }
    case Var::IfAdminStatus: return Value::Int(1);
    case Var::IfOperStatus: return Value::Int(oper());
    case Var::IfLastChange: return last_change();
    case Var::IfInOctets: return c32(octets(true));
    case Var::IfOutOctets: return c32(octets(false));
    case Var::IfInUcastPkts: return c32(octets(true) / 800);
    case Var::IfOutUcastPkts: return c32(octets(false) / 800);
    case Var::IfInDiscards: return c32(octets(true) / 5e8);
    case Var::IfOutDiscards: return c32(octets(false) / 5e8);
    case Var::IfInErrors: return c32(octets(true) / 1e9 * error_rate(d) * 1e4);
    case Var::IfOutErrors: return c32(octets(false) / 1e10);
    case Var::IfInUnknownProtos: return c32(0);
    case Var::IfName: return Value::Str(f->name);
    case Var::IfHCInOctets: return c64(octets(true));
    case Var::IfHCOutOctets: return c64(octets(false));
    case Var::IfHCInUcastPkts: return c64(octets(true) / 800);
    case Var::IfHCOutUcastPkts: return c64(octets(false) / 800);
    case Var::IfHighSpeed:
      return u(Type::Gauge32, f->speed_mbps == 0 ? 0 : static_cast<uint64_t>(std::clamp(std::round(f->speed_mbps * w.options().speed), 1.0, 4294967295.0)));
    case Var::IfAlias: return Value::Str(f->alias);
    case Var::UpsManufacturer: return Value::Str("linkwatch-sim");
    case Var::UpsModel: return Value::Str(d.power == "solar" ? "Solar charger + battery 48V" : "UPS 48V");
    case Var::UpsBatteryStatus: return Value::Int(s.battery <= 0 ? 4 : s.battery < 25 ? 3 : 2);
    case Var::UpsSecondsOnBattery:
      return Value::Int(w.on_battery(dev, t) && s.on_battery_since >= 0 ? static_cast<int64_t>(t - s.on_battery_since) : 0);
    case Var::UpsMinutesRemaining: return Value::Int(static_cast<int64_t>(s.battery / 100 * s.autonomy_h * 60));
    case Var::UpsChargeRemaining: return Value::Int(static_cast<int64_t>(s.battery));
    case Var::UpsBatteryVoltage: return Value::Int(static_cast<int64_t>(460 + s.battery * 0.9));
    case Var::UpsInputNumLines: return Value::Int(1);
    case Var::UpsInputVoltage: return Value::Int(w.on_battery(dev, t) ? 0 : 220 + static_cast<int64_t>(10 * unit(d.name, 91)));
    case Var::UpsOutputSource: return Value::Int(w.on_battery(dev, t) ? 5 : 3);
    case Var::RadioRxLevel: return Value::Int(std::lround(w.radio(dev, t).rx_dbm * 10));
    case Var::RadioSnr: return Value::Int(std::lround(w.radio(dev, t).snr_db * 10));
    case Var::RadioModulation: return Value::Int(w.radio(dev, t).modulation);
    case Var::RadioCapacity: return u(Type::Gauge32, static_cast<uint64_t>(45000 * bits_per_symbol(w.radio(dev, t).modulation)));
    case Var::RadioErroredSeconds: return c32(up * errored_second_rate(d));
    case Var::RadioSeverelyErroredSeconds: return c32(up * errored_second_rate(d) / 5);
    case Var::RadioRxLevelThreshold: return Value::Int(std::lround(rx_threshold(w.radio(dev, t).modulation) * 10));
    case Var::RadioSnrThreshold: return Value::Int(std::lround(snr_threshold(w.radio(dev, t).modulation) * 10));
    case Var::RadioPlannedModulation: return Value::Int(w.radio_plan(dev).modulation);
    case Var::RadioPlannedRxLevel: return Value::Int(std::lround(w.radio_plan(dev).rx_dbm * 10));
    case Var::RadioPlannedFadeMargin: return Value::Int(std::lround(w.radio_plan(dev).fade_margin_db * 10));
  }
  return Value::Exception(Type::NoSuchObject);
}

}  // namespace lw::sim
