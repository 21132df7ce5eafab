#include "daemon/http/exposition.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
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
// (so the text stays what it always was), made once per distinct name, help and type.
std::shared_ptr<const std::string> header_for(const std::string& name, const std::string& help,
                                              prometheus::MetricType type) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::shared_ptr<const std::string>> known;
  std::string key;
  key.reserve(name.size() + help.size() + 3);
  key.append(name).append(1, '\0').append(help).append(1, '\0').append(1, static_cast<char>(type));
  std::lock_guard lock(mu);
  auto& slot = known[key];
  if (!slot) {
    prometheus::MetricFamily mf;
    mf.name = name;
    mf.help = help;
    mf.type = type;
    std::ostringstream os;
    prometheus::TextSerializer().Serialize(os, {mf});
    slot = std::make_shared<const std::string>(std::move(os).str());
  }
  return slot;
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

void append_value(std::string& out, double value) {
  char buf[40];
  if (std::isnan(value)) {
    out += "Nan";
    return;
  }
  if (std::isinf(value)) {
    out += value < 0 ? "-Inf" : "+Inf";
    return;
  }
  // Counters and most gauges are whole numbers: integer formatting is both faster and, below
  // 1e15, the same digits as "%.16g" (which is what the serializer's stream writes).
  if (value == std::trunc(value) && std::fabs(value) < 1e15 && !(value == 0 && std::signbit(value))) {
    const auto r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(value));
    out.append(buf, r.ptr);
    return;
  }
  const auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::general,
                               std::numeric_limits<double>::max_digits10 - 1);
  out.append(buf, r.ptr);
}

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

Rendered render_impl(const collect::Families& families, config::Global::MetricNames names, const Pairs& external) {
  const bool prom = names == config::Global::MetricNames::Prometheus;
  std::unordered_map<std::string, std::string> label_names;  // memo for snake_case
  auto label = [&](const std::string& n) -> const std::string& {
    if (!prom) return n;
    auto it = label_names.find(n);
    if (it == label_names.end()) it = label_names.emplace(n, snake_case(n)).first;
    return it->second;
  };

  Rendered out;
  out.reserve(families.size());
  for (const auto& f : families) {
    if (f.series.empty()) continue;
    RenderedFamily r;
    r.name = prom ? prometheus_name(f.name) : f.name;
    if (prom && f.kind == collect::Kind::Counter &&
        (r.name.size() < 6 || r.name.compare(r.name.size() - 6, 6, "_total") != 0))
      r.name += "_total";
    r.header = header_for(r.name, f.help, type_of(f.kind));
    // One line per series: name{k="v",...} value. The same bytes TextSerializer writes.
    // Written into a reused scratch buffer, then copied once at its exact size: the text is
    // kept until the next poll, and a growing string's slack would be kept with it.
    thread_local std::string scratch;
    scratch.clear();
    for (const auto& s : f.series) {
      scratch += r.name;
      char sep = '{';
      auto put = [&](const std::string& k, std::string_view v) {
        scratch += sep;
        scratch += k;
        scratch += "=\"";
        append_label_value(scratch, v);
        scratch += '"';
        sep = ',';
      };
      for (const auto& [k, v] : s.labels) put(label(k), v);
      for (const auto& ext : external) {  // not a structured binding: clang 14 cannot capture one
        const bool has =
            std::any_of(s.labels.begin(), s.labels.end(), [&](const auto& l) { return label(l.first) == ext.first; });
        if (!has) put(ext.first, ext.second);
      }
      if (sep == ',') scratch += '}';
      scratch += ' ';
      append_value(scratch, s.value);
      scratch += '\n';
    }
    r.body.assign(scratch);
    r.series = f.series.size();
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

Rendered render_families(const collect::Families& families, config::Global::MetricNames names) {
  return render_impl(families, names, {});
}

Rendered render_families(const collect::Families& families, const config::Global& global) {
  return render_impl(families, global.metric_names, global.external_labels);
}

Exposition::Exposition(const Snapshot& snap) {
  std::unordered_map<std::string_view, size_t> index;
  auto add = [&](const RenderedFamily& f) {
    auto [it, fresh] = index.emplace(f.name, groups_.size());
    if (fresh) {
      groups_.emplace_back();
      bytes_ += f.header->size();
    }
    groups_[it->second].push_back(&f);
    bytes_ += f.body.size();
  };
  for (const auto& f : snap.global) add(f);
  for (const auto& target : snap.targets)
    for (const auto& f : *target) add(f);
}

void Exposition::write(const std::function<void(std::string_view)>& sink) const {
  // Small bodies are gathered into one buffer, so the sink sees pieces of tens of kilobytes,
  // not one call per family of each target.
  constexpr size_t kChunk = 64 * 1024;
  std::string buf;
  buf.reserve(kChunk);
  auto put = [&](std::string_view s) {
    if (buf.size() + s.size() > kChunk && !buf.empty()) {
      sink(buf);
      buf.clear();
    }
    if (s.size() >= kChunk) sink(s);
    else buf.append(s);
  };
  for (const auto& fams : groups_) {
    put(*fams.front()->header);
    for (const auto* f : fams) put(f->body);
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
