#include "snmp/netsnmp_library.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>

namespace lw::snmp::detail {

std::mutex& netsnmp_lock() {
  static std::mutex m;
  return m;
}

void init_netsnmp(const std::string& app_name) {
  static std::once_flag once;
  std::call_once(once, [&app_name] {
    std::lock_guard g(netsnmp_lock());
    snmp_disable_log();  // Net-SNMP's own messages would go to stderr
    netsnmp_register_loghandler(NETSNMP_LOGHANDLER_NONE, LOG_DEBUG);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_LOAD_HOST_FILES, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_NO_TOKEN_WARNINGS, 1);
    netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_PERSISTENT_DIR,
                          "/dev/null/linkwatch-netsnmp");
    netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIBDIRS, "/dev/null/linkwatch-no-mibs");
    init_snmp(app_name.c_str());
    // With no handler at all Net-SNMP writes to stderr; this one swallows everything.
    netsnmp_register_loghandler(NETSNMP_LOGHANDLER_NONE, LOG_DEBUG);
  });
}

struct OneFdSet::State {
  netsnmp_large_fd_set set;
};

OneFdSet::OneFdSet() : state_(new State) { netsnmp_large_fd_set_init(&state_->set, FD_SETSIZE); }

OneFdSet::~OneFdSet() {
  netsnmp_large_fd_set_cleanup(&state_->set);
  delete state_;
}

void* OneFdSet::hold(int fd) {
  // Grows (once per new highest descriptor) and sets the bit.
  if (fd >= 0) NETSNMP_LARGE_FD_SET(fd, &state_->set);
  return &state_->set;
}

void OneFdSet::release(int fd) {
  if (fd >= 0) NETSNMP_LARGE_FD_CLR(fd, &state_->set);
}

}  // namespace lw::snmp::detail
