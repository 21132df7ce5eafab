#include "config/address.h"

#include <arpa/inet.h>

#include <algorithm>

#include <string>

namespace lw::config::detail {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::optional<std::string> check_port(std::string_view port) {
  if (port.empty() || port.size() > 5) return "port must be a number from 1 to 65535";
  int v = 0;
  for (char c : port) {
    if (!is_digit(c)) return "port must be a number from 1 to 65535";
    v = v * 10 + (c - '0');
  }
  if (v < 1 || v > 65535) return "port must be a number from 1 to 65535";
  return std::nullopt;
}

bool is_ipv4(std::string_view s) {
  in_addr a{};
  return inet_pton(AF_INET, std::string(s).c_str(), &a) == 1;
}

bool is_ipv6(std::string_view s) {
  in6_addr a{};
  return inet_pton(AF_INET6, std::string(s).c_str(), &a) == 1;
}

// RFC 1123 host name: labels of letters, digits and '-', not starting or ending with '-'.
bool is_dns_name(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  if (s.empty() || s.size() > 253) return false;
  while (true) {
    const size_t dot = s.find('.');
    const std::string_view label = s.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    for (char c : label) {
      const bool ok = is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
      if (!ok) return false;
    }
    if (dot == std::string_view::npos) return true;
    s.remove_prefix(dot + 1);
  }
}

std::optional<std::string> check_host(std::string_view host) {
  if (host.empty()) return "host is empty";
  // All digits and dots: it is meant as IPv4, so do not let it pass as a host name.
  bool numeric = true;
  for (char c : host) numeric = numeric && (is_digit(c) || c == '.');
  if (numeric) {
    if (is_ipv4(host)) return std::nullopt;
    return "not a valid IPv4 address";
  }
  if (is_dns_name(host)) return std::nullopt;
  return "not an IPv4 address, [IPv6] address or DNS name";
}

}  // namespace

std::optional<std::string> check_address(std::string_view address, bool need_port) {
  if (address.empty()) return "address is empty";
  if (address.front() == '[') {
    const size_t close = address.find(']');
    if (close == std::string_view::npos) return "missing ']' after the IPv6 address";
    if (!is_ipv6(address.substr(1, close - 1))) return "not a valid IPv6 address";
    const std::string_view rest = address.substr(close + 1);
    if (rest.empty()) {
      if (need_port) return "a port is required, e.g. [::1]:9730";
      return std::nullopt;
    }
    if (rest.front() != ':') return "expected ':port' after ']'";
    return check_port(rest.substr(1));
  }
  const size_t colons = std::count(address.begin(), address.end(), ':');
  if (colons > 1) {  // bare IPv6: no port possible
    if (!is_ipv6(address)) return "not a valid IPv6 address (write [addr]:port to give a port)";
    if (need_port) return "a port is required: write [addr]:port";
    return std::nullopt;
  }
  std::string_view host = address;
  if (colons == 1) {
    const size_t colon = address.find(':');
    host = address.substr(0, colon);
    if (auto bad = check_port(address.substr(colon + 1))) return bad;
  } else if (need_port) {
    return "a port is required, e.g. 127.0.0.1:9730";
  }
  return check_host(host);
}

}  // namespace lw::config::detail
