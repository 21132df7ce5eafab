#include "daemon/poll/poller.h"

#include <utility>

#include <pthread.h>

#include "daemon/poll/core.h"

namespace lw::poll {

namespace {
// The shortest turn of the poller thread's loop when only finished polls and due launches
// wait: at 3,000 polls a second the thread otherwise woke for nearly every one (2,600 sleeps a
// second, 15 % of its CPU in futex calls and context switches). 5 ms rather than 2: fewer,
// larger turns gave 2-15 % more varbinds per CPU-second at 3,000 devices (three alternating
// pairs; bench/README.md). A poll's result or launch coming 5 ms later changes nothing a
// scrape or an alert can see.
constexpr auto kMinTurn = std::chrono::milliseconds(5);
}  // namespace

// What other threads hand the poller thread.
struct Poller::Inbox {
  mutable std::mutex mu;
  std::condition_variable cv;
  bool stop = false;
  std::shared_ptr<const config::Config> config;
  std::vector<std::shared_ptr<PollJob>> finished;
  std::vector<std::string> poll_now;
  struct Trap { std::string target, kind; uint32_t if_index; };
  std::vector<Trap> traps;
  std::vector<std::string> traps_rejected;  // reasons
  uint64_t traps_unmatched = 0;
  std::vector<std::pair<bool, double>> reloads;
  bool in_floor = false;  // the poller waits out its turn's floor: finished polls need not wake it
  std::atomic<bool> ready{false};
  std::atomic<Clock::rep> heartbeat{0};
};

Poller::Poller(snmp::Engine& engine, SnapshotBox& box)
    : engine_(engine), box_(box), core_(std::make_unique<PollerCore>(engine, box)),
      inbox_(std::make_unique<Inbox>()) {
  core_->on_finished = [this](std::shared_ptr<PollJob> job) { finished(std::move(job)); };
  inbox_->heartbeat = Clock::now().time_since_epoch().count();
}

Poller::~Poller() { stop(); }

void Poller::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "lw-poller");
    run();
  });
}

void Poller::stop() {
  {
    std::lock_guard lock(inbox_->mu);
    inbox_->stop = true;
  }
  inbox_->cv.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Poller::apply(std::shared_ptr<const config::Config> config) {
  {
    std::lock_guard lock(inbox_->mu);
    inbox_->config = std::move(config);
  }
  inbox_->cv.notify_all();
}

void Poller::poll_now(const std::string& target) {
  {
    std::lock_guard lock(inbox_->mu);
    inbox_->poll_now.push_back(target);
  }
  inbox_->cv.notify_all();
}

void Poller::note_trap(const std::string& target, const std::string& kind, uint32_t if_index) {
  {
    std::lock_guard lock(inbox_->mu);
    inbox_->traps.push_back({target, kind, if_index});
  }
  inbox_->cv.notify_all();
}

// Counters only: picked up at the poller thread's next wake (at most 250 ms away).
void Poller::note_trap_rejected(const std::string& reason) {
  std::lock_guard lock(inbox_->mu);
  inbox_->traps_rejected.push_back(reason);
}

void Poller::note_trap_unmatched() {
  std::lock_guard lock(inbox_->mu);
  ++inbox_->traps_unmatched;
}

void Poller::note_reload(bool ok, double unix_time) {
  {
    std::lock_guard lock(inbox_->mu);
    inbox_->reloads.emplace_back(ok, unix_time);
  }
  inbox_->cv.notify_all();
}

void Poller::finished(std::shared_ptr<PollJob> job) {
  bool wake;
  {
    std::lock_guard lock(inbox_->mu);
    wake = inbox_->finished.empty() && !inbox_->in_floor;
    inbox_->finished.push_back(std::move(job));
  }
  // The poller takes the whole batch when it wakes: one wake for the first of a batch is
  // enough (a wake is a futex call here and a context switch there), and none while it waits
  // out its turn's floor, after which it looks anyway.
  if (wake) inbox_->cv.notify_all();
}

bool Poller::ready() const { return inbox_->ready.load(); }

std::chrono::steady_clock::time_point Poller::heartbeat() const {
  return Clock::time_point(Clock::duration(inbox_->heartbeat.load()));
}

void Poller::run() {
  auto wake = Clock::now();
  auto turn_floor = wake;  // no turn for finished polls or due launches before this
  bool configured = false;
  while (true) {
    std::shared_ptr<const config::Config> config;
    std::vector<std::shared_ptr<PollJob>> finished;
    std::vector<std::string> poll_now;
    std::vector<Inbox::Trap> traps;
    std::vector<std::string> traps_rejected;
    uint64_t traps_unmatched = 0;
    std::vector<std::pair<bool, double>> reloads;
    {
      std::unique_lock lock(inbox_->mu);
      const auto urgent = [&] {
        return inbox_->stop || inbox_->config || !inbox_->poll_now.empty() || !inbox_->traps.empty() ||
               !inbox_->reloads.empty();
      };
      // Finished polls and launches wait for the turn's floor (kMinTurn after the last turn),
      // so that a busy poller takes them in batches; what a person or a trap asked for does not.
      inbox_->in_floor = true;
      inbox_->cv.wait_until(lock, turn_floor, urgent);
      inbox_->in_floor = false;
      inbox_->cv.wait_until(lock, wake, [&] { return urgent() || !inbox_->finished.empty(); });
      if (inbox_->stop) return;
      config = std::move(inbox_->config);
      inbox_->config.reset();
      finished.swap(inbox_->finished);
      poll_now.swap(inbox_->poll_now);
      traps.swap(inbox_->traps);
      traps_rejected.swap(inbox_->traps_rejected);
      traps_unmatched = std::exchange(inbox_->traps_unmatched, 0);
      reloads.swap(inbox_->reloads);
    }
    const auto now = Clock::now();
    turn_floor = now + kMinTurn;
    inbox_->heartbeat = now.time_since_epoch().count();
    for (const auto& [ok, when] : reloads) core_->note_reload(ok, when);
    if (config) {
      core_->apply(std::move(config));
      configured = true;
    }
    if (!configured) {
      wake = now + std::chrono::seconds(1);
      continue;
    }
    for (auto& job : finished) core_->finish(std::move(job));
    for (const auto& t : traps) core_->note_trap(t.target, t.kind, t.if_index);
    for (const auto& reason : traps_rejected) core_->note_trap_dropped(reason);
    for (uint64_t i = 0; i < traps_unmatched; ++i) core_->note_trap_dropped("");
    for (const auto& name : poll_now) core_->poll_now(name);
    core_->maybe_publish(now);
    wake = core_->launch_due(now);
    if (core_->ready() && !inbox_->ready) {
      core_->maybe_publish(Clock::now(), true);
      inbox_->ready = true;
    }
    // Publish at most every 200 ms: wake for it if results are waiting to be shown.
    wake = std::min(wake, Clock::now() + std::chrono::milliseconds(250));
  }
}

}  // namespace lw::poll
