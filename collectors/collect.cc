#include "collectors/collect.h"

#include <algorithm>
#include <ranges>
#include <span>
#include <unordered_map>

#include "collectors/convert.h"
#include "collectors/index.h"

namespace lw::collect {
namespace {

// The varbinds sorted by OID, once per collect() call, so that a table column is one
// contiguous range and a lookup is a binary search: O(n log n) in all, never a scan per row.
// When walks overlap and an OID appears twice, the first one read wins.
class OidIndex {
 public:
  // `parts_increasing`: each part is known to be strictly increasing (ModuleView).
  explicit OidIndex(const std::vector<const snmp::VarBinds*>& parts, bool parts_increasing = false) {
    size_t n = 0;
    for (const auto* part : parts) n += part->size();
    sorted_.reserve(n);
    for (const auto* part : parts)
      for (const snmp::VarBind& vb : *part) sorted_.push_back(&vb);
    // Walks come back in OID order, and a module's walks are usually in order one after the
    // other: strictly increasing OIDs are already sorted and free of duplicates, which one
    // comparison per varbind tells (one per part, where parts are known to be increasing);
    // only otherwise are they sorted and made unique.
    const auto by_oid = [](const auto* a, const auto* b) { return snmp::oid_less(a->oid, b->oid); };
    const bool in_order = parts_increasing ? junctions_increasing(parts)
                                           : std::adjacent_find(sorted_.begin(), sorted_.end(), [](const auto* a, const auto* b) {
                                               return !snmp::oid_less(a->oid, b->oid);
                                             }) == sorted_.end();
    if (in_order) return;
    if (sorted_.size() <= 16) {
      // A GET's few scalars (sysUpTime.0 asked first): an insertion sort, stable and with no
      // buffer to allocate.
      for (size_t i = 1; i < sorted_.size(); ++i)
        for (size_t j = i; j > 0 && by_oid(sorted_[j], sorted_[j - 1]); --j) std::swap(sorted_[j], sorted_[j - 1]);
    } else {
      std::stable_sort(sorted_.begin(), sorted_.end(), by_oid);
    }
    sorted_.erase(std::unique(sorted_.begin(), sorted_.end(),
                              [](const auto* a, const auto* b) { return a->oid == b->oid; }),
                  sorted_.end());
  }

  const snmp::Value* find(const snmp::Oid& oid) const {
    auto it = lower_bound(oid);
    if (it == sorted_.end() || (*it)->oid != oid) return nullptr;
    return &(*it)->value;
  }

  // Every varbind at or under `root`, in OID order. `hint` is where the search starts and
  // is left where this subtree ends: a module's columns come in OID order as a rule, so the
  // next column starts there, which two comparisons confirm; else a binary search.
  std::span<const snmp::VarBind* const> subtree(const snmp::Oid& root, size_t& hint) const {
    auto first = sorted_.begin() + static_cast<std::ptrdiff_t>(std::min(hint, sorted_.size()));
    const bool starts_here = (first == sorted_.end() || !snmp::oid_less((*first)->oid, root)) &&
                             (first == sorted_.begin() || snmp::oid_less((*(first - 1))->oid, root));
    if (!starts_here) first = lower_bound(root);
    auto last = first;
    while (last != sorted_.end() && snmp::in_subtree(root, (*last)->oid)) ++last;
    hint = static_cast<size_t>(last - sorted_.begin());
    return {first, last};
  }

 private:
  // Whether every non-empty part starts after the last varbind of the parts before it.
  static bool junctions_increasing(const std::vector<const snmp::VarBinds*>& parts) {
    const snmp::Oid* last = nullptr;
    for (const auto* part : parts) {
      if (part->empty()) continue;
      if (last && !snmp::oid_less(*last, part->front().oid)) return false;
      last = &part->back().oid;
    }
    return true;
  }

  std::vector<const snmp::VarBind*>::const_iterator lower_bound(const snmp::Oid& oid) const {
    return std::lower_bound(sorted_.begin(), sorted_.end(), oid,
                            [](const auto* vb, const snmp::Oid& o) { return snmp::oid_less(vb->oid, o); });
  }

