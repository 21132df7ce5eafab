// The web config file's reader: exporter-toolkit's schema, checked whole.
#include "daemon/http/web_config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <yaml-cpp/yaml.h>

namespace lw::http {
namespace {

constexpr size_t kMaxFileSize = 1 << 20;

Result<std::string> read_small_regular_file(const std::string& path) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return Error{"io", path + ": " + std::strerror(errno)};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || static_cast<size_t>(st.st_size) > kMaxFileSize) {
    const bool regular = S_ISREG(st.st_mode);
    ::close(fd);
    return Error{"io", path + (regular ? ": larger than 1 MiB" : ": not a regular file")};
  }
  std::string out;
  char buf[16384];
  while (out.size() <= kMaxFileSize) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return Error{"io", path + ": " + std::strerror(err)};
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  if (out.size() > kMaxFileSize) return Error{"io", path + ": larger than 1 MiB"};
  return out;
}

class Checker {
 public:
  explicit Checker(std::string path) : path_(std::move(path)), dir_(std::filesystem::path(path_).parent_path()) {}

  void error(const YAML::Node& at, const std::string& message) {
    const YAML::Mark m = at.Mark();
    errors_.push_back(path_ + ":" + std::to_string(m.is_null() ? 0 : m.line + 1) + ":" +
                      std::to_string(m.is_null() ? 0 : m.column + 1) + ": " + message);
  }

  // A scalar string, or an error.
  std::optional<std::string> text(const YAML::Node& n, const std::string& key) {
    if (!n.IsScalar()) {
      error(n, key + ": expected a string");
      return std::nullopt;
    }
    return n.Scalar();
  }
  std::string file(const std::string& name) const {
    if (name.empty() || name.front() == '/') return name;
    return (dir_ / name).lexically_normal().string();
  }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::string path_;
  std::filesystem::path dir_;
  std::vector<std::string> errors_;
};

std::optional<int> tls_version(const std::string& s) {
  if (s == "TLS10") return 0x0301;
  if (s == "TLS11") return 0x0302;
  if (s == "TLS12") return 0x0303;
  if (s == "TLS13") return 0x0304;
  return std::nullopt;
}

std::optional<ClientAuth> client_auth(const std::string& s) {
  if (s == "" || s == "NoClientCert") return ClientAuth::NoClientCert;
  if (s == "RequestClientCert") return ClientAuth::RequestClientCert;
  if (s == "RequireAnyClientCert") return ClientAuth::RequireAnyClientCert;
  if (s == "VerifyClientCertIfGiven") return ClientAuth::VerifyClientCertIfGiven;
  if (s == "RequireAndVerifyClientCert") return ClientAuth::RequireAndVerifyClientCert;
  return std::nullopt;
}

bool is_bcrypt(const std::string& h) {
  // $2a$, $2b$ or $2y$, a two-digit cost, then 53 characters of salt and hash.
  return h.size() == 60 && h[0] == '$' && h[1] == '2' && (h[2] == 'a' || h[2] == 'b' || h[2] == 'y') &&
         h[3] == '$' && std::isdigit(static_cast<unsigned char>(h[4])) &&
         std::isdigit(static_cast<unsigned char>(h[5])) && h[6] == '$';
}

