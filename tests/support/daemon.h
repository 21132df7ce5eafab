#pragma once
// lw::test::Linkwatchd: the real linkwatchd binary as a child process, for integration tests.
//
// The constructor starts `<binary> --config <config> --listen-address 127.0.0.1:<free port>
// <extra args>` with stdout and stderr in a log file, and waits (bounded) until /-/ready
// answers 200. If the port was taken meanwhile it retries on another; if the daemon exits or
// does not get ready it throws std::runtime_error with the log. The destructor stops it
// (SIGTERM, then SIGKILL). The binary's path comes from the test (a compile definition).
//
// Thread safety: none; one test owns it.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/http.h"
#include "tests/support/metrics_text.h"
#include "tests/support/process.h"

namespace lw::test {

class Linkwatchd {
 public:
  Linkwatchd(const std::string& binary, const std::string& config_path, const std::string& log_path,
             const std::vector<std::string>& extra_args = {},
             const std::map<std::string, std::string>& env = {});
  ~Linkwatchd() { process_.stop(); }
  Linkwatchd(const Linkwatchd&) = delete;
  Linkwatchd& operator=(const Linkwatchd&) = delete;

  uint16_t port() const { return port_; }
  pid_t pid() const { return process_.pid(); }
  std::string log() const;  // everything the daemon wrote so far

  HttpResponse get(const std::string& path) const { return http_get(port_, path); }
  HttpResponse post(const std::string& path) const { return http_post(port_, path); }
  // GET /metrics, parsed; an empty Scrape (and the error in bad_lines) if it failed.
  Scrape scrape() const;

  // Sends `sig` to the daemon.
  void signal(int sig) const;
  // Waits for the daemon to exit; its exit code, or nullopt if it is still running after
  // `timeout` or died by a signal (then `how` says which).
  std::optional<int> wait_exit(std::chrono::milliseconds timeout, std::string* how = nullptr);
  bool running() { return process_.running(); }

 private:
  std::string log_path_;
  uint16_t port_ = 0;
  Process process_;
};

}  // namespace lw::test
