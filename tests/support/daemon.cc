#include "tests/support/daemon.h"

#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace lw::test {

Linkwatchd::Linkwatchd(const std::string& binary, const std::string& config_path,
                       const std::string& log_path, const std::vector<std::string>& extra_args,
                       const std::map<std::string, std::string>& env)
    : log_path_(log_path) {
  // A port can be taken between free_tcp_port() and the daemon's bind: retry a few times.
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = free_tcp_port();
    std::vector<std::string> argv = {binary, "--config", config_path, "--listen-address",
                                     "127.0.0.1:" + std::to_string(port_)};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    process_ = Process(argv, log_path_, env);
    bool exited = false;
    const bool ready = wait_until(
        [&] {
          if (!process_.running()) {
            exited = true;
            return true;
          }
          return get("/-/ready").status == 200;
        },
        std::chrono::seconds(30), std::chrono::milliseconds(100));
    if (ready && !exited) return;
    process_.stop();
    if (!exited) break;  // running but never ready: no point in another port
    if (log().find("cannot listen") == std::string::npos) break;
  }
  throw std::runtime_error("linkwatchd did not get ready; log:\n" + log());
}

std::string Linkwatchd::log() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Scrape Linkwatchd::scrape() const {
  const HttpResponse r = get("/metrics");
  if (r.status != 200) {
    Scrape s;
    s.bad_lines.push_back("GET /metrics: status " + std::to_string(r.status) + " " + r.error);
    return s;
  }
  return parse_metrics(r.body);
}

void Linkwatchd::signal(int sig) const {
  if (process_.pid() > 0) kill(process_.pid(), sig);
}

std::optional<int> Linkwatchd::wait_exit(std::chrono::milliseconds timeout, std::string* how) {
  if (!wait_until([this] { return !process_.running(); }, timeout, std::chrono::milliseconds(10)))
    return std::nullopt;
  const int status = process_.stop();  // already reaped: returns the wait status
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (how) *how = WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status)) : "unknown";
  return std::nullopt;
}

}  // namespace lw::test
