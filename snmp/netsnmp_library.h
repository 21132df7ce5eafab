#pragma once
// Net-SNMP as a library for linkwatch: set up once per process, and one lock for every call.
//
// init_netsnmp() makes Net-SNMP read no config files, search no MIB directories (OIDs are
// numeric), keep no persistent state (USM boots, TLS cert indexes: pointed below /dev/null,
// where nothing can be created) and log nothing (its messages would go to stderr), then runs
// init_snmp(). The engine (netsnmp_engine.cc) and the fuzz targets (tests/fuzz/) set the
// library up through it, so they parse datagrams with the same settings.
//
// Thread safety: Net-SNMP keeps global state (USM users, transports, statistics). Every call
// into it, from any engine in the process, is made holding netsnmp_lock(). init_netsnmp()
// may be called from any thread, any number of times; only the first call does anything, and
// it takes the lock itself (do not hold it when calling).

#include <mutex>

#include <string>

namespace lw::snmp::detail {

// The process-wide lock around Net-SNMP.
std::mutex& netsnmp_lock();

// Sets Net-SNMP up for `app_name` (init_snmp's type), once per process.
void init_netsnmp(const std::string& app_name);

// A Net-SNMP descriptor set (snmp_sess_select_info2 / snmp_sess_read2 take one) holding one
// descriptor at a time, kept between calls. With thousands of sockets open, making a set per
// call allocated and zeroed a set as large as the highest descriptor every time (8% of the
// engine thread's CPU at 3,000 targets, plus the allocator's work). Owner's thread only.
class OneFdSet {
 public:
  OneFdSet();
  ~OneFdSet();
  OneFdSet(const OneFdSet&) = delete;
  OneFdSet& operator=(const OneFdSet&) = delete;

  // The set holding `fd` alone, for one Net-SNMP call (Net-SNMP may set more bits in it:
  // select_info2 adds the session's own descriptor, which is `fd`). Valid until release().
  void* hold(int fd);
  // Empties the set again after that call.
  void release(int fd);

 private:
  struct State;
  State* state_;
};

}  // namespace lw::snmp::detail
