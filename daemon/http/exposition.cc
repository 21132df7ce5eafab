#include "daemon/http/exposition.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <mutex>
#include <sstream>
#include <string_view>
#include <unordered_map>

#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

namespace lw::http {

std::string snake_case(const std::string& name) {
  auto upper = [](char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; };
  auto lower_or_digit = [](char c) {
    return std::islower(static_cast<unsigned char>(c)) != 0 || std::isdigit(static_cast<unsigned char>(c)) != 0;
  };
  std::string out;
  out.reserve(name.size() + 8);
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (upper(c) && i > 0 && out.back() != '_') {
      const bool next_lower = i + 1 < name.size() && std::islower(static_cast<unsigned char>(name[i + 1]));
      // ifHCInOctets: a boundary before "HC" (after a lower) and before "In" (end of an acronym).
      if (lower_or_digit(name[i - 1]) || (next_lower && upper(name[i - 1]))) out += '_';
    }
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

namespace {

prometheus::MetricType type_of(collect::Kind k) {
  switch (k) {
    case collect::Kind::Gauge: return prometheus::MetricType::Gauge;
    case collect::Kind::Counter: return prometheus::MetricType::Counter;
    case collect::Kind::Untyped: return prometheus::MetricType::Untyped;
  }
  return prometheus::MetricType::Untyped;
}

// The name for reboots says "counter", which promtool's linter objects to; the
// Prometheus-style naming, whose point is a clean lint, uses a name without it.
std::string prometheus_name(const std::string& name) {
  if (name == "linkwatch_counter_discontinuities_total") return "linkwatch_discontinuities_total";
  return snake_case(name);
}

// The "# HELP"/"# TYPE" lines of a family, as prometheus-cpp's TextSerializer writes them
// (so the text stays what it always was).
std::string header_text(const std::string& name, const std::string& help, prometheus::MetricType type) {
  prometheus::MetricFamily mf;
  mf.name = name;
  mf.help = help;
  mf.type = type;
  std::ostringstream os;
  prometheus::TextSerializer().Serialize(os, {mf});
  return std::move(os).str();
}

// The head of a family with this (source name, help, kind) under this naming: interned once
// per process, never freed (the set is bounded by the config's modules and linkwatchd's own
// families). A thread-local cache in front keeps the lock off the per-poll path.
const FamilyHead* intern_head(const collect::Family& f, bool prom) {
  // The cache is keyed by name alone (help texts are long: hashing them per family per poll
  // was most of the poller's hashing); the few heads of one name are told apart by compare.
  struct Known {
    Text help;
    collect::Kind kind;
    bool prom;
    const FamilyHead* head;
  };
  thread_local std::unordered_map<std::string, std::vector<Known>> mine;
  auto& known = mine[f.name];
  for (const auto& k : known)
    if (k.kind == f.kind && k.prom == prom && k.help == f.help) return k.head;

  std::string name = prom ? prometheus_name(f.name) : f.name.str();
  if (prom && f.kind == collect::Kind::Counter &&
      (name.size() < 6 || name.compare(name.size() - 6, 6, "_total") != 0))
    name += "_total";
  static std::mutex mu;
  static std::unordered_map<std::string, std::unique_ptr<const FamilyHead>> heads;  // by name, help, type
  static std::unordered_map<std::string, uint32_t> name_ids;
  const auto type = type_of(f.kind);
  std::string global_key = name;
  global_key.append(1, '\0').append(f.help).append(1, '\0').append(1, static_cast<char>(type));
  std::lock_guard lock(mu);
  auto& slot = heads[global_key];
  if (!slot) {
    const auto id = name_ids.emplace(name, static_cast<uint32_t>(name_ids.size())).first->second;
    slot = std::make_unique<const FamilyHead>(
        FamilyHead{name, header_text(name, f.help, type), id, f.name, f.help, static_cast<uint8_t>(f.kind), prom});
  }
  known.push_back({f.help, f.kind, prom, slot.get()});
  return slot.get();
}

// The one object of each distinct layout (Rendered::Layout). Every device with the same
// modules and interfaces has the same one, so 3,000 BTS radios share a few. A layout dies with
// the last shape that uses it; the pool drops what has died each time it has doubled since it
// last looked. Called only when a target's shape changed (its first poll, mostly).
std::shared_ptr<const Rendered::Layout> intern_layout(const Rendered::Layout& layout) {
  uint64_t h = 0xcbf29ce484222325ull;
  auto mix = [&h](uint64_t v) { h = (h ^ v) * 0x100000001b3ull; };
  for (const auto& f : layout.families) {
    mix(reinterpret_cast<uintptr_t>(f.head));
    mix(f.count);
  }
  for (const uint16_t set : layout.series_sets) mix(set);
  for (const uint32_t set : layout.series_sets_wide) mix(set);
  for (const uint32_t parent : layout.parents) mix(parent);
  static std::mutex mu;
  static std::unordered_multimap<uint64_t, std::weak_ptr<const Rendered::Layout>> pool;
  static size_t sweep_at = 1024;
  std::lock_guard lock(mu);
  const auto [from, to] = pool.equal_range(h);
  for (auto it = from; it != to; ++it)
    if (auto known = it->second.lock(); known && *known == layout) return known;
  auto made = std::make_shared<const Rendered::Layout>(layout);  // copies at exact sizes
  pool.emplace(h, made);
  if (pool.size() >= sweep_at) {
    std::erase_if(pool, [](const auto& entry) { return entry.second.expired(); });
    sweep_at = std::max<size_t>(1024, 2 * pool.size());
  }
  return made;
}

}  // namespace

namespace {

// Whether any of the 8 bytes of w is \\, " or newline (the classic "has a zero byte" test on
// w XOR each of them): label values rarely need escaping, so they are scanned a word at a time.
bool needs_escape(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  auto has_zero = [](uint64_t x) { return ((x - kOnes) & ~x & kHighs) != 0; };
  return has_zero(w ^ (kOnes * '\\')) || has_zero(w ^ (kOnes * '"')) || has_zero(w ^ (kOnes * '\n'));
}

}  // namespace

void append_label_value(std::string& out, std::string_view v) {
  size_t clean = 0;  // v[0, clean) holds nothing to escape
  while (clean + 8 <= v.size()) {
    uint64_t w;
    std::memcpy(&w, v.data() + clean, 8);
    if (needs_escape(w)) break;
    clean += 8;
  }
  if (clean == v.size()) {
    out.append(v);
    return;
  }
  size_t from = 0;
  for (size_t i = clean; i < v.size(); ++i) {
    const char c = v[i];
    if (c != '\\' && c != '"' && c != '\n') continue;
    out.append(v, from, i - from);
    out += '\\';
    out += c == '\n' ? 'n' : c;
    from = i + 1;
  }
  out.append(v, from, v.size() - from);
}

// Counters and most gauges are whole numbers: integer formatting is both faster and, below
// 1e15, the same digits as "%.16g" (which is what the serializer's stream writes).
namespace {
bool written_as_integer(double value) {
  return value == std::trunc(value) && std::fabs(value) < 1e15 && !(value == 0 && std::signbit(value));
}
}  // namespace

size_t format_value(double value, char* buf) {
  if (std::isnan(value)) {
    std::memcpy(buf, "Nan", 3);
    return 3;
  }
  if (std::isinf(value)) {
    std::memcpy(buf, value < 0 ? "-Inf" : "+Inf", 4);
    return 4;
  }
  if (written_as_integer(value))
    return static_cast<size_t>(std::to_chars(buf, buf + kValueChars, static_cast<long long>(value)).ptr - buf);
  return static_cast<size_t>(std::to_chars(buf, buf + kValueChars, value, std::chars_format::general,
                                           std::numeric_limits<double>::max_digits10 - 1)
                                 .ptr -
                             buf);
}

size_t value_size(double value) {
  if (written_as_integer(value)) {
    // Digits without dividing: log10 from the bit width (x 1233 / 4096 is just under
    // log10(2)), one short when the number is below that power of ten.
    static constexpr uint64_t kPow10[] = {1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull,
                                          10000000ull, 100000000ull, 1000000000ull, 10000000000ull,
                                          100000000000ull, 1000000000000ull, 10000000000000ull,
                                          100000000000000ull, 1000000000000000ull};
    const auto n = static_cast<long long>(value);
    const uint64_t u = static_cast<uint64_t>(n < 0 ? -n : n) | 1;  // 0 has a digit, as 1 does
    const auto t = static_cast<size_t>((std::bit_width(u) * 1233) >> 12);
    return (n < 0 ? 1 : 0) + t + 1 - (u < kPow10[t] ? 1 : 0);
  }
  char buf[kValueChars];
  return format_value(value, buf);
}

void append_value(std::string& out, double value) {
  char buf[kValueChars];
  out.append(buf, format_value(value, buf));
}

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// The distinct label sets of one render, each kept once in `text`: open addressing over set
// numbers, compared through `sets` (offsets into the text), so growing the text never
// invalidates the table.
class LabelSets {
 public:
  void clear() {
    std::fill(slots_.begin(), slots_.end(), 0);
    used_ = 0;
  }
  // The label set text[sets.back(), end) is new: keep it (a new entry in sets) and return its
  // number; or it is already there: drop the copy at the end and return the first one's.
  uint32_t keep_or_find(std::string& text, std::vector<uint32_t>& sets) {
    const size_t start = sets.back();
    const std::string_view candidate(text.data() + start, text.size() - start);
    if ((used_ + 1) * 2 > slots_.size()) grow(text, sets);
    const size_t mask = slots_.size() - 1;
    for (size_t i = std::hash<std::string_view>{}(candidate) & mask;; i = (i + 1) & mask) {
      const uint32_t slot = slots_[i];
      if (slot == 0) {
        const auto n = static_cast<uint32_t>(sets.size() - 1);
        slots_[i] = n + 1;
        ++used_;
        sets.push_back(static_cast<uint32_t>(text.size()));
        return n;
      }
      if (view(text, sets, slot - 1) == candidate) {
        text.resize(start);
        return slot - 1;
      }
    }
  }

 private:
  static std::string_view view(const std::string& text, const std::vector<uint32_t>& sets, uint32_t n) {
    return {text.data() + sets[n], sets[n + 1] - sets[n]};
  }
  void grow(const std::string& text, const std::vector<uint32_t>& sets) {
    std::vector<uint32_t> old(std::max<size_t>(64, slots_.size() * 2), 0);
    old.swap(slots_);
    const size_t mask = slots_.size() - 1;
    for (const uint32_t slot : old) {
      if (slot == 0) continue;
      size_t i = std::hash<std::string_view>{}(view(text, sets, slot - 1)) & mask;
      while (slots_[i] != 0) i = (i + 1) & mask;
      slots_[i] = slot;
    }
  }
  std::vector<uint32_t> slots_;  // set number + 1; 0 empty
  size_t used_ = 0;
};

// The label set already made for a series' labels, by their identity (collect::Labels: the
// series of one table row share one): a row's labels are escaped, written and looked up once
// per poll, not once per column. Open addressing over the pointers, cleared per render.
class SetsByIdentity {
 public:
  void reset(size_t series) {
    size_t n = 16;
    while (n < series * 2) n *= 2;
    slots_.assign(n, {nullptr, 0});
  }
  // The set of `id`, or nullptr; `remember` then records it.
  const uint32_t* find(const void* id) const {
    for (size_t i = start(id);; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i].first == id) return &slots_[i].second;
      if (slots_[i].first == nullptr) return nullptr;
    }
  }
  void remember(const void* id, uint32_t set) {
    size_t i = start(id);
    while (slots_[i].first != nullptr) i = (i + 1) & (slots_.size() - 1);
    slots_[i] = {id, set};
  }

