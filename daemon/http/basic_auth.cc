// Basic auth: header parsing (base64 by OpenSSL), crypt(3) from libxcrypt, constant-time compare.
#include "daemon/http/basic_auth.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace lw::http {
namespace {

std::optional<std::string> base64_decode(std::string_view in) {
  if (in.empty() || in.size() % 4 != 0 || in.size() > 4096) return std::nullopt;
  std::vector<unsigned char> out(in.size() / 4 * 3 + 1);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the bytes the padding stands for; they are not data.
  size_t len = static_cast<size_t>(n);
  for (size_t i = in.size(); i > 0 && in[i - 1] == '='; --i) len = len > 0 ? len - 1 : 0;
  return std::string(reinterpret_cast<const char*>(out.data()), len);
}

// Credentials that passed, remembered by a SHA-256 of user, password and hash (as the
// exporter-toolkit does): Prometheus sends the same ones every scrape, and a bcrypt run per
// scrape is CPU the poller could use. A changed hash or a removed user misses (the key holds the
// hash the user has now). Only successes are kept, at most kCacheSize.
constexpr size_t kCacheSize = 64;
std::mutex cache_mu;
std::set<std::string>& cache() {
  static std::set<std::string> c;  // guarded by cache_mu
  return c;
}

std::string cache_key(std::string_view user, std::string_view password, const std::string& hash) {
  std::string material;
  material.reserve(user.size() + password.size() + hash.size() + 2);
  material.append(user).append(1, '\0').append(password).append(1, '\0').append(hash);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(material.data(), material.size(), digest, &len, EVP_sha256(), nullptr);
  OPENSSL_cleanse(material.data(), material.size());
  return std::string(reinterpret_cast<const char*>(digest), len);
}

// Zeroes a string's bytes before it is freed (the decoded credentials).
struct Wiped {
  std::string s;
  ~Wiped() { OPENSSL_cleanse(s.data(), s.size()); }
};

}  // namespace

bool crypt_matches(std::string_view password, const std::string& hash) {
  if (password.find('\0') != std::string_view::npos) return false;
  const std::string phrase(password);
  auto scratch = std::make_unique<crypt_data>();  // ~32 KiB: not for a worker's stack
  const char* out = crypt_rn(phrase.c_str(), hash.c_str(), scratch.get(), sizeof(crypt_data));
  bool same = false;
  if (out != nullptr && out[0] != '*') {
    const std::string_view computed(out);
    same = computed.size() == hash.size() && CRYPTO_memcmp(computed.data(), hash.data(), hash.size()) == 0;
  }
  OPENSSL_cleanse(scratch.get(), sizeof(crypt_data));
  return same;
}

AuthVerdict check_basic_auth(const char* authorization, const std::map<std::string, std::string>& users) {
  if (users.empty()) return AuthVerdict::Ok;
  if (authorization == nullptr || *authorization == '\0') return AuthVerdict::Missing;
  std::string_view h(authorization);
  while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
  constexpr std::string_view scheme = "basic ";
  if (h.size() < scheme.size()) return AuthVerdict::Wrong;
  for (size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(h[i])) != scheme[i]) return AuthVerdict::Wrong;
  h.remove_prefix(scheme.size());
  while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
  while (!h.empty() && h.back() == ' ') h.remove_suffix(1);
  auto decoded = base64_decode(h);
  if (!decoded) return AuthVerdict::Wrong;
  const Wiped credentials{std::move(*decoded)};
  const size_t colon = credentials.s.find(':');
  if (colon == std::string::npos) return AuthVerdict::Wrong;
  const std::string_view user = std::string_view(credentials.s).substr(0, colon);
  const std::string_view password = std::string_view(credentials.s).substr(colon + 1);
  const auto it = users.find(std::string(user));
  if (it != users.end()) {
    const std::string key = cache_key(user, password, it->second);
    std::lock_guard lock(cache_mu);
    if (cache().count(key) != 0) return AuthVerdict::Ok;
  }
  // An unknown user is checked against a configured hash too (and then refused), so both
  // take one bcrypt run.
  const bool matches = crypt_matches(password, it != users.end() ? it->second : users.begin()->second);
  if (it == users.end() || !matches) return AuthVerdict::Wrong;
  const std::string key = cache_key(user, password, it->second);
  std::lock_guard lock(cache_mu);
  if (cache().size() >= kCacheSize) cache().clear();
  cache().insert(key);
  return AuthVerdict::Ok;
}

}  // namespace lw::http
