#include "config/reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "common/utf8.h"

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

// Why a well-formed duration was refused by parse_duration ("" if it is not well-formed):
// zero or negative, or too large.
std::string duration_problem(std::string_view text) {
  std::string_view body = text;
  const bool negative = !body.empty() && body.front() == '-';
  if (negative) body.remove_prefix(1);
  std::string ones;  // each run of digits as "1": the same form, positive and small
  bool all_zero = true;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    const bool digit = c >= '0' && c <= '9';
    if (!digit) {
      ones += c;
      continue;
    }
    all_zero = all_zero && c == '0';
    if (i == 0 || body[i - 1] < '0' || body[i - 1] > '9') ones += '1';
  }
  if (!parse_duration(ones)) return "";
  if (negative || all_zero) return "must be positive";
  return "out of range";
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

std::string printable(std::string_view s, size_t max_bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  size_t i = 0;
  while (i < s.size() && i < max_bytes) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t n = utf8_sequence_length(s, i);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (n == 0 || c < 0x20 || c == 0x7f) {
      // Control characters and bytes that are not UTF-8: never echoed raw (binary input).
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out.append(s.substr(i, n));
      i += n;
      continue;
    }
    ++i;
  }
  if (i < s.size()) out += "...";
  return out;
}

std::string quote(std::string_view s) { return "\"" + printable(s, 80) + "\""; }

std::optional<std::string> oid_problem(const snmp::Oid& oid) {
  constexpr size_t kMaxArcs = 128;  // RFC 2578 section 3.5
  if (oid.size() > kMaxArcs)
    return "OID has " + std::to_string(oid.size()) + " arcs; SNMP allows at most " + std::to_string(kMaxArcs);
  // X.690 packs the first two arcs into one: 0 to 2, then 0 to 39 under 0 and 1.
  if (!oid.empty() && oid[0] > 2) return "the first arc of an OID is 0, 1 or 2 (got " + std::to_string(oid[0]) + ")";
  if (oid.size() > 1 && oid[0] < 2 && oid[1] > 39)
    return "the second arc is at most 39 when the first is 0 or 1 (got " + std::to_string(oid[1]) + ")";
  return std::nullopt;
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

std::string format_bytes(size_t n) {
  if (n >= (size_t{1} << 20) && n % (size_t{1} << 20) == 0) return std::to_string(n >> 20) + " MiB";
  if (n >= (size_t{1} << 10) && n % (size_t{1} << 10) == 0) return std::to_string(n >> 10) + " KiB";
  return std::to_string(n) + " bytes";
}

namespace {

const char* file_type(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a file";
}

}  // namespace

Result<std::string> read_file(const std::string& path, size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, for ever.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return Error{"io", std::strerror(errno)};
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return Error{"io", std::strerror(err)};
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Error{"io", std::string("not a regular file (") + file_type(st.st_mode) + ")"};
  }
  const auto too_big = [&](size_t size) {
    return Error{"io", "the file is " + format_bytes(size) + "; the limit is " + format_bytes(max_bytes)};
  };
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    ::close(fd);
    return too_big(static_cast<size_t>(st.st_size));
  }
  std::string out;
  out.reserve(static_cast<size_t>(st.st_size));
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
    if (out.size() > max_bytes) {  // it grew while we read
      ::close(fd);
      return too_big(out.size());
    }
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
    const bool whole = ptr == s.data() + s.size() && !s.empty();
    if (whole && ec == std::errc::result_out_of_range) {  // digits, but beyond 64 bits
      error(mark(f), where, prefix(f.key) + "out of range: must be between " + std::to_string(lo) +
                                " and " + std::to_string(hi) + " (got " + printable(s, 40) + ")");
      return std::nullopt;
    }
    if (ec == std::errc() && whole) {
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
    if (ec == std::errc::result_out_of_range && ptr == s.data() + s.size() && !s.empty()) {
      error(mark(f), where, prefix(f.key) + "out of range: must be between " + format_number(lo) + " and " +
                                format_number(hi) + " (got " + printable(s, 40) + ")");
      return std::nullopt;
    }
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
    const std::string why = f.value.IsScalar() ? duration_problem(f.value.Scalar()) : "";
    error(mark(f), where, prefix(f.key) + (why.empty() ? "expected a duration like 30s" : why) + got(f.value));
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
  } else if (const auto bad = oid_problem(*o)) {
    error(mark(f), where, prefix(f.key) + *bad);
    return std::nullopt;
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