 private:
  size_t start(const void* id) const {
    return static_cast<size_t>((reinterpret_cast<uintptr_t>(id) >> 4) * 0x9E3779B97F4A7C15ull >> 20) &
           (slots_.size() - 1);
  }
  std::vector<std::pair<const void*, uint32_t>> slots_;
};

// Moves what every label set of the shape begins with, up to a comma, into shape.prefix: the
// target and static labels that start each of a device's sets are then kept once, not once
// per set. Writing prefix, comma, part gives back each set byte for byte, whatever the comma
// was inside (it may be in a quoted value: it is put back all the same).
void take_common_prefix(Rendered::Shape& shape) {
  shape.prefix.clear();
  const size_t n = shape.sets.size() - 1;
  if (n < 2) return;
  auto set = [&](size_t i) {
    return std::string_view(shape.labels).substr(shape.sets[i], shape.sets[i + 1] - shape.sets[i]);
  };
  const std::string_view first = set(0);
  size_t p = first.size();
  for (size_t i = 1; i < n && p > 0; ++i) {
    const std::string_view other = set(i);
    const size_t limit = std::min(p, other.size());
    size_t k = 0;
    while (k < limit && first[k] == other[k]) ++k;
    p = k;
  }
  // Back off to a position where every set ends or has a comma; only commas of the first set
  // are candidates, so this checks a few positions, each over every set once.
  auto fits = [&](size_t q) {
    for (size_t i = 0; i < n; ++i) {
      const std::string_view s = set(i);
      if (s.size() != q && s[q] != ',') return false;
    }
    return true;
  };
  while (p > 0 && !fits(p)) {
    const size_t comma = first.substr(0, p).rfind(',');
    p = comma == std::string_view::npos ? 0 : comma;
  }
  if (p == 0) return;
  thread_local std::string rest;
  rest.clear();
  shape.prefix.assign(first.substr(0, p));
  uint32_t from = 0;
  for (size_t i = 0; i < n; ++i) {
    const std::string_view s = set(i);
    rest.append(s.substr(s.size() == p ? p : p + 1));
    shape.sets[i] = from;
    from = static_cast<uint32_t>(rest.size());
  }
  shape.sets[n] = from;
  shape.labels.swap(rest);
}

