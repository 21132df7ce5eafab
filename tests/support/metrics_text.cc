#include "tests/support/metrics_text.h"

#include <cstdlib>
#include <limits>
#include <sstream>

namespace lw::test {
namespace {

// Parses `name{a="x",b="y"} value [timestamp]`; false if the line is malformed.
bool parse_line(const std::string& line, Sample& out) {
  size_t i = 0;
  while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
  out.name = line.substr(0, i);
  if (out.name.empty()) return false;
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      const size_t eq = line.find('=', i);
      if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') return false;
      const std::string key = line.substr(i, eq - i);
      std::string value;
      size_t j = eq + 2;
      for (; j < line.size() && line[j] != '"'; ++j) {
        if (line[j] == '\\' && j + 1 < line.size()) {
          ++j;
          value += line[j] == 'n' ? '\n' : line[j];
        } else {
          value += line[j];
        }
      }
      if (j >= line.size()) return false;
      out.labels[key] = value;
      i = j + 1;
      if (i < line.size() && line[i] == ',') ++i;
    }
    if (i >= line.size()) return false;
    ++i;  // '}'
  }
  if (i >= line.size() || line[i] != ' ') return false;
  const std::string rest = line.substr(i + 1);
  const std::string number = rest.substr(0, rest.find(' '));
  if (number == "NaN") out.value = std::numeric_limits<double>::quiet_NaN();
  else if (number == "+Inf") out.value = std::numeric_limits<double>::infinity();
  else if (number == "-Inf") out.value = -std::numeric_limits<double>::infinity();
  else {
    char* end = nullptr;
    out.value = std::strtod(number.c_str(), &end);
    if (number.empty() || end != number.c_str() + number.size()) return false;
  }
  return true;
}

}  // namespace

std::vector<const Sample*> Scrape::find(const std::string& name,
                                        const std::map<std::string, std::string>& match) const {
  std::vector<const Sample*> out;
  for (const auto& s : samples) {
    if (s.name != name) continue;
    bool ok = true;
    for (const auto& [k, v] : match) {
      const auto it = s.labels.find(k);
      if (it == s.labels.end() || it->second != v) {
        ok = false;
        break;
      }
    }
    if (ok) out.push_back(&s);
  }
  return out;
}

std::optional<double> Scrape::value(const std::string& name,
                                    const std::map<std::string, std::string>& match) const {
  const auto found = find(name, match);
  if (found.size() != 1) return std::nullopt;
  return found.front()->value;
}

Scrape parse_metrics(const std::string& text) {
  Scrape s;
  s.text = text;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    Sample sample;
    if (parse_line(line, sample)) s.samples.push_back(std::move(sample));
    else s.bad_lines.push_back(line);
  }
  return s;
}

}  // namespace lw::test
