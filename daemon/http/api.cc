#include "daemon/http/api.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <sstream>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "linkwatch/version.h"

namespace lw::http {
namespace {

using json = nlohmann::json;

// Lists on /status are for a person: the worst first, bounded, with the full count beside.
constexpr size_t kListCap = 200;
constexpr size_t kDefaultLimit = 500, kMaxLimit = 10000;
constexpr size_t kDefaultMapMax = 5000, kMaxMapMax = 20000;
constexpr int kGrid = 48;
constexpr size_t kMaxChildren = 1000;  // a site's children listed; children_total counts them all  // cells along the longer side of the box when aggregating

std::string dump(const json& j) {
  // Strings are valid UTF-8 already (device strings are cleaned when read); replace rather
  // than throw if one is not, so one bad byte costs a character, not the answer.
  return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

ApiReply error(int status, const std::string& message) { return {status, dump(json{{"error", message}})}; }

json time_or_null(double unix_time) { return unix_time > 0 ? json(unix_time) : json(nullptr); }

const char* oper_name(int s) {
  switch (s) {
    case 1: return "up";
    case 2: return "down";
    case 3: return "testing";
    case 5: return "dormant";
    case 6: return "notPresent";
    case 7: return "lowerLayerDown";
    case 0: return "unknown";
    default: return "unknown";
  }
}

bool is_live_state(const std::string& s) { return s != "planned" && s != "retired"; }

json link_json(const LinkStatus& l) {
  json j{{"if_index", l.if_index},
         {"if_name", l.if_name()},
         {"if_alias", l.if_alias()},
         {"role", l.role()},
         {"peer", l.peer().empty() ? json(nullptr) : json(l.peer())},
         {"oper_status", oper_name(l.oper_status)},
         {"admin_status", l.admin_status == 1 ? "up" : l.admin_status == 2 ? "down" : "unknown"},
         {"speed_bytes_per_second", l.speed_bytes_per_second > 0 ? json(l.speed_bytes_per_second) : json(nullptr)},
         {"in_bytes_per_second", l.in_bytes_per_second >= 0 ? json(l.in_bytes_per_second) : json(nullptr)},
         {"out_bytes_per_second", l.out_bytes_per_second >= 0 ? json(l.out_bytes_per_second) : json(nullptr)},
         {"utilisation", l.utilisation >= 0 ? json(l.utilisation) : json(nullptr)},
         {"flaps", l.flaps},
         {"flaps_last_hour", l.flaps_last_hour},
         {"last_change", time_or_null(l.last_change_unix)}};
  return j;
}

json power_json(const std::optional<PowerStatus>& p) {
  if (!p) return nullptr;
  auto opt = [](double v) { return v >= 0 ? json(v) : json(nullptr); };
  return {{"on_battery", p->on_battery},
          {"battery_percent", opt(p->battery_percent)},
          {"minutes_remaining", opt(p->minutes_remaining)},
          {"seconds_on_battery", opt(p->seconds_on_battery)}};
}

// Owned: this daemon exports the site's series. Shadowed: a shard polls it only so that the
// root causes below it are right; another shard exports it (docs/scale-out.md).
const char* shard_role(const TargetStatus& t) { return t.shadowed() ? "shadowed" : "owned"; }

json site_json(const TargetStatus& t) {
  json labels = json::object();
  for (const auto& [k, v] : t.labels()) labels[k] = v;
  json links = json::array();
  for (const auto& l : *t.links) links.push_back(link_json(l));
  const SiteStatus none;
  const SiteStatus& s = t.site() ? *t.site() : none;
  auto str_or_null = [](const std::string& v) { return v.empty() ? json(nullptr) : json(v); };
  return {{"name", t.name()},
          {"address", t.address()},
          {"state", t.state},
          {"reason", str_or_null(t.reason)},
          {"root_cause", str_or_null(t.root)},
          {"parent", str_or_null(t.parent())},
          {"district", t.district()},
          {"district_slug", s.district_slug},
          {"commune", s.commune},
          {"role", t.role()},
          {"terrain", s.terrain},
          {"uplink", s.uplink},
          {"power_source", s.power},
          {"lifecycle", t.site() ? json(s.lifecycle) : json("live")},
          {"latitude", s.latitude ? json(*s.latitude) : json(nullptr)},
          {"longitude", s.longitude ? json(*s.longitude) : json(nullptr)},
          {"state_since", time_or_null(t.state_since_unix)},
          {"last_success", time_or_null(t.last_success_unix)},
          {"last_poll_seconds", t.last_poll_seconds},
          {"labels", std::move(labels)},
          {"links", std::move(links)},
          {"power", power_json(t.power)},
          {"shard_role", shard_role(t)}};
}

std::string slug_of(const TargetStatus& t) { return t.site() ? t.site()->district_slug : ""; }

// How many sites each down site explains (its unreachable sites name it as root).
std::unordered_map<std::string, size_t> behind_counts(const Snapshot& snap) {
  std::unordered_map<std::string, size_t> n;
  for (const auto& t : snap.status)
    if (t->state == "unreachable" && !t->root.empty()) ++n[t->root];
  return n;
}

bool parse_size(const std::string& s, size_t& out) {
  if (s.empty()) return true;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep))
    if (!cur.empty()) out.push_back(cur);
  return out;
}

std::string param(const std::map<std::string, std::string>& q, const char* key) {
  const auto it = q.find(key);
  return it == q.end() ? "" : it->second;
}

// --- /status ---------------------------------------------------------------------------------

ApiReply status(const Snapshot& snap) {
  json counts{{"up", 0}, {"down", 0}, {"unreachable", 0}, {"unknown", 0}, {"planned", 0}, {"retired", 0}};
  const auto behind = behind_counts(snap);
  std::vector<const TargetStatus*> roots, failing;
  struct Flap {
    const TargetStatus* site;
    const LinkStatus* link;
  };
  std::vector<Flap> flapping;
  std::vector<const TargetStatus*> battery;
  for (const auto& p : snap.status) {
    const TargetStatus& t = *p;
    counts[t.state] = counts.value(t.state, 0) + 1;
    if (t.state == "down") {
      if (behind.count(t.name())) roots.push_back(&t);
      else failing.push_back(&t);
    } else if (t.state == "unknown" && !t.reason.empty() && t.reason != "ok") {
      failing.push_back(&t);
    }
    if (is_live_state(t.state)) {
      for (const auto& l : *t.links)
        if (l.flaps_last_hour > 0) flapping.push_back({&t, &l});
      if (t.power && t.power->on_battery) battery.push_back(&t);
    }
  }
  std::sort(roots.begin(), roots.end(), [&](const TargetStatus* a, const TargetStatus* b) {
    const size_t na = behind.at(a->name()), nb = behind.at(b->name());
    return na != nb ? na > nb : a->name() < b->name();
  });
  std::sort(flapping.begin(), flapping.end(), [](const Flap& a, const Flap& b) {
    return a.link->flaps_last_hour != b.link->flaps_last_hour ? a.link->flaps_last_hour > b.link->flaps_last_hour
                                                              : a.site->name() < b.site->name();
  });
  std::sort(battery.begin(), battery.end(), [](const TargetStatus* a, const TargetStatus* b) {
    return a->power->battery_percent < b->power->battery_percent;
  });
  std::sort(failing.begin(), failing.end(), [](const TargetStatus* a, const TargetStatus* b) { return a->name() < b->name(); });

  auto brief = [](const TargetStatus& t) {
    return json{{"name", t.name()},
                {"district", t.district()},
                {"district_slug", slug_of(t)},
                {"role", t.role()},
                {"state", t.state},
                {"reason", t.reason},
                {"since", time_or_null(t.state_since_unix)},
                {"shard_role", shard_role(t)}};
  };
  json j_roots = json::array(), j_flap = json::array(), j_batt = json::array(), j_fail = json::array();
  for (size_t i = 0; i < roots.size() && i < kListCap; ++i) {
    json r = brief(*roots[i]);
    r["sites_behind"] = behind.at(roots[i]->name());
    j_roots.push_back(std::move(r));
  }
  for (size_t i = 0; i < flapping.size() && i < kListCap; ++i) {
    json f = brief(*flapping[i].site);
    f["link"] = link_json(*flapping[i].link);
    j_flap.push_back(std::move(f));
  }
  for (size_t i = 0; i < battery.size() && i < kListCap; ++i) {
    json b = brief(*battery[i]);
    b["power"] = power_json(battery[i]->power);
    j_batt.push_back(std::move(b));
  }
  for (size_t i = 0; i < failing.size() && i < kListCap; ++i) j_fail.push_back(brief(*failing[i]));

  size_t shadowed = 0;
  for (const auto& p : snap.status) shadowed += p->shadowed() ? 1 : 0;
  json out{{"version", kVersion},
           {"generated_at", time_or_null(snap.published_unix)},
           {"ready", snap.ready},
           {"shard", snap.shard.empty() ? json(nullptr) : json(snap.shard)},
           {"sites", snap.status.size()},
           {"sites_shadowed", shadowed},
           {"counts", std::move(counts)},
           {"root_causes", std::move(j_roots)},
           {"root_causes_total", roots.size()},
           {"flapping", std::move(j_flap)},
           {"flapping_total", flapping.size()},
           {"on_battery", std::move(j_batt)},
           {"on_battery_total", battery.size()},
           {"failing", std::move(j_fail)},
           {"failing_total", failing.size()}};
  return {200, dump(out)};
}

// --- /sites ----------------------------------------------------------------------------------

ApiReply sites(const Snapshot& snap, const std::map<std::string, std::string>& q) {
  size_t offset = 0, limit = kDefaultLimit;
  if (!parse_size(param(q, "offset"), offset)) return error(400, "offset must be a whole number");
  if (!parse_size(param(q, "limit"), limit) || limit == 0 || limit > kMaxLimit)
    return error(400, "limit must be 1.." + std::to_string(kMaxLimit));
  const std::string district = param(q, "district"), role = param(q, "role"), text = param(q, "q");
  const std::string sr = param(q, "shard_role");
  if (!sr.empty() && sr != "owned" && sr != "shadowed") return error(400, "shard_role is owned or shadowed");
  const auto states = split(param(q, "state"), ',');
  const std::set<std::string> wanted(states.begin(), states.end());

  size_t total = 0;
  json list = json::array();
  for (const auto& p : snap.status) {
    const TargetStatus& t = *p;
    if (!district.empty() && t.district() != district && slug_of(t) != district) continue;
    if (!role.empty() && t.role() != role) continue;
    if (!sr.empty() && sr != shard_role(t)) continue;
    if (!wanted.empty() && !wanted.count(t.state)) continue;
    if (!text.empty() && t.name().find(text) == std::string::npos && t.district().find(text) == std::string::npos) continue;
    if (total >= offset && list.size() < limit) list.push_back(site_json(t));
    ++total;
  }
  return {200, dump(json{{"total", total}, {"offset", offset}, {"limit", limit}, {"sites", std::move(list)}})};
}

ApiReply site(const Snapshot& snap, const std::string& name) {
  const TargetStatus* found = nullptr;
  for (const auto& p : snap.status)
    if (p->name() == name) found = p.get();
  if (!found) return error(404, "no site named " + name);
  json j = site_json(*found);
  json children = json::array();
  size_t behind = 0, n_children = 0;
  for (const auto& p : snap.status) {
    if (p->parent() == name && n_children++ < kMaxChildren)
      children.push_back({{"name", p->name()}, {"state", p->state}, {"role", p->role()}, {"shard_role", shard_role(*p)}});
    if (p->state == "unreachable" && p->root == name) ++behind;
  }
  j["children"] = std::move(children);
  j["children_total"] = n_children;
  j["sites_behind"] = behind;
  return {200, dump(j)};
}

// --- /districts -------------------------------------------------------------------------------

using Point = std::pair<double, double>;  // longitude, latitude

double cross(const Point& o, const Point& a, const Point& b) {
  return (a.first - o.first) * (b.second - o.second) - (a.second - o.second) * (b.first - o.first);
}

// Convex hull (monotone chain), counter-clockwise, padded outwards from its centre so that
// the sites on it sit inside the drawn outline rather than on its edge.
std::vector<Point> outline(std::vector<Point> pts) {
  std::sort(pts.begin(), pts.end());
  pts.erase(std::unique(pts.begin(), pts.end()), pts.end());
  if (pts.size() < 3) return {};
  std::vector<Point> h(2 * pts.size());
  size_t k = 0;
  for (size_t i = 0; i < pts.size(); ++i) {
    while (k >= 2 && cross(h[k - 2], h[k - 1], pts[i]) <= 0) --k;
    h[k++] = pts[i];
  }
  for (size_t i = pts.size() - 1, t = k + 1; i > 0; --i) {
    while (k >= t && cross(h[k - 2], h[k - 1], pts[i - 1]) <= 0) --k;
    h[k++] = pts[i - 1];
  }
  h.resize(k - 1);
  double cx = 0, cy = 0;
  for (const auto& p : h) cx += p.first, cy += p.second;
  cx /= static_cast<double>(h.size());
  cy /= static_cast<double>(h.size());
  constexpr double kPad = 0.03;  // degrees, about 3 km
  for (auto& p : h) {
    const double dx = p.first - cx, dy = p.second - cy, d = std::hypot(dx, dy);
    if (d > 0) p = {p.first + dx / d * kPad, p.second + dy / d * kPad};
  }
  return h;
}

double round5(double v) { return std::round(v * 1e5) / 1e5; }

ApiReply districts(const Snapshot& snap) {
  struct D {
    std::string name, slug;
    std::map<std::string, size_t> counts;
    std::map<std::string, size_t> terrain;
    std::map<std::string, bool> communes;  // live communes -> any live site up
    std::vector<Point> points;
  };
  std::map<std::string, D> by_name;
  for (const auto& p : snap.status) {
    const TargetStatus& t = *p;
    if (t.district().empty()) continue;
    D& d = by_name[t.district()];
    d.name = t.district();
    if (d.slug.empty()) d.slug = slug_of(t);
    d.counts[t.state]++;
    if (!t.site()) continue;
    if (!t.site()->terrain.empty()) d.terrain[t.site()->terrain]++;
    if (t.site()->latitude && t.site()->longitude) d.points.emplace_back(*t.site()->longitude, *t.site()->latitude);
    if (is_live_state(t.state) && !t.site()->commune.empty()) {
      bool& c = d.communes[t.site()->commune];
      c = c || t.state == "up";
    }
  }
  json list = json::array();
  for (auto& [name, d] : by_name) {
    size_t connected = 0;
    for (const auto& [c, up] : d.communes) connected += up ? 1 : 0;
    std::string terrain;
    size_t most = 0;
    for (const auto& [tr, n] : d.terrain)
      if (n > most) most = n, terrain = tr;
    json counts = json::object();
    for (const char* s : {"up", "down", "unreachable", "unknown", "planned", "retired"})
      counts[s] = d.counts.count(s) ? d.counts[s] : 0;
    json bbox = nullptr, ring = json::array();
    if (!d.points.empty()) {
      double w = 180, e = -180, s = 90, n = -90;
      for (const auto& [lon, lat] : d.points) w = std::min(w, lon), e = std::max(e, lon), s = std::min(s, lat), n = std::max(n, lat);
      bbox = {round5(s), round5(w), round5(n), round5(e)};
      for (const auto& [lon, lat] : outline(d.points)) ring.push_back({round5(lon), round5(lat)});
    }
    size_t total = 0;
    for (const auto& [s, n] : d.counts) total += n;
    list.push_back({{"name", d.name},
                    {"slug", d.slug},
                    {"sites", total},
                    {"counts", std::move(counts)},
                    {"communes", d.communes.size()},
                    {"communes_connected", connected},
                    {"coverage", d.communes.empty() ? json(nullptr)
                                                    : json(static_cast<double>(connected) / static_cast<double>(d.communes.size()))},
                    {"terrain", terrain},
                    {"bbox", std::move(bbox)},
                    {"outline", std::move(ring)}});
  }
  return {200, dump(json{{"districts", std::move(list)},
                         {"outline_source", "convex hull of each district's site coordinates, padded by 0.03 degrees"}})};
}

// --- /map ------------------------------------------------------------------------------------

// The state of the link from a site towards its parent, as far as linkwatch can tell: a site
// that answers has a working path; a down site is the broken one; behind a down site nothing
// is known.
std::string link_state(const TargetStatus& t) {
  if (t.state == "up") return "up";
  if (t.state == "down") return "down";
  return t.state == "planned" || t.state == "retired" ? t.state : "unknown";
}

ApiReply map(const Snapshot& snap, const std::map<std::string, std::string>& q) {
  double s = -90, w = -180, n = 90, e = 180;
  if (const std::string b = param(q, "bbox"); !b.empty()) {
    const auto parts = split(b, ',');
    double v[4];
    if (parts.size() != 4) return error(400, "bbox is south,west,north,east");
    for (size_t i = 0; i < 4; ++i) {
      char* end = nullptr;
      v[i] = std::strtod(parts[i].c_str(), &end);
      if (end == parts[i].c_str() || *end != '\0' || !std::isfinite(v[i])) return error(400, "bbox is south,west,north,east");
    }
    s = v[0], w = v[1], n = v[2], e = v[3];
    if (s > n || w > e) return error(400, "bbox: south <= north and west <= east");
  }
  size_t max = kDefaultMapMax;
  if (!parse_size(param(q, "max"), max) || max > kMaxMapMax) return error(400, "max must be 0.." + std::to_string(kMaxMapMax));

  std::unordered_map<std::string, const TargetStatus*> by_name;
  by_name.reserve(snap.status.size());
  for (const auto& p : snap.status) by_name.emplace(p->name(), p.get());
  std::vector<const TargetStatus*> in;
  size_t unplaced = 0;
  for (const auto& p : snap.status) {
    const TargetStatus& t = *p;
    if (!t.site() || !t.site()->latitude || !t.site()->longitude) {
      ++unplaced;
      continue;
    }
    const double lat = *t.site()->latitude, lon = *t.site()->longitude;
    if (lat >= s && lat <= n && lon >= w && lon <= e) in.push_back(&t);
  }
  json out{{"bbox", {s, w, n, e}}, {"total", in.size()}, {"unplaced", unplaced}};
  if (in.size() <= max) {
    json list = json::array();
    for (const TargetStatus* t : in) {
      json m{{"name", t->name()},
             {"state", t->state},
             {"district", t->district()},
             {"role", t->role()},
             {"uplink", t->site()->uplink},
             {"lat", *t->site()->latitude},
             {"lon", *t->site()->longitude},
             {"link_state", link_state(*t)},
             {"shard_role", shard_role(*t)}};
      const auto p = by_name.find(t->parent());
      if (p != by_name.end() && p->second->site() && p->second->site()->latitude && p->second->site()->longitude) {
        m["parent"] = t->parent();
        m["parent_lat"] = *p->second->site()->latitude;
        m["parent_lon"] = *p->second->site()->longitude;
      }
      list.push_back(std::move(m));
    }
    out["mode"] = "sites";
    out["sites"] = std::move(list);
    return {200, dump(out)};
  }
  // Too many to draw one by one: counts per cell of a grid over the box actually used.
  double s2 = 90, w2 = 180, n2 = -90, e2 = -180;
  for (const TargetStatus* t : in) {
    s2 = std::min(s2, *t->site()->latitude), n2 = std::max(n2, *t->site()->latitude);
    w2 = std::min(w2, *t->site()->longitude), e2 = std::max(e2, *t->site()->longitude);
  }
  const double span = std::max({n2 - s2, e2 - w2, 1e-6});
  const double cell = span / kGrid;
  struct Cell {
    double lat = 0, lon = 0;
    size_t n = 0;
    std::map<std::string, size_t> states;
  };
  std::map<std::pair<int, int>, Cell> cells;
  for (const TargetStatus* t : in) {
    const double lat = *t->site()->latitude, lon = *t->site()->longitude;
    Cell& c = cells[{static_cast<int>((lat - s2) / cell), static_cast<int>((lon - w2) / cell)}];
    c.lat += lat, c.lon += lon, ++c.n;
    c.states[t->state]++;
  }
  json list = json::array();
  for (const auto& [key, c] : cells) {
    json states = json::object();
    for (const auto& [st, k] : c.states) states[st] = k;
    list.push_back({{"lat", c.lat / static_cast<double>(c.n)}, {"lon", c.lon / static_cast<double>(c.n)},
                    {"count", c.n}, {"states", std::move(states)}});
  }
  out["mode"] = "cells";
  out["cell_degrees"] = cell;
  out["cells"] = std::move(list);
  return {200, dump(out)};
}

}  // namespace

ApiReply api_v1(const Snapshot& snap, std::string_view path, const std::map<std::string, std::string>& query) {
  if (path == "/status") return status(snap);
  if (path == "/sites" || path == "/sites/") return sites(snap, query);
  if (path.rfind("/sites/", 0) == 0) return site(snap, std::string(path.substr(7)));
  if (path == "/districts") return districts(snap);
  if (path == "/map") return map(snap, query);
  return error(404, "no such API path: /api/v1" + std::string(path));
}

}  // namespace lw::http
