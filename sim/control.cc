#include "sim/control.h"

#include <civetweb.h>

#include <nlohmann/json.hpp>

#include <cstring>

namespace lw::sim {
namespace {

// Field order kept as written, for people reading /state with curl.
using json = nlohmann::ordered_json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"; }

void reply(mg_connection* c, int status, const std::string& body) {
  const char* text = status == 200 ? "OK" : status == 400 ? "Bad Request" : status == 404 ? "Not Found" : "Method Not Allowed";
  mg_printf(c, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
            status, text, body.size());
  mg_write(c, body.data(), body.size());
}

int error(mg_connection* c, int status, const std::string& msg) {
  reply(c, status, dump(json{{"error", msg}}));
  return status;
}

std::string arg(mg_connection* c, const char* name) {
  const mg_request_info* ri = mg_get_request_info(c);
  if (!ri->query_string) return "";
  char buf[256];
  int n = mg_get_var(ri->query_string, std::strlen(ri->query_string), name, buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

}  // namespace

std::string state_json(const World& w, int dev, double t) {
  auto one = [&](size_t i) {
    const auto& d = w.province().devices[i];
    const auto& s = w.states()[i];
    const auto& ds = w.province().districts;
    json o{{"name", d.name},
           {"address", ip_string(d.address)},
           {"role", role_of(d.kind)},
           {"district", d.district >= 0 && static_cast<size_t>(d.district) < ds.size() ? ds[static_cast<size_t>(d.district)].slug : ""},
           {"commune", d.commune},
           {"terrain", d.terrain},
           {"parent", d.parent >= 0 ? w.province().devices[static_cast<size_t>(d.parent)].name : ""},
           {"lifecycle", d.live ? "live" : "planned"}};
    if (d.live) {
      const int idx = static_cast<int>(i);
      const bool answers = w.answers(idx, t);
      o["answers"] = answers;
      o["state"] = answers ? "up" : !w.alive(idx) ? "down" : "unreachable";
      o["cut"] = s.cut;
      o["failed"] = s.failed;
      o["powered_off"] = s.powered_off;
      o["dead"] = s.dead;
      o["uplink_oper"] = w.uplink_oper(idx, t);
      o["uptime_s"] = static_cast<long>(t - s.boot);
      o["no_ifxtable"] = d.no_ifx;
      o["power"] = d.power;
      if (d.has_ups) {
        o["battery_percent"] = static_cast<int>(s.battery);
        o["on_battery"] = w.on_battery(idx, t);
      }
      if (!d.recording.empty()) o["recording"] = d.recording;
    }
    return o;
  };
  if (dev >= 0) return dump(one(static_cast<size_t>(dev)));
  json devices = json::array();
  for (size_t i = 0; i < w.province().devices.size(); ++i) devices.push_back(one(i));
  return dump(json{{"sim_time", static_cast<long long>(t)},
                   {"speed", w.options().speed},
                   {"seed", w.options().seed},
                   {"random_failures", w.options().random_failures},
                   {"devices", std::move(devices)}});
}

struct ControlServer::Impl {
  World& world;
  mg_context* ctx = nullptr;
  explicit Impl(World& w) : world(w) {}

  static int handle(mg_connection* c, void* self) { return static_cast<Impl*>(self)->route(c); }

  int route(mg_connection* c) {
    const mg_request_info* ri = mg_get_request_info(c);
    const std::string uri = ri->local_uri ? ri->local_uri : "";
    const std::string method = ri->request_method ? ri->request_method : "";
    std::lock_guard lock(world.mutex);
    const double t = world.now();
    world.advance(t);
    if (uri == "/state") {
      if (method != "GET") return error(c, 405, "use GET");
      std::string target = arg(c, "target");
      int dev = -1;
      if (!target.empty() && (dev = world.province().find(target)) < 0) return error(c, 404, "unknown target " + target);
      reply(c, 200, state_json(world, dev, t));
      return 200;
    }
    if (uri == "/truth") {
      if (method != "GET") return error(c, 405, "use GET");
      uint64_t since = 0;
      if (const std::string s = arg(c, "since"); !s.empty()) {
        try { since = std::stoull(s); } catch (const std::exception&) { return error(c, 400, "since must be a fault id"); }
      }
      auto j = world.truth().json(since);
      j["sim_time"] = t;
      j["wall_time"] = world.wall_time(t);
      j["speed"] = world.options().speed;
      j["min_fault_real_s"] = world.options().min_fault_real_s;
      reply(c, 200, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");  // truth.h's own json
      return 200;
    }
    if (method != "POST") return error(c, 405, "use POST");
    const std::string target = arg(c, "target");
    auto need_target = [&]() -> int {
      if (target.empty()) return error(c, 400, "missing ?target=NAME");
      return 0;
    };
    bool ok = false;
    if (uri == "/cut") {
      std::string district = arg(c, "district");
      if (!district.empty()) {
        if (!world.cut_district(district, t)) return error(c, 404, "unknown district " + district);
        reply(c, 200, dump(json{{"cut", district + "-wan"}}));
        return 200;
      }
      if (int r = need_target()) return r;
      ok = world.cut_target(target, t);
    } else if (uri == "/flap") {
      if (int r = need_target()) return r;
      std::string cs = arg(c, "count");
      int count = 1;
      if (!cs.empty()) {
        try { count = std::stoi(cs); } catch (const std::exception&) { count = -1; }
        if (count < 1 || count > 100) return error(c, 400, "count must be 1..100");
      }
      ok = world.flap(target, count, t);
    } else if (uri == "/power-off") {
      if (int r = need_target()) return r;
      ok = world.power_off(target, t);
    } else if (uri == "/reboot") {
      if (int r = need_target()) return r;
      ok = world.reboot(target, t);
    } else if (uri == "/restore") {
      world.restore(t);
      reply(c, 200, dump(json{{"restored", true}}));
      return 200;
    } else if (uri == "/speed") {
      double x = 0;
      try { x = std::stod(arg(c, "x")); } catch (const std::exception&) { x = 0; }
      if (!(x > 0 && x <= 1e6)) return error(c, 400, "x must be a number in (0, 1e6]");
      world.set_speed(x);
      reply(c, 200, dump(json{{"speed", x}}));
      return 200;
    } else {
      return error(c, 404, "unknown path " + uri);
    }
    if (!ok) return error(c, 404, "unknown or planned target " + target);
    reply(c, 200, dump(json{{"ok", true}, {"target", target}}));
    return 200;
  }
};

ControlServer::ControlServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ControlServer::~ControlServer() {
  if (impl_->ctx) mg_stop(impl_->ctx);
}

Result<std::unique_ptr<ControlServer>> ControlServer::start(World& world, int port) {
  static bool inited = (mg_init_library(0), true);
  (void)inited;
  auto impl = std::make_unique<Impl>(world);
  std::string ports = "127.0.0.1:" + std::to_string(port);
  const char* options[] = {"listening_ports", ports.c_str(), "num_threads", "4", nullptr};
  mg_callbacks cb{};
  impl->ctx = mg_start(&cb, nullptr, options);
  if (!impl->ctx) return Error{"bind", "cannot listen on " + ports + " (port in use?)"};
  mg_set_request_handler(impl->ctx, "/", &Impl::handle, impl.get());
  return std::unique_ptr<ControlServer>(new ControlServer(std::move(impl)));
}

}  // namespace lw::sim
