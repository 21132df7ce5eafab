#include "sim/config_writer.h"

#include "sim/admin_map.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace lw::sim {
namespace {

std::string q(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    o += c;
  }
  return o + "\"";
}

std::string coord(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.4f", v);
  return b;
}

// The series budget, per role (bench/README.md, "The province's series budget"). The raw
// IF-MIB series (if_mib, ~20 per interface) are kept only on the backbone, where there are
// few devices and each port matters on its own: the core and the WAN terminals. Everywhere
// else the tables are walked for link health only (if_links): the links of interest carry
// what matters of them in linkwatch_link_*. The thousands of BTS radios and hundreds of
// commune sites use slim modules with what the shipped rules and dashboards read: the radio's
// figures (bts_radio) and the UPS's battery and source (ups_slim). They serve no sysUpTime:
// linkwatchd reads it on every poll anyway and counts reboots in
// linkwatch_counter_discontinuities_total, which DeviceRebooted reads (2,800 series saved).
// A site that needs more: give it system_uptime, system, if_mib, radio or ups_mib.
//
// The synthetic --scale set keeps the module mix it had before the slim modules (if_links on
// BTS radios and commune sites, the full modules elsewhere), so poller benchmarks stay
// comparable across versions.
const char* interface_module(Kind k, bool province) {
  switch (k) {
    case Kind::Core:
    case Kind::WanLink: return "if_mib";
    case Kind::Gateway: return province ? "if_links" : "if_mib";
    default: return "if_links";
  }
}

std::string modules_of(const Device& d, bool province) {
  const bool many = province && (d.kind == Kind::BtsRadio || d.kind == Kind::CommuneSite);
  bool radio = false;
  for (auto& f : d.ifaces) radio = radio || f.radio;
  std::string m = "[";
  if (many) m += radio ? "bts_radio, " : "";
  else m += radio ? "system, radio, " : "system, ";
  m += interface_module(d.kind, province);
  if (d.has_ups) m += many ? ", ups_slim" : ", ups_mib";
  return m + "]";
}

// The device at the far end of an interface, for `peer:`: the child behind a downlink port,
// or the parent for the uplink. Empty if none.
std::string peer_of(const Province& p, const Device& d, const std::string& if_name) {
  for (const auto& f : d.ifaces) {
    if (f.name != if_name) continue;
    if (f.child >= 0) return p.devices[static_cast<size_t>(f.child)].name;
    if (f.uplink && d.parent >= 0) return p.devices[static_cast<size_t>(d.parent)].name;
  }
  return "";
}

// `{if_name: NAME, role: ROLE, peer: FAR-END}`: the WAN chain (core port, WAN terminal,
// gateway) names its far end, so both ends of a district's WAN link are one incident.
std::string named_link(const Province& p, const Device& d, const std::string& if_name, const std::string& role) {
  std::string peer = peer_of(p, d, if_name);
  return "{if_name: " + if_name + ", role: " + role + (peer.empty() ? "" : ", peer: " + peer) + "}";
}

// The links of interest. Each hop below the district gateway is watched at one end only,
// its lower one: the commune site's uplink (not the gateway's port towards it), the BTS
// radio's backhaul (not the commune site's port towards the BTS). The LANs of commune sites
// and BTS radios are no links of interest: no rule or panel reads them, and a site whose
// LAN fails still answers on its uplink. The WAN chain (core port, WAN terminal, gateway) is
// watched at both ends, each naming the other (`peer:`), so the backbone's both views are
// one incident. Any other port can still be listed in a site's `links:`.
void links_of(std::ostringstream& o, const Province& p, const Device& d) {
  std::vector<std::string> l;
  // The hop's other end, named so alerts on it carry both ends (peer, peer_district).
  const std::string parent = d.parent >= 0 ? ", peer: " + p.devices[static_cast<size_t>(d.parent)].name : "";
  switch (d.kind) {
    case Kind::Core:
      for (const auto& f : d.ifaces)
        if (f.name.rfind("wan-", 0) == 0) l.push_back(named_link(p, d, f.name, "wan"));
      l.push_back("{if_name: lan0, role: lan}");
      break;
    case Kind::WanLink:
      l = {named_link(p, d, "wan0", "wan"), named_link(p, d, "lan0", "lan")};
      break;
    case Kind::Gateway:
      l = {named_link(p, d, "wan0", "wan"), "{if_name: lan0, role: lan}"};
      break;
    case Kind::CommuneSite:
      // Sites without an ifXTable have no ifName: match them by index.
      l = {std::string(d.no_ifx ? "{if_index: 1" : "{if_name: uplink0") + ", role: uplink" + parent + "}"};
      break;
    case Kind::BtsRadio:
      l = {"{if_alias: \"/^BH-.*/\", role: backhaul" + parent + "}"};
      break;
    case Kind::Recorded:
      break;
  }
  if (l.empty()) return;
  o << "    links:\n";
  for (auto& x : l) o << "      - " << x << "\n";
}