// Keeps each set's own part as its parent's part, a comma, and the rest, where its parent is the
// longest other set that its part begins with up to a comma: a row's sets (ifIndex, ifName,
// ifAlias, then ifDescr, or link_role, or direction...) keep the row's identity once. Only the
// rest stays in shape.labels; putting parent, comma and rest together gives back each part byte
// for byte, whatever the comma was inside. A parent is shorter than its child: no cycles.
void take_parents(Rendered::Shape& shape, std::vector<uint32_t>& parents) {
  parents.clear();
  const size_t n = shape.sets.size() - 1;
  if (n < 2) return;
  auto part = [&](size_t i) {
    return std::string_view(shape.labels).substr(shape.sets[i], shape.sets[i + 1] - shape.sets[i]);
  };
  thread_local std::unordered_map<std::string_view, uint32_t> by_part;
  by_part.clear();
  for (size_t i = 0; i < n; ++i) by_part.emplace(part(i), static_cast<uint32_t>(i));
  bool any = false;
  parents.assign(n, Rendered::Layout::kNoParent);
  for (size_t i = 0; i < n; ++i) {
    const std::string_view p = part(i);
    for (size_t c = p.size(); c > 0;) {
      c = p.rfind(',', c - 1);
      if (c == std::string_view::npos || c == 0) break;
      if (const auto it = by_part.find(p.substr(0, c)); it != by_part.end()) {
        parents[i] = it->second;
        any = true;
        break;
      }
    }
  }
  by_part.clear();  // its keys point into shape.labels
  if (!any) {
    parents.clear();
    return;
  }
  thread_local std::string rest;
  thread_local std::vector<uint32_t> from;
  rest.clear();
  from.assign(1, 0);
  for (size_t i = 0; i < n; ++i) {
    const std::string_view p = part(i);
    const uint32_t up = parents[i];
    rest.append(up == Rendered::Layout::kNoParent ? p : p.substr(shape.sets[up + 1] - shape.sets[up] + 1));
    from.push_back(static_cast<uint32_t>(rest.size()));
  }
  shape.sets.assign(from.begin(), from.end());
  shape.labels.swap(rest);
}

