#pragma once
// The web config file (--web.config.file): TLS and basic authentication for the HTTP side, in
// the Prometheus exporter-toolkit format, so the same file works for linkwatchd and the
// exporters next to it:
//
//   tls_server_config:
//     cert_file: server.crt          # relative paths are relative to this file
//     key_file: server.key
//     client_auth_type: RequireAndVerifyClientCert   # default NoClientCert
//     client_ca_file: clients-ca.crt
//     min_version: TLS12             # TLS10..TLS13, default TLS12; max_version likewise
//   basic_auth_users:
//     prometheus: $2b$12$...         # bcrypt hashes only
//
// Unknown keys are errors (as in the toolkit); keys the toolkit knows but linkwatchd does not
// implement (cipher_suites, curve_preferences, client_allowed_sans, http_server_config, ...)
// are errors that say so, rather than being silently ignored. Errors name file:line:column.
// Only a regular file of at most 1 MiB is read (a FIFO must not hang a reload).
//
// Thread safety: plain values and a pure function.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace lw::http {

enum class ClientAuth {
  NoClientCert,
  RequestClientCert,           // asked for, not checked
  RequireAnyClientCert,        // required, not checked
  VerifyClientCertIfGiven,     // checked against client_ca_file if given
  RequireAndVerifyClientCert,  // required and checked
};

struct TlsServerConfig {
  std::string cert_file;  // absolute
  std::string key_file;   // absolute
  ClientAuth client_auth = ClientAuth::NoClientCert;
  std::string client_ca_file;  // absolute, or empty
  int min_version = 0x0303;    // TLS1_2_VERSION
  int max_version = 0x0304;    // TLS1_3_VERSION
  bool operator==(const TlsServerConfig&) const = default;
};

struct WebConfig {
  std::optional<TlsServerConfig> tls;             // nullopt: plain HTTP
  std::map<std::string, std::string> basic_auth;  // user -> bcrypt hash; empty: no auth
};

// Every error at once, each as "file:line:col: message". No secret appears in them (the
// hashes are not quoted back).
Result<WebConfig> load_web_config(const std::string& path);

}  // namespace lw::http
