#include "sim/recording.h"

#include "sim/hex.h"

#include <arpa/inet.h>

#include <cctype>
#include <fstream>
#include <sstream>

namespace lw::sim {
namespace {

Error bad(int line, const std::string& why) {
  return Error{"parse", "line " + std::to_string(line) + ": " + why};
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

}  // namespace

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