// A set's own part without its parent's, and the whole part put together: whether there is
// one, whether it is `text`, and its bytes appended to `out`.
std::string_view rest_of(const Rendered::Shape& shape, uint32_t set) {
  return {shape.labels.data() + shape.sets[set], shape.sets[set + 1] - shape.sets[set]};
}
// Whether the set has labels of its own besides the prefix (a set with a parent always has).
bool has_part(const Rendered::Shape& shape, uint32_t set) {
  return shape.sets[set + 1] != shape.sets[set] || shape.layout->parent_of(set) != Rendered::Layout::kNoParent;
}
bool part_is(const Rendered::Shape& shape, uint32_t set, std::string_view text) {
  for (;;) {
    const std::string_view rest = rest_of(shape, set);
    if (!text.ends_with(rest)) return false;
    text.remove_suffix(rest.size());
    set = shape.layout->parent_of(set);
    if (set == Rendered::Layout::kNoParent) return text.empty();
    if (text.empty() || text.back() != ',') return false;
    text.remove_suffix(1);
  }
}
void append_part(std::string& out, const Rendered::Shape& shape, uint32_t set) {
  if (const uint32_t up = shape.layout->parent_of(set); up != Rendered::Layout::kNoParent) {
    append_part(out, shape, up);
    out += ',';
  }
  out += rest_of(shape, set);
}

