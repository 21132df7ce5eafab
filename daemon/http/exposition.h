#pragma once
// Exposition: a Snapshot to the Prometheus text format, through prometheus-cpp.
//
// SnapshotCollectable is a prometheus::Collectable over a SnapshotBox: Collect() takes the
// latest snapshot and merges same-named families of all targets into one MetricFamily each
// (the text format wants one group per name), renaming them Prometheus-style when the config
// says `metric_names: prometheus`. render() serializes with prometheus-cpp's TextSerializer.
//
// Thread safety: Collect() and render() may run on several HTTP threads at once; they only
// read the immutable snapshot.

#include <atomic>
#include <string>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "config/config.h"
#include "daemon/snapshot.h"

namespace lw::http {

class SnapshotCollectable : public prometheus::Collectable {
 public:
  explicit SnapshotCollectable(const SnapshotBox& box) : box_(box) {}

  std::vector<prometheus::MetricFamily> Collect() const override;

  void set_naming(config::Global::MetricNames n) { naming_.store(n); }

 private:
  const SnapshotBox& box_;
  std::atomic<config::Global::MetricNames> naming_{config::Global::MetricNames::Mib};
};

// The text exposition of what `c` collects.
std::string render(const prometheus::Collectable& c);

// "ifHCInOctets" -> "if_hc_in_octets"; "ifIndex" -> "if_index"; already snake: unchanged.
std::string snake_case(const std::string& name);

}  // namespace lw::http
