#include "config/reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace lw::config::detail {

namespace {

std::string format_ms(std::chrono::milliseconds d) {
  int64_t ms = d.count();
  std::string out;
  const std::pair<int64_t, const char*> units[] = {
      {3600000, "h"}, {60000, "m"}, {1000, "s"}, {1, "ms"}};
  for (const auto& [size, name] : units) {
    if (ms >= size) {
      out += std::to_string(ms / size) + name;
      ms %= size;
    }
  }
  return out.empty() ? "0s" : out;
}

std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string got(const YAML::Node& n) {
  if (n.IsScalar()) return " (got " + quote(n.Scalar()) + ")";
  if (n.IsMap()) return " (got a map)";
  if (n.IsSequence()) return " (got a list)";
  return " (the value is empty)";
}

std::string prefix(std::string_view key) { return key.empty() ? "" : std::string(key) + ": "; }

}  // namespace

const Field* Fields::get(std::string_view key) const {
  for (const Field& f : fields_)
    if (f.key == key) return &f;
  return nullptr;
}

std::optional<std::string> peek_scalar(const YAML::Node& map, std::string_view key) {
  if (!map.IsMap()) return std::nullopt;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node k = it->first, v = it->second;
    if (k.IsScalar() && k.Scalar() == key && v.IsScalar()) return v.Scalar();
  }
  return std::nullopt;
}

std::string join(const std::vector<std::string>& names, size_t limit) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i == limit) return out + ", ...";
    if (i) out += ", ";
    out += names[i];
  }
  return out.empty() ? "none" : out;
}

std::string quote(std::string_view s) {
  constexpr size_t kMax = 80;
  std::string out = "\"";
  for (size_t i = 0; i < s.size() && i < kMax; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      static const char* kHex = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (s.size() > kMax) out += "...";
  return out + "\"";
}

bool valid_metric_name(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool valid_label_name(std::string_view s) {
  return valid_metric_name(s) && s.find(':') == std::string_view::npos;
}

Result<std::string> read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{"io", std::strerror(errno)};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const int err = S_ISDIR(st.st_mode) ? EISDIR : errno;
    ::close(fd);
    return Error{"io", err ? std::strerror(err) : "not a regular file"};
  }
  std::string out;
  char buf[65536];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return Error{"io", std::strerror(err)};
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

Mark Reader::mark(const YAML::Node& n) const {
  const YAML::Mark m = n.Mark();
  if (m.is_null()) return Mark{src_.file, 0, 0};
  return Mark{src_.file, m.line + 1, m.column + 1};
}

Mark Reader::mark(const Field& f) const {
  // yaml-cpp marks an empty value at the next token, often on the next line.
  if (!f.value.IsDefined() || f.value.IsNull()) return mark(f.key_node);
  return mark(f.value);
}

void Reader::error(const Mark& m, std::string_view where, std::string msg) {
  diag_.error(m, where.empty() ? std::move(msg) : std::string(where) + ": " + msg);
}

void Reader::warn(const Mark& m, std::string_view where, std::string msg) {
  diag_.warn(m, where.empty() ? std::move(msg) : std::string(where) + ": " + msg);
}

std::optional<Fields> Reader::map(const YAML::Node& node, std::string_view where,
                                  std::initializer_list<std::string_view> known) {
  if (!node.IsMap()) {
    error(mark(node), where, "expected a map" + got(node));
    return std::nullopt;
  }
  Fields out;
  out.node = node;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node k = it->first;  // a copy: it-> yields a temporary proxy
    if (!k.IsScalar()) {
      error(mark(k), where, "expected a plain key");
      continue;
    }
    const std::string& key = k.Scalar();
    bool ok = false;
    for (std::string_view kn : known) ok = ok || kn == key;
    if (!ok) {
      std::vector<std::string> names(known.begin(), known.end());
      diag_.error(mark(k), "unknown key " + quote(key) + " in " + std::string(where) +
                               " (known: " + join(names, 100) + ")");
      continue;
    }
    if (const Field* first = out.get(key)) {
      error(mark(k), where, "key " + quote(key) + " repeated (first at " +
                                mark(first->key_node).to_string() + ")");
      continue;
    }
    out.fields_.push_back(Field{key, k, it->second});
  }
  return out;
}

std::optional<Fields> Reader::named_map(const YAML::Node& node, std::string_view where) {
  if (!node.IsMap()) {
    error(mark(node), where, "expected a map" + got(node));
    return std::nullopt;
  }
  // Names may be many (labels, auths): index the repeated-key check.
  Fields out;
  out.node = node;
  std::map<std::string, size_t, std::less<>> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node k = it->first;  // a copy: it-> yields a temporary proxy
    if (!k.IsScalar() || k.Scalar().empty()) {
      error(mark(k), where, "expected a name as key");
      continue;
    }
    const auto [pos, fresh] = seen.emplace(k.Scalar(), out.fields_.size());
    if (!fresh) {
      error(mark(k), where, quote(k.Scalar()) + " repeated (first at " +
                                mark(out.fields_[pos->second].key_node).to_string() + ")");
      continue;
    }
    out.fields_.push_back(Field{k.Scalar(), k, it->second});
  }
  return out;
}

