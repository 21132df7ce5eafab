#include "daemon/http/exposition.h"

#include <algorithm>
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
  thread_local std::string key;
  thread_local std::unordered_map<std::string, const FamilyHead*> mine;
  key.clear();
  key.append(f.name).append(1, '\0').append(f.help).append(1, '\0');
  key += static_cast<char>('0' + static_cast<int>(f.kind));
  key += prom ? 'p' : 'm';
  if (auto it = mine.find(key); it != mine.end()) return it->second;

  std::string name = prom ? prometheus_name(f.name) : f.name;
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
    slot = std::make_unique<const FamilyHead>(FamilyHead{name, header_text(name, f.help, type), id});
  }
  mine.emplace(key, slot.get());
  return slot.get();
}

}  // namespace

void append_label_value(std::string& out, std::string_view v) {
  size_t from = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (c != '\\' && c != '"' && c != '\n') continue;
    out.append(v, from, i - from);
    out += '\\';
    out += c == '\n' ? 'n' : c;
    from = i + 1;
  }
  out.append(v, from, v.size() - from);
}

size_t format_value(double value, char* buf) {
  if (std::isnan(value)) {
    std::memcpy(buf, "Nan", 3);
    return 3;
  }
  if (std::isinf(value)) {
    std::memcpy(buf, value < 0 ? "-Inf" : "+Inf", 4);
    return 4;
  }
  // Counters and most gauges are whole numbers: integer formatting is both faster and, below
  // 1e15, the same digits as "%.16g" (which is what the serializer's stream writes).
  if (value == std::trunc(value) && std::fabs(value) < 1e15 && !(value == 0 && std::signbit(value)))
    return static_cast<size_t>(std::to_chars(buf, buf + kValueChars, static_cast<long long>(value)).ptr - buf);
  return static_cast<size_t>(std::to_chars(buf, buf + kValueChars, value, std::chars_format::general,
                                           std::numeric_limits<double>::max_digits10 - 1)
                                 .ptr -
                             buf);
}

void append_value(std::string& out, double value) {
  char buf[kValueChars];
  out.append(buf, format_value(value, buf));
}

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// The distinct label sets of one render, each kept once in `text`: open addressing over
// (offset, size) pairs into it, so growing the text never invalidates the table.
class LabelSets {
 public:
  void clear() {
    std::fill(slots_.begin(), slots_.end(), 0);
    used_ = 0;
  }
  // The label set text[start, end) is new: keep it and return start; or it is already in
  // text: drop the copy at the end and return the first one's offset.
  uint32_t keep_or_find(std::string& text, size_t start) {
    const std::string_view candidate(text.data() + start, text.size() - start);
    if ((used_ + 1) * 2 > slots_.size()) grow(text);
    const size_t mask = slots_.size() - 1;
    for (size_t i = std::hash<std::string_view>{}(candidate) & mask;; i = (i + 1) & mask) {
      const uint64_t slot = slots_[i];
      if (slot == 0) {
        slots_[i] = pack(start, candidate.size());
        ++used_;
        return static_cast<uint32_t>(start);
      }
      if (view(text, slot) == candidate) {
        text.resize(start);
        return static_cast<uint32_t>(slot >> 32);
      }
    }
  }

 private:
  static uint64_t pack(size_t offset, size_t size) { return (uint64_t{offset} << 32) | (size + 1); }
  static std::string_view view(const std::string& text, uint64_t slot) {
    return {text.data() + (slot >> 32), static_cast<size_t>((slot & 0xffffffffu) - 1)};
  }
  void grow(const std::string& text) {
    std::vector<uint64_t> old(std::max<size_t>(64, slots_.size() * 2), 0);
    old.swap(slots_);
    const size_t mask = slots_.size() - 1;
    for (const uint64_t slot : old) {
      if (slot == 0) continue;
      size_t i = std::hash<std::string_view>{}(view(text, slot)) & mask;
      while (slots_[i] != 0) i = (i + 1) & mask;
      slots_[i] = slot;
    }
  }
  std::vector<uint64_t> slots_;
  size_t used_ = 0;
};

