// Micro-benchmarks for the per-poll path and for exposition (issue 10), with Google
// Benchmark: a regression shows here without the whole bench. Not a test: nothing is
// asserted, and nothing runs it in CI; run `<build>/bench/micro/hot_path_bench`.
//
// - PollToText: one answered poll of a device with N interfaces (system + if_mib, as the
//   bench polls), varbinds in, the target's compact rendered form out: record_outcome,
//   target_families (collectors, link tracker, linkwatch_* families) and render_families,
//   which is what the poller thread does per poll. Reports varbinds per second, the text a
//   scrape will write per poll and the bytes the snapshot keeps for it.
// - PollToFamilies: the same poll up to the render (record_outcome, target_families,
//   SiteTracker::observe, drop_diagnostic_series, as PollerCore::finish runs them): the
//   collectors' and link tracking's share of the poller thread, measured alone.
// - Exposition / ExpositionGzip: a /metrics body for T such targets, plain and gzip: the text
//   is written here, from the compact form.

#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>

#include "config/config.h"
#include "daemon/http/exposition.h"
#include "daemon/http/gzip.h"
#include "daemon/poll/job.h"
#include "daemon/poll/diagnostic_series.h"
#include "daemon/poll/plan.h"
#include "daemon/poll/run_poll.h"
#include "daemon/poll/target_families.h"

