#pragma once
// TLS for the HTTP side: an OpenSSL server context built from the web config's
// tls_server_config (certificate chain, key, client CAs, client-auth policy, protocol
// versions). The TLS listener (tls_frontend.h) starts each handshake with the newest one, so a
// reload changes the next handshake; connections already open keep theirs (OpenSSL counts the
// references). Session resumption and tickets are off, so a reload that changes the client
// CAs cannot be sidestepped by resuming an older session.
//
// Thread safety: a TlsContext is immutable once built and may be shared by any threads.

#include <memory>

#include "common/result.h"
#include "daemon/http/web_config.h"

struct ssl_ctx_st;

namespace lw::http {

class TlsContext {
 public:
  // Reads the certificate chain, key and client CAs. Errors name the file and OpenSSL's
  // reason; they never contain key material.
  static Result<std::shared_ptr<const TlsContext>> build(const TlsServerConfig& config);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  ssl_ctx_st* ssl_ctx() const { return ctx_; }
  const TlsServerConfig& config() const { return config_; }

 private:
  TlsContext(ssl_ctx_st* ctx, TlsServerConfig config) : ctx_(ctx), config_(std::move(config)) {}
  ssl_ctx_st* ctx_;
  TlsServerConfig config_;
};

}  // namespace lw::http
