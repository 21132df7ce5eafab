// The `targets:` section: the devices to poll, in file order.
#include <algorithm>

#include "common/regex.h"
#include "common/utf8.h"
#include "config/address.h"
#include "config/sections.h"

namespace lw::config::detail {

namespace {

using std::chrono::milliseconds;

// A string that ends up in a label value: must be valid UTF-8; kept byte for byte.
std::optional<std::string> text(Reader& r, const Field& f, const std::string& where) {
  auto v = r.string(f, where);
  if (v && !is_valid_utf8(*v)) {
    r.error(r.mark(f), where, f.key + ": not valid UTF-8");
    return std::nullopt;
  }
  return v;
}

std::optional<Labels> read_labels(Reader& r, const Field& f, const std::string& where) {
  const auto entries = r.named_map(f.value, where + " labels");
  if (!entries) return std::nullopt;
  Labels labels;
  bool ok = true;
  for (const Field& e : entries->all()) {
    if (!valid_label_name(e.key)) {
      r.error(r.mark(e.key_node), where,
              "labels: " + quote(e.key) + " is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*)");
      ok = false;
    } else if (e.key == "target" || e.key.starts_with("__")) {
      r.error(r.mark(e.key_node), where,
              "labels: " + quote(e.key) + " is reserved (linkwatch sets target; __* is Prometheus's)");
      ok = false;
    }
    const auto v = text(r, e, where + " labels");
    ok = ok && v.has_value();
    if (v) labels.emplace_back(e.key, *v);
  }
  if (!ok) return std::nullopt;
  std::sort(labels.begin(), labels.end());
  return labels;
}

// `admin: {"2011": {unit: ..., kind: commune, parent: ...}, "2025": {...}}`: the site's unit in
// each version of the administrative map (versions are checked against admin_versions later).
bool read_admin(Reader& r, const Field& f, const std::string& where, Site& s, TargetRefs& refs) {
  const auto versions = r.named_map(f.value, where + " admin");
  if (!versions) return false;
  bool ok = true;
  for (const Field& v : versions->all()) {
    const auto fields = r.map(v.value, where + " admin " + quote(v.key), {"unit", "kind", "parent"});
    if (!fields) {
      ok = false;
      continue;
    }
    AdminPlacement p;
    p.version = v.key;
    const Field* unit = r.required(*fields, "unit", where + " admin " + quote(v.key));
    const Field* kind = r.required(*fields, "kind", where + " admin " + quote(v.key));
    if (!unit || !kind) {
      ok = false;
      continue;
    }
    for (const Field& e : fields->all()) {
      const auto t = text(r, e, where + " admin");
      ok = ok && t;
      if (!t) continue;
      (e.key == "unit" ? p.unit : e.key == "kind" ? p.kind : p.parent) = *t;
    }
    s.admin.push_back(std::move(p));
    refs.admin.push_back(r.mark(v.key_node));
  }
  return ok;
}

std::optional<Site> read_site(Reader& r, const Field& f, const std::string& where_target, TargetRefs& refs) {
  const std::string where = where_target + " site";
  const auto fields = r.map(f.value, where,
                            {"district", "district_slug", "commune", "role", "terrain", "latitude",
                             "longitude", "uplink", "power", "lifecycle", "admin"});
  if (!fields) return std::nullopt;
  Site s;
  bool ok = true;
  for (const Field& e : fields->all()) {
    if (e.key == "latitude" || e.key == "longitude") {
      const double limit = e.key == "latitude" ? 90 : 180;
      const auto v = r.number(e, where, -limit, limit);
      ok = ok && v.has_value();
      (e.key == "latitude" ? s.latitude : s.longitude) = v;
    } else if (e.key == "uplink") {
      static const std::vector<std::string_view> kUplinks = {"fibre", "microwave", "vsat",
                                                             "copper", "none"};
      const auto v = r.choice(e, where, kUplinks);
      ok = ok && v.has_value();
      if (v) s.uplink = std::string(kUplinks[*v]);
    } else if (e.key == "power") {
      static const std::vector<std::string_view> kPower = {"grid", "solar", "battery",
                                                           "generator", "none"};
      const auto v = r.choice(e, where, kPower);
      ok = ok && v.has_value();
      if (v) s.power = std::string(kPower[*v]);
    } else if (e.key == "admin") {
      ok = read_admin(r, e, where, s, refs) && ok;
    } else if (e.key == "lifecycle") {
      const auto v = r.choice(e, where, {"planned", "live", "retired"});
      ok = ok && v.has_value();
      if (v) s.lifecycle = static_cast<Site::Lifecycle>(*v);
    } else {
      const auto v = text(r, e, where);
      ok = ok && v.has_value();
      if (!v) continue;
      if (e.key == "district") s.district = *v;
      if (e.key == "district_slug") s.district_slug = *v;
      if (e.key == "commune") s.commune = *v;
      if (e.key == "role") s.role = *v;
      if (e.key == "terrain") s.terrain = *v;
    }
  }
  return ok ? std::optional(s) : std::nullopt;
}

std::optional<LinkRule> read_link(Reader& r, const YAML::Node& node, const std::string& where) {
  const auto f = r.map(node, where, {"if_name", "if_alias", "if_descr", "if_index", "role", "peer"});
  if (!f) return std::nullopt;
  LinkRule rule;
  const Field* matcher = nullptr;
  static const std::pair<std::string_view, LinkRule::Field> kFields[] = {
      {"if_name", LinkRule::Field::IfName},
      {"if_alias", LinkRule::Field::IfAlias},
      {"if_descr", LinkRule::Field::IfDescr},
      {"if_index", LinkRule::Field::IfIndex}};
  bool ok = true;
  // In written order, so that "only one" points at the second matcher.
  for (const Field& e : f->all()) {
    for (const auto& [key, field] : kFields) {
      if (e.key != key) continue;
      if (matcher) {
        r.error(r.mark(e.key_node), where,
                "give exactly one of if_name, if_alias, if_descr, if_index (also " +
                    matcher->key + ")");
        ok = false;
        continue;
      }
      matcher = &e;
      rule.field = field;
    }
  }
  if (!matcher) {
    r.error(r.mark(node), where, "missing a matcher: give one of if_name, if_alias, if_descr, if_index");
    return std::nullopt;
  }
  const auto pattern = text(r, *matcher, where);
  if (!pattern) return std::nullopt;
  rule.pattern = *pattern;
  const bool regex = pattern->size() >= 2 && pattern->front() == '/' && pattern->back() == '/';
  if (regex) {
    // RE2, with limits: the daemon matches it against whatever a device sends.
    if (const auto re = Regex::compile(std::string_view(*pattern).substr(1, pattern->size() - 2)); !re) {
      r.error(r.mark(*matcher), where,
              matcher->key + ": bad regular expression " + quote(*pattern) + ": " + re.error().detail);
      ok = false;
    }
  } else if (rule.field == LinkRule::Field::IfIndex) {
    if (!r.integer(*matcher, where, 1, 2147483647)) ok = false;
  } else if (pattern->empty()) {
    r.error(r.mark(*matcher), where, matcher->key + ": empty pattern");
    ok = false;
  }
  if (const Field* role = f->get("role")) {
    const auto v = text(r, *role, where);
    if (v && v->empty()) r.error(r.mark(*role), where, "role: empty");
    ok = ok && v && !v->empty();
    if (v) rule.role = *v;
  }
  if (const Field* peer = f->get("peer")) {
    const auto v = text(r, *peer, where);
    if (v && !valid_name(*v, ":")) {
      r.error(r.mark(*peer), where, "peer: " + quote(*v) + " is not a target name");
      ok = false;
    }
    ok = ok && v;
    if (v) {
      rule.peer = *v;
      rule.peer_mark = r.mark(*peer);
    }
  }
  return ok ? std::optional(rule) : std::nullopt;
}

void read_target(Reader& r, const YAML::Node& node, size_t position, State& st) {
  std::string where = "target #" + std::to_string(position + 1);
  // Name the target in every message about it, unknown keys included.
  if (const auto name = peek_scalar(node, "name"); name && valid_name(*name, ":")) {
    where = "target " + quote(*name);
  }

  const auto f = r.map(node, where,
                       {"name", "address", "auth", "modules", "labels", "interval", "timeout",
                        "retries", "parent", "parents", "site", "links", "shard"});
  if (!f) return;
  Target t;
  TargetRefs refs;
  t.mark = r.mark(node);
  bool named = false;
  if (const Field* n = r.required(*f, "name", where)) {
    if (const auto v = r.string(*n, where)) {
      if (!valid_name(*v, ":")) {
        r.error(r.mark(*n), where,
                "name: " + quote(*v) + " is not a valid target name ([A-Za-z0-9_.:-]+)");
      } else {
        t.name = *v;
        named = true;
      }
    }
  }
  if (const Field* a = r.required(*f, "address", where)) {
    if (const auto v = r.string(*a, where)) {
      if (auto bad = check_address(*v, false)) {
        r.error(r.mark(*a), where, "address: " + *bad + " (got " + quote(*v) + ")");
      }
      t.address = *v;
    }
  }
  if (const Field* a = r.required(*f, "auth", where)) {
    if (const auto v = r.string(*a, where)) {
      t.auth = *v;
      refs.auth = r.mark(*a);
    }
  }
  if (const Field* m = r.required(*f, "modules", where)) {
    if (const auto v = r.strings(*m, where)) {
      for (const auto& [name, mark] : *v) {
        if (std::find(t.modules.begin(), t.modules.end(), name) != t.modules.end()) {
          r.error(mark, where, "modules: " + quote(name) + " listed twice");
          continue;
        }
        t.modules.push_back(name);
        refs.modules.push_back(mark);
      }
    }
  }
  for (const Field& e : f->all()) {
    if (e.key == "labels") {
      if (auto v = read_labels(r, e, where)) t.labels = std::move(*v);
    } else if (e.key == "interval") {
      t.interval = r.duration(e, where, milliseconds(1000), milliseconds(24 * 3600 * 1000));
      if (!f->get("timeout")) refs.timeout = r.mark(e);
    } else if (e.key == "timeout") {
      t.timeout = r.duration(e, where, milliseconds(10), milliseconds(60000));
      refs.timeout = r.mark(e);
    } else if (e.key == "retries") {
      if (auto v = r.integer(e, where, 0, 10)) t.retries = static_cast<int>(*v);
    } else if (e.key == "parent") {
      if (f->get("parents")) {
        r.error(r.mark(e.key_node), where, "give parent (one) or parents (a list), not both");
      } else if (auto v = r.string(e, where)) {
        t.parents = {*v};
        refs.parent_marks = {r.mark(e)};
      }
    } else if (e.key == "parents") {
      if (const auto v = r.strings(e, where)) {
        if (v->empty()) r.error(r.mark(e), where, "parents: empty (leave it out for a root)");
        for (const auto& [name, mark] : *v) {
          if (std::find(t.parents.begin(), t.parents.end(), name) != t.parents.end()) {
            r.error(mark, where, "parents: " + quote(name) + " listed twice");
            continue;
          }
          t.parents.push_back(name);
          refs.parent_marks.push_back(mark);
        }
      }
    } else if (e.key == "shard") {
      if (auto v = r.string(e, where)) {
        if (!valid_name(*v)) r.error(r.mark(e), where, "shard: " + quote(*v) + " is not a valid shard name ([A-Za-z0-9_.-]+)");
        else t.shard = *v;
      }
    } else if (e.key == "site") {
      t.site = read_site(r, e, where, refs);
    } else if (e.key == "links") {
      if (const auto seq = r.sequence(e, where)) {
        for (const YAML::Node& n : *seq) {
          if (auto rule = read_link(r, n, where + " link")) t.links.push_back(std::move(*rule));
        }
      }
    }
  }
  if (!t.parents.empty()) t.parent = t.parents.front();
  if (!named) return;
  const auto [it, fresh] = st.target_index.emplace(t.name, st.config.targets.size());
  if (!fresh) {
    r.error(r.mark(f->get("name")->value), "",
            "duplicate target " + quote(t.name) + " (first defined at " +
                st.config.targets[it->second].mark.to_string() + ")");
    return;
  }
  st.config.targets.push_back(std::move(t));
  st.target_refs.push_back(std::move(refs));
}

}  // namespace

void read_targets(Reader& r, const Field& section, State& st) {
  const auto seq = r.sequence(section, "");
  if (!seq) return;
  st.config.targets.reserve(st.config.targets.size() + seq->size());
  for (size_t i = 0; i < seq->size(); ++i) read_target(r, (*seq)[i], i, st);
}

}  // namespace lw::config::detail
