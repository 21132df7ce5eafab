#pragma once
// Link health: what linkwatch remembers about a target's interfaces between polls.
//
// A LinkTracker is fed one poll's IF-MIB rows (by numeric OID, whatever module walked them)
// and the target's sysUpTime, and returns the linkwatch_link_* families. It tells a reboot
// from a counter wrap: sysUpTime going backwards, or an uptime shorter than the time since
// the last poll, is a reboot (a discontinuity, counted), never a wrap. Octet counters are
// kept as our own 64-bit totals: from ifHC*Octets, or from the 32-bit ifIn/OutOctets
// extended across wraps; after a reboot the total grows by what the device counted since it
// booted, so rates never go negative or jump by 2^32. Flaps are oper-status changes: a change
// seen between two polls counts 1, and ifLastChange moving while the status looks the same
// counts 2 (a round trip the polls did not see). Each link's series are labelled ifIndex,
// ifName and ifAlias (device strings, cleaned like every other: valid UTF-8), link_role, and
// peer / peer_district when its rule names the target at the far end.
//
// Thread safety: none; one tracker per target, used by the poller thread only.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "collectors/sample.h"
#include "common/regex.h"
#include "config/config.h"
#include "snmp/types.h"

namespace lw::state {

struct LinkObservation {
  double now_unix = 0;                    // when the poll started
  std::optional<uint32_t> sys_uptime;     // sysUpTime.0 in ticks, if read
  std::vector<const snmp::VarBinds*> rows;  // everything walked in this poll
};

class LinkTracker {
 public:
  // Returns the link families for this poll, labelled with `target_labels` first.
  collect::Families update(const LinkObservation& obs, const std::vector<config::LinkRule>& rules,
                           const collect::Labels& target_labels);

  // A trap said a link went down or up: count it now so a flap shorter than the interval
  // is seen even if ifLastChange is not read. `if_index` 0 if unknown.
  void note_trap_transition(uint32_t if_index);

  uint64_t discontinuities() const { return discontinuities_; }

 private:
  struct Iface {
    std::optional<int64_t> oper, admin;
    std::optional<uint32_t> last_change;  // ticks
    double last_change_unix = 0;
    uint64_t flaps = 0;
    uint64_t pending_trap_flaps = 0;
    std::optional<uint64_t> raw_in, raw_out;  // last raw reading
    bool raw_is_hc = false;
    uint64_t total_in = 0, total_out = 0;
    uint64_t in_errors = 0, out_errors = 0;
  };

  bool matches(const config::LinkRule& rule, uint32_t if_index, const std::string& name,
               const std::string& alias, const std::string& descr);

  std::map<uint32_t, Iface> ifaces_;
  std::optional<uint32_t> last_uptime_;
  double last_poll_unix_ = 0;
  uint64_t discontinuities_ = 0;
  // Compiled /regex/ patterns (RE2: linear time on device data), shared with every other
  // tracker using the same pattern (shared_regex.h); null if it did not compile.
  std::map<std::string, std::shared_ptr<const Regex>> regex_cache_;
};

}  // namespace lw::state
