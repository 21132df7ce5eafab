#pragma once
// HTTP basic authentication against bcrypt hashes (the exporter-toolkit's basic_auth_users).
//
// The hash is checked by the system's crypt(3) (libxcrypt, which knows $2a$/$2b$/$2y$), and the
// result compared in constant time; no cryptography is written here. A user name that is not
// configured still costs one bcrypt run, so the answer's timing does not tell which users
// exist. Credentials that passed are remembered by their SHA-256 (with the hash they matched),
// so Prometheus' scrapes do not cost a bcrypt run each. Nothing here logs: the password is
// never in a message.
//
// Thread safety: thread-safe; crypt_rn's scratch space is per call, the cache has a mutex.

#include <map>
#include <string>
#include <string_view>

namespace lw::http {

enum class AuthVerdict { Ok, Missing, Wrong };

// `authorization`: the request's Authorization header (nullptr or empty if none). `users`:
// user -> bcrypt hash. With no users configured every request is Ok.
AuthVerdict check_basic_auth(const char* authorization, const std::map<std::string, std::string>& users);

// True if `password` matches the bcrypt (or any crypt(3)) `hash`.
bool crypt_matches(std::string_view password, const std::string& hash);

}  // namespace lw::http
