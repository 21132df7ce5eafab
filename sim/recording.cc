#include "sim/recording.h"

#include <arpa/inet.h>

#include <cctype>
#include <fstream>
#include <sstream>

namespace lw::sim {
namespace {

Error bad(int line, const std::string& why) {
  return Error{"parse", "line " + std::to_string(line) + ": " + why};
}

std::optional<std::string> unhex(std::string_view s) {
  std::string out;
  int nib = -1;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == ':') continue;
    int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
    if (v < 0) return std::nullopt;
    if (nib < 0) {
      nib = v;
    } else {
      out += static_cast<char>(nib * 16 + v);
      nib = -1;
    }
  }
  if (nib >= 0) return std::nullopt;
  return out;
}

std::optional<uint64_t> number(std::string_view s) {
  // "5", "up(1)" (an enum label), "-3"
  auto open = s.find('(');
  if (open != std::string_view::npos && s.back() == ')') s = s.substr(open + 1, s.size() - open - 2);
  if (s.empty()) return std::nullopt;
  try {
    size_t used = 0;
    std::string str(s);
    if (str[0] == '-') {
      long long v = std::stoll(str, &used);
      if (used != str.size()) return std::nullopt;
      return static_cast<uint64_t>(v);
    }
    unsigned long long v = std::stoull(str, &used);
    if (used != str.size()) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<snmp::Value> ip(std::string_view s) {
  in_addr a{};
  if (inet_pton(AF_INET, std::string(s).c_str(), &a) != 1) return std::nullopt;
  snmp::Value v;
  v.type = snmp::Type::IpAddress;
  v.bytes.assign(reinterpret_cast<const char*>(&a), 4);
  return v;
}

// One snmpwalk value ("TYPE: text" or `""`) into a Value.
std::optional<snmp::Value> walk_value(const std::string& raw) {
  using snmp::Type;
  using snmp::Value;
  if (raw == "\"\"") return Value::Str("");
  auto colon = raw.find(": ");
  std::string type = colon == std::string::npos ? raw : raw.substr(0, colon);
  std::string text = colon == std::string::npos ? "" : raw.substr(colon + 2);
  if (type == "STRING") {
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
      std::string out;
      for (size_t i = 1; i + 1 < text.size(); ++i) {
        if (text[i] == '\\' && i + 2 < text.size() && (text[i + 1] == '"' || text[i + 1] == '\\')) ++i;
        out += text[i];
      }
      return Value::Str(out);
    }
    return Value::Str(text);
  }
  if (type == "Hex-STRING" || type == "BITS") {
    auto sp = type == "BITS" ? text.substr(0, text.find_first_not_of("0123456789abcdefABCDEF \n")) : text;
    auto b = unhex(sp);
    if (!b) return std::nullopt;
    return Value::Str(*b);
  }
  if (type == "OID") {
    auto o = snmp::parse_oid(text);
    if (!o) return std::nullopt;
    Value v;
    v.type = Type::ObjectId;
    v.oid = *o;
    return v;
  }
  if (type == "IpAddress" || type == "Network Address") return ip(text);
  if (type == "Timeticks") {
    auto l = text.find('('), r = text.find(')');
    if (l == std::string::npos || r == std::string::npos) return std::nullopt;
    auto n = number(text.substr(l + 1, r - l - 1));
    if (!n) return std::nullopt;
    return Value::Unsigned(Type::TimeTicks, *n);
  }
  if (type == "INTEGER") {
    auto n = number(text);
    if (!n) return std::nullopt;
    return Value::Int(static_cast<int64_t>(*n));
  }
  Type t;
  if (type == "Counter32") t = Type::Counter32;
  else if (type == "Gauge32" || type == "UInteger32" || type == "Unsigned32") t = Type::Gauge32;
  else if (type == "Counter64") t = Type::Counter64;
  else return std::nullopt;
  auto n = number(text.substr(0, text.find(' ')));
  if (!n) return std::nullopt;
  return Value::Unsigned(t, *n);
}

}  // namespace

