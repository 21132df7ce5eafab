#include "daemon/http/exposition.h"

#include <algorithm>
#include <cctype>
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

Rendered render_impl(const collect::Families& families, config::Global::MetricNames names,
                     const std::vector<std::pair<std::string, std::string>>& external);

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

// Headers repeat for every target: keep one copy of each. The set only grows with the
// number of distinct metric families, which the modules bound.
std::shared_ptr<const std::string> intern(std::string header) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::shared_ptr<const std::string>> known;
  std::lock_guard lock(mu);
  auto& slot = known[header];
  if (!slot) slot = std::make_shared<const std::string>(std::move(header));
  return slot;
}

}  // namespace

Rendered render_families(const collect::Families& families, config::Global::MetricNames names) {
  return render_impl(families, names, {});
}

Rendered render_families(const collect::Families& families, const config::Global& global) {
  return render_impl(families, global.metric_names, global.external_labels);
}

namespace {

Rendered render_impl(const collect::Families& families, config::Global::MetricNames names,
                     const std::vector<std::pair<std::string, std::string>>& external) {
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
  const prometheus::TextSerializer serializer;
  for (const auto& f : families) {
    if (f.series.empty()) continue;
    prometheus::MetricFamily mf;
    mf.name = prom ? prometheus_name(f.name) : f.name;
    if (prom && f.kind == collect::Kind::Counter &&
        (mf.name.size() < 6 || mf.name.compare(mf.name.size() - 6, 6, "_total") != 0))
      mf.name += "_total";
    mf.help = f.help;
    mf.type = type_of(f.kind);
    mf.metric.reserve(f.series.size());
    for (const auto& s : f.series) {
      prometheus::ClientMetric m;
      m.label.reserve(s.labels.size());
      for (const auto& [k, v] : s.labels) m.label.push_back({label(k), v});
      for (const auto& [k, v] : external) {
        const bool has = std::any_of(m.label.begin(), m.label.end(), [&](const auto& l) { return l.name == k; });
        if (!has) m.label.push_back({k, v});
      }
      switch (mf.type) {
        case prometheus::MetricType::Counter: m.counter.value = s.value; break;
        case prometheus::MetricType::Gauge: m.gauge.value = s.value; break;
        default: m.untyped.value = s.value; break;
      }
      mf.metric.push_back(std::move(m));
    }
    std::ostringstream os;
    serializer.Serialize(os, {mf});
    std::string text = std::move(os).str();
    // The serializer writes "# HELP" and "# TYPE" first: keep them apart, once per scrape.
    size_t cut = 0;
    for (int line = 0; line < 2 && cut != std::string::npos; ++line) {
      if (text.compare(cut, 2, "# ") != 0) break;
      cut = text.find('\n', cut);
      if (cut != std::string::npos) ++cut;
    }
    if (cut == std::string::npos) cut = text.size();
    RenderedFamily r;
    r.name = mf.name;
    r.header = intern(text.substr(0, cut));
    r.body = text.substr(cut);
    r.series = f.series.size();
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

std::string render(const Snapshot& snap) {
  // Group by name, in first-seen order, then write each group once.
  std::vector<std::vector<const RenderedFamily*>> groups;
  std::unordered_map<std::string_view, size_t> index;
  size_t bytes = 0;
  auto add = [&](const RenderedFamily& f) {
    auto [it, fresh] = index.emplace(f.name, groups.size());
    if (fresh) {
      groups.emplace_back();
      bytes += f.header->size();
    }
    groups[it->second].push_back(&f);
    bytes += f.body.size();
  };
  for (const auto& f : snap.global) add(f);
  for (const auto& target : snap.targets)
    for (const auto& f : *target) add(f);

  std::string out;
  out.reserve(bytes);
  for (const auto& g : groups) {
    out += *g.front()->header;
    for (const auto* f : g) out += f->body;
  }
  return out;
}

}  // namespace lw::http
