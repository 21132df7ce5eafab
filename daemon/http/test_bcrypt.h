#pragma once
// For tests only: a bcrypt hash of a password at the lowest cost, made by libxcrypt, as an
// operator would put in web_config's basic_auth_users (basic_auth_test, web_config_test).
//
// Thread safety: reentrant (crypt_rn with data of its own).

#include <crypt.h>

#include <string>

#include <gtest/gtest.h>

namespace lw::http {

inline std::string test_bcrypt(const std::string& password) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  EXPECT_NE(crypt_gensalt_rn("$2b$", 4, nullptr, 0, salt, sizeof salt), nullptr);
  crypt_data data{};
  return crypt_rn(password.c_str(), salt, &data, sizeof data);
}

}  // namespace lw::http