Result<snmp::VarBinds> parse_snmpwalk(const std::string& text) {
  snmp::VarBinds out;
  std::istringstream in(text);
  std::string line;
  int lineno = 0, start = 0;
  std::string oid_text, value;
  auto flush = [&]() -> Status {
    if (oid_text.empty()) return std::nullopt;
    auto o = snmp::parse_oid(oid_text);
    if (!o) return bad(start, "bad OID " + oid_text);
    auto v = walk_value(value);
    if (!v) return bad(start, "cannot read value: " + value);
    out.push_back({*o, *v});
    oid_text.clear();
    return std::nullopt;
  };
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto eq = line.find(" = ");
    bool starts = !line.empty() && (line[0] == '.' || std::isdigit(static_cast<unsigned char>(line[0])));
    if (starts && eq != std::string::npos && snmp::parse_oid(line.substr(0, eq))) {
      if (auto e = flush()) return *e;
      oid_text = line.substr(0, eq);
      value = line.substr(eq + 3);
      start = lineno;
      // A value with no type ("No Such Object...", "No more variables...") is not data.
      if (value.rfind("No more variables", 0) == 0 || value.rfind("No Such", 0) == 0) oid_text.clear();
    } else if (!oid_text.empty()) {
      value += (value.rfind("Hex-STRING", 0) == 0 ? " " : "\n") + line;  // continuation
    }
  }
  if (auto e = flush()) return *e;
  return out;
}

Result<snmp::VarBinds> parse_snmprec(const std::string& text) {
  using snmp::Type;
  using snmp::Value;
  snmp::VarBinds out;
  std::istringstream in(text);
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    auto p1 = line.find('|'), p2 = line.find('|', p1 == std::string::npos ? 0 : p1 + 1);
    if (p1 == std::string::npos || p2 == std::string::npos) return bad(lineno, "expected oid|tag|value");
    auto o = snmp::parse_oid(line.substr(0, p1));
    if (!o) return bad(lineno, "bad OID");
    std::string tag = line.substr(p1 + 1, p2 - p1 - 1), val = line.substr(p2 + 1);
    bool hex = !tag.empty() && tag.back() == 'x';
    if (hex) tag.pop_back();
    if (hex) {
      auto b = unhex(val);
      if (!b) return bad(lineno, "bad hex value");
      val = *b;
    }
    std::optional<Value> v;
    if (tag == "2") { if (auto n = number(val)) v = Value::Int(static_cast<int64_t>(*n)); }
    else if (tag == "4") v = Value::Str(val);
    else if (tag == "5") v = Value{};
    else if (tag == "6") { if (auto oo = snmp::parse_oid(val)) { Value x; x.type = Type::ObjectId; x.oid = *oo; v = x; } }
    else if (tag == "64") { if (hex && val.size() == 4) { Value x; x.type = Type::IpAddress; x.bytes = val; v = x; } else v = ip(val); }
    else if (tag == "65") { if (auto n = number(val)) v = Value::Unsigned(Type::Counter32, *n); }
    else if (tag == "66") { if (auto n = number(val)) v = Value::Unsigned(Type::Gauge32, *n); }
    else if (tag == "67") { if (auto n = number(val)) v = Value::Unsigned(Type::TimeTicks, *n); }
    else if (tag == "68") { Value x; x.type = Type::Opaque; x.bytes = val; v = x; }
    else if (tag == "70") { if (auto n = number(val)) v = Value::Unsigned(Type::Counter64, *n); }
    else return bad(lineno, "unsupported tag " + tag);
    if (!v) return bad(lineno, "bad value for tag " + tag);
    out.push_back({*o, *v});
  }
  return out;
}

Result<snmp::VarBinds> read_recording(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"io", "cannot open recording " + path};
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = path.size() > 8 && path.substr(path.size() - 8) == ".snmprec" ? parse_snmprec(ss.str())
                                                                        : parse_snmpwalk(ss.str());
  if (!r) return Error{r.error().reason, path + ": " + r.error().detail};
  return r;
}

}  // namespace lw::sim
