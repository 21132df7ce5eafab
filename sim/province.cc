#include "sim/province.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "sim/hash.h"

namespace lw::sim {
namespace {

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : line) {
    if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

bool lowland(const std::string& terrain) {
  return terrain != "mountain" && terrain != "high-mountain";
}

// Communes with no live link yet (no grid power; the first ones of each list also have no
// road): the rollout plan. 23 in all, the last communes of these districts.
const std::map<std::string, int>& planned_per_district() {
  static const std::map<std::string, int> m = {
      {"ky-son", 8}, {"tuong-duong", 6}, {"que-phong", 5}, {"con-cuong", 2}, {"quy-chau", 2}};
  return m;
}

// BTS sites per commune by terrain: more in the lowlands. Sums to kTotalBts over live communes.
constexpr int kTotalBts = 2325;
double bts_weight(const std::string& terrain) {
  if (terrain == "urban") return 9;
  if (terrain == "coastal") return 6.5;
  if (terrain == "plain") return 6;
  if (terrain == "midland") return 5;
  if (terrain == "mountain") return 3.2;
  return 2;
}

std::string two_digits(int n) {
  return (n < 10 ? "0" : "") + std::to_string(n);
}

void place(Device& d, double lat, double lon, double spread) {
  d.latitude = std::round((lat + (unit(d.name, 11) * 2 - 1) * spread) * 10000) / 10000;
  d.longitude = std::round((lon + (unit(d.name, 12) * 2 - 1) * spread) * 10000) / 10000;
}

std::string site_power(const std::string& name, const std::string& terrain, bool bts) {
  double u = unit(name, 21);
  if (terrain == "high-mountain") return u < (bts ? 0.2 : 0.3) ? "solar" : u < 0.6 ? "battery" : "grid";
  if (terrain == "mountain") return u < 0.08 ? "solar" : u < 0.25 ? "battery" : "grid";
  return u < 0.08 ? "battery" : "grid";
}

// Busiest-hour traffic over speed that a planner accepts (the daily profile peaks at 1.6×
// the mean, see world.h): well under LinkSaturated's threshold.
constexpr double kPlannedPeak = 0.6;
constexpr double kBusiestHour = 1.6;

// The smallest standard Ethernet speed (at least `speed`) that carries `mean_bps` so.
uint32_t planned_speed(uint32_t speed, double mean_bps) {
  static const uint32_t kSteps[] = {100, 1000, 10000, 40000, 100000};
  const double need_mbps = mean_bps * kBusiestHour / kPlannedPeak / 1e6;
  if (speed >= need_mbps) return speed;
  for (uint32_t s : kSteps)
    if (s >= need_mbps && s >= speed) return s;
  return kSteps[4];
}

}  // namespace

std::string_view role_of(Kind k) {
  switch (k) {
    case Kind::Core: return "province_core";
    case Kind::WanLink: return "wan_link";
    case Kind::Gateway: return "district_gateway";
    case Kind::CommuneSite: return "commune_site";
    case Kind::BtsRadio: return "bts_backhaul";
    case Kind::Recorded: return "recorded";
  }
  return "other";
}

Result<std::vector<District>> read_districts(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{"io", "cannot open district table " + path};
  std::vector<District> out;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (lineno == 1 || line.empty() || line[0] == '#') continue;
    auto f = split_csv(line);
    if (f.size() < 7) return Error{"parse", path + ":" + std::to_string(lineno) + ": expected 8 fields"};
    District d;
    d.number = static_cast<int>(out.size()) + 1;
    d.slug = f[0];
    d.name = f[1];
    d.kind = f[2];
    d.terrain = f[3];
    try {
      d.latitude = std::stod(f[4]);
      d.longitude = std::stod(f[5]);
      d.communes = std::stoi(f[6]);
    } catch (const std::exception&) {
      return Error{"parse", path + ":" + std::to_string(lineno) + ": bad number"};
    }
    if (f.size() > 7) d.notes = f[7];
    if (d.communes < 1 || d.communes > 200)
      return Error{"parse", path + ":" + std::to_string(lineno) + ": communes out of range"};
    out.push_back(std::move(d));
  }
  if (out.empty() || out.size() > 90) return Error{"parse", path + ": no districts or too many"};
  return out;
}

int Province::find(const std::string& name) const {
  for (size_t i = 0; i < devices.size(); ++i)
    if (devices[i].name == name) return static_cast<int>(i);
  return -1;
}