std::optional<TlsServerConfig> read_tls(Checker& c, const YAML::Node& node) {
  if (node.IsNull()) return std::nullopt;
  if (!node.IsMap()) {
    c.error(node, "tls_server_config: expected a mapping");
    return std::nullopt;
  }
  TlsServerConfig t;
  bool ok = true;
  std::string auth_text;
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (key == "cert_file" || key == "key_file" || key == "client_ca_file" || key == "client_auth_type" ||
        key == "min_version" || key == "max_version") {
      const auto s = c.text(v, key);
      if (!s) {
        ok = false;
        continue;
      }
      if (key == "cert_file") t.cert_file = c.file(*s);
      if (key == "key_file") t.key_file = c.file(*s);
      if (key == "client_ca_file") t.client_ca_file = c.file(*s);
      if (key == "client_auth_type") {
        auth_text = *s;
        if (const auto a = client_auth(*s)) t.client_auth = *a;
        else {
          c.error(v, "client_auth_type: expected NoClientCert, RequestClientCert, RequireAnyClientCert, "
                     "VerifyClientCertIfGiven or RequireAndVerifyClientCert");
          ok = false;
        }
      }
      if (key == "min_version" || key == "max_version") {
        if (const auto ver = tls_version(*s)) (key == "min_version" ? t.min_version : t.max_version) = *ver;
        else {
          c.error(v, key + ": expected TLS10, TLS11, TLS12 or TLS13");
          ok = false;
        }
      }
    } else if (key == "cert" || key == "key" || key == "cipher_suites" || key == "curve_preferences" ||
               key == "prefer_server_cipher_suites" || key == "client_allowed_sans") {
      c.error(kv.first, "tls_server_config." + key + " is part of the exporter-toolkit format but not "
                        "supported by linkwatchd");
      ok = false;
    } else {
      c.error(kv.first, "tls_server_config: unknown key \"" + key + "\"");
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  if (t.cert_file.empty() && t.key_file.empty()) return std::nullopt;  // the toolkit: TLS off
  if (t.cert_file.empty() || t.key_file.empty()) {
    c.error(node, "tls_server_config: cert_file and key_file go together");
    return std::nullopt;
  }
  const bool verifies = t.client_auth == ClientAuth::VerifyClientCertIfGiven ||
                        t.client_auth == ClientAuth::RequireAndVerifyClientCert;
  if (verifies && t.client_ca_file.empty()) {
    c.error(node, "tls_server_config: client_auth_type " + auth_text + " needs client_ca_file");
    return std::nullopt;
  }
  if (!t.client_ca_file.empty() && t.client_auth == ClientAuth::NoClientCert) {
    c.error(node, "tls_server_config: client_ca_file is set but client_auth_type is NoClientCert");
    return std::nullopt;
  }
  if (t.min_version > t.max_version) {
    c.error(node, "tls_server_config: min_version is above max_version");
    return std::nullopt;
  }
  return t;
}

}  // namespace

Result<WebConfig> load_web_config(const std::string& path) {
  auto text = read_small_regular_file(path);
  if (!text) return Error{"web_config", text.error().detail};
  Checker c(path);
  YAML::Node root;
  try {
    const auto docs = YAML::LoadAll(*text);
    if (docs.size() > 1) return Error{"web_config", path + ": more than one YAML document"};
    if (!docs.empty()) root = docs[0];
  } catch (const YAML::Exception& e) {
    const YAML::Mark& m = e.mark;
    return Error{"web_config", path + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) + ": " +
                                   e.msg};
  }
  WebConfig out;
  if (root.IsNull() || !root.IsDefined()) return out;  // an empty file: plain HTTP, no auth (as the toolkit)
  if (!root.IsMap()) return Error{"web_config", path + ": expected a mapping at the top"};
  for (const auto& kv : root) {
    const std::string key = kv.first.Scalar();
    if (key == "tls_server_config") {
      out.tls = read_tls(c, kv.second);
    } else if (key == "basic_auth_users") {
      if (kv.second.IsNull()) continue;
      if (!kv.second.IsMap()) {
        c.error(kv.second, "basic_auth_users: expected a mapping of user: bcrypt hash");
        continue;
      }
      for (const auto& u : kv.second) {
        const std::string user = u.first.Scalar();
        if (user.empty() || user.find(':') != std::string::npos) {
          c.error(u.first, "basic_auth_users: a user name must be non-empty and without ':'");
          continue;
        }
        // The hash is not quoted back: it is as good as a password to an offline attacker.
        if (!u.second.IsScalar() || !is_bcrypt(u.second.Scalar())) {
          c.error(u.second, "basic_auth_users." + user + ": expected a bcrypt hash ($2a$, $2b$ or $2y$, 60 characters)");
          continue;
        }
        if (!out.basic_auth.emplace(user, u.second.Scalar()).second)
          c.error(u.first, "basic_auth_users: user \"" + user + "\" given twice");
      }
    } else if (key == "http_server_config" || key == "rate_limit") {
      c.error(kv.first, key + " is part of the exporter-toolkit format but not supported by linkwatchd");
    } else {
      c.error(kv.first, "unknown key \"" + key + "\" (expected tls_server_config or basic_auth_users)");
    }
  }
  if (!c.errors().empty()) {
    std::string detail = std::to_string(c.errors().size()) + " error(s):";
    for (const auto& e : c.errors()) detail += "\n  " + e;
    return Error{"web_config", detail};
  }
  return out;
}

}  // namespace lw::http