Rendered render_impl(const collect::Families& families, config::Global::MetricNames names, const Pairs& external,
                     const Rendered* previous) {
  const bool prom = names == config::Global::MetricNames::Prometheus;
  thread_local std::unordered_map<std::string, std::string> label_names;  // memo for snake_case
  auto label = [&](const std::string& n) -> const std::string& {
    if (!prom) return n;
    auto it = label_names.find(n);
    if (it == label_names.end()) it = label_names.emplace(n, snake_case(n)).first;
    return it->second;
  };

  Rendered out;
  size_t nfamilies = 0, nseries = 0;
  for (const auto& f : families) {
    nfamilies += f.series.empty() ? 0 : 1;
    nseries += f.series.size();
  }
  out.families.reserve(nfamilies);
  out.series.reserve(nseries);
  // Label sets are written into a reused buffer and kept once each; the buffer is copied at
  // its exact size at the end (or not at all when it equals the previous poll's).
  thread_local std::string text;
  thread_local LabelSets sets;
  text.clear();
  sets.clear();
  for (const auto& f : families) {
    if (f.series.empty()) continue;
    Rendered::Family rf;
    rf.head = intern_head(f, prom);
    rf.first = static_cast<uint32_t>(out.series.size());
    rf.count = static_cast<uint32_t>(f.series.size());
    const size_t name_size = rf.head->name.size();
    for (const auto& s : f.series) {
      const size_t start = text.size();
      auto put = [&](const std::string& k, std::string_view v) {
        if (text.size() != start) text += ',';
        text += k;
        text += "=\"";
        append_label_value(text, v);
        text += '"';
      };
      for (const auto& [k, v] : s.labels) put(label(k), v);
      for (const auto& ext : external) {  // not a structured binding: clang 14 cannot capture one
        const bool has =
            std::any_of(s.labels.begin(), s.labels.end(), [&](const auto& l) { return label(l.first) == ext.first; });
        if (!has) put(ext.first, ext.second);
      }
      const size_t size = text.size() - start;
      const uint32_t offset = size == 0 ? 0 : sets.keep_or_find(text, start);
      char value[kValueChars];
      // name{labels} value\n, or name value\n: the same bytes TextSerializer writes.
      rf.bytes += name_size + (size == 0 ? 0 : size + 2) + 1 + format_value(s.value, value) + 1;
      out.series.push_back({offset, static_cast<uint32_t>(size), s.value});
    }
    out.families.push_back(rf);
  }
  if (previous && previous->labels && *previous->labels == text) out.labels = previous->labels;
  else out.labels = std::make_shared<const std::string>(text);
  return out;
}

// Appends one family's sample lines to `out`, flushing to `sink` whenever it passes `chunk`.
void write_family(const Rendered& r, const Rendered::Family& f, std::string& out, size_t chunk,
                  const std::function<void(std::string_view)>& sink) {
  const std::string& name = f.head->name;
  const char* labels = r.labels ? r.labels->data() : nullptr;
  for (uint32_t i = f.first; i < f.first + f.count; ++i) {
    const auto& s = r.series[i];
    out += name;
    if (s.label_size != 0) {
      out += '{';
      out.append(labels + s.label_offset, s.label_size);
      out += '}';
    }
    out += ' ';
    append_value(out, s.value);
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
  const auto keep = [&out](std::string_view s) { out.append(s); };
  for (const auto& f : r.families) {
    out += f.head->header;
    write_family(r, f, out, SIZE_MAX, keep);
  }
  return out;
}

Exposition::Exposition(const Snapshot& snap) {
  blocks_.reserve(snap.targets.size() + 1);
  blocks_.push_back(&snap.global);
  for (const auto& target : snap.targets) blocks_.push_back(target.get());
  // Group every block's families by name, groups in first-seen order, blocks in order within
  // a group: a counting sort over name ids, so a scrape of 100,000 targets costs two passes
  // and 8 bytes per family, not a map of strings.
  std::vector<int32_t> group_of;
  std::vector<uint32_t> counts;
  for (const auto* b : blocks_) {
    for (const auto& f : b->families) {
      const uint32_t id = f.head->name_id;
      if (id >= group_of.size()) group_of.resize(id + 1, -1);
      if (group_of[id] < 0) {
        group_of[id] = static_cast<int32_t>(heads_.size());
        heads_.push_back(f.head);
        counts.push_back(0);
        bytes_ += f.head->header.size();
      }
      ++counts[static_cast<size_t>(group_of[id])];
      bytes_ += f.bytes;
    }
  }
  starts_.assign(heads_.size() + 1, 0);
  for (size_t g = 0; g < heads_.size(); ++g) starts_[g + 1] = starts_[g] + counts[g];
  parts_.resize(starts_.back());
  std::vector<uint32_t> next(starts_.begin(), starts_.end() - 1);
  for (uint32_t b = 0; b < blocks_.size(); ++b) {
    const auto& fams = blocks_[b]->families;
    for (uint32_t i = 0; i < fams.size(); ++i)
      parts_[next[static_cast<size_t>(group_of[fams[i].head->name_id])]++] = {b, i};
  }
}

void Exposition::write(const std::function<void(std::string_view)>& sink) const {
  // Lines are written into one buffer handed to the sink in pieces of about 64 KB.
  constexpr size_t kChunk = 64 * 1024;
  std::string buf;
  buf.reserve(kChunk + 4096);
  for (size_t g = 0; g < heads_.size(); ++g) {
    buf += heads_[g]->header;
    for (uint32_t p = starts_[g]; p < starts_[g + 1]; ++p) {
      const Rendered& r = *blocks_[parts_[p].block];
      write_family(r, r.families[parts_[p].family], buf, kChunk, sink);
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
