#include "daemon/http/exposition.h"

#include <gtest/gtest.h>

#include "daemon/http/server.h"

namespace lw::http {
namespace {

collect::Families one_target(const char* name) {
  return {{"ifHCInOctets", "in", collect::Kind::Counter,
           {{{{"target", name}, {"ifIndex", "1"}, {"ifAlias", "Kỳ Sơn \"WAN\"\n"}}, 5}}},
          {"sysUpTime", "up", collect::Kind::Gauge, {{{{"target", name}}, 12.5}}}};
}

// A status row as the status page reads it (rows share their inventory: daemon/snapshot.h).
std::shared_ptr<const TargetStatus> row(std::string name, std::string address, std::string state, std::string reason,
                                        std::string root, std::string district, std::string role,
                                        double last_poll_seconds, double last_success_unix) {
  auto inv = std::make_shared<TargetInventory>();
  inv->name = std::move(name);
  inv->address = std::move(address);
  inv->district = std::move(district);
  inv->role = std::move(role);
  auto t = std::make_shared<TargetStatus>();
  t->inventory = std::move(inv);
  t->state = std::move(state);
  t->reason = std::move(reason);
  t->root = std::move(root);
  t->last_poll_seconds = last_poll_seconds;
  t->last_success_unix = last_success_unix;
  return t;
}

std::shared_ptr<Snapshot> two_targets(config::Global::MetricNames names = config::Global::MetricNames::Mib) {
  auto s = std::make_shared<Snapshot>();
  for (const auto* name : {"a", "b"})
    s->targets.push_back(std::make_shared<const Rendered>(render_families(one_target(name), names)));
  s->status.push_back(row("a", "127.0.0.1", "down", "timeout", "", "Huyện Kỳ Sơn", "district_gateway", 1, 0));
  return s;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

TEST(Exposition, SameNamedFamiliesOfAllTargetsBecomeOneGroup) {
  const std::string text = render(*two_targets());
  EXPECT_EQ(count(text, "# TYPE ifHCInOctets counter"), 1u) << text;
  EXPECT_EQ(count(text, "# HELP ifHCInOctets"), 1u);
  // Both targets' samples sit together under the one header.
  const auto header = text.find("# TYPE ifHCInOctets");
  const auto a = text.find("ifHCInOctets{target=\"a\"");
  const auto b = text.find("ifHCInOctets{target=\"b\"");
  const auto other = text.find("# TYPE sysUpTime");
  EXPECT_LT(header, a);
  EXPECT_LT(a, b);
  EXPECT_LT(b, other);
  // UTF-8 kept, quotes and newlines escaped.
  EXPECT_NE(text.find("ifAlias=\"Kỳ Sơn \\\"WAN\\\"\\n\""), std::string::npos) << text;
}

// A target whose families come in another order than the groups (another module order, a
// family twice) still has each series in its group, in target order, every line once.
TEST(Exposition, FamiliesOutOfGroupOrderLandInTheirGroups) {
  auto fam = [](const char* name, const char* target, double v) {
    return collect::Family{name, "h", collect::Kind::Gauge, {{{{"target", target}}, v}}};
  };
  Snapshot s;
  s.targets.push_back(std::make_shared<const Rendered>(
      render_families({fam("x", "a", 1), fam("y", "a", 2)}, config::Global::MetricNames::Mib)));
  s.targets.push_back(std::make_shared<const Rendered>(render_families(
      {fam("y", "b", 3), fam("z", "b", 4), fam("x", "b", 5), fam("y", "b2", 6)}, config::Global::MetricNames::Mib)));
  s.targets.push_back(std::make_shared<const Rendered>(
      render_families({fam("x", "c", 7), fam("y", "c", 8)}, config::Global::MetricNames::Mib)));
  const std::string text = render(s);
  EXPECT_EQ(text,
            "# HELP x h\n# TYPE x gauge\nx{target=\"a\"} 1\nx{target=\"b\"} 5\nx{target=\"c\"} 7\n"
            "# HELP y h\n# TYPE y gauge\ny{target=\"a\"} 2\ny{target=\"b\"} 3\ny{target=\"b2\"} 6\ny{target=\"c\"} 8\n"
            "# HELP z h\n# TYPE z gauge\nz{target=\"b\"} 4\n");
  EXPECT_EQ(Exposition(s).size(), text.size());
}

// A block keeps which label set each series has in two bytes while it has at most 65,536
// sets; a device with more (a hostile one, or a very large switch) gets four, same text.
TEST(Exposition, MoreThan65536LabelSetsInOneBlock) {
  for (const int n : {65536, 65537, 70000}) {
    collect::Family f{"m", "h", collect::Kind::Gauge, {}};
    std::string want = "# HELP m h\n# TYPE m gauge\n";
    for (int i = 0; i < n; ++i) {
      f.series.push_back({{{"i", std::to_string(i)}}, static_cast<double>(i)});
      want += "m{i=\"" + std::to_string(i) + "\"} " + std::to_string(i) + "\n";
    }
    f.series.push_back({{{"i", "0"}}, -1});  // a set seen before: the first one's number
    want += "m{i=\"0\"} -1\n";
    Snapshot s;
    s.targets.push_back(std::make_shared<const Rendered>(render_families({f}, config::Global::MetricNames::Mib)));
    EXPECT_EQ(s.targets[0]->shape->layout->series_sets_wide.empty(), n <= 65536) << n;
    ASSERT_EQ(render(s), want) << n;
  }
}

TEST(Exposition, PrometheusNamingRenamesMetricsAndLabels) {
  const std::string text = render(*two_targets(config::Global::MetricNames::Prometheus));
  EXPECT_NE(text.find("if_hc_in_octets_total{target=\"a\",if_index=\"1\""), std::string::npos) << text;
  EXPECT_NE(text.find("sys_up_time{target=\"b\"} 12.5"), std::string::npos) << text;
  EXPECT_EQ(text.find("ifHCInOctets"), std::string::npos);
}

TEST(Exposition, EmptySnapshotIsEmpty) { EXPECT_EQ(render(Snapshot{}), ""); }

TEST(Exposition, ExternalLabelsOnEverySeriesUnlessItHasTheLabel) {
  config::Global g;
  g.external_labels = {{"collector", "ky-son"}, {"ifIndex", "99"}};
  Snapshot s;
  s.targets.push_back(std::make_shared<const Rendered>(render_families(one_target("a"), g)));
  const std::string text = render(s);
  EXPECT_EQ(count(text, "collector=\"ky-son\""), 2u) << text;
  // The series' own ifIndex wins; a series without one gets the external value.
  EXPECT_EQ(count(text, "ifIndex=\"1\""), 1u) << text;
  EXPECT_EQ(count(text, "ifIndex=\"99\""), 1u) << text;
  EXPECT_EQ(count(text, "sysUpTime{target=\"a\",collector=\"ky-son\",ifIndex=\"99\"} 12.5"), 1u) << text;
}

TEST(StatusPage, ShowsStatesAndEscapesHtml) {
  // Every string on the page comes from the config or a device: each one here tries to end
  // its element or attribute and start a script. The ifAlias of the metric families is not
  // on the page today; if it ever is, it must arrive escaped too.
  auto snap = std::make_shared<Snapshot>();
  collect::Families fams = one_target("<script>alert('name')</script>");
  fams[0].series[0].labels.at_mutable(2).second = "</td><script>alert(\"ifAlias\")</script> & Kỳ Sơn";
  snap->targets.push_back(std::make_shared<const Rendered>(render_families(fams, config::Global::MetricNames::Mib)));
  snap->status.push_back(row("<script>alert('name')</script>", "127.0.0.1\" onmouseover=\"alert(1)", "down",
                             "<img src=x onerror=alert('reason')> & more", "</td></tr><script>root</script>",
                             "Huyện Kỳ Sơn & <b>bold</b>", "gw' onclick='alert(2)", 1, 0));
  snap->status.push_back(row("b", "127.0.0.2", "up", "ok", "", "Huyện Kỳ Sơn", "district_gateway", 1, 0));
  const std::string html = status_page(*snap);

  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("<img"), std::string::npos) << html;
  EXPECT_EQ(html.find("<b>bold"), std::string::npos) << html;
  EXPECT_EQ(html.find("\" onmouseover"), std::string::npos) << html;
  EXPECT_EQ(html.find("' onclick"), std::string::npos) << html;
  EXPECT_EQ(html.find("alert(\"ifAlias"), std::string::npos) << html;
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;"), std::string::npos) << html;
  EXPECT_NE(html.find("127.0.0.1&quot; onmouseover=&quot;alert(1)"), std::string::npos) << html;
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(&#39;reason&#39;)&gt; &amp; more"), std::string::npos) << html;
  EXPECT_NE(html.find("&lt;/td&gt;&lt;/tr&gt;&lt;script&gt;root&lt;/script&gt;"), std::string::npos) << html;
  EXPECT_NE(html.find("Huyện Kỳ Sơn &amp; &lt;b&gt;bold&lt;/b&gt;"), std::string::npos) << html;
  EXPECT_NE(html.find("gw&#39; onclick=&#39;alert(2)"), std::string::npos) << html;
  // The page's own markup is intact: two rows under "All sites", the counts, UTF-8.
  EXPECT_EQ(count(html, "<tr class="), 3u) << html;  // the down one twice (Not up, All sites), b once
  EXPECT_NE(html.find("down: <b>1</b>"), std::string::npos);
  EXPECT_NE(html.find("up: <b>1</b>"), std::string::npos);
  EXPECT_NE(html.find("charset=\"utf-8\""), std::string::npos);
}

}  // namespace
}  // namespace lw::http
