// parse_snmpwalk (sim/recording.h): Net-SNMP's snmpwalk/snmpget text in every output mode
// that keeps the OID. What each mode prints (Net-SNMP 5.9, no MIBs loaded; fixtures in
// sim/testdata/snmpwalk/):
//   default, -Os, -OS, -Of    iso.3.6.1... / .iso.3.6.1... = TYPE: value (ccitt.0 for 0.0)
//   -On                       .1.3.6.1... = TYPE: value
//   -Oe                       INTEGER: 1 instead of INTEGER: up(1)
//   -Ot                       Timeticks as a bare number, no type: = 572
//   -OT                       Hex-STRING lines end with "  [ascii]"
//   -Ox                       every string as Hex-STRING
//   -OQ                       = value, no type; -Oq: OID value (no '='), no type
//   in both: strings and hex quoted ("48 75 "), Timeticks as d:h:mm:ss.cc
//   any mode                  = No Such Object/Instance..., No more variables...: not data
// Typed lines keep their type. Untyped values are read as: "..." a string (or hex bytes when
// it is all "XX " pairs, as Net-SNMP prints Hex-STRING), d:h:mm:ss.cc TimeTicks, .1.3... or
// iso... an OID, a.b.c.d an IpAddress, a number INTEGER (Gauge32 above 2^31-1, Counter64
// above 2^32-1) or, in a file whose other lines are typed (-Ot), TimeTicks.
#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <vector>

#include "sim/recording.h"
#include "sim/hex.h"

