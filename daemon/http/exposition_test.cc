#include "daemon/http/exposition.h"

#include <gtest/gtest.h>

#include "daemon/http/server.h"

namespace lw::http {
namespace {

std::shared_ptr<Snapshot> two_targets() {
  auto s = std::make_shared<Snapshot>();
  for (const auto* name : {"a", "b"}) {
    auto f = std::make_shared<collect::Families>();
    f->push_back({"ifHCInOctets", "in", collect::Kind::Counter,
                  {{{{"target", name}, {"ifIndex", "1"}, {"ifAlias", "Kỳ Sơn \"WAN\"\n"}}, 5}}});
    s->targets.push_back(f);
  }
  s->status.push_back({"a", "127.0.0.1", "down", "timeout", "", "Huyện Kỳ Sơn", "district_gateway", 1, 0});
  return s;
}

TEST(Exposition, SameNamedFamiliesOfAllTargetsBecomeOneGroup) {
  SnapshotBox box;
  box.publish(two_targets());
  SnapshotCollectable c(box);
  const std::string text = render(c);
  size_t types = 0;
  for (size_t p = text.find("# TYPE ifHCInOctets"); p != std::string::npos; p = text.find("# TYPE ifHCInOctets", p + 1))
    ++types;
  EXPECT_EQ(types, 1u);
  // UTF-8 kept, quotes and newlines escaped.
  EXPECT_NE(text.find("ifAlias=\"Kỳ Sơn \\\"WAN\\\"\\n\""), std::string::npos) << text;
}

TEST(Exposition, PrometheusNamingRenamesMetricsAndLabels) {
  SnapshotBox box;
  box.publish(two_targets());
  SnapshotCollectable c(box);
  c.set_naming(config::Global::MetricNames::Prometheus);
  const std::string text = render(c);
  EXPECT_NE(text.find("if_hc_in_octets_total{target=\"a\",if_index=\"1\""), std::string::npos) << text;
  EXPECT_EQ(text.find("ifHCInOctets"), std::string::npos);
}

TEST(StatusPage, ShowsStatesAndEscapesHtml) {
  const std::string html = status_page(*two_targets());
  EXPECT_NE(html.find("Huyện Kỳ Sơn"), std::string::npos);
  EXPECT_NE(html.find("down: <b>1</b>"), std::string::npos);
  EXPECT_NE(html.find("charset=\"utf-8\""), std::string::npos);
}

}  // namespace
}  // namespace lw::http