// How one render writes a series' label text: the config's naming (snake_case names, memoised
// per thread) and the external labels a series does not carry itself. One writer per render:
// it remembers the last set it wrote, whose labels must outlive it.
class LabelWriter {
 public:
  LabelWriter(bool prom, const Pairs& external) : prom_(prom), external_(external) {}

  void write(std::string& text, const collect::Labels& labels) {
    const size_t start = text.size();
    // A target's sets nearly all begin with its own labels (target, static labels): the text
    // of the pairs a set begins with as the last one did is copied from the last one's, not
    // escaped again (a poll writes about a dozen sets).
    size_t same = 0;
    if (last_) {
      const size_t n = std::min(last_->size(), labels.size());
      while (same < n && (*last_)[same] == labels[same]) ++same;
    }
    if (same > 0) text.append(last_text_, 0, ends_[same - 1]);
    ends_.resize(same);
    auto put = [&](const std::string& k, std::string_view v) {
      if (text.size() != start) text += ',';
      text += k;
      text += "=\"";
      append_label_value(text, v);
      text += '"';
    };
    for (size_t i = same; i < labels.size(); ++i) {
      put(name(labels[i].first), labels[i].second);
      ends_.push_back(text.size() - start);
    }
    last_ = &labels;
    last_text_.assign(text, start, std::string::npos);
    for (const auto& ext : external_) {  // not a structured binding: clang 14 cannot capture one
      const bool has =
          std::any_of(labels.begin(), labels.end(), [&](const auto& l) { return name(l.first) == ext.first; });
      if (!has) put(ext.first, ext.second);
    }
  }

 private:
  const std::string& name(const std::string& n) const {
    if (!prom_) return n;
    thread_local std::unordered_map<std::string, std::string> names;  // memo for snake_case
    auto it = names.find(n);
    if (it == names.end()) it = names.emplace(n, snake_case(n)).first;
    return it->second;
  }
  bool prom_;
  const Pairs& external_;
  const collect::Labels* last_ = nullptr;  // the last set written
  std::vector<size_t> ends_;               // where each of its own pairs ends in last_text_
  std::string last_text_;                  // its text without the external labels
};

// Whether set `set` of a shape, whole (prefix, comma, own part), is `text`.
bool set_is(const Rendered::Shape& shape, uint32_t set, std::string_view text) {
  if (shape.prefix.empty()) return part_is(shape, set, text);
  if (!text.starts_with(shape.prefix)) return false;
  text.remove_prefix(shape.prefix.size());
  if (text.empty()) return !has_part(shape, set);
  return text.front() == ',' && text.size() > 1 && part_is(shape, set, text.substr(1));
}

// The usual poll: the same families, series and label text as the previous one, only new
// values. A shape is a function of the family heads and counts and of each series' label
// text in order, so checking that text series by series against the previous shape (a row's
// text once: its series share an identity) proves the shapes equal without building one, and
// costs no hashing, no prefix search and no copy. False at the first difference; `out` then
// holds a part of the values, and the caller builds the shape anew.
bool render_as_before(const collect::Families& families, bool prom, LabelWriter& writer,
                      const Rendered& previous, SetsByIdentity& by_identity, Rendered& out) {
  const Rendered::Shape& shape = *previous.shape;
  const Rendered::Layout& layout = *shape.layout;
  const auto& families_before = layout.families;
  thread_local std::string text;
  // The same shape writes the same bytes but for the values' digits.
  out.bytes = previous.shape_bytes;
  size_t fi = 0;
  uint32_t i = 0;  // series
  for (const auto& f : families) {
    if (f.series.empty()) continue;
    if (fi == families_before.size() || families_before[fi].count != f.series.size()) return false;
    const FamilyHead* head = families_before[fi].head;
    const bool made_from = head->prom == prom && head->kind == static_cast<uint8_t>(f.kind) &&
                           head->source == f.name && head->help == f.help;
    if (!made_from && intern_head(f, prom) != head) return false;
    ++fi;
    for (const auto& s : f.series) {
      const uint32_t set = layout.set_of(i++);
      const void* id = s.labels.identity();
      if (const uint32_t* known = id ? by_identity.find(id) : nullptr) {
        if (*known != set) return false;
      } else {
        text.clear();
        writer.write(text, s.labels);
        if (!set_is(shape, set, text)) return false;
        if (id) by_identity.remember(id, set);
      }
      out.bytes += value_size(s.value);
      out.values.push_back(s.value);
    }
  }
  if (fi != families_before.size()) return false;
  out.shape_bytes = previous.shape_bytes;
  out.shape = previous.shape;
  return true;
}

