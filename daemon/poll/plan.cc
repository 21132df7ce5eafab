#include "daemon/poll/plan.h"

#include <set>
#include <string_view>

#include <algorithm>
#include <sstream>

namespace lw::poll {

const snmp::Oid kSysUpTime0{1, 3, 6, 1, 2, 1, 1, 3, 0};

namespace {

void describe(std::ostringstream& os, const config::Module& m) {
  os << "module " << m.name << '\n';
  for (const auto& mt : m.metrics) {
    os << mt.name << '|' << snmp::to_string(mt.oid) << '|' << static_cast<int>(mt.type) << '|' << mt.scale << '|';
    for (const auto& i : mt.indexes) os << i.label << ':' << static_cast<int>(i.type) << ':' << i.fixed_size << ',';
    os << '|';
    for (const auto& l : mt.lookups) {
      os << l.label << '=' << snmp::to_string(l.oid) << '[';
      for (const auto& k : l.indexes) os << k << ',';
      os << ']';
    }
    os << '|';
    for (const auto& [k, v] : mt.enum_values) os << k << '=' << v << ',';
    os << '\n';
  }
  for (const auto& w : m.walk) os << "walk " << snmp::to_string(w) << '\n';
}

// Every field of the credentials, each with its length so that none runs into the next: a
// reload that changes any of them (version, level, protocols, context...) re-creates the
// session. The secrets are hashed, not printed: the fingerprint never holds a secret.
void describe(std::ostringstream& os, const snmp::Credentials* c) {
  if (!c) {
    os << "creds none\n";
    return;
  }
  const auto field = [&os](const std::string& s) { os << s.size() << ':' << s << ' '; };
  std::string secrets;
  for (const std::string* s : {&c->community, &c->auth_password, &c->priv_password})
    secrets += std::to_string(s->size()) + ':' + *s;
  os << "creds " << static_cast<int>(c->version) << ' ' << static_cast<int>(c->level) << ' '
     << static_cast<int>(c->auth) << ' ' << static_cast<int>(c->priv) << ' ';
  field(c->username);
  field(c->context);
  field(c->engine_id);
  os << std::hash<std::string>{}(secrets) << '\n';
}

// Everything that changes what or how a target is polled, and how its series look.
std::string fingerprint(const config::Config& cfg, const config::Target& t, const snmp::Peer& peer) {
  std::ostringstream os;
  os << t.name << '\n' << t.address << '\n' << t.auth << '\n';
  for (const auto& p : t.upstream()) os << p << ',';
  os << '\n';
  os << peer.timeout.count() << ' ' << peer.retries << ' ' << peer.max_repetitions << ' ' << peer.max_rows << ' '
     << peer.combine_walks << '\n';
  os << cfg.interval_for(t).count() << ' ' << static_cast<int>(cfg.global.metric_names) << '\n';
  describe(os, peer.credentials.get());
  for (const auto& [k, v] : t.labels) os << "label " << k << '=' << v << '\n';
  for (const auto& l : t.links)
    os << "link " << static_cast<int>(l.field) << l.pattern << '=' << l.role << " peer " << l.peer << '@' << l.peer_district << '\n';
  for (const auto& name : t.modules) {
    const auto it = cfg.modules.find(name);
    if (it != cfg.modules.end()) describe(os, it->second);
  }
  return os.str();
}

ModulesPlan make_modules_plan(const config::Config& cfg, const std::vector<std::string>& module_names) {
  ModulesPlan plan;
  plan.gets.push_back(kSysUpTime0);
  for (const auto& name : module_names) {
    const auto it = cfg.modules.find(name);
    if (it == cfg.modules.end()) continue;  // the loader rejects this; a guard only
    const size_t mi = plan.modules.size();
    plan.modules.push_back(&it->second);
    for (const auto& oid : it->second.get)
      if (std::find(plan.gets.begin(), plan.gets.end(), oid) == plan.gets.end()) plan.gets.push_back(oid);
    for (const auto& root : it->second.walk) {
      auto w = std::find_if(plan.walks.begin(), plan.walks.end(), [&](const WalkPlan& p) { return p.root == root; });
      if (w == plan.walks.end()) plan.walks.push_back({root, {mi}});
      else w->modules.push_back(mi);
    }
  }
  std::set<std::string_view> names;
  for (const config::Module* m : plan.modules)
    for (const config::Metric& metric : m->metrics)
      if (metric.name.starts_with("linkwatch_") || !names.insert(metric.name).second) plan.names_apart = false;
  plan.gets.shrink_to_fit();
  plan.walks.shrink_to_fit();
  return plan;
}

}  // namespace

std::shared_ptr<const ModulesPlan> PlanCache::get(const std::shared_ptr<const config::Config>& cfg,
                                                  const std::vector<std::string>& module_names) {
  if (cfg != config_) {
    plans_.clear();
    config_ = cfg;
  }
  auto& plan = plans_[module_names];
  if (!plan) plan = std::make_shared<const ModulesPlan>(make_modules_plan(*cfg, module_names));
  return plan;
}

std::shared_ptr<const TargetPlan> make_plan(const std::shared_ptr<const config::Config>& cfg,
                                            const config::Target& target, PlanCache* cache) {
  auto plan = std::make_shared<TargetPlan>();
  plan->name = target.name;
  plan->peer = cfg->peer_for(target);
  plan->config = cfg;
  plan->links = target.links;
  plan->labels.emplace_back("target", target.name);
  for (const auto& kv : target.labels) plan->labels.push_back(kv);
  plan->asks = cache ? cache->get(cfg, target.modules)
                     : std::make_shared<const ModulesPlan>(make_modules_plan(*cfg, target.modules));
  plan->fingerprint = std::hash<std::string>{}(fingerprint(*cfg, target, plan->peer));
  return plan;
}

}  // namespace lw::poll
