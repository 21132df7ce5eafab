#pragma once
// Internal to the config loader: is this an address Net-SNMP (or the HTTP listener) can use?
//
// Accepted: IPv4 "10.0.0.1", "10.0.0.1:161"; IPv6 "[2001:db8::1]:161", "[2001:db8::1]",
// bare "2001:db8::1"; DNS names "router.example", "router.example:161". Ports 1-65535.
//
// Thread safety: pure function.

#include <optional>
#include <string>
#include <string_view>

namespace lw::config::detail {

// nullopt if `address` is fine, else why not (for a message). With `need_port`, the port
// must be given (listen addresses).
std::optional<std::string> check_address(std::string_view address, bool need_port);

}  // namespace lw::config::detail