// The district (index) and commune number of a commune id such as "ky-son-07"; {-1, 0} if none.
std::pair<int, int> commune_of(const Province& p, const std::string& id) {
  const auto dash = id.rfind('-');
  if (dash == std::string::npos) return {-1, 0};
  const std::string slug = id.substr(0, dash), number = id.substr(dash + 1);
  if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos || number.size() > 4) return {-1, 0};
  for (size_t i = 0; i < p.districts.size(); ++i)
    if (p.districts[i].slug == slug) return {static_cast<int>(i), std::stoi(number)};
  return {-1, 0};
}

// `admin:` with the site's unit in both versions of the map (sim/admin_map.h).
void admin_of(std::ostringstream& o, const Province& p, const Device& d) {
  const auto [district, commune] = commune_of(p, d.commune);
  if (district < 0) return;
  const AdminMap map(p.districts);
  const AdminPlace a = map.in_2011(district, commune), b = map.in_2025(district, commune);
  o << "      admin:\n";
  o << "        \"2011\": {unit: " << q(a.unit) << ", kind: " << a.kind << ", parent: " << q(a.parent) << "}\n";
  o << "        \"2025\": {unit: " << q(b.unit) << ", kind: " << b.kind << "}\n";
}

void target(std::ostringstream& o, const Province& p, const Device& d, int port) {
  const bool scale = p.districts.empty();
  const std::string district = d.district >= 0 && !scale ? p.districts[static_cast<size_t>(d.district)].name : "";
  const std::string slug = d.district >= 0 && !scale ? p.districts[static_cast<size_t>(d.district)].slug : "";
  const std::string role(role_of(d.kind));
  o << "  - name: " << d.name << "\n";
  o << "    address: " << ip_string(d.address) << ":" << port << "\n";
  // The core and the gateways poll over v3 (authPriv), so v3 is exercised at scale.
  o << "    auth: " << (d.kind == Kind::Core || d.kind == Kind::Gateway ? "province_v3" : "province_v2") << "\n";
  o << "    modules: " << modules_of(d, !scale) << "\n";
  if (scale) {
    o << "    labels: {role: " << role << "}\n";
    return;
  }
  o << "    labels: {district: " << q(district) << ", role: " << role << "}\n";
  if (d.parent >= 0 && !d.more_parents.empty()) {
    o << "    parents: [" << p.devices[static_cast<size_t>(d.parent)].name;
    for (int m : d.more_parents) o << ", " << p.devices[static_cast<size_t>(m)].name;
    o << "]\n";
  } else if (d.parent >= 0) {
    o << "    parent: " << p.devices[static_cast<size_t>(d.parent)].name << "\n";
  }
  o << "    site:\n";
  o << "      district: " << q(district) << "\n";
  o << "      district_slug: " << slug << "\n";
  o << "      commune: " << d.commune << "\n";
  o << "      role: " << role << "\n";
  o << "      terrain: " << d.terrain << "\n";
  o << "      latitude: " << coord(d.latitude) << "\n";
  o << "      longitude: " << coord(d.longitude) << "\n";
  o << "      uplink: " << d.uplink << "\n";
  o << "      power: " << d.power << "\n";
  o << "      lifecycle: " << (d.live ? "live" : "planned") << "\n";
  admin_of(o, p, d);
  if (d.live) links_of(o, p, d);
}

const char* kAuths =
    "auths:\n"
    "  province_v2:\n"
    "    version: 2c\n"
    "    community: public\n"
    "  # Inline secrets are fine here: these are the simulator's well-known test credentials.\n"
    "  # For real devices use auth_password_file / auth_password_env instead.\n"
    "  province_v3:\n"
    "    version: 3\n"
    "    username: linkwatch\n"
    "    security_level: authPriv\n"
    "    auth_protocol: SHA-256\n"
    "    auth_password: linkwatch-auth\n"
    "    priv_protocol: AES\n"
    "    priv_password: linkwatch-priv\n";