  std::vector<const snmp::VarBind*> sorted_;
};

// First wins: a label name appears once per series (target labels, then index labels, then
// lookups), so a lookup or value label named like an earlier one is dropped, not doubled.
void add_label(Labels& labels, const std::string& name, std::string value) {
  for (const auto& [n, v] : labels)
    if (n == name) return;
  labels.emplace_back(name, std::move(value));
}

bool is_label_type(config::MetricType t) {
  return t == config::MetricType::String || t == config::MetricType::IpAddress ||
         t == config::MetricType::PhysAddress || t == config::MetricType::Hex;
}

bool has_value(const snmp::Value& v) { return !v.is_exception() && v.type != snmp::Type::Null; }

// Turns one value into a series with `labels` (already holding target, index and lookup
// labels). nullopt if the value cannot be read as the metric's type.
std::optional<Series> make_series(const config::Metric& m, const snmp::Value& v, const Labels& labels) {
  if (!has_value(v)) return std::nullopt;
  if (is_label_type(m.type)) {
    Series s;
    s.labels.reserve(labels.size() + 1);
    s.labels.assign(labels.begin(), labels.end());
    add_label(s.labels, m.name, to_label(v, m.type));
    s.value = 1.0;
    return s;
  }
  auto n = to_number(v, m.scale);
  if (!n) return std::nullopt;
  if (m.type == config::MetricType::Counter && *n < 0) return std::nullopt;  // not a counter
  return Series{labels, *n};
}

// A value the agent did send, of a type the metric cannot read as a number.
bool wrong_type(const config::Metric& m, const snmp::Value& v) {
  return has_value(v) && !is_label_type(m.type) && !to_number(v, m.scale);
}

// The lookup's label for one row: the lookup column at the sub-ids of the lookup's index
// labels, in the lookup's order. nullopt when an index label is unknown or the column has
// no value there. `oid` is scratch space, reused so that a lookup allocates nothing. Called
// once per row and lookup (RowLabels below shares the result between columns).
std::optional<std::string> lookup_value(const config::Lookup& lookup,
                                        const std::vector<DecodedIndex>& row,
                                        const OidIndex& walked, snmp::Oid& oid) {
  oid.assign(lookup.oid.begin(), lookup.oid.end());
  for (const std::string& label : lookup.indexes) {
    auto it = std::find_if(row.begin(), row.end(),
                           [&](const DecodedIndex& d) { return d.label == label; });
    if (it == row.end()) return std::nullopt;
    oid.insert(oid.end(), it->sub_ids.begin(), it->sub_ids.end());
  }
  const snmp::Value* v = walked.find(oid);
  if (!v || !has_value(*v)) return std::nullopt;
  return to_label(*v, config::MetricType::String);
}

// The labels of a table row (target, index and lookup labels, as collect_table adds them), made
// once per row and shared by every column of its row group (config::Module::row_group): if_mib's
// ~25 columns have the same index and the same three lookups, so a row's suffix is decoded and
// its lookups joined once, not once per column. Rows are kept in the order first met; a
// column's varbinds come in row order, so the k-th of a later column is nearly always the k-th
// row: that one is checked first, and a hash index over the rows is built only when it is not.
struct SuffixHash {
  using is_transparent = void;
  size_t operator()(std::span<const uint32_t> ids) const noexcept {
    uint64_t h = 0xcbf29ce484222325ull;
    for (const uint32_t id : ids) h = (h ^ id) * 0x100000001b3ull;
    return static_cast<size_t>(h);
  }
};
struct SuffixEq {
  using is_transparent = void;
  bool operator()(std::span<const uint32_t> a, std::span<const uint32_t> b) const noexcept {
    return std::ranges::equal(a, b);
  }
};
class RowLabels {
 public:
  explicit RowLabels(uint32_t group) : group_(group) {}
  uint32_t group() const { return group_; }

  // Call before each column. The first column met of the group adds every row it has (its
  // suffixes are distinct: a column's varbinds are strictly increasing).
  void start_column() {
    cursor_ = 0;
    first_column_ = rows_.empty();
  }
  // The labels of row `suffix` (nullopt: it does not decode), made by `make` when new.
  template <class Make>
  const std::optional<Labels>& get(std::span<const uint32_t> suffix, Make&& make) {
    if (first_column_) return add(suffix, make(suffix));
    if (cursor_ < rows_.size() && std::ranges::equal(rows_[cursor_].first, suffix)) return rows_[cursor_++].second;
    if (index_.size() != rows_.size()) {  // first miss: index every row so far
      index_.clear();
      for (uint32_t i = 0; i < rows_.size(); ++i) index_.emplace(rows_[i].first, i);
    }
    if (const auto it = index_.find(suffix); it != index_.end()) {
      cursor_ = it->second + 1;
      return rows_[it->second].second;
    }
    index_.emplace(snmp::Oid(suffix.begin(), suffix.end()), static_cast<uint32_t>(rows_.size()));
    cursor_ = rows_.size() + 1;
    return add(suffix, make(suffix));
  }

