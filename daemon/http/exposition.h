#pragma once
// Exposition: samples to the Prometheus text format.
//
// render_families() runs on the poller once per poll: it turns one target's families into the
// compact form a snapshot keeps (daemon/snapshot.h `Rendered`: each distinct label set's text
// once, escaped, and per series only a reference to it and the value, all but the values
// shared with the target's previous poll when unchanged), renaming them
// Prometheus-style when the config says `metric_names: prometheus`. No streams and no
// prometheus-cpp objects per sample. The text itself is made at scrape time by Exposition:
// it groups the blocks of all targets by family name (the text format wants one group per
// name, one HELP/TYPE each) and writes the lines, numbers by std::to_chars, into pieces of
// about 64 KB. The bytes are exactly those prometheus-cpp's TextSerializer writes, which stays
// the reference: it still writes the HELP/TYPE lines (once per distinct family), and
// exposition_test and text_writer_test compare the two on random input.
//
// Thread safety: pure functions (the interned family heads are locked, with a thread-local
// cache); render() and Exposition may run on several HTTP threads at once.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/sample.h"
#include "config/config.h"
#include "daemon/snapshot.h"

namespace lw::http {

// `previous`, the same target's last result, lends its shape when this poll's is equal (the
// usual case: a device's names rarely change), so consecutive polls share it.
Rendered render_families(const collect::Families& families, config::Global::MetricNames names,
                         const Rendered* previous = nullptr);
// The same, with the config's naming and its external_labels added to every series that
// does not have that label already (the series' own value wins, as in Prometheus).
Rendered render_families(const collect::Families& families, const config::Global& global,
                         const Rendered* previous = nullptr);

// One block as text, each family with its HELP/TYPE lines (tests and tools).
std::string render_text(const Rendered& r);

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
  std::vector<const Rendered*> blocks_;   // the snapshot's global block, then its targets'
  std::vector<const FamilyHead*> heads_;  // per group (one per name, first-seen order)
  std::vector<int32_t> group_of_;         // by name id: its group, -1 for names not here
  std::vector<bool> in_order_;            // per block: its families come in group order
  size_t bytes_ = 0;
};

// The text format's pieces, as prometheus-cpp's TextSerializer writes them: a label value
// with \\, " and newline escaped; a sample value ("Nan", "+Inf", "-Inf", else "%.16g").
void append_label_value(std::string& out, std::string_view value);
void append_value(std::string& out, double value);
// The same value into buf (at least kValueChars long); returns its length.
inline constexpr size_t kValueChars = 40;
size_t format_value(double value, char* buf);
// format_value's length without writing the digits (whole numbers are counted; the render
// sums every sample's length for Content-Length at each poll).
size_t value_size(double value);

// "ifHCInOctets" -> "if_hc_in_octets"; "ifIndex" -> "if_index"; already snake: unchanged.
std::string snake_case(const std::string& name);

}  // namespace lw::http