Status write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Error{"io", "cannot write " + path.string()};
  out << text;
  out.close();
  if (!out) return Error{"io", "cannot write " + path.string()};
  return std::nullopt;
}

}  // namespace

std::string district_inventory(const Province& p, int district, int port) {
  std::ostringstream o;
  const auto& d = p.districts[static_cast<size_t>(district)];
  o << "# " << d.name << " (" << d.slug << "): generated by `linkwatch-sim --write-province-config`\n"
    << "# from config/nghe-an/districts.csv. Do not edit; change the table or the generator.\n"
    << "targets:\n";
  for (const auto& dev : p.devices)
    if (dev.district == district) target(o, p, dev, port);
  return o.str();
}

std::string province_main_config() {
  std::ostringstream o;
  o << "# linkwatchd configuration for the simulated Nghệ An province (linkwatch-sim).\n"
    << "# Generated by `linkwatch-sim --write-province-config config/nghe-an`; do not edit.\n"
    << "global:\n"
    << "  interval: 60s\n"
    << "  timeout: 3s\n"
    << "  retries: 1\n"
    << "  max_repetitions: 25\n"
    << "  listen_address: 127.0.0.1:9730\n"
    << "include:\n"
    << "  - ../modules/\n"
    << "  - inventory/\n"
    << kAuths
    // Last, so that tools taking this file from `auths:` on keep it.
    << "# The administrative map's versions; each site's `admin:` places it in both. The unit\n"
    << "# names are placeholders (README.md here): replace them from the province's register.\n"
    << "admin_versions:\n"
    << "  - {name: \"2011\", effective_from: 2011-01-01}  # 20 districts, 480 communes and wards\n"
    << "  - {name: \"2025\", effective_from: 2025-07-01}  # 130 units: 119 communes, 11 wards\n";
  return o.str();
}

std::string province_readme() {
  std::ostringstream o;
  o << "# The simulated Nghệ An province\n\n"
    << "Generated by `linkwatch-sim --write-province-config config/nghe-an` from `districts.csv`\n"
    << "(sim/config_writer.cc, sim/admin_map.cc); do not edit, change the table or the generator.\n\n"
    << "- `linkwatch.yml`: global settings, auths, the administrative map's versions, includes.\n"
    << "- `inventory/<district>.yml`: each district's devices with their sites.\n\n"
    << "## Administrative units: the names are placeholders\n\n"
    << "Every site is placed in two versions of the map (`admin_versions`, each site's\n"
    << "`site: admin:`): **2011** (20 districts and their " << "480 communes, wards and townships, as\n"
    << "the district table counts them) and **2025** (after the reform of 1 July 2025: no district\n"
    << "level, " << kUnits2025 << " units, " << kUnits2025 - kWards2025 << " communes and " << kWards2025 << " wards).\n\n"
    << "**The unit names and the grouping of communes into the 2025 units are generated, not\n"
    << "official.** The repo has no official list: the 2011 units are named by their commune ids\n"
    << "(`ky-son-07`), and each district's communes are split in order into 2025 units named like\n"
    << "`Xã Kỳ Sơn 3` or `Phường Vinh 1`. Only the counts are real. Replace the names and the\n"
    << "grouping with the province's register (Nghị quyết of the National Assembly Standing\n"
    << "Committee on Nghệ An's units) before using the reports by administrative unit.\n";
  return o.str();
}

Status write_province_config(const std::string& dir, const Province& p, int port) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "inventory", ec);
  if (ec) return Error{"io", "cannot create " + dir + "/inventory: " + ec.message()};
  if (auto e = write_file(fs::path(dir) / "linkwatch.yml", province_main_config())) return e;
  if (auto e = write_file(fs::path(dir) / "README.md", province_readme())) return e;
  for (size_t i = 0; i < p.districts.size(); ++i) {
    auto path = fs::path(dir) / "inventory" / (p.districts[i].slug + ".yml");
    if (auto e = write_file(path, district_inventory(p, static_cast<int>(i), port))) return e;
  }
  return std::nullopt;
}

Status write_flat_config(const std::string& file, const Province& p, int port,
                         const std::string& modules_dir) {
  std::ostringstream o;
  o << "# Generated by linkwatch-sim --write-config: polls every device it serves.\n"
    << "global:\n  interval: 60s\n  timeout: 3s\n  retries: 1\n"
    << "include:\n  - " << q(modules_dir) << "\n"
    << kAuths << "targets:\n";
  for (const auto& d : p.devices)
    if (d.live) target(o, p, d, port);
  return write_file(file, o.str());
}

}  // namespace lw::sim