uint32_t core_address() { return (127u << 24) | 10u; }
uint32_t gateway_address(int n) { return (127u << 24) | (static_cast<uint32_t>(n) << 16) | 1u; }
uint32_t wan_address(int n) { return (127u << 24) | (static_cast<uint32_t>(n) << 16) | 2u; }
uint32_t vsat_address(int n) { return (127u << 24) | (static_cast<uint32_t>(n) << 16) | 3u; }
uint32_t commune_address(int n, int c) {
  return (127u << 24) | (static_cast<uint32_t>(n) << 16) | (static_cast<uint32_t>(c) << 8) | 1u;
}
uint32_t bts_address(int n, int c, int k) {
  return (127u << 24) | (static_cast<uint32_t>(n) << 16) | (static_cast<uint32_t>(c) << 8) |
         static_cast<uint32_t>(10 + k);
}
std::string ip_string(uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
         std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
}

Province build_province(const std::vector<District>& districts, const std::vector<std::string>& dual_homed) {
  Province p;
  p.districts = districts;
  auto& devs = p.devices;

  // How many BTS each live commune gets: largest remainder over terrain weights, at least 1.
  struct CommuneSlot { int district; int commune; double weight; int bts = 1; };
  std::vector<CommuneSlot> slots;
  for (size_t di = 0; di < districts.size(); ++di) {
    const auto& d = districts[di];
    int planned = planned_per_district().count(d.slug) ? planned_per_district().at(d.slug) : 0;
    for (int c = 1; c <= d.communes - planned; ++c) {
      double w = bts_weight(d.terrain) * (0.6 + 0.8 * unit(d.slug + two_digits(c), 31));
      slots.push_back({static_cast<int>(di), c, w});
    }
  }
  {
    double total_w = 0;
    for (auto& s : slots) total_w += s.weight;
    int rest = kTotalBts - static_cast<int>(slots.size());
    std::vector<std::pair<double, size_t>> rema;
    int given = 0;
    for (size_t i = 0; i < slots.size(); ++i) {
      double share = rest * slots[i].weight / total_w;
      int whole = static_cast<int>(share);
      slots[i].bts += whole;
      given += whole;
      rema.push_back({share - whole, i});
    }
    std::sort(rema.begin(), rema.end(), [](auto& a, auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
    for (int i = 0; i < rest - given && i < static_cast<int>(rema.size()); ++i) slots[rema[static_cast<size_t>(i)].second].bts++;
  }
  std::map<std::pair<int, int>, int> bts_of;
  for (auto& s : slots) bts_of[{s.district, s.commune}] = s.bts;

  const District* vinh = districts.empty() ? nullptr : &districts[0];
  Device core;
  core.name = "vinh-core";
  core.kind = Kind::Core;
  core.address = core_address();
  core.district = 0;
  core.commune = vinh ? vinh->slug + "-01" : "";
  core.terrain = vinh ? vinh->terrain : "urban";
  core.uplink = "fibre";
  core.power = "generator";
  core.latitude = vinh ? vinh->latitude : 0;
  core.longitude = vinh ? vinh->longitude : 0;
  core.ifaces.push_back({"lo", "loopback", "Software Loopback Interface 1", 0, 24, 0, -1, false, false});
  core.ifaces.push_back({"lan0", "DC LAN Vinh", "TenGigabitEthernet0/0/0", 10000, 6, 0.05, -1, false, false});
  devs.push_back(core);

  for (size_t di = 0; di < districts.size(); ++di) {
    const auto& d = districts[di];
    const int n = d.number;
    const bool low = lowland(d.terrain);
    const int planned = planned_per_district().count(d.slug) ? planned_per_district().at(d.slug) : 0;

    Device wan;
    wan.name = d.slug + "-wan";
    wan.kind = Kind::WanLink;
    wan.address = wan_address(n);
    wan.district = static_cast<int>(di);
    wan.commune = d.slug + "-01";
    wan.terrain = d.terrain;
    wan.uplink = low ? "fibre" : "microwave";
    wan.power = low ? "grid" : "battery";
    wan.parent = 0;
    place(wan, d.latitude, d.longitude, 0.01);
    const uint32_t wan_speed = low ? 10000 : 1000;
    wan.ifaces.push_back({"wan0", "WAN " + d.name, low ? "TenGigabitEthernet1/0/1" : "Microwave ODU 1", wan_speed, 6, 1.0, -1, true, !low});
    const int wan_idx = static_cast<int>(devs.size());
    devs.push_back(wan);
    devs[0].ifaces.push_back({"wan-" + d.slug, "WAN " + d.name, "TenGigabitEthernet0/1/" + std::to_string(n), wan_speed, 6, 0, wan_idx, false, false});

    // A second WAN link over VSAT, before the gateway so that parents stay before children.
    int vsat_idx = -1;
    if (std::find(dual_homed.begin(), dual_homed.end(), d.slug) != dual_homed.end()) {
      Device vsat = wan;
      vsat.name = d.slug + "-vsat";
      vsat.address = vsat_address(n);
      vsat.uplink = "vsat";
      vsat.power = "battery";
      vsat.ifaces = {{"wan0", "VSAT " + d.name, "VSAT modem 1", 50, 6, 1.0, -1, true, false}};
      place(vsat, d.latitude, d.longitude, 0.012);
      vsat_idx = static_cast<int>(devs.size());
      devs.push_back(vsat);
      devs[0].ifaces.push_back({"wan-" + d.slug + "-vsat", "VSAT " + d.name, "GigabitEthernet0/2/" + std::to_string(n), 50, 6, 0, vsat_idx, false, false});
    }

    Device gw;
    gw.name = d.slug + "-gw";
    gw.kind = Kind::Gateway;
    gw.address = gateway_address(n);
    gw.district = static_cast<int>(di);
    gw.commune = d.slug + "-01";
    gw.terrain = d.terrain;
    gw.uplink = wan.uplink;
    gw.power = wan.power;
    gw.parent = wan_idx;
    if (vsat_idx >= 0) gw.more_parents = {vsat_idx};
    place(gw, d.latitude, d.longitude, 0.005);
    gw.ifaces.push_back({"wan0", "WAN " + d.name, "GigabitEthernet0/0", wan_speed, 6, 1.0, -1, true, false});
    gw.ifaces.push_back({"lan0", "LAN " + d.name + " office", "GigabitEthernet0/1", 1000, 6, 0.05, -1, false, false});
    const int gw_idx = static_cast<int>(devs.size());
    devs.push_back(gw);
    devs[static_cast<size_t>(wan_idx)].ifaces.push_back({"lan0", "to " + d.slug + "-gw", "GigabitEthernet0/2", 1000, 6, 0, gw_idx, false, false});
    if (vsat_idx >= 0)
      devs[static_cast<size_t>(vsat_idx)].ifaces.push_back({"lan0", "to " + d.slug + "-gw", "Ethernet1", 1000, 6, 0, gw_idx, false, false});

    for (int c = 1; c <= d.communes; ++c) {
      Device site;
      site.name = d.slug + "-" + two_digits(c);
      site.kind = Kind::CommuneSite;
      site.address = commune_address(n, c);
      site.district = static_cast<int>(di);
      site.commune = site.name;
      site.terrain = d.terrain;
      site.parent = gw_idx;
      place(site, d.latitude, d.longitude, low ? 0.08 : 0.2);
      site.live = c <= d.communes - planned;
      if (!site.live) {
        site.uplink = "none";
        site.power = "none";
        devs.push_back(site);
        continue;
      }
      // The -03 sites carry enough traffic to wrap their 32-bit counters: never on VSAT.
      site.uplink = low ? "fibre" : (d.terrain == "high-mountain" && c != 3 && unit(site.name, 41) < 0.3 ? "vsat" : "microwave");
      site.power = site_power(site.name, d.terrain, false);
      site.no_ifx = (c == 3);  // documented subset: every <district>-03 has 32-bit counters only
      const uint32_t up_speed = site.uplink == "fibre" ? 1000 : site.uplink == "vsat" ? 50 : 300;
      site.ifaces.push_back({"uplink0", "UPLINK " + d.slug + "-gw", "GigabitEthernet0/0", up_speed, 6, 1.0, -1, true, false});
      site.ifaces.push_back({"lan0", "LAN " + site.name + " commune office", "GigabitEthernet0/1", 100, 6, 0.1, -1, false, false});
      const int site_idx = static_cast<int>(devs.size());
      devs.push_back(site);
      devs[static_cast<size_t>(gw_idx)].ifaces.push_back({"ge0/" + std::to_string(c), "Commune " + site.name, "GigabitEthernet1/" + std::to_string(c), up_speed, 6, 0, site_idx, false, false});

      const int nbts = bts_of[{static_cast<int>(di), c}];
      for (int k = 1; k <= nbts; ++k) {
        Device bts;
        bts.name = site.name + "-bts-" + std::to_string(k);
        bts.kind = Kind::BtsRadio;
        bts.address = bts_address(n, c, k);
        bts.district = static_cast<int>(di);
        bts.commune = site.name;
        bts.terrain = d.terrain;
        bts.uplink = "microwave";
        bts.power = site_power(bts.name, d.terrain, true);
        bts.parent = site_idx;
        place(bts, devs[static_cast<size_t>(site_idx)].latitude, devs[static_cast<size_t>(site_idx)].longitude, low ? 0.03 : 0.06);
        bts.traffic_bps = (low ? 20e6 : 8e6) * (0.5 + unit(bts.name, 51));
        bts.ifaces.push_back({"radio0", "BH-" + bts.name, "Microwave radio 1", 500, 6, 1.0, -1, true, true});
        bts.ifaces.push_back({"eth0", "BTS " + bts.name + " baseband", "GigabitEthernet0/1", 1000, 6, 1.0, -1, false, false});
        const int bts_idx = static_cast<int>(devs.size());
        devs.push_back(bts);
        devs[static_cast<size_t>(site_idx)].ifaces.push_back({"bts" + std::to_string(k), "BTS " + bts.name, "GigabitEthernet2/" + std::to_string(k), 1000, 6, 0, bts_idx, false, false});
      }
    }
  }

  // Traffic sums up the tree (children come after parents, so walk backwards).
  for (size_t i = devs.size(); i-- > 0;) {
    auto& d = devs[i];
    if (d.kind == Kind::BtsRadio || !d.live) continue;
    double sum = 0;
    for (auto& f : d.ifaces)
      if (f.child >= 0) sum += devs[static_cast<size_t>(f.child)].traffic_bps;
    double lan = d.kind == Kind::Core ? 50e6 : 5e6 * (0.5 + unit(d.name, 52));
    d.traffic_bps = sum + lan;
    // Busy enough that Counter32 wraps every 15 minutes or so at 1×, every few seconds at 300×.
    if (d.no_ifx) d.traffic_bps = std::max(d.traffic_bps, 40e6);
    for (auto& f : d.ifaces) {
      if (f.child >= 0) f.traffic_share = devs[static_cast<size_t>(f.child)].traffic_bps / d.traffic_bps;
      else if (!f.uplink && f.type != 24) f.traffic_share = lan / d.traffic_bps;
    }
    // Links are planned for their traffic: the busiest hour stays under kPlannedPeak of the
    // speed, and the parent's port towards a child runs at the child's uplink speed.
    for (auto& f : d.ifaces) {
      if (f.type == 24) continue;
      if (f.child >= 0) {
        for (const auto& cf : devs[static_cast<size_t>(f.child)].ifaces)
          if (cf.uplink) f.speed_mbps = std::max(f.speed_mbps, cf.speed_mbps);
      }
      f.speed_mbps = planned_speed(f.speed_mbps, d.traffic_bps * f.traffic_share);
    }
  }
  for (auto& d : devs) d.has_ups = d.live && (d.power == "battery" || d.power == "solar");
  return p;
}

Province build_scale(int n) {
  Province p;
  for (int i = 0; i < n; ++i) {
    Device d;
    uint32_t a = static_cast<uint32_t>(i);
    d.address = (127u << 24) | ((100u + a / 62500u) << 16) | (((a / 250u) % 250u + 1u) << 8) | (a % 250u + 1u);
    d.live = true;
    d.terrain = "plain";
    d.uplink = "fibre";
    d.power = "grid";
    d.parent = -1;
    if (i == 0) {
      d.name = "scale-core";
      d.kind = Kind::Core;
      d.ifaces.push_back({"lo", "loopback", "Software Loopback Interface 1", 0, 24, 0, -1, false, false});
      for (int k = 1; k <= 24; ++k)
        d.ifaces.push_back({"wan-" + std::to_string(k), "WAN " + std::to_string(k), "TenGigabitEthernet0/1/" + std::to_string(k), 10000, 6, 1.0 / 24, -1, false, false});
      d.traffic_bps = 2e9;
    } else if (i % 10 == 1) {
      d.name = "scale-gw-" + std::to_string(i);
      d.kind = Kind::Gateway;
      d.ifaces.push_back({"wan0", "WAN scale", "GigabitEthernet0/0", 1000, 6, 1.0, -1, true, false});
      d.ifaces.push_back({"lan0", "LAN scale", "GigabitEthernet0/1", 1000, 6, 0.1, -1, false, false});
      for (int k = 1; k <= 8; ++k)
        d.ifaces.push_back({"ge0/" + std::to_string(k), "Commune " + std::to_string(k), "GigabitEthernet1/" + std::to_string(k), 1000, 6, 0.1, -1, false, false});
      d.traffic_bps = 300e6;
    } else {
      d.name = "scale-bts-" + std::to_string(i);
      d.kind = Kind::BtsRadio;
      d.ifaces.push_back({"radio0", "BH-scale-bts-" + std::to_string(i), "Microwave radio 1", 500, 6, 1.0, -1, true, true});
      d.ifaces.push_back({"eth0", "BTS baseband", "GigabitEthernet0/1", 1000, 6, 1.0, -1, false, false});
      d.traffic_bps = 20e6;
    }
    d.latitude = 18.68;
    d.longitude = 105.68;
    p.devices.push_back(std::move(d));
  }
  return p;
}

}  // namespace lw::sim
