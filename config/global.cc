// The `global:` section.
#include "config/address.h"
#include "config/sections.h"

namespace lw::config::detail {

using std::chrono::milliseconds;

void read_global(Reader& r, const Field& section, State& st) {
  const auto fields =
      r.map(section.value, "global",
            {"interval", "timeout", "retries", "max_repetitions", "max_in_flight", "max_rows",
             "combine_walks", "listen_address", "log_level", "metric_names", "unreachable_backoff",
             "trap_listen_address", "trap_auths", "trap_receive_buffer", "diagnostic_series",
             "shard", "external_labels"});
  if (!fields) return;
  Global& g = st.config.global;
  constexpr std::string_view where = "global";
  for (const Field& f : fields->all()) {
    if (f.key == "interval") {
      if (auto v = r.duration(f, where, milliseconds(1000), milliseconds(24 * 3600 * 1000))) {
        g.interval = *v;
      }
      if (!fields->get("timeout")) st.global_timeout = r.mark(f);
    } else if (f.key == "timeout") {
      if (auto v = r.duration(f, where, milliseconds(10), milliseconds(60000))) g.timeout = *v;
      st.global_timeout = r.mark(f);
    } else if (f.key == "retries") {
      if (auto v = r.integer(f, where, 0, 10)) g.retries = static_cast<int>(*v);
    } else if (f.key == "max_repetitions") {
      if (auto v = r.integer(f, where, 1, 1000)) g.max_repetitions = static_cast<int>(*v);
    } else if (f.key == "max_in_flight") {
      if (auto v = r.integer(f, where, 1, 100000)) g.max_in_flight = static_cast<int>(*v);
    } else if (f.key == "max_rows") {
      if (auto v = r.integer(f, where, 1, 100000000)) g.max_rows = static_cast<int>(*v);
    } else if (f.key == "listen_address" || f.key == "trap_listen_address") {
      if (auto v = r.string(f, where)) {
        // ":9730" means every address, as the HTTP server takes it; only there.
        const bool any_host = f.key == "listen_address" && v->starts_with(':');
        if (auto bad = check_address(any_host ? "0.0.0.0" + *v : *v, true)) {
          r.error(r.mark(f), where, f.key + ": " + *bad + " (got " + quote(*v) + ")");
        } else if (f.key == "listen_address") {
          g.listen_address = *v;
        } else {
          g.trap_listen_address = *v;
        }
      }
    } else if (f.key == "log_level") {
      static const std::vector<std::string_view> kLevels = {"trace", "debug", "info",    "warn",
                                                            "error", "critical", "off"};
      if (auto v = r.choice(f, where, kLevels)) g.log_level = std::string(kLevels[*v]);
    } else if (f.key == "metric_names") {
      if (auto v = r.choice(f, where, {"mib", "prometheus"})) {
        g.metric_names = *v == 0 ? Global::MetricNames::Mib : Global::MetricNames::Prometheus;
      }
    } else if (f.key == "combine_walks") {
      if (auto v = r.choice(f, where, {"false", "true"})) g.combine_walks = *v == 1;
    } else if (f.key == "diagnostic_series") {
      if (auto v = r.choice(f, where, {"false", "true"})) g.diagnostic_series = *v == 1;
    } else if (f.key == "unreachable_backoff") {
      if (auto v = r.integer(f, where, 1, 1000)) g.unreachable_backoff = static_cast<int>(*v);
    } else if (f.key == "trap_receive_buffer") {
      if (auto v = r.integer(f, where, 0, 1 << 30)) g.trap_receive_buffer = *v;
    } else if (f.key == "shard") {
      read_shard(r, f, st);
    } else if (f.key == "external_labels") {
      read_external_labels(r, f, st);
    } else if (f.key == "trap_auths") {
      if (auto v = r.strings(f, where)) {
        for (auto& [name, mark] : *v) {
          g.trap_auths.push_back(name);
          st.trap_auth_marks.push_back(mark);
        }
      }
    }
  }
}

}  // namespace lw::config::detail
