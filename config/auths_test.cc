#include "config/test_util.h"

namespace lw::config {
namespace {

using snmp::Credentials;
using testing::has_error;
using testing::load_snippet;
using testing::ScopedEnv;
using testing::TempDir;

const Credentials& creds(const LoadResult& r, const std::string& name) {
  return *r.config->auths.at(name).credentials;
}

TEST(Auths, V1AndV2) {
  TempDir dir;
  const auto r = load_snippet(dir, R"(auths:
  a: {version: 1, community: one}
  b: {version: 2, community: two}
  c: {version: 2c, community: three}
)");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  EXPECT_EQ(creds(r, "a").version, Credentials::Version::V1);
  EXPECT_EQ(creds(r, "a").community, "one");
  EXPECT_EQ(creds(r, "b").version, Credentials::Version::V2c);
  EXPECT_EQ(creds(r, "c").community, "three");
  EXPECT_EQ(r.config->auths.at("b").mark.line, 3);
  EXPECT_EQ(r.config->auths.at("b").mark.column, 3);
}

TEST(Auths, V3EveryLevelAndProtocol) {
  TempDir dir;
  const auto r = load_snippet(dir, R"(auths:
  none: {version: 3, username: u, security_level: noAuthNoPriv, context_name: ctx}
  md5: {version: 3, username: u, security_level: authNoPriv, auth_protocol: MD5, auth_password: 12345678}
  sha: {version: 3, username: u, security_level: authNoPriv, auth_protocol: SHA, auth_password: 12345678}
  sha224: {version: 3, username: u, security_level: authNoPriv, auth_protocol: SHA-224, auth_password: 12345678}
  sha256: {version: 3, username: u, security_level: authNoPriv, auth_protocol: SHA-256, auth_password: 12345678}
  sha384: {version: 3, username: u, security_level: authNoPriv, auth_protocol: SHA-384, auth_password: 12345678}
  sha512: {version: 3, username: u, security_level: authNoPriv, auth_protocol: SHA-512, auth_password: 12345678}
  des: {version: 3, username: u, security_level: authPriv, auth_protocol: SHA, auth_password: 12345678, priv_protocol: DES, priv_password: abcdefgh}
  aes: {version: 3, username: u, security_level: authPriv, auth_protocol: SHA, auth_password: 12345678, priv_protocol: AES, priv_password: abcdefgh}
  aes192: {version: 3, username: u, security_level: authPriv, auth_protocol: SHA, auth_password: 12345678, priv_protocol: AES-192, priv_password: abcdefgh}
  aes256: {version: 3, username: u, security_level: authPriv, auth_protocol: SHA-512, auth_password: 12345678, priv_protocol: AES-256, priv_password: abcdefgh}
)");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  EXPECT_EQ(creds(r, "none").level, Credentials::Level::NoAuthNoPriv);
  EXPECT_EQ(creds(r, "none").context, "ctx");
  EXPECT_EQ(creds(r, "none").username, "u");
  EXPECT_EQ(creds(r, "md5").auth, Credentials::AuthProto::MD5);
  EXPECT_EQ(creds(r, "md5").level, Credentials::Level::AuthNoPriv);
  EXPECT_EQ(creds(r, "md5").auth_password, "12345678");
  EXPECT_EQ(creds(r, "md5").priv, Credentials::PrivProto::None);
  EXPECT_EQ(creds(r, "sha").auth, Credentials::AuthProto::SHA);
  EXPECT_EQ(creds(r, "sha224").auth, Credentials::AuthProto::SHA224);
  EXPECT_EQ(creds(r, "sha256").auth, Credentials::AuthProto::SHA256);
  EXPECT_EQ(creds(r, "sha384").auth, Credentials::AuthProto::SHA384);
  EXPECT_EQ(creds(r, "sha512").auth, Credentials::AuthProto::SHA512);
  EXPECT_EQ(creds(r, "des").priv, Credentials::PrivProto::DES);
  EXPECT_EQ(creds(r, "des").level, Credentials::Level::AuthPriv);
  EXPECT_EQ(creds(r, "des").priv_password, "abcdefgh");
  EXPECT_EQ(creds(r, "aes").priv, Credentials::PrivProto::AES);
  EXPECT_EQ(creds(r, "aes192").priv, Credentials::PrivProto::AES192);
  EXPECT_EQ(creds(r, "aes256").priv, Credentials::PrivProto::AES256);
}

TEST(Auths, SecretsFromFileAndEnv) {
  TempDir dir;
  dir.write("secrets/ops.auth", "s3cret-auth\n");
  dir.write("community.txt", "private\r\n");
  ScopedEnv env("LW_TEST_PRIV", "s3cret-priv");
  const auto r = load_snippet(dir, R"(auths:
  v3:
    version: 3
    username: linkwatch
    security_level: authPriv
    auth_protocol: SHA-256
    auth_password_file: secrets/ops.auth
    priv_protocol: AES
    priv_password_env: LW_TEST_PRIV
  v2:
    version: 2
    community_file: community.txt
  v1:
    version: 1
    community_env: LW_TEST_PRIV
)");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  EXPECT_TRUE(r.warnings.empty()) << testing::dump(r.warnings);
  EXPECT_EQ(creds(r, "v3").auth_password, "s3cret-auth");  // relative to the file, newline cut
  EXPECT_EQ(creds(r, "v3").priv_password, "s3cret-priv");
  EXPECT_EQ(creds(r, "v2").community, "private");
  EXPECT_EQ(creds(r, "v1").community, "s3cret-priv");
}

TEST(Auths, AbsoluteSecretFile) {
  TempDir dir;
  const std::string secret = dir.write("abs/ops.auth", "absolute-secret");
  const auto r = load_snippet(dir, "auths:\n  v3: {version: 3, username: u, security_level: "
                                "authNoPriv, auth_protocol: SHA, auth_password_file: " +
                                    secret + "}\n");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  EXPECT_EQ(creds(r, "v3").auth_password, "absolute-secret");
}

TEST(Auths, SecretSourceErrorsNeverShowTheSecret) {
  TempDir dir;
  dir.write("short.auth", "tiny\n");
  ::unsetenv("LW_TEST_UNSET");
  const auto r = load_snippet(dir, R"(auths:
  a:
    version: 3
    username: u
    security_level: authPriv
    auth_protocol: SHA
    auth_password_file: missing.auth
    priv_protocol: AES
    priv_password_env: LW_TEST_UNSET
  b:
    version: 3
    username: u
    security_level: authPriv
    auth_protocol: SHA
    auth_password: hunter2
    priv_protocol: AES
    priv_password_file: short.auth
  c:
    version: 2
    community: public
    community_env: LW_TEST_UNSET
  d:
    version: 2
    community: ""
)");
  EXPECT_TRUE(has_error(r, 7, 25, "auth_password_file: cannot read"));
  EXPECT_TRUE(has_error(r, 7, 25, "missing.auth\": No such file or directory"));
  EXPECT_TRUE(has_error(r, 9, 24,
                        "priv_password_env: environment variable \"LW_TEST_UNSET\" is not set"));
  EXPECT_TRUE(has_error(r, 15, 20, "auth_password is shorter than 8 characters"));
  EXPECT_TRUE(has_error(r, 17, 25, "priv_password is shorter than 8 characters"));
  EXPECT_TRUE(has_error(r, 21, 5, "give only one of community, community_file, community_env"));
  EXPECT_TRUE(has_error(r, 24, 16, "community is empty"));
  for (const auto& e : r.errors) {
    EXPECT_EQ(e.message.find("hunter2"), std::string::npos) << e.to_string();
    EXPECT_EQ(e.message.find("tiny"), std::string::npos) << e.to_string();
    EXPECT_EQ(e.message.find("public"), std::string::npos) << e.to_string();
  }
  EXPECT_EQ(r.errors.size(), 6u) << testing::dump(r.errors);
}

TEST(Auths, MissingAndMisplacedKeys) {
  TempDir dir;
  const auto r = load_snippet(dir, R"(auths:
  a: {version: 2}
  b: {version: 3, security_level: authPriv}
  c: {version: 2, community: x, username: u, auth_protocol: SHA}
  d: {version: 3, username: u, security_level: noAuthNoPriv, community: x, auth_protocol: SHA}
  e: {version: 3, username: u, security_level: authNoPriv, auth_protocol: SHA, auth_password: 12345678, priv_protocol: AES}
  f: {version: 4}
  g: {version: 3, username: u}
  h: {version: 3, username: u, security_level: authnopriv}
  i: {version: 3, username: u, security_level: authNoPriv, auth_protocol: SHA1, auth_password: 12345678}
  j: {version: 2, comunity: x}
)");
  EXPECT_TRUE(has_error(r, 2, 6, "auth \"a\": missing community (give one of community, community_file, community_env)"));
  EXPECT_TRUE(has_error(r, 3, 6, "auth \"b\": missing required key \"username\""));
  EXPECT_TRUE(has_error(r, 3, 6, "missing required key \"auth_protocol\""));
  EXPECT_TRUE(has_error(r, 3, 6, "missing auth_password"));
  EXPECT_TRUE(has_error(r, 3, 6, "missing required key \"priv_protocol\""));
  EXPECT_TRUE(has_error(r, 3, 6, "missing priv_password"));
  EXPECT_TRUE(has_error(r, 4, 33, "username is for version 3 only"));
  EXPECT_TRUE(has_error(r, 4, 46, "auth_protocol is for version 3 only"));
  EXPECT_TRUE(has_error(r, 5, 62, "community is for versions 1 and 2 only"));
  EXPECT_TRUE(has_error(r, 5, 76, "auth_protocol needs security_level authNoPriv or authPriv"));
  EXPECT_TRUE(has_error(r, 6, 105, "priv_protocol needs security_level authPriv"));
  EXPECT_TRUE(has_error(r, 7, 16, "version: expected one of 1, 2, 2c, 3 (got \"4\")"));
  EXPECT_TRUE(has_error(r, 8, 6, "missing required key \"security_level\""));
  EXPECT_TRUE(has_error(r, 9, 48, "security_level: expected one of noAuthNoPriv, authNoPriv, authPriv"));
  EXPECT_TRUE(has_error(r, 10, 75, "auth_protocol: expected one of MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512"));
  EXPECT_TRUE(has_error(r, 11, 19, "unknown key \"comunity\" in auth \"j\" (known: version, community,"));
  EXPECT_EQ(r.config, nullptr);
}

TEST(Auths, EngineIdForTrapSenders) {
  TempDir dir;
  const auto r = load_snippet(dir, R"(auths:
  a: {version: 3, username: u, security_level: noAuthNoPriv, engine_id: 0x80001F8880aabbccdd}
  b: {version: 3, username: u, security_level: noAuthNoPriv, engine_id: "8000000001"}
  c: {version: 3, username: u, security_level: noAuthNoPriv}
)");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  EXPECT_EQ(creds(r, "a").engine_id, std::string("\x80\x00\x1f\x88\x80\xaa\xbb\xcc\xdd", 9));
  EXPECT_EQ(creds(r, "b").engine_id, std::string("\x80\x00\x00\x00\x01", 5));
  EXPECT_EQ(creds(r, "c").engine_id, "");
}

TEST(Auths, BadEngineId) {
  TempDir dir;
  const auto r = load_snippet(dir, R"(auths:
  a: {version: 3, username: u, security_level: noAuthNoPriv, engine_id: 0x800}
  b: {version: 3, username: u, security_level: noAuthNoPriv, engine_id: 0x80001f88zz}
  c: {version: 3, username: u, security_level: noAuthNoPriv, engine_id: 0x80001f88}
  d: {version: 2, community: x, engine_id: 0x80001f8880}
)");
  EXPECT_TRUE(has_error(r, 2, 73, "engine_id \"0x800\": an odd number of hex digits"));
  EXPECT_TRUE(has_error(r, 3, 73, "engine_id \"0x80001f88zz\": not hexadecimal"));
  EXPECT_TRUE(has_error(r, 4, 73, "4 octets (an engine ID has 5 to 32)"));
  EXPECT_TRUE(has_error(r, 5, 33, "engine_id is for version 3 only"));
  EXPECT_EQ(r.config, nullptr);
}

TEST(Auths, InlineSecretInWorldReadableFileWarns) {
  TempDir dir;
  const std::string text =
      "auths:\n  v3: {version: 3, username: u, security_level: authNoPriv, auth_protocol: SHA, "
      "auth_password: 12345678}\ntargets: []\n";
  const auto open = load_config(dir.write("open.yml", text, 0644));
  ASSERT_TRUE(open.errors.empty()) << testing::dump(open.errors);
  ASSERT_EQ(open.warnings.size(), 1u);
  EXPECT_EQ(open.warnings[0].mark.line, 2);
  EXPECT_EQ(open.warnings[0].mark.column, 81);
  EXPECT_NE(open.warnings[0].message.find("inline auth_password in a file that other users can read"),
            std::string::npos);
  EXPECT_EQ(open.warnings[0].message.find("12345678"), std::string::npos);
  const auto closed = load_config(dir.write("closed.yml", text, 0640));
  EXPECT_TRUE(closed.errors.empty());
  EXPECT_TRUE(closed.warnings.empty());
}

TEST(Auths, BadName) {
  TempDir dir;
  const auto r = load_snippet(dir, "auths:\n  \"bad name\": {version: 2, community: x}\n");
  EXPECT_TRUE(has_error(r, 2, 3, "bad auth name \"bad name\""));
}

}  // namespace
}  // namespace lw::config
