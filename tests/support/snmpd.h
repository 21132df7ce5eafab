#pragma once
// lw::test::Snmpd: a real Net-SNMP agent (Debian's /usr/sbin/snmpd) for integration tests.
//
// The constructor writes its own snmpd.conf in a temp dir (no system config, no MIB files,
// persistent state in the temp dir), starts snmpd in the foreground on 127.0.0.1:<free port>,
// and waits (bounded) until it answers a v2c GET. The destructor stops it (SIGTERM, then
// SIGKILL) and removes the temp dir. Throws std::runtime_error if it cannot start.
//
// Access it offers (all read-only views over the whole MIB):
//   v1/v2c community "public"
//   v3 "authpriv"   SHA-256 / AES-128   authPriv     (kAuthPriv*)
//   v3 "authnopriv" SHA-1               authNoPriv   (kAuthNoPriv*)
//   v3 "strong"     SHA-512 / AES-256   authPriv
//   v3 "legacy"     MD5 / DES           authPriv
//   v3 "mid"        SHA-384 / AES-192   authPriv
//   v3 "small"      SHA-224             authNoPriv
//   v3 "noauth"                          noAuthNoPriv
//
// Thread safety: none; one test owns it. `tool_env()` is what Net-SNMP command-line tools
// need to run without touching the user's or the system's Net-SNMP state.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace lw::test {

struct SnmpdUser {
  std::string name;
  std::string auth_proto;  // as snmpd/snmpget spell it: "SHA-256", "SHA", "MD5", "" (none)
  std::string auth_pass;
  std::string priv_proto;  // "AES", "AES-256", "DES", "" (none)
  std::string priv_pass;
};

class Snmpd {
 public:
  // `extra_conf` lines are appended to the generated snmpd.conf. `port` 0: a free one; else
  // that port (an agent replaced by another on the same address).
  explicit Snmpd(const std::vector<std::string>& extra_conf = {}, uint16_t port = 0);
  ~Snmpd();
  Snmpd(const Snmpd&) = delete;
  Snmpd& operator=(const Snmpd&) = delete;

  uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string community() const { return "public"; }
  const std::string& dir() const { return dir_->path(); }
  std::string log() const;  // snmpd's log so far, for failure messages

  static const std::vector<SnmpdUser>& users();
  static const SnmpdUser& user(const std::string& name);  // throws if unknown

  // Environment for snmpget/snmpbulkwalk/...: no config files, state in the temp dir.
  std::map<std::string, std::string> tool_env() const;

  // Runs a Net-SNMP tool with tool_env(), e.g. {"snmpget", "-v2c", "-c", "public", addr, oid}.
  CommandResult run_tool(const std::vector<std::string>& argv) const;

 private:
  std::unique_ptr<TempDir> dir_;
  uint16_t port_ = 0;
  Process process_;
};

}  // namespace lw::test
