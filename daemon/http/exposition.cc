#include "daemon/http/exposition.h"

#include <cctype>
#include <unordered_map>

#include <prometheus/text_serializer.h>

namespace lw::http {

std::string snake_case(const std::string& name) {
  std::string out;
  out.reserve(name.size() + 8);
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool upper = std::isupper(static_cast<unsigned char>(c)) != 0;
    if (upper && i > 0) {
      const char prev = name[i - 1];
      const bool prev_lower_or_digit = std::islower(static_cast<unsigned char>(prev)) || std::isdigit(static_cast<unsigned char>(prev));
      const bool next_lower = i + 1 < name.size() && std::islower(static_cast<unsigned char>(name[i + 1]));
      // ifHCInOctets: a boundary before "HC" (after a lower) and before "In" (end of an acronym).
      if ((prev_lower_or_digit || (next_lower && std::isupper(static_cast<unsigned char>(prev)))) && out.back() != '_')
        out += '_';
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

std::string family_name(const collect::Family& f, bool prom) {
  if (!prom) return f.name;
  std::string n = snake_case(f.name);
  if (f.kind == collect::Kind::Counter && (n.size() < 6 || n.compare(n.size() - 6, 6, "_total") != 0)) n += "_total";
  return n;
}

}  // namespace

std::vector<prometheus::MetricFamily> SnapshotCollectable::Collect() const {
  const auto snap = box_.latest();
  const bool prom = naming_.load() == config::Global::MetricNames::Prometheus;

  std::vector<prometheus::MetricFamily> out;
  std::unordered_map<std::string, size_t> index;
  std::unordered_map<std::string, std::string> label_names;  // memo for snake_case

  auto label = [&](const std::string& n) -> const std::string& {
    if (!prom) return n;
    auto it = label_names.find(n);
    if (it == label_names.end()) it = label_names.emplace(n, snake_case(n)).first;
    return it->second;
  };
  auto add = [&](const collect::Family& f) {
    const std::string name = family_name(f, prom);
    auto it = index.find(name);
    if (it == index.end()) {
      it = index.emplace(name, out.size()).first;
      prometheus::MetricFamily mf;
      mf.name = name;
      mf.help = f.help;
      mf.type = type_of(f.kind);
      out.push_back(std::move(mf));
    }
    auto& mf = out[it->second];
    mf.metric.reserve(mf.metric.size() + f.series.size());
    for (const auto& s : f.series) {
      prometheus::ClientMetric m;
      m.label.reserve(s.labels.size());
      for (const auto& [k, v] : s.labels) m.label.push_back({label(k), v});
      switch (mf.type) {
        case prometheus::MetricType::Counter: m.counter.value = s.value; break;
        case prometheus::MetricType::Gauge: m.gauge.value = s.value; break;
        default: m.untyped.value = s.value; break;
      }
      mf.metric.push_back(std::move(m));
    }
  };
  for (const auto& f : snap->global) add(f);
  for (const auto& families : snap->targets)
    for (const auto& f : *families) add(f);
  return out;
}

std::string render(const prometheus::Collectable& c) {
  return prometheus::TextSerializer().Serialize(c.Collect());
}

}  // namespace lw::http
