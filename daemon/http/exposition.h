#pragma once
// Exposition: samples to the Prometheus text format, through prometheus-cpp.
//
// Rendering happens on the poller side: render_families() turns one target's families into
// text with prometheus-cpp's TextSerializer once per poll (renaming them Prometheus-style
// when the config says `metric_names: prometheus`). A scrape then only groups the rendered
// blocks of all targets by family name (the text format wants one group per name, one
// HELP/TYPE each) and concatenates them: render(snapshot) costs a copy of the bytes, not a
// conversion of hundreds of thousands of samples.
//
// Thread safety: pure functions; render() may run on several HTTP threads at once.

#include <string>

#include "collectors/sample.h"
#include "config/config.h"
#include "daemon/snapshot.h"

namespace lw::http {

Rendered render_families(const collect::Families& families, config::Global::MetricNames names);
// The same, with the config's naming and its external_labels added to every series that
// does not have that label already (the series' own value wins, as in Prometheus).
Rendered render_families(const collect::Families& families, const config::Global& global);

// The whole /metrics body for a snapshot.
std::string render(const Snapshot& snap);

// "ifHCInOctets" -> "if_hc_in_octets"; "ifIndex" -> "if_index"; already snake: unchanged.
std::string snake_case(const std::string& name);

}  // namespace lw::http
