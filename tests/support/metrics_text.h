#pragma once
// Reads Prometheus text exposition (what /metrics serves) into samples, for assertions.
//
// parse_metrics() keeps every sample line (comments skipped) with its label values unescaped
// (\\, \", \n); a line it cannot read is kept in `bad_lines` so that a test can fail on it.
// Lookups match a sample when every given label has the given value (others are ignored).
//
// Thread safety: a Scrape is a plain value.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lw::test {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Scrape {
  std::vector<Sample> samples;
  std::vector<std::string> bad_lines;
  std::string text;  // the raw exposition, for failure messages

  // Every sample named `name` whose labels include all of `match`.
  std::vector<const Sample*> find(const std::string& name,
                                  const std::map<std::string, std::string>& match = {}) const;
  // The value of the only such sample; nullopt if there is none or more than one.
  std::optional<double> value(const std::string& name,
                              const std::map<std::string, std::string>& match = {}) const;
  bool has(const std::string& name, const std::map<std::string, std::string>& match = {}) const {
    return !find(name, match).empty();
  }
};

Scrape parse_metrics(const std::string& text);

}  // namespace lw::test
