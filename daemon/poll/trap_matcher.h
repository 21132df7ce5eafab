#pragma once
// TrapMatcher: which targets a notification's agent address stands for.
//
// Built from a Config: every polled target whose address host is an IP literal is indexed by
// that IP in a normal form (inet_pton then inet_ntop; an IPv4-mapped IPv6 address becomes
// IPv4), so "::1" and "0:0::1" match. Targets named by DNS name are not indexed (a trap gives
// an address, and resolving on every config load is not worth it): they are listed in
// unindexed() for a log line. Several targets on one IP (one device polled as several
// targets, on different ports) all match: a trap makes each of them be polled.
//
// Thread safety: immutable once built; share it as shared_ptr<const TrapMatcher>.

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/config.h"

namespace lw::poll {

class TrapMatcher {
 public:
  TrapMatcher() = default;
  explicit TrapMatcher(const config::Config& config);

  // Target names for an agent address (any textual form); empty if none.
  const std::vector<std::string>& match(std::string_view ip) const;
  const std::vector<std::string>& unindexed() const { return unindexed_; }

  // "10.0.0.1", "[2001:db8::1]:161", "::ffff:10.0.0.1:161" is not an address but
  // "[::ffff:10.0.0.1]" is; the IP in normal form, or nullopt for a DNS name or garbage.
  static std::optional<std::string> normal_ip(std::string_view ip);
  // The host of a target address ("host", "host:port", "[v6]", "[v6]:port", bare v6).
  static std::string_view address_host(std::string_view address);

 private:
  std::unordered_map<std::string, std::vector<std::string>> by_ip_;
  std::vector<std::string> unindexed_;
};

}  // namespace lw::poll
