#pragma once
// The simulated province: districts read from the district table, and the tree of devices
// (core, WAN links, gateways, commune sites, BTS radios) built from it.
//
// The layout (names, addresses, sites, which devices lack an ifXTable) depends only on the
// district table, never on --seed, so the committed config and any run agree. The seed only
// drives the dynamics (see dynamics.h).
//
// Thread safety: plain values, immutable once built.

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace lw::sim {

struct District {
  int number = 0;  // 1-based row of districts.csv; the second octet of its addresses
  std::string slug, name, kind, terrain, notes;
  double latitude = 0, longitude = 0;
  int communes = 0;
};

// Reads districts.csv (header + one row per district). Errors carry file:line.
Result<std::vector<District>> read_districts(const std::string& path);

enum class Kind : uint8_t { Core, WanLink, Gateway, CommuneSite, BtsRadio, Recorded };
std::string_view role_of(Kind k);  // province_core, wan_link, district_gateway, ...

// One interface of a device. ifIndex is position + 1.
struct Iface {
  std::string name, alias, descr;
  uint32_t speed_mbps = 1000;
  int type = 6;              // ethernetCsmacd(6); 1 other; 24 softwareLoopback
  double traffic_share = 0;  // share of the device's traffic through this interface
  int child = -1;            // device behind this interface (downlink), -1 none
  bool uplink = false;       // the interface toward the parent
  bool radio = false;        // has a row in the radio table
};

struct Device {
  std::string name;
  Kind kind = Kind::Core;
  uint32_t address = 0;      // IPv4, host byte order (127.x.y.z)
  int district = -1;         // index into Province::districts, -1 for the core
  std::string commune;       // commune id, e.g. ky-son-07 (the gateway: its district's first)
  std::string terrain, uplink, power;  // as in the inventory
  bool live = true;          // lifecycle: live (served) or planned (not served)
  double latitude = 0, longitude = 0;
  int parent = -1;           // index into Province::devices, -1 for the root
  std::vector<int> more_parents;  // dual homing: parents beyond `parent` (a second WAN link)
  bool no_ifx = false;       // 32-bit counters only (no ifXTable)
  bool has_ups = false;      // UPS-MIB (power battery or solar)
  std::vector<Iface> ifaces;
  double traffic_bps = 0;    // mean bits/s through the busiest interface
  std::string recording;     // Kind::Recorded: the file it is served from
};

struct Province {
  std::vector<District> districts;
  std::vector<Device> devices;  // parents before children
  int find(const std::string& name) const;  // -1 if absent
};

// The province's address plan (see README.md).
uint32_t core_address();
uint32_t gateway_address(int district_number);
uint32_t wan_address(int district_number);
uint32_t vsat_address(int district_number);  // the second WAN link of a dual-homed district
uint32_t commune_address(int district_number, int commune);
uint32_t bts_address(int district_number, int commune, int k);
std::string ip_string(uint32_t address);

// The whole province from its district table. The districts named in `dual_homed` (slugs)
// get a second WAN link, `<slug>-vsat` (VSAT, from the core), and their gateway has both
// links as parents: it answers while either does (linkwatch-sim --dual-homed SLUG).
Province build_province(const std::vector<District>& districts, const std::vector<std::string>& dual_homed = {});

// N synthetic devices for the benchmark: one core, gateways and BTS radios, addressed
// 127.200.0.1 upwards, all live, flat (no dynamics that silence them).
Province build_scale(int n);

}  // namespace lw::sim
