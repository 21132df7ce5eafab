#include "daemon/poll/calendar.h"

namespace lw::poll {

collect::Families site_admin_families(const config::Config& config, std::string_view current) {
  collect::Family f{"linkwatch_site_admin_info",
                    "A site's administrative unit in one version of the map (admin_version); admin_parent is the "
                    "unit containing it in that version.",
                    collect::Kind::Gauge, {}};
  for (const auto& t : config.targets) {
    if (!t.site || t.shadow) continue;  // a shadowed target: its owning shard exports it
    for (const auto& p : t.site->admin)
      if (p.version != current)
        f.series.push_back({{{"target", t.name},
                             {"admin_version", p.version},
                             {"admin_unit", p.unit},
                             {"admin_unit_kind", p.kind},
                             {"admin_parent", p.parent}},
                            1.0});
  }
  if (f.series.empty()) return {};
  return {std::move(f)};
}

std::string_view Calendar::current_version() const {
  if (current_version_ < 0) return {};
  return config_.admin_versions[static_cast<size_t>(current_version_)].name;
}

bool Calendar::update(int64_t unix_seconds) {
  bool changed = board_.update(unix_seconds);
  // The version in force: the newest whose effective_from has passed (they are sorted).
  int current = -1;
  for (size_t i = 0; i < config_.admin_versions.size(); ++i)
    if (config_.admin_versions[i].effective_from_unix <= unix_seconds) current = static_cast<int>(i);
  changed = changed || current != current_version_;
  current_version_ = current;
  return changed;
}

collect::Families Calendar::families() const {
  collect::Families out;
  if (!config_.admin_versions.empty()) {
    collect::Family v{"linkwatch_admin_version_info",
                      "Versions of the administrative map; current=\"true\" for the one in force now.",
                      collect::Kind::Gauge, {}};
    for (size_t i = 0; i < config_.admin_versions.size(); ++i) {
      const auto& a = config_.admin_versions[i];
      v.series.push_back({{{"admin_version", a.name},
                           {"effective_from", a.effective_from},
                           {"current", static_cast<int>(i) == current_version_ ? "true" : "false"}},
                          1.0});
    }
    out.push_back(std::move(v));
  }
  if (!board_.covers().empty()) {
    collect::Family m{"linkwatch_maintenance",
                      "1 while the target is inside the maintenance window, 0 otherwise; one series per target "
                      "and window that covers it.",
                      collect::Kind::Gauge, {}};
    for (size_t i = 0; i < board_.covers().size(); ++i) {
      const auto& c = board_.covers()[i];
      if (config_.targets[c.target].shadow) continue;  // exported by its owning shard
      m.series.push_back({{{"target", config_.targets[c.target].name}, {"window", config_.maintenance[c.window].name}},
                          board_.open()[i] ? 1.0 : 0.0});
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace lw::poll
