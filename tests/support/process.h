#pragma once
// Test helpers for running real programs: free ports, temp dirs, child processes.
//
// Used by the integration tests (snmpd, snmpbulkwalk, prometheus, promtool, ...). Everything
// is RAII: a TempDir is removed and a Process is stopped (SIGTERM, then SIGKILL) when it goes
// out of scope. Every wait is bounded.
//
// Thread safety: none; one test thread owns each object.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lw::test {

// A UDP (or TCP) port on 127.0.0.1 that was free a moment ago (bound to port 0 and released).
uint16_t free_udp_port();
uint16_t free_tcp_port();

// The kernel's count of datagrams it dropped on the UDP socket bound to 127.0.0.1:`port`: the
// `drops` column (the last) of /proc/net/udp. nullopt if there is no such socket.
std::optional<uint64_t> udp_drops(uint16_t port);

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "linkwatch-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  void write(const std::string& name, const std::string& content) const;  // throws on failure

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;  // -1 if killed (timeout) or not started
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Runs argv (argv[0] looked up in PATH), waits at most `timeout`, captures stdout and stderr.
CommandResult run_command(const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout = std::chrono::seconds(30),
                          const std::map<std::string, std::string>& env = {});

// A background child process; stopped on destruction.
class Process {
 public:
  Process() = default;
  // Starts argv with stdout and stderr appended to `log_file`. Throws if fork fails.
  Process(const std::vector<std::string>& argv, const std::string& log_file,
          const std::map<std::string, std::string>& env = {});
  ~Process() { stop(); }
  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  bool running();  // false once it exited (reaps it)
  // SIGTERM, wait up to `grace`, then SIGKILL. Returns the exit status or -1.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(3));

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

// Polls `condition` until it is true or `deadline` passes. Returns the last result.
template <class F>
bool wait_until(F condition, std::chrono::milliseconds deadline,
                std::chrono::milliseconds step = std::chrono::milliseconds(50));

}  // namespace lw::test

#include <thread>

namespace lw::test {
template <class F>
bool wait_until(F condition, std::chrono::milliseconds deadline, std::chrono::milliseconds step) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(step);
  }
}
}  // namespace lw::test
