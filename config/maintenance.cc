// The `maintenance:` and `admin_versions:` sections, and the checks of their names once every
// file is read.
// gcc 12 at -O2 sees date::parse's internal fields as maybe uninitialized (they are set before
// use on every path that succeeds); the warning is in the library's template, not here.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <sstream>

#include "common/utf8.h"
#include "config/sections.h"

namespace lw::config::detail {

namespace {

constexpr std::string_view kWeekdays[] = {"sunday", "monday", "tuesday", "wednesday",
                                          "thursday", "friday", "saturday"};

// "2026-12-05T01:00:00+07:00" or "...Z": RFC 3339 with seconds and an offset.
std::optional<int64_t> parse_instant(std::string text) {
  if (!text.empty() && (text.back() == 'Z' || text.back() == 'z')) text.replace(text.size() - 1, 1, "+00:00");
  std::istringstream in(text);
  date::sys_seconds t;
  in >> date::parse("%FT%T%Ez", t);
  if (in.fail() || in.peek() != std::char_traits<char>::eof()) return std::nullopt;
  return t.time_since_epoch().count();
}

// "02:00" -> 120; hours 0..24 ("24:00" closes at midnight), minutes 0..59.
std::optional<int> parse_clock(const std::string& s) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  for (size_t i : {0, 1, 3, 4})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  const int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 24 || m > 59 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

bool known_zone(const std::string& name) {
  try {
    return date::locate_zone(name) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

std::optional<Recurrence> read_every(Reader& r, const Field& f, const std::string& where) {
  const auto fields = r.map(f.value, where + " every", {"weekday", "day", "from", "to"});
  if (!fields) return std::nullopt;
  Recurrence rec;
  bool ok = true;
  const Field* weekday = fields->get("weekday");
  const Field* day = fields->get("day");
  if ((weekday != nullptr) == (day != nullptr)) {
    r.error(r.mark(f), where, "every: give weekday (weekly) or day (monthly), one of them");
    return std::nullopt;
  }
  if (weekday) {
    rec.kind = Recurrence::Kind::Weekly;
    const auto v = r.choice(*weekday, where, std::vector<std::string_view>(std::begin(kWeekdays), std::end(kWeekdays)));
    ok = ok && v;
    if (v) rec.weekday = static_cast<int>(*v);
  } else {
    rec.kind = Recurrence::Kind::Monthly;
    if (day->value.IsScalar() && day->value.Scalar() == "last") {
      rec.day = 0;
    } else {
      const auto v = r.integer(*day, where, 1, 31);
      ok = ok && v;
      if (v) rec.day = static_cast<int>(*v);
    }
  }
  for (const char* key : {"from", "to"}) {
    const Field* e = r.required(*fields, key, where + " every");
    if (!e) {
      ok = false;
      continue;
    }
    const auto s = r.string(*e, where);
    const auto minutes = s ? parse_clock(*s) : std::nullopt;
    if (s && !minutes) r.error(r.mark(*e), where, std::string(key) + ": expected a local time HH:MM (got " + quote(*s) + ")");
    ok = ok && minutes;
    if (minutes) (std::string_view(key) == "from" ? rec.from_minutes : rec.to_minutes) = *minutes;
  }
  return ok ? std::optional(rec) : std::nullopt;
}

void read_window(Reader& r, const YAML::Node& node, size_t position, State& st) {
  std::string where = "maintenance #" + std::to_string(position + 1);
  if (const auto name = peek_scalar(node, "name"); name && valid_name(*name)) where = "maintenance " + quote(*name);
  const auto f = r.map(node, where,
                       {"name", "targets", "regions", "match", "from", "to", "every", "time_zone", "reason"});
  if (!f) return;
  MaintenanceWindow w;
  MaintenanceRefs refs;
  refs.mark = r.mark(node);
  bool ok = true;
  if (const Field* n = r.required(*f, "name", where)) {
    const auto v = r.string(*n, where);
    if (v && !valid_name(*v)) r.error(r.mark(*n), where, "name: " + quote(*v) + " is not a valid name ([A-Za-z0-9_.-]+)");
    ok = ok && v && valid_name(*v);
    if (v) w.name = *v;
  } else {
    ok = false;
  }
  for (const Field& e : f->all()) {
    if (e.key == "targets" || e.key == "regions") {
      const auto v = r.strings(e, where);
      ok = ok && v;
      if (!v) continue;
      for (const auto& [name, mark] : *v) {
        (e.key == "targets" ? w.targets : w.regions).push_back(name);
        (e.key == "targets" ? refs.targets : refs.regions).push_back(mark);
      }
    } else if (e.key == "match") {
      const auto m = r.named_map(e.value, where + " match");
      ok = ok && m;
      if (!m) continue;
      for (const Field& kv : m->all()) {
        const auto v = r.string(kv, where + " match");
        ok = ok && v;
        if (v) w.match.emplace_back(kv.key, *v);
      }
    } else if (e.key == "from" || e.key == "to") {
      const auto s = r.string(e, where);
      const auto t = s ? parse_instant(*s) : std::nullopt;
      if (s && !t)
        r.error(r.mark(e), where, e.key + ": expected a date and time with its offset, e.g. 2026-12-05T01:00:00+07:00 (got " + quote(*s) + ")");
      ok = ok && t;
      (e.key == "from" ? w.from_unix : w.to_unix) = t;
    } else if (e.key == "every") {
      w.every = read_every(r, e, where);
      ok = ok && w.every;
    } else if (e.key == "time_zone") {
      const auto v = r.string(e, where);
      if (v && !known_zone(*v)) r.error(r.mark(e), where, "time_zone: unknown zone " + quote(*v) + " (an IANA name, e.g. Asia/Ho_Chi_Minh)");
      ok = ok && v && known_zone(*v);
      if (v) w.time_zone = *v;
    } else if (e.key == "reason") {
      const auto v = r.string(e, where);
      if (v && !is_valid_utf8(*v)) r.error(r.mark(e), where, "reason: not valid UTF-8");
      ok = ok && v;
      if (v) w.reason = *v;
    }
  }
  const bool one_off = f->get("from") || f->get("to");
  if (one_off && f->get("every")) {
    r.error(r.mark(f->get("every")->key_node), where, "give from/to (one-off) or every (recurring), not both");
    ok = false;
  } else if (!one_off && !f->get("every")) {
    r.error(r.mark(node), where, "missing the time: give from and to (one-off) or every (recurring)");
    ok = false;
  } else if (one_off) {
    if (!f->get("from") || !f->get("to")) {
      r.error(r.mark(node), where, "a one-off window needs both from and to");
      ok = false;
    } else if (w.from_unix && w.to_unix && *w.to_unix <= *w.from_unix) {
      r.error(r.mark(f->get("to")->value), where, "to: must be after from");
      ok = false;
    }
  }
  if (w.every && w.every->from_minutes == w.every->to_minutes) {
    // Same time twice reads as 24 hours; say it rather than guess.
    r.error(r.mark(f->get("every")->value), where, "every: from and to are the same time (write 00:00 to 24:00 for a whole day)");
    ok = false;
  }
  if (!f->get("targets") && !f->get("regions") && !f->get("match")) {
    r.error(r.mark(node), where, "says nothing it applies to: give targets, regions or match");
    ok = false;
  }
  if (!ok) return;
  for (const auto& other : st.config.maintenance) {
    if (other.name == w.name) {
      r.error(r.mark(f->get("name")->value), "", "duplicate maintenance window " + quote(w.name));
      return;
    }
  }
  st.config.maintenance.push_back(std::move(w));
  st.maintenance_refs.push_back(std::move(refs));
}

}  // namespace

void read_maintenance(Reader& r, const Field& section, State& st) {
  const auto seq = r.sequence(section, "");
  if (!seq) return;
  for (size_t i = 0; i < seq->size(); ++i) read_window(r, (*seq)[i], i, st);
}

void read_admin_versions(Reader& r, const Field& section, State& st) {
  const auto seq = r.sequence(section, "");
  if (!seq) return;
  for (size_t i = 0; i < seq->size(); ++i) {
    const std::string where = "admin_versions #" + std::to_string(i + 1);
    const auto f = r.map((*seq)[i], where, {"name", "effective_from"});
    if (!f) continue;
    AdminVersion v;
    const Field* n = r.required(*f, "name", where);
    const Field* e = r.required(*f, "effective_from", where);
    if (!n || !e) continue;
    const auto name = r.string(*n, where);
    const auto from = r.string(*e, where);
    if (!name || !from) continue;
    if (!valid_name(*name)) {
      r.error(r.mark(*n), where, "name: " + quote(*name) + " is not a valid name ([A-Za-z0-9_.-]+)");
      continue;
    }
    std::istringstream in(*from);
    date::local_days day;
    in >> date::parse("%F", day);
    if (in.fail() || in.peek() != std::char_traits<char>::eof()) {
      r.error(r.mark(*e), where, "effective_from: expected a date YYYY-MM-DD (got " + quote(*from) + ")");
      continue;
    }
    v.name = *name;
    v.effective_from = *from;
    // The day begins in Vietnam: that is where the decree takes effect.
    v.effective_from_unix =
        std::chrono::duration_cast<std::chrono::seconds>(
            date::make_zoned("Asia/Ho_Chi_Minh", day, date::choose::earliest).get_sys_time().time_since_epoch())
            .count();
    if (std::any_of(st.config.admin_versions.begin(), st.config.admin_versions.end(),
                    [&](const AdminVersion& o) { return o.name == v.name; })) {
      r.error(r.mark(*n), where, "duplicate admin version " + quote(v.name));
      continue;
    }
    st.config.admin_versions.push_back(std::move(v));
  }
  std::stable_sort(st.config.admin_versions.begin(), st.config.admin_versions.end(),
                   [](const AdminVersion& a, const AdminVersion& b) { return a.effective_from_unix < b.effective_from_unix; });
}

void check_maintenance(State& st) {
  const Config& c = st.config;
  for (size_t i = 0; i < c.maintenance.size(); ++i) {
    const MaintenanceWindow& w = c.maintenance[i];
    const MaintenanceRefs& refs = st.maintenance_refs[i];
    for (size_t k = 0; k < w.targets.size(); ++k)
      if (!st.target_index.count(w.targets[k]))
        st.diag.error(refs.targets[k], "maintenance " + quote(w.name) + ": unknown target " + quote(w.targets[k]));
    for (size_t k = 0; k < w.regions.size(); ++k) {
      const bool known = std::any_of(c.targets.begin(), c.targets.end(), [&](const Target& t) {
        return t.site && t.site->district_slug == w.regions[k];
      });
      if (!known)
        st.diag.error(refs.regions[k], "maintenance " + quote(w.name) + ": no site has district_slug " + quote(w.regions[k]));
    }
  }
  for (size_t i = 0; i < c.targets.size(); ++i) {
    const Target& t = c.targets[i];
    if (!t.site) continue;
    for (size_t k = 0; k < t.site->admin.size(); ++k) {
      const auto& p = t.site->admin[k];
      if (std::none_of(c.admin_versions.begin(), c.admin_versions.end(), [&](const AdminVersion& v) { return v.name == p.version; })) {
        const Mark& m = k < st.target_refs[i].admin.size() ? st.target_refs[i].admin[k] : t.mark;
        st.diag.error(m, "target " + quote(t.name) + ": site admin: unknown admin version " + quote(p.version) +
                             " (declare it under admin_versions)");
      }
    }
  }
}

}  // namespace lw::config::detail