Rendered render_impl(const collect::Families& families, config::Global::MetricNames names, const Pairs& external,
                     const Rendered* previous) {
  const bool prom = names == config::Global::MetricNames::Prometheus;
  LabelWriter writer(prom, external);

  Rendered out;
  size_t nseries = 0;
  for (const auto& f : families) nseries += f.series.size();
  out.values.reserve(nseries);
  thread_local SetsByIdentity by_identity;
  by_identity.reset(nseries);  // at most one identity per series, so the table never fills
  if (previous && previous->shape) {
    if (render_as_before(families, prom, writer, *previous, by_identity, out)) return out;
    out.values.clear();
    out.bytes = 0;
    by_identity.reset(nseries);
  }
  // The shape is built in reused buffers and copied at its exact size only when it differs
  // from the previous poll's; its layout is interned.
  thread_local Rendered::Shape shape;
  thread_local Rendered::Layout layout;
  thread_local LabelSets sets;
  layout.families.clear();
  shape.labels.clear();
  shape.sets.assign(1, 0);
  layout.series_sets.clear();
  layout.series_sets_wide.clear();
  thread_local std::vector<uint32_t> series_sets;
  series_sets.clear();
  sets.clear();
  std::string& text = shape.labels;
  uint64_t digits = 0;  // the values' share of out.bytes
  for (const auto& f : families) {
    if (f.series.empty()) continue;
    const FamilyHead* head = intern_head(f, prom);
    layout.families.push_back({head, static_cast<uint32_t>(f.series.size())});
    const size_t name_size = head->name.size();
    for (const auto& s : f.series) {
      const size_t value_chars = value_size(s.value);
      digits += value_chars;
      out.values.push_back(s.value);
      const void* id = s.labels.identity();
      if (const uint32_t* set = id ? by_identity.find(id) : nullptr) {
        const size_t size = shape.sets[*set + 1] - shape.sets[*set];
        series_sets.push_back(*set);
        out.bytes += name_size + (size == 0 ? 0 : size + 2) + 1 + value_chars + 1;
        continue;
      }
      const size_t start = text.size();
      writer.write(text, s.labels);
      const size_t size = text.size() - start;
      const uint32_t set = sets.keep_or_find(text, shape.sets);
      series_sets.push_back(set);
      if (id) by_identity.remember(id, set);
      // name{labels} value\n, or name value\n: the same bytes TextSerializer writes.
      out.bytes += name_size + (size == 0 ? 0 : size + 2) + 1 + value_chars + 1;
    }
  }
  out.shape_bytes = out.bytes - digits;
  if (shape.sets.size() - 1 <= 65536) layout.series_sets.assign(series_sets.begin(), series_sets.end());
  else layout.series_sets_wide.assign(series_sets.begin(), series_sets.end());
  take_common_prefix(shape);
  take_parents(shape, layout.parents);
  if (previous && previous->shape && *previous->shape->layout == layout) shape.layout = previous->shape->layout;
  else shape.layout = intern_layout(layout);
  if (previous && previous->shape && *previous->shape == shape) out.shape = previous->shape;
  else out.shape = std::make_shared<const Rendered::Shape>(shape);  // copies at exact sizes
  shape.layout.reset();  // the buffer holds no layout alive
  return out;
}

// Appends the sample lines of one family (its series from `first`) to `out`, flushing to
// `sink` whenever it passes `chunk`.
void write_family(const Rendered& r, const Rendered::Family& f, uint32_t first, std::string& out, size_t chunk,
                  const std::function<void(std::string_view)>& sink) {
  const std::string& name = f.head->name;
  const Rendered::Shape& shape = *r.shape;
  for (uint32_t i = first; i < first + f.count; ++i) {
    const uint32_t set = shape.set_of(i);
    const bool own = has_part(shape, set);
    out += name;
    if (!shape.prefix.empty()) {
      out += '{';
      out += shape.prefix;
      if (own) {
        out += ',';
        append_part(out, shape, set);
      }
      out += '}';
    } else if (own) {
      out += '{';
      append_part(out, shape, set);
      out += '}';
    }
    out += ' ';
    append_value(out, r.values[i]);
    out += '\n';
    if (out.size() >= chunk) {
      sink(out);
      out.clear();
    }
  }
}

}  // namespace

