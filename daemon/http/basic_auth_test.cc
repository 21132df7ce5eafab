#include "daemon/http/basic_auth.h"

#include <gtest/gtest.h>

#include "daemon/http/test_bcrypt.h"

namespace lw::http {
namespace {

TEST(BasicAuth, ChecksBcryptHashesFromTheHeader) {
  const std::map<std::string, std::string> users = {{"prometheus", test_bcrypt("s3cret:with:colons")},
                                                    {"ops", test_bcrypt("Kỳ Sơn")}};
  // base64("prometheus:s3cret:with:colons"), base64("ops:Kỳ Sơn")
  EXPECT_EQ(check_basic_auth("Basic cHJvbWV0aGV1czpzM2NyZXQ6d2l0aDpjb2xvbnM=", users), AuthVerdict::Ok);
  EXPECT_EQ(check_basic_auth("basic   b3BzOkvhu7MgU8ahbg==", users), AuthVerdict::Ok);
  EXPECT_EQ(check_basic_auth("Basic b3BzOndyb25n", users), AuthVerdict::Wrong);            // ops:wrong
  EXPECT_EQ(check_basic_auth("Basic bm9ib2R5OktcdSAgU29u", users), AuthVerdict::Wrong);    // unknown user
  EXPECT_EQ(check_basic_auth("Basic cHJvbWV0aGV1cw==", users), AuthVerdict::Wrong);        // no colon
  EXPECT_EQ(check_basic_auth("Basic !!!!", users), AuthVerdict::Wrong);
  EXPECT_EQ(check_basic_auth("Bearer abc", users), AuthVerdict::Wrong);
  EXPECT_EQ(check_basic_auth("", users), AuthVerdict::Missing);
  EXPECT_EQ(check_basic_auth(nullptr, users), AuthVerdict::Missing);
  EXPECT_EQ(check_basic_auth(nullptr, {}), AuthVerdict::Ok);  // no users: no auth
}

TEST(BasicAuth, RememberedCredentialsFollowTheUsersHash) {
  const std::string header = "Basic dTpvbGQ=";  // u:old
  EXPECT_EQ(check_basic_auth(header.c_str(), {{"u", test_bcrypt("old")}}), AuthVerdict::Ok);
  EXPECT_EQ(check_basic_auth(header.c_str(), {{"u", test_bcrypt("old")}}), AuthVerdict::Ok);  // a new salt
  // The password changed (a reload): the old one must fail although it passed a moment ago.
  EXPECT_EQ(check_basic_auth(header.c_str(), {{"u", test_bcrypt("new")}}), AuthVerdict::Wrong);
  EXPECT_EQ(check_basic_auth(header.c_str(), {{"v", test_bcrypt("old")}}), AuthVerdict::Wrong);  // user removed
}

TEST(BasicAuth, CryptMatchesUsesTheWholeHash) {
  const std::string h = test_bcrypt("pw");
  EXPECT_TRUE(crypt_matches("pw", h));
  EXPECT_FALSE(crypt_matches("pW", h));
  EXPECT_FALSE(crypt_matches(std::string_view("pw\0x", 4), h));
  EXPECT_FALSE(crypt_matches("pw", h.substr(0, 59)));
  EXPECT_FALSE(crypt_matches("pw", "*"));
  // $2y$ (htpasswd's) is the same algorithm.
  std::string y = h;
  y[2] = 'y';
  crypt_data data{};
  EXPECT_TRUE(crypt_matches("pw", crypt_rn("pw", y.c_str(), &data, sizeof data)));
}

}  // namespace
}  // namespace lw::http
