#include "daemon/poll/trap_matcher.h"

#include <arpa/inet.h>

namespace lw::poll {

std::string_view TrapMatcher::address_host(std::string_view address) {
  if (!address.empty() && address.front() == '[') {
    const size_t close = address.find(']');
    return close == std::string_view::npos ? std::string_view{} : address.substr(1, close - 1);
  }
  const size_t colon = address.find(':');
  if (colon != std::string_view::npos && colon == address.rfind(':'))
    return address.substr(0, colon);  // host:port
  return address;  // host, or a bare IPv6 literal
}

std::optional<std::string> TrapMatcher::normal_ip(std::string_view ip) {
  if (!ip.empty() && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  if (ip.empty() || ip.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string text(ip);
  char out[INET6_ADDRSTRLEN] = {};
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    if (!inet_ntop(AF_INET, &v4, out, sizeof out)) return std::nullopt;
    return std::string(out);
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return std::nullopt;
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    if (!inet_ntop(AF_INET, v6.s6_addr + 12, out, sizeof out)) return std::nullopt;
  } else if (!inet_ntop(AF_INET6, &v6, out, sizeof out)) {
    return std::nullopt;
  }
  return std::string(out);
}

TrapMatcher::TrapMatcher(const config::Config& config) {
  for (const auto& t : config.targets) {
    if (!t.polled()) continue;  // planned and retired sites: a trap from them is unmatched
    if (auto ip = normal_ip(address_host(t.address)))
      by_ip_[*ip].push_back(t.name);
    else
      unindexed_.push_back(t.name);
  }
}

const std::vector<std::string>& TrapMatcher::match(std::string_view ip) const {
  static const std::vector<std::string> kNone;
  const auto normal = normal_ip(ip);
  if (!normal) return kNone;
  const auto it = by_ip_.find(*normal);
  return it == by_ip_.end() ? kNone : it->second;
}

}  // namespace lw::poll