Rendered render_families(const collect::Families& families, config::Global::MetricNames names,
                         const Rendered* previous) {
  return render_impl(families, names, {}, previous);
}

Rendered render_families(const collect::Families& families, const config::Global& global, const Rendered* previous) {
  return render_impl(families, global.metric_names, global.external_labels, previous);
}

std::string render_text(const Rendered& r) {
  std::string out;
  if (!r.shape) return out;
  const auto keep = [&out](std::string_view s) { out.append(s); };
  uint32_t first = 0;
  for (const auto& f : r.shape->families()) {
    out += f.head->header;
    write_family(r, f, first, out, SIZE_MAX, keep);
    first += f.count;
  }
  return out;
}

Exposition::Exposition(const Snapshot& snap) {
  blocks_.reserve(snap.targets.size() + 1);
  if (snap.global.shape) blocks_.push_back(&snap.global);
  for (const auto& target : snap.targets)
    if (target && target->shape) blocks_.push_back(target.get());
  // Groups by name in first-seen order, found through the heads' name ids. A block whose
  // families come in group order (every target's do, bar the odd module order) needs
  // nothing more: write() walks it with a cursor. Only the others are marked.
  in_order_.assign(blocks_.size(), true);
  for (size_t b = 0; b < blocks_.size(); ++b) {
    bytes_ += blocks_[b]->bytes;
    int32_t last = -1;
    for (const auto& f : blocks_[b]->shape->families()) {
      const uint32_t id = f.head->name_id;
      if (id >= group_of_.size()) group_of_.resize(id + 1, -1);
      if (group_of_[id] < 0) {
        group_of_[id] = static_cast<int32_t>(heads_.size());
        heads_.push_back(f.head);
        bytes_ += f.head->header.size();
      }
      if (group_of_[id] < last) in_order_[b] = false;
      last = group_of_[id];
    }
  }
}

void Exposition::write(const std::function<void(std::string_view)>& sink) const {
  // Lines are written into one buffer handed to the sink in pieces of about 64 KB. Per
  // block, a cursor: its next family, that family's first series and its group, 12 bytes a
  // block where a list of every block's families would be 12 bytes a family (56 MB at
  // 100,000 devices). Each group looks only at the cursors (one array, read in order) and
  // touches a block only when its next family is in the group: blocks live all over the heap,
  // and visiting each of them once per group was most of a scrape's time at 10,000 devices.
  constexpr size_t kChunk = 64 * 1024;
  constexpr int32_t kDone = -1, kSearch = -2;  // kSearch: out of order, looked through whole
  struct Cursor {
    uint32_t next = 0, first = 0;
    int32_t group = kDone;
  };
  auto group = [&](const Rendered::Family& f) { return group_of_[f.head->name_id]; };
  std::vector<Cursor> cursors(blocks_.size());
  for (size_t b = 0; b < blocks_.size(); ++b) {
    const auto& fams = blocks_[b]->shape->families();
    if (!in_order_[b]) cursors[b].group = kSearch;
    else if (!fams.empty()) cursors[b].group = group(fams[0]);
  }
  std::string buf;
  buf.reserve(kChunk + 4096);
  for (size_t gi = 0; gi < heads_.size(); ++gi) {
    const auto g = static_cast<int32_t>(gi);
    buf += heads_[gi]->header;
    for (size_t b = 0; b < cursors.size(); ++b) {
      Cursor& c = cursors[b];
      if (c.group != g && c.group != kSearch) continue;
      const Rendered& r = *blocks_[b];
      const auto& fams = r.shape->families();
      if (c.group == kSearch) {
        uint32_t first = 0;
        for (const auto& f : fams) {
          if (group(f) == g) write_family(r, f, first, buf, kChunk, sink);
          first += f.count;
        }
        continue;
      }
      while (c.next < fams.size() && group(fams[c.next]) == g) {
        write_family(r, fams[c.next], c.first, buf, kChunk, sink);
        c.first += fams[c.next].count;
        ++c.next;
      }
      c.group = c.next < fams.size() ? group(fams[c.next]) : kDone;
    }
  }
  if (!buf.empty()) sink(buf);
}

std::string render(const Snapshot& snap) {
  const Exposition e(snap);
  std::string out;
  out.reserve(e.size());
  e.write([&out](std::string_view s) { out.append(s); });
  return out;
}

}  // namespace lw::http