namespace {

using namespace lw;

std::shared_ptr<const config::Config> load() {
  char path[] = "/tmp/linkwatch-micro-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) throw std::runtime_error("mkstemp");
  close(fd);
  std::ofstream(path) << "global:\n  interval: 1s\n  timeout: 900ms\n"
                         "include:\n  - " LW_SOURCE_DIR "/config/modules/\n"
                         "auths:\n  v2: {version: 2c, community: public}\n"
                         "targets:\n  - {name: vinh-bts-0042, address: \"127.0.0.1:1161\", auth: v2,"
                         " modules: [system, if_mib], labels: {district: \"Huyện Kỳ Sơn\", role: bts}}\n";
  auto r = config::load_config(path);
  std::remove(path);
  if (!r.config) throw std::runtime_error("config: " + (r.errors.empty() ? "" : r.errors[0].message));
  return r.config;
}

snmp::Value value_for(config::MetricType t, uint32_t row, uint64_t poll) {
  switch (t) {
    case config::MetricType::Counter: return snmp::Value::Unsigned(snmp::Type::Counter64, 1'000'000'007ull * row + poll * 12345);
    case config::MetricType::Gauge: return snmp::Value::Unsigned(snmp::Type::Gauge32, 1000 * row);
    case config::MetricType::TimeTicks: return snmp::Value::Unsigned(snmp::Type::TimeTicks, 4'100'000 + poll * 100);
    case config::MetricType::Enum: return snmp::Value::Int(1);
    case config::MetricType::IpAddress: return [] { snmp::Value v; v.type = snmp::Type::IpAddress; v.bytes = std::string("\x0a\x00\x00\x01", 4); return v; }();
    case config::MetricType::PhysAddress: return snmp::Value::Str(std::string("\x00\x1b\x21\x3c\x4d\x5e", 6));
    default: return snmp::Value::Str("TenGigabitEthernet0/1/" + std::to_string(row));
  }
}

// A poll's answers: every scalar, and every column (and lookup column) under each walk for
// rows 1..ifs.
std::shared_ptr<poll::PollJob> answers(const std::shared_ptr<const poll::TargetPlan>& plan, uint32_t ifs, uint64_t n) {
  auto job = std::make_shared<poll::PollJob>();
  job->plan = plan;
  job->started_unix = 1.8e9 + static_cast<double>(n);
  job->finished_at = job->started + std::chrono::milliseconds(20);
  snmp::VarBinds scalars;
  for (const auto& oid : plan->asks->gets) {
    snmp::VarBind vb{oid, snmp::Value::Str("linkwatch bench")};
    if (oid == poll::kSysUpTime0) vb.value = snmp::Value::Unsigned(snmp::Type::TimeTicks, 4'100'000 + n * 100);
    scalars.push_back(std::move(vb));
  }
  job->probe = std::move(scalars);
  job->walks.resize(plan->asks->walks.size());
  for (size_t k = 0; k < plan->asks->walks.size(); ++k) {
    const auto& root = plan->asks->walks[k].root;
    std::map<snmp::Oid, config::MetricType> columns;
    for (const auto* m : plan->asks->modules)
      for (const auto& metric : m->metrics) {
        if (metric.indexes.empty()) continue;
        if (snmp::in_subtree(root, metric.oid)) columns.emplace(metric.oid, metric.type);
        for (const auto& l : metric.lookups)
          if (snmp::in_subtree(root, l.oid)) columns.emplace(l.oid, config::MetricType::String);
      }
    for (const auto& [col, type] : columns)
      for (uint32_t row = 1; row <= ifs; ++row) {
        snmp::Oid oid = col;
        oid.push_back(row);
        job->walks[k].varbinds.push_back({oid, value_for(type, row, n)});
      }
  }
  return job;
}

struct Fixture {
  std::shared_ptr<const config::Config> config = load();
  std::shared_ptr<const poll::TargetPlan> plan = poll::make_plan(config, config->targets.at(0));

  // The target's runtime state, as the poller keeps it between polls.
  poll::TargetRt target() const {
    poll::TargetRt t;
    t.plan = plan;
    t.def = &config->targets.at(0);
    return t;
  }
};

void PollToText(benchmark::State& state) {
  Fixture f;
  const auto ifs = static_cast<uint32_t>(state.range(0));
  poll::TargetRt t = f.target();
  uint64_t n = 0;
  size_t varbinds = 0, bytes = 0, kept = 0;
  Rendered last;  // the daemon hands each poll the target's previous result
  for (auto _ : state) {
    state.PauseTiming();
    auto job = answers(f.plan, ifs, ++n);  // the engine's part, not measured
    state.ResumeTiming();
    poll::record_outcome(t, *job);
    auto rendered = http::render_families(poll::target_families(t, *job), f.config->global.metric_names, &last);
    benchmark::DoNotOptimize(rendered);
    varbinds += t.varbinds;
    bytes += rendered.bytes;
    // What a poll adds to what the target's previous poll keeps: its values, and its shape
    // only when that changed (its layout only when that changed too: other devices of the
    // kind share it).
    kept += rendered.values.size() * sizeof(double);
    if (rendered.shape != last.shape) {
      const Rendered::Shape& shape = *rendered.shape;
      kept += shape.labels.size() + shape.prefix.size() + shape.sets.size() * 4;
      if (!last.shape || shape.layout != last.shape->layout)
        kept += shape.layout->series_sets.size() * 2 + shape.layout->series_sets_wide.size() * 4 + shape.layout->parents.size() * 4 +
                shape.families().size() * sizeof(Rendered::Family);
    }
    last = std::move(rendered);
  }
  state.counters["varbinds/s"] = benchmark::Counter(static_cast<double>(varbinds), benchmark::Counter::kIsRate);
  state.counters["text_bytes/poll"] = static_cast<double>(bytes) / static_cast<double>(n);
  state.counters["kept_bytes/poll"] = static_cast<double>(kept) / static_cast<double>(n);
}
BENCHMARK(PollToText)->Arg(2)->Arg(10)->Arg(25);

void PollToFamilies(benchmark::State& state) {
  Fixture f;
  const auto ifs = static_cast<uint32_t>(state.range(0));
  poll::TargetRt t = f.target();
  uint64_t n = 0;
  size_t varbinds = 0, series = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto job = answers(f.plan, ifs, ++n);  // the engine's part, not measured
    state.ResumeTiming();
    poll::record_outcome(t, *job);
    auto families = poll::target_families(t, *job);
    t.site.observe(families, job->started_unix);
    if (!f.config->global.diagnostic_series) poll::drop_diagnostic_series(families);
    benchmark::DoNotOptimize(families);
    varbinds += t.varbinds;
    for (const auto& fam : families) series += fam.series.size();
  }  // the families and the job are freed inside the timing, as on the poller thread
  state.counters["varbinds/s"] = benchmark::Counter(static_cast<double>(varbinds), benchmark::Counter::kIsRate);
  state.counters["series/poll"] = static_cast<double>(series) / static_cast<double>(n);
}
BENCHMARK(PollToFamilies)->Arg(2)->Arg(10)->Arg(25);

std::shared_ptr<Snapshot> snapshot(int targets) {
  Fixture f;
  auto snap = std::make_shared<Snapshot>();
  for (int i = 0; i < targets; ++i) {
    poll::TargetRt t = f.target();
    auto job = answers(f.plan, i % 10 == 0 ? 10 : 2, 1);
    poll::record_outcome(t, *job);
    snap->targets.push_back(std::make_shared<const Rendered>(
        http::render_families(poll::target_families(t, *job), f.config->global.metric_names)));
  }
  return snap;
}

void Exposition(benchmark::State& state) {
  const auto snap = snapshot(static_cast<int>(state.range(0)));
  size_t bytes = 0;
  for (auto _ : state) {
    const http::Exposition e(*snap);
    e.write([&](std::string_view piece) { bytes += piece.size(); });
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(Exposition)->Arg(1000)->Unit(benchmark::kMillisecond);

void ExpositionGzip(benchmark::State& state) {
  const auto snap = snapshot(static_cast<int>(state.range(0)));
  size_t bytes = 0, zipped = 0;
  for (auto _ : state) {
    const http::Exposition e(*snap);
    http::GzipWriter gz;
    e.write([&](std::string_view piece) {
      bytes += piece.size();
      gz.write(piece);
    });
    zipped += gz.finish()->size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["ratio"] = static_cast<double>(bytes) / static_cast<double>(zipped);
}
BENCHMARK(ExpositionGzip)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