 private:
  const std::optional<Labels>& add(std::span<const uint32_t> suffix, std::optional<Labels> labels) {
    rows_.emplace_back(snmp::Oid(suffix.begin(), suffix.end()), std::move(labels));
    return rows_.back().second;
  }
  uint32_t group_;
  size_t cursor_ = 0;
  bool first_column_ = true;
  std::vector<std::pair<snmp::Oid, std::optional<Labels>>> rows_;
  std::unordered_map<snmp::Oid, uint32_t, SuffixHash, SuffixEq> index_;  // empty until needed
};

// The cache for rows of `group`; `caches` is reserved for every metric of the module, so the
// reference stays valid. A module has one or two groups: a scan of integers finds it.
RowLabels& rows_for(uint32_t group, std::vector<RowLabels>& caches) {
  for (RowLabels& c : caches)
    if (c.group() == group) return c;
  return caches.emplace_back(group);
}

void collect_scalar(const config::Metric& m, const OidIndex& scalars, const OidIndex& walked,
                    const CollectOptions& options, Family& family, CollectOutput& out) {
  snmp::Oid instance = m.oid;
  instance.push_back(0);
  const snmp::Value* v = scalars.find(instance);
  if (!v) v = walked.find(instance);  // a module may walk a group instead of GETting it
  if (!v) return;                     // not answered: nothing to count
  if (auto s = make_series(m, *v, options.target_labels)) {
    family.series.push_back(std::move(*s));
  } else {
    ++out.skipped;
    if (wrong_type(m, *v)) ++out.wrong_type;
  }
}

void collect_table(const config::Metric& m, const OidIndex& walked, const CollectOptions& options,
                   snmp::Oid& scratch, size_t& hint, RowLabels& rows, Family& family, CollectOutput& out) {
  const auto column = walked.subtree(m.oid, hint);
  family.series.reserve(column.size());
  rows.start_column();
  const auto make = [&](std::span<const uint32_t> suffix) {
    std::optional<Labels> labels;
    if (auto row = decode_index(m.indexes, suffix)) {
      labels.emplace();  // sized once, then filled: a copy of the target's labels would grow
      labels->reserve(options.target_labels.size() + row->size() + m.lookups.size());
      labels->assign(options.target_labels.begin(), options.target_labels.end());
      for (DecodedIndex& d : *row) add_label(*labels, d.label, d.value);
      for (const config::Lookup& lookup : m.lookups) {
        if (auto value = lookup_value(lookup, *row, walked, scratch)) add_label(*labels, lookup.label, std::move(*value));
      }
    }
    return labels;
  };
  for (const snmp::VarBind* vb : column) {
    const std::span<const uint32_t> suffix(vb->oid.begin() + static_cast<std::ptrdiff_t>(m.oid.size()),
                                           vb->oid.end());
    if (suffix.empty()) {
      ++out.skipped;
      continue;
    }
    const std::optional<Labels>& labels = rows.get(suffix, make);
    if (!labels) {
      ++out.skipped;
      continue;
    }
    if (auto s = make_series(m, vb->value, *labels)) {
      family.series.push_back(std::move(*s));
    } else {
      ++out.skipped;
      if (wrong_type(m, vb->value)) ++out.wrong_type;
    }
  }
}

}  // namespace

CollectOutput collect(const config::Module& module, const ModuleInput& input,
                      const CollectOptions& options) {
  return collect(module, ModuleView{{&input.scalars}, {&input.walked}}, options);
}

CollectOutput collect(const config::Module& module, const ModuleView& input, const CollectOptions& options) {
  CollectOutput out;
  const OidIndex scalars(input.scalars);
  const OidIndex walked(input.walked, input.walked_parts_increasing);
  snmp::Oid scratch;
  size_t hint = 0;  // where the last column ended in `walked`
  // A module built by hand has no row groups of its own: made here, as the loader would.
  const std::vector<uint32_t> own_groups =
      module.row_group.size() == module.metrics.size() ? std::vector<uint32_t>{} : config::row_groups(module);
  const std::vector<uint32_t>& groups = own_groups.empty() ? module.row_group : own_groups;
  std::vector<RowLabels> row_caches;
  row_caches.reserve(module.metrics.size());
  out.families.reserve(module.metrics.size());
  for (size_t i = 0; i < module.metrics.size(); ++i) {
    const config::Metric& m = module.metrics[i];
    Family family;
    if (m.indexes.empty()) {
      collect_scalar(m, scalars, walked, options, family, out);
    } else {
      collect_table(m, walked, options, scratch, hint, rows_for(groups[i], row_caches), family, out);
    }
    if (family.series.empty()) continue;
    family.name = m.name;
    family.help = m.help.empty() ? Text(config::default_help(m)) : m.help;  // empty: built by hand
    family.kind = m.type == config::MetricType::Counter ? Kind::Counter : Kind::Gauge;
    out.families.push_back(std::move(family));
  }
  return out;
}

}  // namespace lw::collect
