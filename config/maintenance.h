#pragma once
// Maintenance windows and administrative map versions, as read from the config (the
// `maintenance:` and `admin_versions:` sections; README, "Maintenance windows" and
// "Administrative units").
//
// A window is one-off (`from`/`to`, absolute instants) or recurring (`every:` weekly or
// monthly, local times of day in `time_zone`), and applies to targets named, to regions (a
// site's district_slug) and/or to targets whose labels match. When a window is open is
// daemon/state/maintenance.h's job; here it is only a checked value.
//
// Thread safety: plain values, immutable inside a loaded Config.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lw::config {

struct Mark;

// `every:` of a recurring window.
struct Recurrence {
  enum class Kind : uint8_t { Weekly, Monthly } kind = Kind::Weekly;
  int weekday = 0;       // Weekly: 0 Sunday .. 6 Saturday
  int day = 0;           // Monthly: 1..31, beyond the month's end means its last day; 0 = `last`
  int from_minutes = 0;  // local time of day the window opens, minutes after midnight
  int to_minutes = 0;    // and closes; at or before `from` means the next day
};

struct MaintenanceWindow {
  std::string name;
  std::vector<std::string> targets;  // target names
  std::vector<std::string> regions;  // site district_slug values
  std::vector<std::pair<std::string, std::string>> match;  // label = value, all must hold
  std::optional<int64_t> from_unix, to_unix;  // one-off: [from, to), Unix seconds
  std::optional<Recurrence> every;
  std::string time_zone = "Asia/Ho_Chi_Minh";  // IANA name, for `every`
  std::string reason;
};

// One dated version of the administrative map (`admin_versions:`).
struct AdminVersion {
  std::string name;             // "2011", "2025"
  std::string effective_from;   // YYYY-MM-DD as written
  int64_t effective_from_unix = 0;  // that day's 00:00 in Asia/Ho_Chi_Minh
};

// Where a site stands in one version of the map (`site: admin: {"2025": {...}}`).
struct AdminPlacement {
  std::string version;  // an AdminVersion name
  std::string unit;     // "Xã Mường Xén"
  std::string kind;     // commune, ward, township, district, ...
  std::string parent;   // the containing unit in that version, empty if none
};

}  // namespace lw::config
