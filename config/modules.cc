// The `modules:` section: what to read from a device and how to turn it into samples.
#include <algorithm>
#include <charconv>
#include <set>

#include "config/sections.h"

namespace lw::config::detail {

namespace {

std::optional<MetricType> read_metric_type(Reader& r, const Field& f, const std::string& where) {
  // Ours first, then snmp_exporter's spellings so its modules can be carried over.
  static const std::vector<std::string_view> kNames = {
      "gauge",          "counter",     "timeticks",     "enum",       "string",
      "ipaddress",      "physaddress", "hex",           "DisplayString", "OctetString",
      "PhysAddress48",  "IpAddr",      "EnumAsInfo",    "EnumAsStateSet"};
  static const MetricType kTypes[] = {
      MetricType::Gauge,       MetricType::Counter,     MetricType::TimeTicks,
      MetricType::Enum,        MetricType::String,      MetricType::IpAddress,
      MetricType::PhysAddress, MetricType::Hex,         MetricType::String,
      MetricType::Hex,         MetricType::PhysAddress, MetricType::IpAddress,
      MetricType::Enum,        MetricType::Enum};
  const auto i = r.choice(f, where, kNames);
  if (!i) return std::nullopt;
  return kTypes[*i];
}

std::optional<Index> read_index(Reader& r, const YAML::Node& node, const std::string& where) {
  const auto f = r.map(node, where, {"label", "type", "fixed_size"});
  if (!f) return std::nullopt;
  Index ix;
  bool ok = true;
  if (const Field* l = r.required(*f, "label", where)) {
    const auto v = r.string(*l, where);
    if (v && !valid_label_name(*v)) {
      r.error(r.mark(*l), where, "label: " + quote(*v) + " is not a valid label name");
    }
    ok = ok && v && valid_label_name(*v);
    if (v) ix.label = *v;
  } else {
    ok = false;
  }
  const Field* size_f = f->get("fixed_size");
  if (const Field* t = r.required(*f, "type", where)) {
    // "fixed_string(6)" is shorthand for type fixed_string with fixed_size 6.
    const std::string text = t->value.IsScalar() ? t->value.Scalar() : "";
    if (text.starts_with("fixed_string(") && text.ends_with(")")) {
      const std::string_view digits(text.data() + 13, text.size() - 14);
      int n = 0;
      const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
      if (ec != std::errc() || ptr != digits.data() + digits.size() || n < 1 || n > 128) {
        r.error(r.mark(*t), where, "type: fixed_string(N) needs N from 1 to 128");
        ok = false;
      }
      ix.type = IndexType::FixedString;
      ix.fixed_size = n;
      if (size_f) {
        r.error(r.mark(size_f->key_node), where, "fixed_size given twice (also in type)");
        ok = false;
      }
      return ok ? std::optional(ix) : std::nullopt;
    }
    static const std::vector<std::string_view> kNames = {
        "integer", "string", "fixed_string", "ipaddress", "physaddress",
        "gauge",   "DisplayString", "PhysAddress48", "IpAddr"};
    static const IndexType kTypes[] = {IndexType::Integer,   IndexType::String,
                                       IndexType::FixedString, IndexType::IpAddress,
                                       IndexType::PhysAddress, IndexType::Integer,
                                       IndexType::String,    IndexType::PhysAddress,
                                       IndexType::IpAddress};
    const auto i = r.choice(*t, where, kNames);
    if (!i) return std::nullopt;
    ix.type = kTypes[*i];
    if (ix.type == IndexType::FixedString) {
      if (!size_f) {
        r.error(r.mark(*t), where, "type fixed_string needs fixed_size");
        ok = false;
      } else if (auto n = r.integer(*size_f, where, 1, 128)) {
        ix.fixed_size = static_cast<int>(*n);
      } else {
        ok = false;
      }
    } else if (size_f) {
      r.error(r.mark(size_f->key_node), where, "fixed_size is only for type fixed_string");
      ok = false;
    }
  } else {
    ok = false;
  }
  return ok ? std::optional(ix) : std::nullopt;
}

std::optional<Lookup> read_lookup(Reader& r, const YAML::Node& node, const std::string& where,
                                  const std::vector<Index>& indexes) {
  const auto f = r.map(node, where, {"labels", "label", "oid"});
  if (!f) return std::nullopt;
  Lookup lk;
  bool ok = true;
  if (const Field* ls = r.required(*f, "labels", where)) {
    if (const auto names = r.strings(*ls, where)) {
      if (names->empty()) {
        r.error(r.mark(*ls), where, "labels: name at least one index label");
        ok = false;
      }
      for (const auto& [name, mark] : *names) {
        const bool known = std::any_of(indexes.begin(), indexes.end(),
                                       [&n = name](const Index& i) { return i.label == n; });
        if (!known) {
          std::vector<std::string> have;
          for (const Index& i : indexes) have.push_back(i.label);
          r.error(mark, where,
                  "labels: " + quote(name) + " is not an index label (indexes: " + join(have) + ")");
          ok = false;
        }
        lk.indexes.push_back(name);
      }
    } else {
      ok = false;
    }
  } else {
    ok = false;
  }
  if (const Field* l = r.required(*f, "label", where)) {
    const auto v = r.string(*l, where);
    if (v && !valid_label_name(*v)) {
      r.error(r.mark(*l), where, "label: " + quote(*v) + " is not a valid label name");
    }
    ok = ok && v && valid_label_name(*v);
    if (v) lk.label = *v;
  } else {
    ok = false;
  }
  if (const Field* o = r.required(*f, "oid", where)) {
    const auto v = r.oid(*o, where);
    ok = ok && v.has_value();
    if (v) lk.oid = *v;
  } else {
    ok = false;
  }
  return ok ? std::optional(lk) : std::nullopt;
}

std::optional<Metric> read_metric(Reader& r, const YAML::Node& node, const std::string& module,
                                  size_t position) {
  std::string where = "module " + quote(module) + " metric #" + std::to_string(position + 1);
  if (const auto name = peek_scalar(node, "name"); name && valid_metric_name(*name)) {
    where = "module " + quote(module) + " metric " + quote(*name);
  }

  const auto f = r.map(node, where,
                       {"name", "oid", "type", "help", "indexes", "lookups", "enum_values",
                        "scale"});
  if (!f) return std::nullopt;
  Metric m;
  m.mark = r.mark(node);
  bool ok = true;
  if (const Field* n = r.required(*f, "name", where)) {
    const auto v = r.string(*n, where);
    if (v && !valid_metric_name(*v)) {
      r.error(r.mark(*n), where, "name: " + quote(*v) + " is not a valid Prometheus metric name");
    }
    ok = ok && v && valid_metric_name(*v);
    if (v) m.name = *v;
  } else {
    ok = false;
  }
  if (const Field* o = r.required(*f, "oid", where)) {
    const auto v = r.oid(*o, where);
    ok = ok && v.has_value();
    if (v) m.oid = *v;
  } else {
    ok = false;
  }
  if (const Field* t = r.required(*f, "type", where)) {
    const auto v = read_metric_type(r, *t, where);
    ok = ok && v.has_value();
    if (v) m.type = *v;
  } else {
    ok = false;
  }
  if (const Field* h = f->get("help")) {
    const auto v = r.string(*h, where);
    ok = ok && v.has_value();
    if (v) m.help = *v;
  }
  if (const Field* s = f->get("scale")) {
    const auto v = r.number(*s, where, -1e18, 1e18);
    if (v && *v == 0) r.error(r.mark(*s), where, "scale: must not be 0");
    ok = ok && v && *v != 0;
    if (v) m.scale = *v;
  }
  if (const Field* ix = f->get("indexes")) {
    if (const auto seq = r.sequence(*ix, where)) {
      std::set<std::string> seen;
      for (const YAML::Node& n : *seq) {
        auto i = read_index(r, n, where + " index");
        if (i && !seen.insert(i->label).second) {
          r.error(r.mark(n), where, "index label " + quote(i->label) + " repeated");
          i.reset();
        }
        ok = ok && i.has_value();
        if (i) m.indexes.push_back(std::move(*i));
      }
    } else {
      ok = false;
    }
  }
  if (const Field* lks = f->get("lookups")) {
    if (const auto seq = r.sequence(*lks, where)) {
      if (m.indexes.empty() && !f->get("indexes")) {
        r.error(r.mark(*lks), where, "lookups need indexes (a scalar has no index to look up)");
        ok = false;
      }
      std::set<std::string> seen;
      for (const auto& i : m.indexes) seen.insert(i.label);
      for (const YAML::Node& n : *seq) {
        auto lk = read_lookup(r, n, where + " lookup", m.indexes);
        if (lk && !seen.insert(lk->label).second) {
          r.error(r.mark(n), where, "label " + quote(lk->label) + " used twice in this metric");
          lk.reset();
        }
        ok = ok && lk.has_value();
        if (lk) m.lookups.push_back(std::move(*lk));
      }
    } else {
      ok = false;
    }
  }
  const Field* ev = f->get("enum_values");
  if (ev) {
    if (const auto values = r.named_map(ev->value, where + " enum_values")) {
      for (const Field& v : values->all()) {
        int64_t n = 0;
        const auto [ptr, ec] = std::from_chars(v.key.data(), v.key.data() + v.key.size(), n);
        if (ec != std::errc() || ptr != v.key.data() + v.key.size()) {
          r.error(r.mark(v.key_node), where,
                  "enum_values: key " + quote(v.key) + " is not an integer");
          ok = false;
          continue;
        }
        const auto name = r.string(v, where + " enum_values");
        ok = ok && name.has_value();
        if (name) m.enum_values[n] = *name;
      }
    } else {
      ok = false;
    }
  }
  if (ok && m.type == MetricType::Enum && m.enum_values.empty()) {
    r.error(ev ? r.mark(*ev) : m.mark, where, "type enum needs enum_values");
    ok = false;
  }
  if (ok && m.type != MetricType::Enum && ev) {
    r.error(r.mark(ev->key_node), where, "enum_values is only for type enum");
    ok = false;
  }
  if (!ok) return std::nullopt;
  // Every family a poll makes of this metric shares these two texts (common/text.h).
  if (m.help.empty()) m.help = default_help(m);
  return m;
}

// Walk roots: table columns, lookup columns and the explicit list, sorted, each once, none
// inside another (walking the parent already reads it).
std::vector<snmp::Oid> walk_roots(const Module& m, std::vector<snmp::Oid> extra) {
  for (const Metric& metric : m.metrics) {
    if (!metric.indexes.empty()) extra.push_back(metric.oid);
    for (const Lookup& lk : metric.lookups) extra.push_back(lk.oid);
  }
  std::sort(extra.begin(), extra.end());
  std::vector<snmp::Oid> out;
  for (snmp::Oid& o : extra) {
    // Sorted: an ancestor sorts right before its descendants.
    if (!out.empty() && snmp::in_subtree(out.back(), o)) continue;
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace

void read_modules(Reader& r, const Field& section, State& st) {
  const auto modules = r.named_map(section.value, "modules");
  if (!modules) return;
  for (const Field& entry : modules->all()) {
    const std::string where = "module " + quote(entry.key);
    if (!valid_name(entry.key)) {
      r.error(r.mark(entry.key_node), "modules",
              "bad module name " + quote(entry.key) + " (use letters, digits, '_', '.', '-')");
    }
    Module mod;
    mod.name = entry.key;
    mod.mark = r.mark(entry.key_node);
    std::vector<snmp::Oid> extra_walk;
    if (const auto f = r.map(entry.value, where, {"metrics", "walk"})) {
      // A module with `walk:` and no `metrics:` exports nothing: its rows only feed what
      // reads walks by OID (link health, linkwatch_link_*).
      const bool walk_only = !f->get("metrics") && f->get("walk");
      if (const Field* metrics = walk_only ? nullptr : r.required(*f, "metrics", where)) {
        if (const auto seq = r.sequence(*metrics, where)) {
          if (seq->empty()) r.error(r.mark(*metrics), where, "metrics: the list is empty");
          std::set<std::string> names;
          for (size_t i = 0; i < seq->size(); ++i) {
            auto m = read_metric(r, (*seq)[i], entry.key, i);
            if (m && !names.insert(m->name).second) {
              r.error(m->mark, where, "metric " + quote(m->name) + " defined twice");
              m.reset();
            }
            if (m) mod.metrics.push_back(std::move(*m));
          }
        }
      }
      if (const Field* walk = f->get("walk")) {
        if (const auto oids = r.strings(*walk, where)) {
          for (const auto& [text, mark] : *oids) {
            if (auto o = snmp::parse_oid(text)) {
              if (const auto bad = oid_problem(*o)) {
                r.error(mark, where, "walk: " + *bad);
              } else {
                extra_walk.push_back(std::move(*o));
              }
            } else {
              r.error(mark, where,
                      "walk: expected a numeric OID like 1.3.6.1.2.1.1.3 (got " + quote(text) + ")");
            }
          }
        }
      }
    }
    std::set<snmp::Oid> gets;
    for (const Metric& m : mod.metrics) {
      if (!m.indexes.empty()) continue;
      snmp::Oid inst = m.oid;
      inst.push_back(0);
      if (gets.insert(inst).second) mod.get.push_back(std::move(inst));
    }
    mod.walk = walk_roots(mod, std::move(extra_walk));
    mod.row_group = row_groups(mod);
    const auto [it, fresh] = st.config.modules.emplace(entry.key, std::move(mod));
    if (!fresh) {
      r.error(r.mark(entry.key_node), "",
              "duplicate module " + quote(entry.key) + " (first defined at " +
                  it->second.mark.to_string() + ")");
    }
  }
}

}  // namespace lw::config::detail
