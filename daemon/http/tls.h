#pragma once
// TLS for the HTTP side: an OpenSSL server context built from the web config's
// tls_server_config, and the switch that makes civetweb's listener use the newest one.
//
// civetweb (Debian's 1.15, OpenSSL loaded at run time) owns the TLS listener and its SSL_CTX;
// its own options cannot take a separate key file, a client-auth policy or a minimum version.
// So linkwatchd builds its own SSL_CTX per web config (TlsContext) and, from civetweb's
// init_ssl callback, installs a ClientHello hook on civetweb's context that moves each new
// connection onto the current TlsContext (certificate, key, client CAs, verify mode, protocol
// versions). A reload that builds a new TlsContext therefore changes the next handshake, not
// the listener; connections already open keep theirs (OpenSSL counts the references).
// Session resumption and tickets are off, so a reload that changes the client CAs cannot be
// sidestepped by resuming an older session.
//
// Thread safety: a TlsContext is immutable once built and may be shared by any threads. The
// hook calls `source` on civetweb's worker threads: it must be thread-safe and outlive the
// civetweb context.

#include <functional>
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

using TlsSource = std::function<std::shared_ptr<const TlsContext>()>;

// For civetweb's init_ssl callback: prepares its SSL_CTX `civetweb_ctx` (no sessions, no
// tickets) and hooks every ClientHello to `*source`. A handshake fails if `*source` returns
// null. Returns false if OpenSSL refused.
bool install_tls_switch(void* civetweb_ctx, const TlsSource* source);

}  // namespace lw::http
