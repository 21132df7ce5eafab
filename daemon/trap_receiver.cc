#include "daemon/trap_receiver.h"

#include <spdlog/spdlog.h>

#include "daemon/poll/trap_decode.h"

namespace lw {

std::vector<std::shared_ptr<const snmp::Credentials>> TrapReceiver::accepted(const config::Config& config) {
  std::vector<std::shared_ptr<const snmp::Credentials>> out;
  for (const auto& name : config.global.trap_auths)
    if (const auto it = config.auths.find(name); it != config.auths.end() && it->second.credentials)
      out.push_back(it->second.credentials);
  return out;
}

Status TrapReceiver::start(snmp::Engine& engine, const config::Config& config) {
  set_config(config);
  const std::string& address = config.global.trap_listen_address;
  if (address.empty()) return std::nullopt;
  snmp::NotificationHandlers h;
  h.accepted = [this](snmp::Notification n) { on_notification(n); };
  h.rejected = [this](snmp::RejectedNotification r) { on_rejected(r); };
  if (Status st = engine.listen_for_notifications(address, accepted(config), std::move(h))) {
    std::string hint;
    if (st->detail.find("ermission") != std::string::npos)
      hint = " (ports below 1024 need CAP_NET_BIND_SERVICE: see systemd/trap-port.conf)";
    return Error{st->reason, "global.trap_listen_address " + address + ": " + st->detail + hint};
  }
  const int64_t buffer = engine.stats().trap_receive_buffer;
  spdlog::info("receiving SNMP notifications on {} ({} auths, receive buffer {} bytes)", address,
               config.global.trap_auths.size(), buffer);
  // The kernel reports about twice what it granted; less than asked means rmem_max capped it.
  if (buffer > 0 && buffer < config.global.trap_receive_buffer)
    spdlog::warn("traps: the receive buffer is {} bytes, not the {} asked for: raise net.core.rmem_max "
                 "(or grant CAP_NET_ADMIN) so a burst of traps is not dropped",
                 buffer, config.global.trap_receive_buffer);
  return std::nullopt;
}

void TrapReceiver::set_config(const config::Config& config) {
  auto m = std::make_shared<const poll::TrapMatcher>(config);
  if (!config.global.trap_listen_address.empty())
    for (const auto& name : m->unindexed())
      spdlog::debug("traps: target {} has no IP address (a DNS name); its traps cannot be matched", name);
  std::lock_guard lock(mu_);
  matcher_ = std::move(m);
}

void TrapReceiver::on_notification(const snmp::Notification& n) {
  const poll::TrapInfo info = poll::decode_trap(n);
  std::shared_ptr<const poll::TrapMatcher> m;
  {
    std::lock_guard lock(mu_);
    m = matcher_;
  }
  const auto& targets = m->match(info.agent);
  if (targets.empty()) {
    spdlog::debug("traps: {} from {} (sent by {}) matches no polled target", info.kind, info.agent, n.source);
    poller_.note_trap_unmatched();
    return;
  }
  for (const auto& t : targets) poller_.note_trap(t, info.kind, info.if_index);
}

void TrapReceiver::on_rejected(const snmp::RejectedNotification& r) {
  spdlog::debug("traps: dropped a notification from {}: {}", r.source.empty() ? "?" : r.source, r.reason);
  poller_.note_trap_rejected(r.reason);
}

}  // namespace lw
