// The `auths:` section: SNMP credentials, with secrets read from the file, a side file or
// the environment. No secret value ever reaches a message.
#include <cstdlib>
#include <filesystem>

#include "config/sections.h"

namespace lw::config::detail {

namespace {

using snmp::Credentials;

constexpr size_t kMinV3Password = 8;  // Net-SNMP refuses shorter USM passphrases

// Reads the secret `base` from exactly one of `base`, `base_file`, `base_env`. nullopt if
// absent (with an error if `required`) or unusable.
std::optional<std::string> read_secret(Reader& r, const Fields& f, const std::string& base,
                                       const std::string& where, bool required) {
  const std::string file_key = base + "_file", env_key = base + "_env";
  const Field* inline_f = f.get(base);
  const Field* file_f = f.get(file_key);
  const Field* env_f = f.get(env_key);
  const int given = (inline_f != nullptr) + (file_f != nullptr) + (env_f != nullptr);
  if (given == 0) {
    if (required) {
      r.error(r.mark(f.node), where,
              "missing " + base + " (give one of " + base + ", " + file_key + ", " + env_key + ")");
    }
    return std::nullopt;
  }
  if (given > 1) {
    const Field* second = inline_f ? (file_f ? file_f : env_f) : env_f;
    r.error(r.mark(second->key_node), where,
            "give only one of " + base + ", " + file_key + ", " + env_key);
    return std::nullopt;
  }
  std::optional<std::string> value;
  const Field* from = inline_f ? inline_f : file_f ? file_f : env_f;
  if (inline_f) {
    value = r.secret(*inline_f, where);
    if (value && r.source().others_can_read) {
      r.warn(r.mark(inline_f->key_node), where,
             "inline " + base + " in a file that other users can read; use " + file_key +
                 " or " + env_key + ", or chmod o-r the file");
    }
  } else if (file_f) {
    const auto path_text = r.string(*file_f, where);
    if (!path_text) return std::nullopt;
    std::filesystem::path path(*path_text);
    if (path.is_relative()) path = std::filesystem::path(r.source().dir) / path;
    auto text = read_file(path.string(), kMaxSecretFileBytes);
    if (!text) {
      r.error(r.mark(*file_f), where,
              file_key + ": cannot read " + quote(path.string()) + ": " + text.error().detail);
      return std::nullopt;
    }
    value = std::move(*text);
    while (!value->empty() && (value->back() == '\n' || value->back() == '\r')) value->pop_back();
  } else {
    const auto name = r.string(*env_f, where);
    if (!name) return std::nullopt;
    const char* v = std::getenv(name->c_str());
    if (!v) {
      r.error(r.mark(*env_f), where,
              env_key + ": environment variable " + quote(*name) + " is not set");
      return std::nullopt;
    }
    value = v;
  }
  if (value && value->empty()) {
    r.error(r.mark(*from), where, base + " is empty");
    return std::nullopt;
  }
  return value;
}

// Keys that make no sense with the rest of the auth: each present one is an error.
void forbid(Reader& r, const Fields& f, const std::string& where,
            std::initializer_list<std::string_view> keys, const std::string& why) {
  for (std::string_view k : keys) {
    if (const Field* x = f.get(k)) r.error(r.mark(x->key_node), where, x->key + " " + why);
  }
}

const std::initializer_list<std::string_view> kCommunityKeys = {"community", "community_file",
                                                                "community_env"};
const std::initializer_list<std::string_view> kV3Keys = {"username", "security_level",
                                                         "context_name", "engine_id"};
const std::initializer_list<std::string_view> kAuthKeys = {
    "auth_protocol", "auth_password", "auth_password_file", "auth_password_env"};
const std::initializer_list<std::string_view> kPrivKeys = {
    "priv_protocol", "priv_password", "priv_password_file", "priv_password_env"};

// "0x80001f8880..." or "80001f88...": hex digits, an even number of them, 5 to 32 octets
// (RFC 3411 SnmpEngineID). The raw octets, or nullopt with the reason in `why`.
std::optional<std::string> parse_engine_id(std::string_view text, std::string& why) {
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) text.remove_prefix(2);
  auto nibble = [](char ch) -> int {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
  };
  if (text.size() % 2 != 0) {
    why = "an odd number of hex digits";
    return std::nullopt;
  }
  std::string out;
  for (size_t i = 0; i < text.size(); i += 2) {
    const int hi = nibble(text[i]), lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) {
      why = "not hexadecimal";
      return std::nullopt;
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  if (out.size() < 5 || out.size() > 32) {
    why = std::to_string(out.size()) + " octets (an engine ID has 5 to 32)";
    return std::nullopt;
  }
  return out;
}

std::optional<Credentials> read_auth(Reader& r, const Fields& f, const std::string& where) {
  Credentials c;
  bool ok = true;
  const Field* version_f = r.required(f, "version", where);
  if (!version_f) return std::nullopt;
  const auto version = r.choice(*version_f, where, {"1", "2", "2c", "3"});
  if (!version) return std::nullopt;

  if (*version < 3) {
    c.version = *version == 0 ? Credentials::Version::V1 : Credentials::Version::V2c;
    const auto community = read_secret(r, f, "community", where, true);
    ok = ok && community.has_value();
    if (community) c.community = *community;
    const std::string why = "is for version 3 only";
    forbid(r, f, where, kV3Keys, why);
    forbid(r, f, where, kAuthKeys, why);
    forbid(r, f, where, kPrivKeys, why);
    return ok ? std::optional(c) : std::nullopt;
  }

  c.version = Credentials::Version::V3;
  forbid(r, f, where, kCommunityKeys, "is for versions 1 and 2 only");
  if (const Field* u = r.required(f, "username", where)) {
    const auto name = r.string(*u, where);
    if (name && name->empty()) r.error(r.mark(*u), where, "username is empty");
    ok = ok && name && !name->empty();
    if (name) c.username = *name;
  } else {
    ok = false;
  }
  if (const Field* ctx = f.get("context_name")) {
    const auto v = r.string(*ctx, where);
    ok = ok && v.has_value();
    if (v) c.context = *v;
  }
  // The sender's engine ID, for receiving its v3 TRAPs (they are authenticated under it).
  if (const Field* e = f.get("engine_id")) {
    if (const auto text = r.string(*e, where)) {
      std::string why;
      if (auto id = parse_engine_id(*text, why)) {
        c.engine_id = std::move(*id);
      } else {
        r.error(r.mark(*e), where, "engine_id " + quote(*text) + ": " + why + " (write it in hex, e.g. 0x80001f8880...)");
        ok = false;
      }
    } else {
      ok = false;
    }
  }
  const Field* level_f = r.required(f, "security_level", where);
  if (!level_f) return std::nullopt;
  const auto level = r.choice(*level_f, where, {"noAuthNoPriv", "authNoPriv", "authPriv"});
  if (!level) return std::nullopt;
  c.level = static_cast<Credentials::Level>(*level);

  const bool wants_auth = c.level != Credentials::Level::NoAuthNoPriv;
  const bool wants_priv = c.level == Credentials::Level::AuthPriv;
  if (!wants_auth) forbid(r, f, where, kAuthKeys, "needs security_level authNoPriv or authPriv");
  if (!wants_priv) forbid(r, f, where, kPrivKeys, "needs security_level authPriv");

  auto password = [&](const std::string& base, std::string& out) {
    const auto v = read_secret(r, f, base, where, true);
    if (!v) {
      ok = false;
      return;
    }
    if (v->size() < kMinV3Password) {
      const Field* at = f.get(base) ? f.get(base) : f.get(base + "_file") ? f.get(base + "_file")
                                                                          : f.get(base + "_env");
      r.error(r.mark(*at), where,
              base + " is shorter than 8 characters (Net-SNMP requires at least 8)");
      ok = false;
      return;
    }
    out = *v;
  };
  if (wants_auth) {
    if (const Field* p = r.required(f, "auth_protocol", where)) {
      const auto proto =
          r.choice(*p, where, {"MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512"});
      ok = ok && proto.has_value();
      if (proto) c.auth = static_cast<Credentials::AuthProto>(*proto + 1);
    } else {
      ok = false;
    }
    password("auth_password", c.auth_password);
  }
  if (wants_priv) {
    if (const Field* p = r.required(f, "priv_protocol", where)) {
      const auto proto = r.choice(*p, where, {"DES", "AES", "AES-192", "AES-256"});
      ok = ok && proto.has_value();
      if (proto) c.priv = static_cast<Credentials::PrivProto>(*proto + 1);
    } else {
      ok = false;
    }
    password("priv_password", c.priv_password);
  }
  return ok ? std::optional(c) : std::nullopt;
}

}  // namespace

void read_auths(Reader& r, const Field& section, State& st) {
  const auto auths = r.named_map(section.value, "auths");
  if (!auths) return;
  for (const Field& entry : auths->all()) {
    const std::string where = "auth " + quote(entry.key);
    if (!valid_name(entry.key)) {
      r.error(r.mark(entry.key_node), "auths",
              "bad auth name " + quote(entry.key) + " (use letters, digits, '_', '.', '-')");
    }
    const auto f = r.map(
        entry.value, where,
        {"version", "community", "community_file", "community_env", "username",
         "security_level", "auth_protocol", "auth_password", "auth_password_file",
         "auth_password_env", "priv_protocol", "priv_password", "priv_password_file",
         "priv_password_env", "context_name", "engine_id"});
    std::optional<Credentials> creds;
    if (f) creds = read_auth(r, *f, where);
    Auth a;
    a.name = entry.key;
    a.mark = r.mark(entry.key_node);
    if (creds) a.credentials = std::make_shared<const Credentials>(std::move(*creds));
    const auto [it, fresh] = st.config.auths.emplace(entry.key, a);
    if (!fresh) {
      r.error(a.mark, "", "duplicate auth " + quote(entry.key) + " (first defined at " +
                              it->second.mark.to_string() + ")");
    }
  }
}

}  // namespace lw::config::detail
