#include "daemon/state/shared_regex.h"

#include <map>
#include <mutex>
#include <string>

namespace lw::state {

std::shared_ptr<const Regex> shared_regex(std::string_view pattern) {
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<const Regex>, std::less<>> registry;
  const std::lock_guard lock(mu);
  auto it = registry.find(pattern);
  if (it != registry.end()) {
    if (auto re = it->second.lock()) return re;
  }
  auto compiled = Regex::compile(pattern);
  if (!compiled) return nullptr;
  auto re = std::make_shared<const Regex>(std::move(*compiled));
  // Forget patterns nobody holds any more, so that reload after reload does not grow it.
  std::erase_if(registry, [](const auto& kv) { return kv.second.expired(); });
  registry.insert_or_assign(std::string(pattern), re);
  return re;
}

}  // namespace lw::state
