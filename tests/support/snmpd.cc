#include "tests/support/snmpd.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace lw::test {

const std::vector<SnmpdUser>& Snmpd::users() {
  static const std::vector<SnmpdUser> list = {
      {"authpriv", "SHA-256", "authpriv-authpass", "AES", "authpriv-privpass"},
      {"authnopriv", "SHA", "authnopriv-authpass", "", ""},
      {"strong", "SHA-512", "strong-authpass", "AES-256", "strong-privpass"},
      {"legacy", "MD5", "legacy-authpass", "DES", "legacy-privpass"},
      {"mid", "SHA-384", "mid-authpass", "AES-192", "mid-privpass"},
      {"small", "SHA-224", "small-authpass", "", ""},
      {"noauth", "", "", "", ""},
  };
  return list;
}

const SnmpdUser& Snmpd::user(const std::string& name) {
  for (const auto& u : users())
    if (u.name == name) return u;
  throw std::runtime_error("no test snmpd user " + name);
}

std::map<std::string, std::string> Snmpd::tool_env() const {
  return {{"SNMP_PERSISTENT_DIR", dir_->file("tool-state")},
          {"SNMPCONFPATH", dir_->file("tool-conf")},
          {"MIBS", ""},
          {"MIBDIRS", dir_->file("no-mibs")},
          {"HOME", dir_->path()}};
}

CommandResult Snmpd::run_tool(const std::vector<std::string>& argv) const {
  return run_command(argv, std::chrono::seconds(60), tool_env());
}

std::string Snmpd::log() const {
  std::ifstream in(dir_->file("snmpd.log"));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Snmpd::Snmpd(const std::vector<std::string>& extra_conf, uint16_t port)
    : dir_(std::make_unique<TempDir>("linkwatch-snmpd")) {
  std::filesystem::create_directories(dir_->file("state"));
  std::filesystem::create_directories(dir_->file("tool-state"));
  std::filesystem::create_directories(dir_->file("tool-conf"));
  // A port can be taken between free_udp_port() and snmpd's bind: retry a few times.
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = port ? port : free_udp_port();
    std::ostringstream conf;
    conf << "agentaddress udp:127.0.0.1:" << port_ << "\n"
         << "[snmp] persistentDir " << dir_->file("state") << "\n"
         << "rocommunity public 127.0.0.1\n"
         << "sysDescr linkwatch test agent\n"
         << "sysLocation Vinh, Nghe An\n"
         << "sysContact noc@example.invalid\n"
         << "dontLogTCPWrappersConnects yes\n";
    for (const auto& u : users()) {
      conf << "createUser " << u.name;
      if (!u.auth_proto.empty()) conf << " " << u.auth_proto << " \"" << u.auth_pass << "\"";
      if (!u.priv_proto.empty()) conf << " " << u.priv_proto << " \"" << u.priv_pass << "\"";
      conf << "\n";
      const char* level = u.priv_proto.empty() ? (u.auth_proto.empty() ? "noauth" : "auth") : "priv";
      conf << "rouser " << u.name << " " << level << "\n";
    }
    for (const auto& line : extra_conf) conf << line << "\n";
    dir_->write("snmpd.conf", conf.str());

    auto env = tool_env();
    env["SNMP_PERSISTENT_DIR"] = dir_->file("state");
    env["SNMPCONFPATH"] = dir_->path();
    process_ = Process({"/usr/sbin/snmpd", "-f", "-Lf", dir_->file("snmpd.log"), "-C", "-c",
                        dir_->file("snmpd.conf"), "-M", dir_->file("no-mibs"), "-m", "",
                        "-p", dir_->file("snmpd.pid")},
                       dir_->file("snmpd.out"), env);
    const bool up = wait_until(
        [this] {
          if (!process_.running()) return true;  // exited: checked below
          auto r = run_command({"snmpget", "-v2c", "-c", "public", "-r", "0", "-t", "0.5", "-On",
                                address(), "1.3.6.1.2.1.1.3.0"},
                               std::chrono::seconds(5), tool_env());
          return r.exit_code == 0 && r.out.find("1.3.6.1.2.1.1.3.0") != std::string::npos;
        },
        std::chrono::seconds(20), std::chrono::milliseconds(100));
    if (up && process_.running()) return;
    process_.stop();
  }
  throw std::runtime_error("snmpd did not start; log:\n" + log());
}

Snmpd::~Snmpd() { process_.stop(); }

}  // namespace lw::test
