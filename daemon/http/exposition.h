#pragma once
// Exposition: samples to the Prometheus text format.
//
// Rendering happens on the poller side: render_families() turns one target's families into
// text once per poll (renaming them Prometheus-style when the config says
// `metric_names: prometheus`), writing each line straight into the target's buffer: no
// streams and no prometheus-cpp objects per sample, numbers by std::to_chars. The bytes are
// exactly those prometheus-cpp's TextSerializer writes, which stays the reference: it still
// writes the HELP/TYPE lines (once per distinct family), and exposition_test compares the two
// on random input. A scrape then only groups the rendered blocks of all targets by family
// name (the text format wants one group per name, one HELP/TYPE each) and hands them out in
// order: serving a snapshot costs a copy of the bytes, not a conversion of samples.
//
// Thread safety: pure functions (the header cache is locked); render() and Exposition may
// run on several HTTP threads at once.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

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

// The same body, handed out piece by piece and never held whole: a plain scrape writes the
// pieces to the socket, a gzip scrape compresses them as they come. size() is known before
// the first piece (for Content-Length). The snapshot must outlive the object.
class Exposition {
 public:
  explicit Exposition(const Snapshot& snap);
  size_t size() const { return bytes_; }
  // Pieces of up to about 64 KB, in order.
  void write(const std::function<void(std::string_view)>& sink) const;

 private:
  std::vector<std::vector<const RenderedFamily*>> groups_;  // by name, first-seen order
  size_t bytes_ = 0;
};

// The text format's pieces, as prometheus-cpp's TextSerializer writes them: a label value
// with \\, " and newline escaped; a sample value ("Nan", "+Inf", "-Inf", else "%.16g").
void append_label_value(std::string& out, std::string_view value);
void append_value(std::string& out, double value);

// "ifHCInOctets" -> "if_hc_in_octets"; "ifIndex" -> "if_index"; already snake: unchanged.
std::string snake_case(const std::string& name);

}  // namespace lw::http