namespace lw::sim {
namespace {

using snmp::Type;
using snmp::Value;

Error bad(int line, const std::string& why) { return Error{"parse", "line " + std::to_string(line) + ": " + why}; }

// -OT appends "  [ascii]" to every line of hex: drop it.
std::string drop_ascii_columns(const std::string& s) {
  std::string out;
  std::istringstream in(s);
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (const size_t at = line.find("  ["); at != std::string::npos) line.resize(at);
    if (!first) out += '\n';
    out += line;
    first = false;
  }
  return out;
}

std::optional<int64_t> signed_number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  try {
    size_t used = 0;
    const std::string str(s);
    const long long v = std::stoll(str, &used);
    if (used != str.size()) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<uint64_t> unsigned_number(std::string_view s) {
  if (s.empty() || !std::isdigit(static_cast<unsigned char>(s[0]))) return std::nullopt;
  try {
    size_t used = 0;
    const std::string str(s);
    const unsigned long long v = std::stoull(str, &used);
    if (used != str.size()) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// "5", "up(1)" (an enum label), "-3".
std::optional<int64_t> integer(std::string_view s) {
  const auto open = s.find('(');
  if (open != std::string_view::npos && !s.empty() && s.back() == ')') s = s.substr(open + 1, s.size() - open - 2);
  return signed_number(s);
}

// "iso.3.6.1", ".iso.3.6.1", ".1.3.6.1", "1.3.6.1", "ccitt.0" (at least two arcs: a hex
// line is no OID). Without MIBs Net-SNMP names only the three top arcs.
std::optional<snmp::Oid> oid_text(std::string_view s) {
  std::string t(s);
  const bool dot = !t.empty() && t[0] == '.';
  for (const auto& [name, arc] : {std::pair{"joint-iso-ccitt", "2"}, std::pair{"ccitt", "0"}, std::pair{"iso", "1"}}) {
    const std::string_view n(name);
    if (t.compare(dot ? 1 : 0, n.size(), n) == 0 && t.size() > n.size() + (dot ? 1 : 0) &&
        t[n.size() + (dot ? 1 : 0)] == '.') {
      t = (dot ? "." : "") + std::string(arc) + t.substr(n.size() + (dot ? 1 : 0));
      break;
    }
  }
  if (t.empty() || !(t[0] == '.' || std::isdigit(static_cast<unsigned char>(t[0])))) return std::nullopt;
  auto o = snmp::parse_oid(t);
  if (!o || o->size() < 2) return std::nullopt;
  return o;
}

std::optional<Value> ip(std::string_view s) {
  in_addr a{};
  if (inet_pton(AF_INET, std::string(s).c_str(), &a) != 1) {
    // "Network Address: 7F:00:00:01"
    auto b = unhex(s);
    if (!b || b->size() != 4 || s.find(':') == std::string_view::npos) return std::nullopt;
    Value v;
    v.type = Type::IpAddress;
    v.bytes = *b;
    return v;
  }
  Value v;
  v.type = Type::IpAddress;
  v.bytes.assign(reinterpret_cast<const char*>(&a), 4);
  return v;
}

// The contents of a "..." value, escapes undone; nullopt if `s` is not one quoted string.
std::optional<std::string> unquote(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return std::nullopt;
  std::string out;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == '\\' && i + 2 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\')) ++i;
    else if (s[i] == '"') return std::nullopt;  // a quote inside: not one string
    out += s[i];
  }
  return out;
}

// Where a quoted value is still open at the end of `s` (its closing quote on a later line).
bool open_quote(std::string_view s) {
  const size_t q = s.find('"');
  if (q == std::string_view::npos) return false;
  bool open = false;
  for (size_t i = q; i < s.size(); ++i) {
    if (open && s[i] == '\\' && i + 1 < s.size()) {
      ++i;
      continue;
    }
    if (s[i] == '"') open = !open;
  }
  return open;
}

// Net-SNMP's untyped Hex-STRING: "XX " pairs (upper case), 16 to a line, each followed by a space.
bool looks_like_hex_dump(const std::string& s) {
  if (s.empty() || s.back() != ' ') return false;
  std::istringstream in(s);
  std::string tok;
  int n = 0;
  while (in >> tok) {
    if (tok.size() != 2) return false;
    for (char c : tok)
      if (!(std::isdigit(static_cast<unsigned char>(c)) || (c >= 'A' && c <= 'F'))) return false;
    ++n;
  }
  return n > 0;
}

// d:h:mm:ss.cc (Timeticks under -Oq/-OQ) -> hundredths of a second.
std::optional<uint64_t> ticks_of_duration(std::string_view s) {
  uint64_t parts[4] = {};
  int n = 0;
  size_t i = 0;
  for (; i < s.size() && s[i] != '.'; ++i) {
    if (s[i] == ':') {
      if (++n > 3) return std::nullopt;
    } else if (std::isdigit(static_cast<unsigned char>(s[i]))) {
      parts[n] = parts[n] * 10 + static_cast<uint64_t>(s[i] - '0');
    } else {
      return std::nullopt;
    }
  }
  if (n != 3 || i + 3 != s.size() || !std::isdigit(static_cast<unsigned char>(s[i + 1])) ||
      !std::isdigit(static_cast<unsigned char>(s[i + 2])))
    return std::nullopt;
  const uint64_t cc = static_cast<uint64_t>((s[i + 1] - '0') * 10 + (s[i + 2] - '0'));
  return ((parts[0] * 24 + parts[1]) * 60 + parts[2]) * 6000 + parts[3] * 100 + cc;
}

const std::vector<std::string>& known_types() {
  static const std::vector<std::string> t = {"STRING",    "Hex-STRING", "BITS",       "OID",
                                             "IpAddress", "Network Address", "Timeticks", "INTEGER",
                                             "Counter32", "Gauge32",    "UInteger32", "Unsigned32",
                                             "Counter64", "Opaque",     "NULL"};
  return t;
}

// "TYPE: text" with a type Net-SNMP prints; "Wrong Type (should be X): " taken off first.
std::optional<std::pair<std::string, std::string>> typed(std::string raw) {
  if (raw.rfind("Wrong Type (should be ", 0) == 0) {
    const size_t end = raw.find("): ");
    if (end == std::string::npos) return std::nullopt;
    raw = raw.substr(end + 3);
  }
  if (raw == "NULL") return std::make_pair(std::string("NULL"), std::string());
  const size_t colon = raw.find(": ");
  const std::string type = raw.substr(0, colon);
  for (const auto& t : known_types())
    if (t == type && colon != std::string::npos) return std::make_pair(type, raw.substr(colon + 2));
  if (!type.empty() && type.back() == ':') {  // "STRING:" with nothing after it
    const std::string bare = type.substr(0, type.size() - 1);
    for (const auto& t : known_types())
      if (t == bare) return std::make_pair(bare, std::string());
  }
  return std::nullopt;
}

std::optional<Value> typed_value(const std::string& type, const std::string& text) {
  if (type == "STRING") {
    if (auto s = unquote(text)) return Value::Str(*s);
    return Value::Str(text);
  }
  if (type == "Hex-STRING" || type == "BITS") {
    std::string hex = drop_ascii_columns(text);
    if (type == "BITS") hex = hex.substr(0, hex.find_first_not_of("0123456789abcdefABCDEF \n"));
    auto b = unhex(hex);
    if (!b) return std::nullopt;
    return Value::Str(*b);
  }
  if (type == "OID") {
    auto o = oid_text(text);
    if (!o) return std::nullopt;
    Value v;
    v.type = Type::ObjectId;
    v.oid = *o;
    return v;
  }
  if (type == "IpAddress" || type == "Network Address") return ip(text);
  if (type == "Timeticks") {  // "(12345) 0:02:03.45", or "12345"
    const auto l = text.find('('), r = text.find(')');
    auto n = l != std::string::npos && r != std::string::npos ? unsigned_number(text.substr(l + 1, r - l - 1))
                                                               : unsigned_number(text);
    if (!n) return std::nullopt;
    return Value::Unsigned(Type::TimeTicks, *n);
  }
  if (type == "INTEGER") {
    auto n = integer(text);
    if (!n) return std::nullopt;
    return Value::Int(*n);
  }
  if (type == "NULL") return Value{};
  if (type == "Opaque") {  // "Float: 1.5", "Double: 2.25" (kept as text, as the engine does), or hex
    Value v;
    v.type = Type::Opaque;
    for (const char* kind : {"Float: ", "Double: "}) {
      if (text.rfind(kind, 0) == 0) {
        v.bytes = text.substr(std::string_view(kind).size());
        return v;
      }
    }
    auto b = unhex(drop_ascii_columns(text));
    if (!b) return std::nullopt;
    v.bytes = *b;
    return v;
  }
  Type t;
  if (type == "Counter32") t = Type::Counter32;
  else if (type == "Gauge32" || type == "UInteger32" || type == "Unsigned32") t = Type::Gauge32;
  else if (type == "Counter64") t = Type::Counter64;
  else return std::nullopt;
  auto n = unsigned_number(text.substr(0, text.find(' ')));  // "1000 Mbps": units
  if (!n) return std::nullopt;
  return Value::Unsigned(t, *n);
}

std::optional<Value> untyped_value(const std::string& text, bool typed_file) {
  if (auto s = unquote(text)) {
    const std::string hex = drop_ascii_columns(*s);  // -OqT
    if (looks_like_hex_dump(hex)) return Value::Str(*unhex(hex));
    return Value::Str(*s);
  }
  if (text == "NULL") return Value{};
  if (auto t = ticks_of_duration(text)) return Value::Unsigned(Type::TimeTicks, *t);
  if (text.rfind(".", 0) == 0 || text.rfind("iso.", 0) == 0 || text.rfind("ccitt.", 0) == 0 ||
      text.rfind("joint-iso-ccitt.", 0) == 0) {
    auto o = oid_text(text);
    if (!o) return std::nullopt;
    Value v;
    v.type = Type::ObjectId;
    v.oid = *o;
    return v;
  }
  if (auto a = ip(text); a && std::count(text.begin(), text.end(), '.') == 3) return a;
  if (typed_file) {  // -Ot: the only untyped values of a typed file are Timeticks
    if (auto n = unsigned_number(text)) return Value::Unsigned(Type::TimeTicks, *n);
  }
  if (auto n = integer(text)) {
    if (*n <= 0x7fffffffLL) return Value::Int(*n);
    if (*n <= 0xffffffffLL) return Value::Unsigned(Type::Gauge32, static_cast<uint64_t>(*n));
  }
  if (auto n = unsigned_number(text)) return Value::Unsigned(Type::Counter64, *n);
  return std::nullopt;
}

struct Record {
  int line = 0;
  snmp::Oid oid;
  std::string value;
};

bool not_data(const std::string& value) {
  return value.rfind("No Such Object", 0) == 0 || value.rfind("No Such Instance", 0) == 0 ||
         value.rfind("No more variables", 0) == 0;
}

}  // namespace

Result<snmp::VarBinds> parse_snmpwalk(const std::string& text) {
  std::vector<Record> records;
  std::istringstream in(text);
  std::string line;
  int lineno = 0;
  bool in_quote = false;  // the last record's quoted value goes on
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!in_quote) {
      const size_t sp = line.find(' ');
      auto oid = sp == std::string::npos ? std::nullopt : oid_text(std::string_view(line).substr(0, sp));
      if (oid) {
        std::string value = line.substr(sp + 1);
        if (value.rfind("= ", 0) == 0) value = value.substr(2);
        else if (value == "=") value.clear();
        records.push_back({lineno, std::move(*oid), std::move(value)});
        in_quote = open_quote(records.back().value);
        continue;
      }
      if (line.empty() || line == "End of MIB") continue;
      if (records.empty()) return bad(lineno, "expected an OID at the start: " + line.substr(0, 80));
    }
    records.back().value += "\n" + line;  // a string or hex that runs over several lines
    in_quote = open_quote(records.back().value);
  }
  if (in_quote) return bad(records.back().line, "a quoted value is never closed");

  bool typed_file = false;
  for (const auto& r : records) typed_file = typed_file || typed(r.value).has_value();

  snmp::VarBinds out;
  for (const auto& r : records) {
    if (not_data(r.value)) continue;
    std::optional<Value> v;
    if (r.value.empty()) return bad(r.line, "no value");
    if (r.value == "\"\"") v = Value::Str("");
    else if (auto t = typed(r.value)) v = typed_value(t->first, t->second);
    else v = untyped_value(r.value, typed_file);
    if (!v) return bad(r.line, "cannot read value: " + r.value.substr(0, 80));
    out.push_back({r.oid, std::move(*v)});
  }
  return out;
}

}  // namespace lw::sim
