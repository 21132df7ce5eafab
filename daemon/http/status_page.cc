// The plain status page at /status (the console at / is the map): how many sites are in each
// state, then the ones that are not up, the recent events, then everything, in one HTML table.
#include <algorithm>
#include <ctime>
#include <map>

#include "daemon/http/server.h"
#include "linkwatch/version.h"

namespace lw::http {
namespace {

std::string escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string when(double unix_time) {
  if (unix_time <= 0) return "never";
  const std::time_t t = static_cast<std::time_t>(unix_time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

// A shadowed target (config/shard.h) is marked where its name is, so no one takes it for one
// this shard answers for.
constexpr const char* kShadowBadge =
    " <span class=\"shadowed\" title=\"polled only for root causes; its own shard exports it\">shadowed</span>";

void row(std::string& out, const TargetStatus& t) {
  out += "<tr class=\"" + escape(t.state) + "\"><td>" + escape(t.name()) + (t.shadowed() ? kShadowBadge : "") +
         "</td><td>" + escape(t.address()) +
         "</td><td>" + escape(t.district()) + "</td><td>" + escape(t.role()) + "</td><td>" + escape(t.state) +
         "</td><td>" + escape(t.reason) + "</td><td>" + escape(t.root) + "</td><td>" +
         std::to_string(t.last_poll_seconds).substr(0, 5) + "</td><td>" + when(t.last_success_unix) + "</td></tr>\n";
}

// Site state changes, newest first: what happened lately, before the full table.
constexpr size_t kEventsShown = 500;

void events_section(std::string& out, const state::EventHistory& events) {
  out += "<h2>Recent events</h2>\n<p>" + std::to_string(events.size()) + " kept in memory";
  if (events.size() > kEventsShown) out += ", the newest " + std::to_string(kEventsShown) + " shown";
  out += ".</p>\n<table class=\"events\"><tr><th>time</th><th>site</th><th>district</th><th>from</th><th>to</th>"
         "<th>reason</th><th>root cause</th></tr>\n";
  events.newest_first(kEventsShown, [&out](const state::SiteEvent& e) {
    out += "<tr class=\"" + escape(e.to) + "\"><td>" + when(e.unix_time) + "</td><td>" + escape(e.target) +
           "</td><td>" + escape(e.district) + "</td><td>" + escape(e.from) + "</td><td>" + escape(e.to) +
           "</td><td>" + escape(e.reason) + "</td><td>" + escape(e.root) + "</td></tr>\n";
    return true;
  });
  out += "</table>\n";
}

}  // namespace

std::string status_page(const Snapshot& snap) {
  std::map<std::string, size_t> counts;
  for (const auto& t : snap.status) counts[t->state]++;

  std::string out =
      "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>linkwatchd</title><style>"
      "body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}td,th{padding:2px 8px;"
      "border-bottom:1px solid #ddd;text-align:left}.down{background:#fdd}.unreachable{background:#ffe9c7}"
      ".up{background:#efe}.planned,.retired{color:#777}.shadowed{font-size:80%;color:#555;border:1px dashed #888;"
      "padding:0 3px}</style></head><body>\n";
  out += "<h1>linkwatchd " + std::string(kVersion) + "</h1>\n<p>Snapshot of " + when(snap.published_unix) +
         (snap.ready ? "" : " (not ready yet)") + ". <a href=\"/metrics\">/metrics</a></p>\n<p>";
  for (const auto& [state, n] : counts) out += escape(state) + ": <b>" + std::to_string(n) + "</b> &nbsp; ";
  out += "</p>\n";
  if (!snap.shard.empty()) {
    size_t shadowed = 0;
    for (const auto& t : snap.status) shadowed += t->shadowed() ? 1 : 0;
    out += "<p>Shard <b>" + escape(snap.shard) + "</b>: " + std::to_string(snap.status.size() - shadowed) +
           " targets owned, " + std::to_string(shadowed) +
           " shadowed (marked <span class=\"shadowed\">shadowed</span>: polled only for root causes, "
           "exported by their own shard).</p>\n";
  }
  const char* header =
      "<table><tr><th>target</th><th>address</th><th>district</th><th>role</th><th>state</th><th>reason</th>"
      "<th>root cause</th><th>poll s</th><th>last success</th></tr>\n";
  out += "<h2>Not up</h2>\n";
  out += header;
  for (const auto& t : snap.status)
    if (t->state == "down" || t->state == "unreachable" || t->state == "unknown") row(out, *t);
  out += "</table>\n";
  if (snap.events) events_section(out, *snap.events);
  out += "<h2>All sites</h2>\n";
  out += header;
  for (const auto& t : snap.status) row(out, *t);
  out += "</table></body></html>\n";
  return out;
}

}  // namespace lw::http
