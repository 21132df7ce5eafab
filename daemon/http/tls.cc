// TLS contexts from the web config, and the per-handshake switch onto the current one.
#include "daemon/http/tls.h"

#include <sys/stat.h>

#include <string>

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace lw::http {
namespace {

constexpr unsigned char kSessionIdContext[] = "linkwatchd";

std::string openssl_reason() {
  std::string out;
  while (const unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

// OpenSSL opens files with fopen(): a FIFO would block the reload. Only regular files.
Status regular_file(const char* what, const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Error{"web_config", std::string(what) + " " + path + ": cannot read it"};
  if (!S_ISREG(st.st_mode)) return Error{"web_config", std::string(what) + " " + path + ": not a regular file"};
  return std::nullopt;
}

int accept_any_certificate(int, X509_STORE_CTX*) { return 1; }

int verify_mode(ClientAuth a) {
  switch (a) {
    case ClientAuth::NoClientCert: return SSL_VERIFY_NONE;
    case ClientAuth::RequestClientCert:
    case ClientAuth::VerifyClientCertIfGiven: return SSL_VERIFY_PEER;
    case ClientAuth::RequireAnyClientCert:
    case ClientAuth::RequireAndVerifyClientCert: return SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  }
  return SSL_VERIFY_NONE;
}

bool checks_certificate(ClientAuth a) {
  return a == ClientAuth::VerifyClientCertIfGiven || a == ClientAuth::RequireAndVerifyClientCert;
}

void no_sessions(SSL_CTX* ctx) {
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(ctx, 0);
  SSL_CTX_set_session_id_context(ctx, kSessionIdContext, sizeof kSessionIdContext - 1);
}

}  // namespace

Result<std::shared_ptr<const TlsContext>> TlsContext::build(const TlsServerConfig& config) {
  if (const Status s = regular_file("cert_file", config.cert_file)) return *s;
  if (const Status s = regular_file("key_file", config.key_file)) return *s;
  if (!config.client_ca_file.empty())
    if (const Status s = regular_file("client_ca_file", config.client_ca_file)) return *s;
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return Error{"tls", "SSL_CTX_new: " + openssl_reason()};
  std::shared_ptr<const TlsContext> out(new TlsContext(ctx, config));  // frees ctx on every path
  SSL_CTX_set_min_proto_version(ctx, config.min_version);
  SSL_CTX_set_max_proto_version(ctx, config.max_version);
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  no_sessions(ctx);
  if (SSL_CTX_use_certificate_chain_file(ctx, config.cert_file.c_str()) != 1)
    return Error{"tls", "cert_file " + config.cert_file + ": " + openssl_reason()};
  if (SSL_CTX_use_PrivateKey_file(ctx, config.key_file.c_str(), SSL_FILETYPE_PEM) != 1)
    return Error{"tls", "key_file " + config.key_file + ": " + openssl_reason()};
  if (SSL_CTX_check_private_key(ctx) != 1)
    return Error{"tls", "key_file " + config.key_file + " does not belong to cert_file " + config.cert_file};
  SSL_CTX_set_verify(ctx, verify_mode(config.client_auth),
                     checks_certificate(config.client_auth) ? nullptr : accept_any_certificate);
  if (!config.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, config.client_ca_file.c_str(), nullptr) != 1)
      return Error{"tls", "client_ca_file " + config.client_ca_file + ": " + openssl_reason()};
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(config.client_ca_file.c_str());
    if (names == nullptr) return Error{"tls", "client_ca_file " + config.client_ca_file + ": no certificates"};
    SSL_CTX_set_client_CA_list(ctx, names);  // takes ownership
  }
  ERR_clear_error();
  return out;
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

}  // namespace lw::http
