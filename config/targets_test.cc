#include "config/test_util.h"

namespace lw::config {
namespace {

using std::chrono::milliseconds;
using testing::has_error;
using testing::load_text;
using testing::TempDir;

// kPrelude is 8 lines; target lines below start at 9.
LoadResult load_targets(const TempDir& dir, const std::string& targets) {
  return load_text(dir, std::string(testing::kPrelude) + targets);
}

TEST(Targets, SiteFormFromTheIssue) {
  TempDir dir;
  const auto r = load_targets(dir, R"(targets:
  - name: vinh-core
    address: 10.10.0.1
    auth: v2
    modules: [m]
  - name: ky-son-gw
    address: 127.20.0.1:1161
    auth: v2
    modules: [m]
    labels: {district: "Huyện Kỳ Sơn", role: district_gateway}
    parent: vinh-core
    timeout: 5s
    retries: 3
    interval: 30s
    site:
      district: "Huyện Kỳ Sơn"
      district_slug: ky-son
      commune: ky-son-01
      role: district_gateway
      terrain: high-mountain
      latitude: 19.41
      longitude: 104.13
      uplink: microwave
      power: solar
      lifecycle: live
    links:
      - {if_name: "wan0", role: wan}
      - {if_alias: "/^BH-.*/", role: backhaul}
      - {if_descr: "ether1"}
      - {if_index: 3, role: uplink}
)");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  const auto& ts = r.config->targets;
  ASSERT_EQ(ts.size(), 2u);
  EXPECT_EQ(ts[0].name, "vinh-core");  // file order
  EXPECT_EQ(ts[0].mark.line, 10);
  EXPECT_EQ(ts[0].mark.column, 5);
  EXPECT_FALSE(ts[0].site.has_value());
  EXPECT_TRUE(ts[0].polled());
  const Target& t = ts[1];
  EXPECT_EQ(t.name, "ky-son-gw");
  EXPECT_EQ(t.address, "127.20.0.1:1161");
  EXPECT_EQ(t.auth, "v2");
  EXPECT_EQ(t.modules, std::vector<std::string>{"m"});
  // Sorted by name, UTF-8 kept byte for byte.
  EXPECT_EQ(t.labels, (Labels{{"district", "Huy\xe1\xbb\x87n K\xe1\xbb\xb3 S\xc6\xa1n"},
                              {"role", "district_gateway"}}));
  EXPECT_EQ(t.parent, "vinh-core");
  EXPECT_EQ(t.timeout, milliseconds(5000));
  EXPECT_EQ(t.retries, 3);
  EXPECT_EQ(t.interval, milliseconds(30000));
  ASSERT_TRUE(t.site.has_value());
  EXPECT_EQ(t.site->district, "Huyện Kỳ Sơn");
  EXPECT_EQ(t.site->district_slug, "ky-son");
  EXPECT_EQ(t.site->commune, "ky-son-01");
  EXPECT_EQ(t.site->role, "district_gateway");
  EXPECT_EQ(t.site->terrain, "high-mountain");
  EXPECT_DOUBLE_EQ(*t.site->latitude, 19.41);
  EXPECT_DOUBLE_EQ(*t.site->longitude, 104.13);
  EXPECT_EQ(t.site->uplink, "microwave");
  EXPECT_EQ(t.site->power, "solar");
  EXPECT_EQ(t.site->lifecycle, Site::Lifecycle::Live);
  ASSERT_EQ(t.links.size(), 4u);
  EXPECT_EQ(t.links[0].field, LinkRule::Field::IfName);
  EXPECT_EQ(t.links[0].pattern, "wan0");
  EXPECT_EQ(t.links[0].role, "wan");
  EXPECT_EQ(t.links[1].field, LinkRule::Field::IfAlias);
  EXPECT_EQ(t.links[1].pattern, "/^BH-.*/");
  EXPECT_EQ(t.links[2].field, LinkRule::Field::IfDescr);
  EXPECT_EQ(t.links[2].role, "");
  EXPECT_EQ(t.links[3].field, LinkRule::Field::IfIndex);
  EXPECT_EQ(t.links[3].pattern, "3");
}

TEST(Targets, PeerForAppliesOverrides) {
  TempDir dir;
  const auto r = load_targets(dir, R"(global: {timeout: 3s, retries: 2, max_repetitions: 10, max_rows: 500}
targets:
  - {name: a, address: 10.0.0.1, auth: v2, modules: [m]}
  - {name: b, address: "[2001:db8::20]:161", auth: v2, modules: [m], timeout: 5s, retries: 0}
)");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  const Config& c = *r.config;
  const snmp::Peer a = c.peer_for(c.targets[0]);
  EXPECT_EQ(a.key, "a");
  EXPECT_EQ(a.address, "10.0.0.1");
  EXPECT_EQ(a.credentials, c.auths.at("v2").credentials);
  EXPECT_EQ(a.credentials->community, "public");
  EXPECT_EQ(a.timeout, milliseconds(3000));
  EXPECT_EQ(a.retries, 2);
  EXPECT_EQ(a.max_repetitions, 10);
  EXPECT_EQ(a.max_rows, 500);
  const snmp::Peer b = c.peer_for(c.targets[1]);
  EXPECT_EQ(b.address, "[2001:db8::20]:161");
  EXPECT_EQ(b.timeout, milliseconds(5000));
  EXPECT_EQ(b.retries, 0);
  EXPECT_EQ(c.interval_for(c.targets[1]), milliseconds(60000));
}

TEST(Targets, EveryTargetError) {
  TempDir dir;
  const auto r = load_targets(dir, R"(targets:
  - {name: a, address: 10.0.0.1, auth: v3, modules: [m]}
  - {name: b, address: 10.0.0.256, auth: v2, modules: [m, if_mib]}
  - {name: a, address: 10.0.0.2, auth: v2, modules: [m]}
  - {name: "bad name", address: 10.0.0.3, auth: v2, modules: [m]}
  - {address: 10.0.0.4, auth: v2}
  - {name: c, address: "10.0.0.5:70000", auth: v2, modules: [m], adress: x}
  - {name: d, address: 10.0.0.6, auth: v2, modules: [m], interval: 1x, timeout: 2, retries: 11}
  - {name: e, address: 10.0.0.7, auth: v2, modules: [m], labels: {target: x, __meta: y, "bad-label": z, ok: [1]}}
  - {name: f, address: 10.0.0.8, auth: v2, modules: [m], parent: nobody}
  - {name: g, address: 10.0.0.9, auth: v2, modules: m}
  - {name: h, address: 10.0.0.10, auth: v2, modules: [m], interval: 5s, timeout: 5s}
  - {name: i, address: 10.0.0.11, auth: v2, modules: [m, m]}
)");
  EXPECT_TRUE(has_error(r, 10, 40, "target \"a\": unknown auth \"v3\" (known: v2)"));
  EXPECT_TRUE(has_error(r, 11, 24, "target \"b\": address: not a valid IPv4 address (got \"10.0.0.256\")"));
  EXPECT_TRUE(has_error(r, 11, 59, "target \"b\": unknown module \"if_mib\" (known: m)"));
  EXPECT_TRUE(has_error(r, 12, 12, "duplicate target \"a\" (first defined at "));
  EXPECT_TRUE(has_error(r, 12, 12, "linkwatch.yml:10:5)"));
  EXPECT_TRUE(has_error(r, 13, 12, "name: \"bad name\" is not a valid target name ([A-Za-z0-9_.:-]+)"));
  EXPECT_TRUE(has_error(r, 14, 5, "target #5: missing required key \"name\""));
  EXPECT_TRUE(has_error(r, 14, 5, "target #5: missing required key \"modules\""));
  EXPECT_TRUE(has_error(r, 15, 24, "port must be a number from 1 to 65535"));
  EXPECT_TRUE(has_error(r, 15, 66, "unknown key \"adress\" in target \"c\" (known: name, address, auth, modules, labels, interval, timeout, retries, parent, parents, site, links, shard)"));
  EXPECT_TRUE(has_error(r, 16, 68, "target \"d\": interval: expected a duration like 30s (got \"1x\")"));
  EXPECT_TRUE(has_error(r, 16, 81, "target \"d\": timeout: expected a duration like 30s (got \"2\")"));
  EXPECT_TRUE(has_error(r, 16, 93, "target \"d\": retries: must be between 0 and 10 (got 11)"));
  EXPECT_TRUE(has_error(r, 17, 67, "labels: \"target\" is reserved"));
  EXPECT_TRUE(has_error(r, 17, 78, "labels: \"__meta\" is reserved"));
  EXPECT_TRUE(has_error(r, 17, 89, "labels: \"bad-label\" is not a valid label name"));
  EXPECT_TRUE(has_error(r, 17, 109, "ok: expected a string (got a list)"));
  EXPECT_TRUE(has_error(r, 18, 66, "target \"f\": unknown parent \"nobody\""));
  EXPECT_TRUE(has_error(r, 19, 53, "target \"g\": modules: expected a list (got \"m\")"));
  EXPECT_TRUE(has_error(r, 20, 82, "target \"h\": timeout must be shorter than the interval"));
  EXPECT_TRUE(has_error(r, 21, 58, "modules: \"m\" listed twice"));
  EXPECT_EQ(r.errors.size(), 20u) << testing::dump(r.errors);
  EXPECT_EQ(r.config, nullptr);
}

TEST(Targets, SiteAndLinkErrors) {
  TempDir dir;
  const auto r = load_targets(dir, R"(targets:
  - name: a
    address: router.example
    auth: v2
    modules: [m]
    site:
      latitude: 91
      longitude: east
      uplink: radio
      power: wind
      lifecycle: dead
      distrcit: x
    links:
      - {if_name: wan0, if_alias: wan, role: wan}
      - {role: wan}
      - {if_alias: "/([/"}
      - {if_index: x}
      - {if_name: ""}
)");
  EXPECT_TRUE(has_error(r, 15, 17, "target \"a\" site: latitude: must be between -90 and 90 (got 91)"));
  EXPECT_TRUE(has_error(r, 16, 18, "longitude: expected a number (got \"east\")"));
  EXPECT_TRUE(has_error(r, 17, 15, "uplink: expected one of fibre, microwave, vsat, copper, none (got \"radio\")"));
  EXPECT_TRUE(has_error(r, 18, 14, "power: expected one of grid, solar, battery, generator, none (got \"wind\")"));
  EXPECT_TRUE(has_error(r, 19, 18, "lifecycle: expected one of planned, live, retired (got \"dead\")"));
  EXPECT_TRUE(has_error(r, 20, 7, "unknown key \"distrcit\" in target \"a\" site (known: district,"));
  EXPECT_TRUE(has_error(r, 22, 25, "give exactly one of if_name, if_alias, if_descr, if_index (also if_name)"));
  EXPECT_TRUE(has_error(r, 23, 9, "missing a matcher"));
  EXPECT_TRUE(has_error(r, 24, 20, "if_alias: bad regular expression \"/([/\""));
  EXPECT_TRUE(has_error(r, 25, 20, "if_index: expected an integer (got \"x\")"));
  EXPECT_TRUE(has_error(r, 26, 19, "if_name: empty pattern"));
  EXPECT_EQ(r.errors.size(), 11u) << testing::dump(r.errors);
}

// `peer:` names the target at the far end of a link; its district is resolved once every
// file is read (site district first, else the `district` label).
TEST(Targets, LinkPeerResolvesTheFarEndsDistrict) {
  TempDir dir;
  const auto r = load_targets(dir, R"(targets:
  - name: vinh-core
    address: 127.0.0.10
    auth: v2
    modules: [m]
    labels: {district: "Thành phố Vinh"}
    links:
      - {if_name: wan-ky-son, role: wan, peer: ky-son-wan}
      - {if_name: wan-nghi-loc, role: wan, peer: nghi-loc-wan}
      - {if_name: lan0, role: lan}
  - name: ky-son-wan
    address: 127.20.0.2
    auth: v2
    modules: [m]
    site: {district: "Huyện Kỳ Sơn"}
    links: [{if_name: wan0, role: wan, peer: vinh-core}]
  - {name: nghi-loc-wan, address: 127.9.0.2, auth: v2, modules: [m], labels: {district: "Huyện Nghi Lộc"}}
)");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  const auto& core = r.config->targets[0];
  ASSERT_EQ(core.links.size(), 3u);
  EXPECT_EQ(core.links[0].peer, "ky-son-wan");
  EXPECT_EQ(core.links[0].peer_district, "Huyện Kỳ Sơn");
  EXPECT_EQ(core.links[1].peer, "nghi-loc-wan");
  EXPECT_EQ(core.links[1].peer_district, "Huyện Nghi Lộc");  // from the label: no site
  EXPECT_EQ(core.links[2].peer, "");
  EXPECT_EQ(core.links[2].peer_district, "");
  EXPECT_EQ(r.config->targets[1].links[0].peer_district, "Thành phố Vinh");
}

TEST(Targets, LinkPeerErrorsNameFileLineColumn) {
  TempDir dir;
  const auto r = load_targets(dir, R"(targets:
  - name: a
    address: 10.0.0.1
    auth: v2
    modules: [m]
    links:
      - {if_name: wan0, role: wan, peer: nobody}
      - {if_name: wan1, role: wan, peer: a}
      - {if_name: wan2, role: wan, peer: "not a name"}
      - {if_name: wan3, role: wan, peer: [b]}
)");
  EXPECT_TRUE(has_error(r, 15, 42, "target \"a\": link \"wan0\": unknown peer \"nobody\""));
  EXPECT_TRUE(has_error(r, 16, 42, "link \"wan1\": a link's peer is the target at its far end"));
  EXPECT_TRUE(has_error(r, 17, 42, "peer: \"not a name\" is not a target name"));
  EXPECT_TRUE(has_error(r, 18, 42, "peer: expected a string"));
  EXPECT_EQ(r.errors.size(), 4u) << testing::dump(r.errors);
}

TEST(Targets, LifecycleAndPolled) {
  TempDir dir;
  const auto r = load_targets(dir, R"(targets:
  - {name: a, address: 10.0.0.1, auth: v2, modules: [m], site: {lifecycle: planned}}
  - {name: b, address: 10.0.0.2, auth: v2, modules: [], site: {lifecycle: retired}}
  - {name: c, address: 10.0.0.3, auth: v2, modules: [m], site: {district: x}}
)");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  EXPECT_FALSE(r.config->targets[0].polled());
  EXPECT_FALSE(r.config->targets[1].polled());
  EXPECT_TRUE(r.config->targets[2].polled());
  EXPECT_EQ(r.config->targets[2].site->lifecycle, Site::Lifecycle::Live);
}

TEST(Targets, ParentCycleNamesItsMembers) {
  TempDir dir;
  const auto r = load_targets(dir, R"(targets:
  - {name: root, address: 10.0.0.1, auth: v2, modules: [m]}
  - {name: x, address: 10.0.0.2, auth: v2, modules: [m], parent: z}
  - {name: y, address: 10.0.0.3, auth: v2, modules: [m], parent: x}
  - {name: z, address: 10.0.0.4, auth: v2, modules: [m], parent: y}
  - {name: leaf, address: 10.0.0.5, auth: v2, modules: [m], parent: y}
  - {name: self, address: 10.0.0.6, auth: v2, modules: [m], parent: self}
  - {name: ok, address: 10.0.0.7, auth: v2, modules: [m], parent: root}
)");
  ASSERT_EQ(r.errors.size(), 2u) << testing::dump(r.errors);
  EXPECT_TRUE(has_error(r, 11, 66, "parent cycle: x -> z -> y -> x"));
  EXPECT_TRUE(has_error(r, 15, 69, "parent cycle: self -> self"));
}

TEST(Targets, SeveralErrorsAtOnceInFileOrder) {
  TempDir dir;
  const auto r = load_text(dir, R"(global:
  intervall: 30s
auths:
  v2: {version: 2}
targets:
  - {name: a, address: 10.0.0.1, auth: nope, modules: [nope]}
)");
  ASSERT_EQ(r.errors.size(), 4u) << testing::dump(r.errors);
  EXPECT_EQ(r.errors[0].mark.line, 2);
  EXPECT_EQ(r.errors[1].mark.line, 4);
  EXPECT_EQ(r.errors[2].mark.line, 6);
  EXPECT_NE(r.errors[2].message.find("unknown auth \"nope\" (known: v2)"), std::string::npos);
  EXPECT_NE(r.errors[3].message.find("unknown module \"nope\" (known: none)"), std::string::npos);
}

TEST(Targets, InvalidUtf8LabelIsAnError) {
  TempDir dir;
  const auto r = load_targets(dir, "targets:\n  - {name: a, address: 10.0.0.1, auth: v2, modules: "
                                   "[m], labels: {district: \"\xff\"}}\n");
  // The whole file is checked first, at the very byte (issue 9, item 5).
  EXPECT_TRUE(has_error(r, 10, 78, "not valid UTF-8 (byte \\xff)")) << testing::dump(r.errors);
}

}  // namespace
}  // namespace lw::config
