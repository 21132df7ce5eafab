#include "daemon/state/links.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "collectors/convert.h"
#include "daemon/state/shared_regex.h"

namespace lw::state {
namespace {

// IF-MIB columns, by number (Debian ships no MIB files).
constexpr std::array<uint32_t, 10> kIfEntry{1, 3, 6, 1, 2, 1, 2, 2, 1, 0};
constexpr std::array<uint32_t, 11> kIfXEntry{1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 0};
enum IfCol : uint32_t {
  kIfDescr = 2, kIfType = 3, kIfSpeed = 5, kIfAdminStatus = 7, kIfOperStatus = 8,
  kIfLastChange = 9, kIfInOctets = 10, kIfInErrors = 14, kIfOutOctets = 16, kIfOutErrors = 20,
};
enum IfXCol : uint32_t { kIfName = 1, kIfHCInOctets = 6, kIfHCOutOctets = 10, kIfHighSpeed = 15, kIfAlias = 18 };
constexpr int64_t kSoftwareLoopback = 24;
constexpr double kTwo32 = 4294967296.0;

// One interface's columns in this poll, by column number (the last varbind read wins). The
// columns read here are below 23 (ifEntry) and 20 (ifXEntry); others only make the row exist.
struct Row {
  uint32_t if_index = 0;
  std::array<const snmp::Value*, 23> if_cols{};
  std::array<const snmp::Value*, 20> ifx_cols{};
};

template <size_t N>
bool under(const snmp::Oid& oid, const std::array<uint32_t, N>& entry) {
  // entry holds the entry OID followed by a 0 placeholder for the column.
  if (oid.size() != N + 1) return false;
  for (size_t i = 0; i + 1 < N; ++i)
    if (oid[i] != entry[i]) return false;
  return true;
}

const snmp::Value* column(const Row& r, bool x, uint32_t col) {
  if (x) return col < r.ifx_cols.size() ? r.ifx_cols[col] : nullptr;
  return col < r.if_cols.size() ? r.if_cols[col] : nullptr;
}

std::optional<uint64_t> number(const Row& r, bool x, uint32_t col) {
  const snmp::Value* found = column(r, x, col);
  if (!found) return std::nullopt;
  const snmp::Value& v = *found;
  switch (v.type) {
    case snmp::Type::Integer: return v.integer < 0 ? std::nullopt : std::optional<uint64_t>(static_cast<uint64_t>(v.integer));
    case snmp::Type::Counter32:
    case snmp::Type::Gauge32:
    case snmp::Type::TimeTicks:
    case snmp::Type::Counter64: return v.unsigned_;
    default: return std::nullopt;
  }
}

// An interface's name, alias or description as label text: device data, so it gets the same
// cleaning as every other device string (valid UTF-8 kept, stray bytes U+FFFD, binary as hex).
std::string text(const Row& r, bool x, uint32_t col) {
  const snmp::Value* v = column(r, x, col);
  if (!v || v->type != snmp::Type::OctetString) return {};
  return collect::to_label(*v, config::MetricType::String);
}

// The row of `if_index` in `rows` (kept in ifIndex order), made if new. A walk reads column
// by column, each in ifIndex order, so a new row is nearly always the last.
Row& row_of(std::vector<Row>& rows, uint32_t if_index) {
  if (!rows.empty() && rows.back().if_index == if_index) return rows.back();
  auto it = std::lower_bound(rows.begin(), rows.end(), if_index,
                             [](const Row& r, uint32_t i) { return r.if_index < i; });
  if (it == rows.end() || it->if_index != if_index) {
    it = rows.insert(it, Row{});
    it->if_index = if_index;
  }
  return *it;
}

void set(Row& row, bool x, uint32_t col, const snmp::Value* v) {
  if (x && col < row.ifx_cols.size()) row.ifx_cols[col] = v;
  if (!x && col < row.if_cols.size()) row.if_cols[col] = v;
}

// Adds to `total` what a device counter moved by since `last`. `bits` is 32 or 64. After a
// reboot the device started again from zero, so the raw value is what it counted since.
void advance(uint64_t& total, std::optional<uint64_t>& last, uint64_t raw, int bits, bool rebooted) {
  if (last && !rebooted) {
    if (raw >= *last) {
      total += raw - *last;
    } else if (bits == 32) {
      total += (raw + (uint64_t{1} << 32)) - *last;  // one wrap
    } else {
      total += raw;  // a 64-bit counter does not wrap: it was reset (e.g. the interface was)
    }
  } else if (last && rebooted) {
    total += raw;
  }
  last = raw;
}

// The families update() makes, in the order a link first adds them.
enum class Slot : size_t { Up, Oper, Admin, Octets, Errors, Flaps, LastChange, Speed, Count };

const collect::FamilySpec& family_of(Slot slot) {
  using collect::Kind;
  static const std::array<collect::FamilySpec, static_cast<size_t>(Slot::Count)> kFamilies{{
      {"linkwatch_link_up", "1 if the link's ifOperStatus is up(1).", Kind::Gauge},
      {"linkwatch_link_oper_status", "ifOperStatus of the link (1 up, 2 down, 7 lowerLayerDown).", Kind::Gauge},
      {"linkwatch_link_admin_status", "ifAdminStatus of the link (1 up, 2 down).", Kind::Gauge},
      {"linkwatch_link_octets_total",
       "Octets through the link, from ifHC*Octets or 32-bit counters extended across wraps.", Kind::Counter},
      {"linkwatch_link_errors_total", "ifInErrors / ifOutErrors of the link.", Kind::Counter},
      {"linkwatch_link_flaps_total",
       "Oper-status changes of the link, including ones between polls (ifLastChange moved).", Kind::Counter},
      {"linkwatch_link_last_change_timestamp_seconds", "Unix time of the link's last oper-status change.",
       Kind::Gauge},
      {"linkwatch_link_speed_bytes_per_second", "Link speed from ifHighSpeed, or ifSpeed, in bytes per second.",
       Kind::Gauge},
  }};
  return kFamilies[static_cast<size_t>(slot)];
}

}  // namespace

bool LinkTracker::matches(const config::LinkRule& rule, uint32_t if_index, const std::string& name,
                          const std::string& alias, const std::string& descr) {
  std::string index_text;
  std::string_view subject;
  switch (rule.field) {
    case config::LinkRule::Field::IfName: subject = name; break;
    case config::LinkRule::Field::IfAlias: subject = alias; break;
    case config::LinkRule::Field::IfDescr: subject = descr; break;
    case config::LinkRule::Field::IfIndex: subject = index_text = std::to_string(if_index); break;
  }
  const std::string& p = rule.pattern;
  if (p.size() >= 2 && p.front() == '/' && p.back() == '/') {
    auto it = regex_cache_.find(p);
    if (it == regex_cache_.end()) {
      // The loader rejects patterns that do not compile; a null entry is only a guard.
      it = regex_cache_.emplace(p, shared_regex(std::string_view(p).substr(1, p.size() - 2))).first;
    }
    return it->second && it->second->full_match(subject);
  }
  return subject == p;
}

void LinkTracker::note_trap_transition(uint32_t if_index) {
  if (if_index == 0) return;
  ifaces_[if_index].pending_trap_flaps++;
}

collect::Families LinkTracker::update(const LinkObservation& obs,
                                      const std::vector<config::LinkRule>& rules,
                                      const collect::Labels& target_labels) {
  // A reboot: sysUpTime went backwards, or the device has been up for less time than has
  // passed since our last poll (which a sysUpTime wrap after 497 days cannot explain).
  bool rebooted = false;
  if (obs.sys_uptime && last_uptime_) {
    const double elapsed = obs.now_unix - last_poll_unix_;
    const bool backwards = *obs.sys_uptime < *last_uptime_;
    const bool near_wrap = static_cast<double>(*last_uptime_) + elapsed * 100.0 > kTwo32 - 100.0 * 3600;
    const bool too_young = static_cast<double>(*obs.sys_uptime) / 100.0 + 5.0 < elapsed * 0.5;
    rebooted = (backwards && !near_wrap) || too_young;
    if (rebooted) ++discontinuities_;
  }
  if (obs.sys_uptime) {
    last_uptime_ = obs.sys_uptime;
    last_poll_unix_ = obs.now_unix;
  }

  std::vector<Row> rows;
  for (const snmp::VarBinds* part : obs.rows) {
    for (const auto& vb : *part) {
      if (under(vb.oid, kIfEntry)) set(row_of(rows, vb.oid[10]), false, vb.oid[9], &vb.value);
      else if (under(vb.oid, kIfXEntry)) set(row_of(rows, vb.oid[11]), true, vb.oid[10], &vb.value);
    }
  }

  collect::Families out;
  if (rows.empty()) return out;
  std::array<int, static_cast<size_t>(Slot::Count)> slots;
  slots.fill(-1);
  // ifDescr is only matched against, never a label: cleaned only when a rule looks at it.
  const bool rules_read_descr = std::any_of(rules.begin(), rules.end(), [](const config::LinkRule& r) {
    return r.field == config::LinkRule::Field::IfDescr;
  });
  for (const Row& row : rows) {
    const uint32_t if_index = row.if_index;
    const auto admin = number(row, false, kIfAdminStatus);
    const auto oper = number(row, false, kIfOperStatus);
    if (rules.empty()) {
      const auto type = number(row, false, kIfType);
      if (admin.value_or(0) != 1 || type.value_or(0) == static_cast<uint64_t>(kSoftwareLoopback)) continue;
    }
    std::string name = text(row, true, kIfName);
    std::string alias = text(row, true, kIfAlias);
    const std::string descr = rules_read_descr ? text(row, false, kIfDescr) : std::string();

    std::string role;
    static const std::string kNone;
    const std::string* rule_peer = &kNone;
    const std::string* rule_peer_district = &kNone;
    if (rules.empty()) {
      role = "link";
    } else {
      for (const auto& rule : rules) {
        if (matches(rule, if_index, name, alias, descr)) {
          role = rule.role;
          rule_peer = &rule.peer;
          rule_peer_district = &rule.peer_district;
          break;
        }
      }
      if (role.empty()) continue;
    }

    Iface& st = ifaces_[if_index];
    const auto last_change = number(row, false, kIfLastChange);
    if (oper) {
      const auto status = static_cast<int64_t>(*oper);
      const bool status_changed = st.oper && *st.oper != status;
      const bool moved = st.last_change && last_change && *st.last_change != *last_change && !rebooted;
      uint64_t seen = status_changed ? 1 : (moved ? 2 : 0);
      // A trap may have told us of more transitions than the two snapshots show.
      seen = std::max(seen, st.pending_trap_flaps);
      st.pending_trap_flaps = 0;
      st.flaps += seen;
      st.oper = status;
    }
    if (admin) st.admin = static_cast<int64_t>(*admin);
    if (last_change && obs.sys_uptime) {
      if (!st.last_change || *st.last_change != *last_change || st.last_change_unix == 0) {
        const double ago = (static_cast<double>(*obs.sys_uptime) - static_cast<double>(*last_change)) / 100.0;
        st.last_change_unix = obs.now_unix - std::max(0.0, ago);
      }
      st.last_change = last_change;
    }

    // Octets: prefer the 64-bit counters; fall back to the 32-bit ones.
    const auto hc_in = number(row, true, kIfHCInOctets), hc_out = number(row, true, kIfHCOutOctets);
    const bool hc = hc_in.has_value() && hc_out.has_value();
    if (hc != st.raw_is_hc) {  // the source changed: start again from this reading
      st.raw_in.reset();
      st.raw_out.reset();
      st.raw_is_hc = hc;
    }
    const auto in = hc ? hc_in : number(row, false, kIfInOctets);
    const auto out_ = hc ? hc_out : number(row, false, kIfOutOctets);
    const int bits = hc ? 64 : 32;
    if (in) advance(st.total_in, st.raw_in, *in, bits, rebooted);
    if (out_) advance(st.total_out, st.raw_out, *out_, bits, rebooted);
    if (const auto e = number(row, false, kIfInErrors)) st.in_errors = *e;
    if (const auto e = number(row, false, kIfOutErrors)) st.out_errors = *e;

    collect::Labels labels;
    labels.reserve(target_labels.size() + 6);
    labels.assign(target_labels.begin(), target_labels.end());
    labels.emplace_back("ifIndex", std::to_string(if_index));
    labels.emplace_back("ifName", std::move(name));
    labels.emplace_back("ifAlias", std::move(alias));
    labels.emplace_back("link_role", std::move(role));
    if (!rule_peer->empty()) {
      labels.emplace_back("peer", *rule_peer);
      if (!rule_peer_district->empty()) labels.emplace_back("peer_district", *rule_peer_district);
    }
    auto with = [&](const char* k, const char* v) {
      collect::Labels l;
      l.reserve(labels.size() + 1);
      l.assign(labels.begin(), labels.end());
      l.emplace_back(k, v);
      return l;
    };

    // Each family is found by its slot, not by comparing names once per link and family.
    auto fam = [&](Slot slot) -> collect::Family& {
      int& i = slots[static_cast<size_t>(slot)];
      if (i < 0) {
        i = static_cast<int>(out.size());
        out.push_back(family_of(slot).empty());
      }
      return out[static_cast<size_t>(i)];
    };
    if (st.oper) {
      fam(Slot::Up).series.push_back({labels, *st.oper == 1 ? 1.0 : 0.0});
      fam(Slot::Oper).series.push_back({labels, static_cast<double>(*st.oper)});
    }
    if (st.admin) fam(Slot::Admin).series.push_back({labels, static_cast<double>(*st.admin)});
    // The in and out label sets are made once, shared by the octets and the errors series.
    const collect::Labels in_labels = with("direction", "in"), out_labels = with("direction", "out");
    if (st.raw_in || st.raw_out) {
      auto& f = fam(Slot::Octets);
      f.series.push_back({in_labels, static_cast<double>(st.total_in)});
      f.series.push_back({out_labels, static_cast<double>(st.total_out)});
    }
    auto& errs = fam(Slot::Errors);
    errs.series.push_back({in_labels, static_cast<double>(st.in_errors)});
    errs.series.push_back({out_labels, static_cast<double>(st.out_errors)});
    fam(Slot::Flaps).series.push_back({labels, static_cast<double>(st.flaps)});
    if (st.last_change_unix > 0) fam(Slot::LastChange).series.push_back({labels, st.last_change_unix});
    const auto high = number(row, true, kIfHighSpeed);
    const auto speed = number(row, false, kIfSpeed);
    // Bytes, Prometheus's base unit, so that utilisation is rate(octets) / speed.
    double bytes_per_second = 0;
    if (high && *high > 0) bytes_per_second = static_cast<double>(*high) * 1e6 / 8;
    else if (speed) bytes_per_second = static_cast<double>(*speed) / 8;
    if (bytes_per_second > 0) fam(Slot::Speed).series.push_back({labels, bytes_per_second});
  }
  return out;
}

}  // namespace lw::state