const Field* Reader::required(const Fields& f, std::string_view key, std::string_view where) {
  const Field* field = f.get(key);
  if (!field) error(mark(f.node), where, "missing required key " + quote(key));
  return field;
}

std::optional<std::string> Reader::string(const Field& f, std::string_view where) {
  if (!f.value.IsScalar()) {
    error(mark(f), where, prefix(f.key) + "expected a string" + got(f.value));
    return std::nullopt;
  }
  return f.value.Scalar();
}

std::optional<std::string> Reader::secret(const Field& f, std::string_view where) {
  if (!f.value.IsScalar()) {
    const char* what = f.value.IsMap() ? " (got a map)"
                       : f.value.IsSequence() ? " (got a list)"
                                              : " (the value is empty)";
    error(mark(f), where, prefix(f.key) + "expected a string" + what);
    return std::nullopt;
  }
  return f.value.Scalar();
}

std::optional<int64_t> Reader::integer(const Field& f, std::string_view where, int64_t lo,
                                       int64_t hi) {
  if (f.value.IsScalar()) {
    const std::string& s = f.value.Scalar();
    int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && ptr == s.data() + s.size() && !s.empty()) {
      if (v < lo || v > hi) {
        error(mark(f), where, prefix(f.key) + "must be between " + std::to_string(lo) +
                                  " and " + std::to_string(hi) + " (got " + s + ")");
        return std::nullopt;
      }
      return v;
    }
  }
  error(mark(f), where, prefix(f.key) + "expected an integer" + got(f.value));
  return std::nullopt;
}

std::optional<double> Reader::number(const Field& f, std::string_view where, double lo,
                                     double hi) {
  if (f.value.IsScalar()) {
    const std::string& s = f.value.Scalar();
    double v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && ptr == s.data() + s.size() && !s.empty() && std::isfinite(v)) {
      if (v < lo || v > hi) {
        error(mark(f), where, prefix(f.key) + "must be between " + format_number(lo) +
                                  " and " + format_number(hi) + " (got " + s + ")");
        return std::nullopt;
      }
      return v;
    }
  }
  error(mark(f), where, prefix(f.key) + "expected a number" + got(f.value));
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> Reader::duration(const Field& f, std::string_view where,
                                                          std::chrono::milliseconds lo,
                                                          std::chrono::milliseconds hi) {
  std::optional<std::chrono::milliseconds> d;
  if (f.value.IsScalar()) d = parse_duration(f.value.Scalar());
  if (!d) {
    error(mark(f), where, prefix(f.key) + "expected a duration like 30s" + got(f.value));
    return std::nullopt;
  }
  if (*d < lo || *d > hi) {
    error(mark(f), where, prefix(f.key) + "must be between " + format_ms(lo) + " and " +
                              format_ms(hi) + " (got " + f.value.Scalar() + ")");
    return std::nullopt;
  }
  return d;
}

std::optional<size_t> Reader::choice(const Field& f, std::string_view where,
                                     const std::vector<std::string_view>& choices) {
  if (f.value.IsScalar()) {
    for (size_t i = 0; i < choices.size(); ++i)
      if (choices[i] == f.value.Scalar()) return i;
  }
  std::vector<std::string> names(choices.begin(), choices.end());
  error(mark(f), where, prefix(f.key) + "expected one of " + join(names, 100) + got(f.value));
  return std::nullopt;
}

std::optional<snmp::Oid> Reader::oid(const Field& f, std::string_view where) {
  std::optional<snmp::Oid> o;
  if (f.value.IsScalar()) o = snmp::parse_oid(f.value.Scalar());
  if (!o) {
    error(mark(f), where,
          prefix(f.key) + "expected a numeric OID like 1.3.6.1.2.1.1.3" + got(f.value));
  }
  return o;
}

std::optional<std::vector<YAML::Node>> Reader::sequence(const Field& f, std::string_view where) {
  if (!f.value.IsSequence()) {
    error(mark(f), where, prefix(f.key) + "expected a list" + got(f.value));
    return std::nullopt;
  }
  std::vector<YAML::Node> out;
  out.reserve(f.value.size());
  for (const YAML::Node& n : f.value) out.push_back(n);
  return out;
}

std::optional<std::vector<std::pair<std::string, Mark>>> Reader::strings(const Field& f,
                                                                         std::string_view where) {
  auto seq = sequence(f, where);
  if (!seq) return std::nullopt;
  std::vector<std::pair<std::string, Mark>> out;
  bool ok = true;
  for (const YAML::Node& n : *seq) {
    if (!n.IsScalar()) {
      error(mark(n), where, prefix(f.key) + "expected a list of strings" + got(n));
      ok = false;
      continue;
    }
    out.emplace_back(n.Scalar(), mark(n));
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace lw::config::detail
