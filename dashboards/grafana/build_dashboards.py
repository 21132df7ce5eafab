#!/usr/bin/env python3
"""Writes linkwatch's Grafana dashboards (dashboards/grafana/dashboards/*.json).

The JSON files are what Grafana loads and what is committed; this script is their source, so
that every panel is built the same way (the `${datasource}` variable, readable Vietnamese
titles with the English term after them, one query style). Edit here, run it, commit both:
  python3 dashboards/grafana/build_dashboards.py
The dashboards test checks that the committed JSON is what this script writes.

Variables are kept simple so a test can substitute them: `datasource` everywhere and
`district` (the official name, with diacritics) on the district dashboard, used as "$district".
"""
import json
import os
import sys

DS = {"type": "prometheus", "uid": "${datasource}"}
DISTRICT_FILTER = 'district="$district"'

# Site state codes of target:linkwatch_state:code; 0 is a planned site (not polled yet).
STATE_MAPPINGS = [{
    "type": "value",
    "options": {
        "0": {"text": "Kế hoạch (planned)", "color": "#8e8e8e", "index": 0},
        "1": {"text": "Hoạt động (up)", "color": "green", "index": 1},
        "2": {"text": "Chưa rõ (unknown)", "color": "blue", "index": 2},
        "3": {"text": "Không tới được (unreachable)", "color": "orange", "index": 3},
        "4": {"text": "Mất kết nối (down)", "color": "red", "index": 4},
    },
}]
STATE_THRESHOLDS = {"mode": "absolute", "steps": [
    {"color": "#8e8e8e", "value": None}, {"color": "green", "value": 1},
    {"color": "blue", "value": 2}, {"color": "orange", "value": 3}, {"color": "red", "value": 4}]}
RATIO_THRESHOLDS = {"mode": "absolute", "steps": [
    {"color": "red", "value": None}, {"color": "orange", "value": 0.95},
    {"color": "green", "value": 0.99}]}
COVERAGE_THRESHOLDS = {"mode": "absolute", "steps": [
    {"color": "red", "value": None}, {"color": "orange", "value": 0.5},
    {"color": "green", "value": 0.9}]}

# Sites for the map: live ones with their state code, planned ones as 0.
SITES_MAP_EXPR = ('linkwatch_site_info{lifecycle="live"} * on (target) group_left () '
                  'target:linkwatch_state:code or 0 * linkwatch_site_info{lifecycle="planned"}')


class Board:
    """Accumulates panels on a 24-column grid, left to right, top to bottom."""

    def __init__(self, uid, title, description, variables=()):
        self.uid, self.title, self.description = uid, title, description
        self.variables = list(variables)
        self.panels = []
        self.x = self.y = self.row_h = 0

    def add(self, panel, w, h):
        if self.x + w > 24:
            self.x, self.y, self.row_h = 0, self.y + self.row_h, 0
        panel["id"] = len(self.panels) + 1
        panel["gridPos"] = {"x": self.x, "y": self.y, "w": w, "h": h}
        panel["datasource"] = DS
        for i, t in enumerate(panel["targets"]):
            t["refId"] = chr(ord("A") + i)
            t["datasource"] = DS
        self.panels.append(panel)
        self.x += w
        self.row_h = max(self.row_h, h)

    def json(self):
        templating = [{
            "name": "datasource", "label": "Nguồn dữ liệu (datasource)", "type": "datasource",
            "query": "prometheus", "hide": 0, "refresh": 1, "regex": "",
            "options": [], "skipUrlSync": False,
        }] + self.variables
        return {
            "uid": self.uid, "title": self.title, "description": self.description,
            "tags": ["linkwatch", "nghe-an"], "timezone": "Asia/Ho_Chi_Minh",
            "schemaVersion": 39, "version": 1, "editable": True, "graphTooltip": 1,
            "refresh": "1m", "time": {"from": "now-6h", "to": "now"},
            "templating": {"list": templating}, "annotations": {"list": []},
            # Every key Grafana's schema (@grafana/schema DashboardLink) requires.
            "links": [{"title": "linkwatch", "type": "dashboards", "tags": ["linkwatch"],
                       "asDropdown": True, "icon": "external link", "includeVars": False,
                       "keepTime": True, "targetBlank": False, "tooltip": ""}],
            "panels": self.panels,
        }


def q(expr, legend="", instant=False, table=False):
    t = {"expr": expr, "legendFormat": legend, "range": not instant, "instant": instant}
    if table:
        t["format"] = "table"
    return t


def field_config(unit=None, thresholds=None, mappings=None, min_=None, max_=None):
    d = {"color": {"mode": "thresholds" if thresholds else "palette-classic"}}
    if unit:
        d["unit"] = unit
    if thresholds:
        d["thresholds"] = thresholds
    if mappings:
        d["mappings"] = mappings
    if min_ is not None:
        d["min"] = min_
    if max_ is not None:
        d["max"] = max_
    return {"defaults": d, "overrides": []}


def timeseries(title, targets, unit=None, description="", min_=None, max_=None):
    return {"type": "timeseries", "title": title, "description": description,
            "targets": targets, "fieldConfig": field_config(unit, min_=min_, max_=max_),
            "options": {"legend": {"displayMode": "table", "placement": "right",
                                   "calcs": ["lastNotNull", "max"], "showLegend": True},
                        "tooltip": {"mode": "multi", "sort": "desc"}}}


def stat(title, expr, unit=None, thresholds=None, legend="", description=""):
    return {"type": "stat", "title": title, "description": description,
            "targets": [q(expr, legend, instant=True)],
            "fieldConfig": field_config(unit, thresholds or {"mode": "absolute", "steps": [
                {"color": "text", "value": None}]}),
            "options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "",
                                          "values": False},
                        "colorMode": "value", "graphMode": "none", "textMode": "auto"}}


def bargauge(title, expr, legend, unit="percentunit", thresholds=RATIO_THRESHOLDS,
             description="", min_=0, max_=1):
    return {"type": "bargauge", "title": title, "description": description,
            "targets": [q(expr, legend, instant=True)],
            "fieldConfig": field_config(unit, thresholds, min_=min_, max_=max_),
            "options": {"displayMode": "gradient", "orientation": "horizontal",
                        "showUnfilled": True, "minVizHeight": 10, "minVizWidth": 0,
                        "reduceOptions": {"calcs": ["lastNotNull"], "fields": "",
                                          "values": False}}}


def table(title, expr, description="", unit=None, mappings=None, thresholds=None,
          hide=("Time",), color_value=False):
    fc = field_config(unit, thresholds, mappings)
    if color_value:
        fc["overrides"] = [{"matcher": {"id": "byName", "options": "Value"},
                            "properties": [{"id": "custom.cellOptions",
                                            "value": {"type": "color-background"}}]}]
    return {"type": "table", "title": title, "description": description,
            "targets": [q(expr, instant=True, table=True)], "fieldConfig": fc,
            "options": {"showHeader": True, "cellHeight": "sm"},
            "transformations": [{"id": "organize", "options": {
                "excludeByName": {h: True for h in hide + ("__name__",)}}}]}


def sites_map(title, description):
    return {
        "type": "geomap", "title": title, "description": description,
        "targets": [q(SITES_MAP_EXPR, instant=True, table=True)],
        "fieldConfig": field_config(thresholds=STATE_THRESHOLDS, mappings=STATE_MAPPINGS),
        "transformations": [{"id": "convertFieldType", "options": {"conversions": [
            {"targetField": "latitude", "destinationType": "number"},
            {"targetField": "longitude", "destinationType": "number"}], "fields": {}}}],
        "options": {
            "view": {"id": "coords", "lat": 19.2, "lon": 105.0, "zoom": 8,
                     "allLayers": True},
            "controls": {"showZoom": True, "mouseWheelZoom": True, "showAttribution": True},
            # No tiles from the internet: the world's country outlines that Grafana serves
            # itself (public/maps/countries.geojson) as the basemap. dashboards/README.md says
            # how to switch to a tile server where one is reachable.
            "basemap": {"type": "geojson", "name": "Bản đồ nền (ranh giới quốc gia, ngoại tuyến)",
                        "config": {"src": "public/maps/countries.geojson", "rules": [],
                                   "style": {"color": {"fixed": "#c7d0d9"}, "opacity": 0.4,
                                             "lineWidth": 1}}},
            "tooltip": {"mode": "details"},
            "layers": [{
                "type": "markers", "name": "Trạm (sites)", "tooltip": True,
                "location": {"mode": "coords", "latitude": "latitude",
                             "longitude": "longitude"},
                "config": {"showLegend": True, "style": {
                    "color": {"field": "Value", "fixed": "dark-green"},
                    "size": {"fixed": 6, "min": 4, "max": 12},
                    "symbol": {"mode": "fixed", "fixed": "img/icons/marker/circle.svg"},
                    "opacity": 0.8}},
            }],
        },
    }


def district_var():
    return {
        "name": "district", "label": "Huyện / thị xã / thành phố", "type": "query",
        "datasource": DS,
        "query": {"query": "label_values(linkwatch_site_info, district)", "refId": "district"},
        "refresh": 1, "sort": 1, "multi": False, "includeAll": False,
        "hide": 0, "regex": "", "options": [], "skipUrlSync": False,
    }


def province():
    b = Board("linkwatch-province", "Nghệ An – Tổng quan mạng tỉnh (Province overview)",
              "Sites up, down and unreachable by district, the availability league, active "
              "alerts and the province map.")
    b.add(stat("Trạm hoạt động (sites up)", 'sum(linkwatch_target_state{state="up"})'), 4, 4)
    b.add(stat("Trạm mất kết nối (down)", 'sum(linkwatch_target_state{state="down"})',
               thresholds={"mode": "absolute", "steps": [{"color": "green", "value": None},
                                                         {"color": "red", "value": 1}]}), 4, 4)
    b.add(stat("Không tới được (unreachable)",
               'sum(linkwatch_target_state{state="unreachable"})',
               thresholds={"mode": "absolute", "steps": [{"color": "green", "value": None},
                                                         {"color": "orange", "value": 1}]}),
          4, 4)
    b.add(stat("Xã có kết nối (communes connected)",
               "sum(commune:linkwatch_connected:bool)"), 4, 4)
    b.add(stat("Tỷ lệ phủ sóng xã (coverage)", "province:linkwatch_coverage:ratio",
               "percentunit", COVERAGE_THRESHOLDS), 4, 4)
    b.add(stat("Khả dụng toàn tỉnh 24h (availability)",
               "avg(target:linkwatch_availability:ratio_1d)", "percentunit",
               RATIO_THRESHOLDS), 4, 4)
    b.add(timeseries("Trạm theo trạng thái (sites by state)",
                     [q('sum by (state) (linkwatch_target_state)', "{{state}}")]), 12, 9)
    b.add(table("Trạm theo huyện và trạng thái (sites by district and state)",
                "district:linkwatch_sites_by_state:count > 0"), 12, 9)
    b.add(bargauge("Xếp hạng khả dụng 24h theo huyện (availability league, 1 d)",
                   "sort(district:linkwatch_availability:ratio_1d)", "{{district}}"), 12, 14)
    b.add(bargauge("Xếp hạng khả dụng 30 ngày (availability league, 30 d)",
                   "sort(district:linkwatch_availability:ratio_30d)", "{{district}}"), 12, 14)
    b.add(table("Cảnh báo đang bật (active alerts)", 'ALERTS{alertstate="firing"}',
                "Empty when all is well."), 24, 8)
    b.add(sites_map("Bản đồ trạm toàn tỉnh (province map)",
                    "Every site of the inventory, coloured by state; grey: planned."), 24, 16)
    return b


def district():
    f = DISTRICT_FILTER
    b = Board("linkwatch-district", "Nghệ An – Huyện: $district (district)",
              "One district: its gateway and WAN link, its communes and BTS sites.",
              [district_var()])
    b.add(stat("Khả dụng 24h (availability, 1 d)",
               f"district:linkwatch_availability:ratio_1d{{{f}}}", "percentunit",
               RATIO_THRESHOLDS), 6, 4)
    b.add(stat("Đường truyền về tỉnh 24h (uplink availability)",
               f"district:linkwatch_uplink_availability:ratio_1d{{{f}}}", "percentunit",
               RATIO_THRESHOLDS), 6, 4)
    b.add(stat("Tỷ lệ phủ sóng xã (coverage)", f"district:linkwatch_coverage:ratio{{{f}}}",
               "percentunit", COVERAGE_THRESHOLDS), 6, 4)
    b.add(stat("Trạm không hoạt động (sites not up)",
               f'sum(linkwatch_target_state{{{f}, state!="up"}})',
               thresholds={"mode": "absolute", "steps": [{"color": "green", "value": None},
                                                         {"color": "red", "value": 1}]}), 6, 4)
    gw = f'{f}, role=~"district_gateway|wan_link"'
    b.add(timeseries("Lưu lượng cổng và WAN (gateway and WAN traffic)",
                     [q(f"link:linkwatch_link_bits:rate5m{{{gw}}}",
                        "{{target}} {{ifName}} {{direction}}")], "bps"), 12, 8)
    b.add(timeseries("Lỗi cổng và WAN (gateway and WAN errors)",
                     [q(f"rate(linkwatch_link_errors_total{{{gw}}}[5m])",
                        "{{target}} {{ifName}} {{direction}}")], "pps"), 12, 8)
    b.add(timeseries("Khả dụng cổng và WAN 1h (gateway and WAN availability)",
                     [q(f"target:linkwatch_availability:ratio_1h{{{gw}}}", "{{target}}")],
                     "percentunit", min_=0, max_=1), 12, 8)
    b.add(timeseries("Trạm theo trạng thái (sites by state)",
                     [q(f"district:linkwatch_sites_by_state:count{{{f}}}", "{{state}}")]),
          12, 8)
    b.add(table("Trạm xã và BTS (commune and BTS sites)",
                f"target:linkwatch_state:code{{{f}}} * on (target) group_left (commune, "
                f"terrain, uplink, power) linkwatch_site_info",
                "Every live site of the district and its state.", mappings=STATE_MAPPINGS,
                thresholds=STATE_THRESHOLDS, color_value=True), 12, 12)
    b.add(table("Xã và kết nối (communes: 1 connected, 0 not)",
                f"commune:linkwatch_connected:bool{{{f}}}",
                "0: no live site of the commune is up (cut off, or only planned sites).",
                thresholds=COVERAGE_THRESHOLDS, color_value=True), 12, 12)
    b.add(table("Trạm mất kết nối hoặc không tới được (down or unreachable)",
                f'linkwatch_target_state{{{f}, state=~"down|unreachable"}} == 1',
                "Empty when all is well. `down` is the root cause; `unreachable` sites are "
                "behind it."), 24, 8)
    return b


def links():
    b = Board("linkwatch-links", "Nghệ An – Liên kết WAN và vi ba (links)",
              "WAN and backhaul traffic, utilisation, errors and flaps; radio receive level "
              "and SNR against the levels where the modulation fails.")
    b.add(timeseries("Lưu lượng WAN (WAN traffic, top 20)",
                     [q('topk(20, link:linkwatch_link_bits:rate5m{link_role="wan"})',
                        "{{district}} {{target}} {{ifName}} {{direction}}")], "bps"), 12, 9)
    b.add(timeseries("Lưu lượng vi ba (backhaul traffic, top 20)",
                     [q('topk(20, link:linkwatch_link_bits:rate5m{link_role="backhaul"})',
                        "{{district}} {{target}} {{ifName}} {{direction}}")], "bps"), 12, 9)
    b.add(timeseries("Mức sử dụng băng thông (utilisation, top 20)",
                     [q("topk(20, link:linkwatch_link_utilisation:ratio_rate5m)",
                        "{{target}} {{ifName}} {{direction}}")], "percentunit", min_=0), 12, 9)
    b.add(timeseries("Lỗi giao diện (interface errors, top 20)",
                     [q("topk(20, rate(linkwatch_link_errors_total[5m]))",
                        "{{target}} {{ifName}} {{direction}}")], "pps"), 12, 9)
    b.add(bargauge("Chập chờn trong 1 giờ (flaps in the last hour, top 20)",
                   "topk(20, increase(linkwatch_link_flaps_total[1h]))",
                   "{{target}} {{ifName}}", unit="short",
                   thresholds={"mode": "absolute", "steps": [
                       {"color": "green", "value": None}, {"color": "orange", "value": 2},
                       {"color": "red", "value": 5}]}, min_=0, max_=None), 12, 9)
    # Thousands of radios: the worst 20. The thresholds of the current modulation, SNR and
    # severely errored seconds come from radios polled with the full `radio` module (in the
    # shipped province the WAN terminals); BTS radios use `bts_radio`, which serves what the
    # rules read (config/modules/bts_radio.yml, bench/README.md's series budget).
    full_radio = ("Radios polled with the full `radio` module (the WAN terminals in the shipped "
                  "province; BTS radios use `bts_radio` and are judged against their plan below).")
    b.add(timeseries("Lỗi vi ba (radio errored seconds per second, top 20)",
                     [q("topk(20, rate(lwRadioErroredSeconds[5m]))", "{{target}} ES"),
                      q("topk(20, rate(lwRadioSeverelyErroredSeconds[5m]))", "{{target}} SES")],
                     "short", description="Errored seconds of every radio; severely errored "
                     "seconds of radios polled with the full `radio` module."), 12, 9)
    b.add(timeseries("Mức thu vi ba và ngưỡng (radio receive level and threshold)",
                     [q("lwRadioRxLevel and on (target, ifIndex) lwRadioRxLevelThreshold", "{{target}} rx"),
                      q("lwRadioRxLevelThreshold", "{{target}} ngưỡng (threshold)")],
                     "dBm", description=full_radio), 12, 9)
    b.add(timeseries("SNR vi ba và ngưỡng (radio SNR and threshold)",
                     [q("lwRadioSnr", "{{target}} SNR"),
                      q("lwRadioSnrThreshold", "{{target}} ngưỡng (threshold)")], "dB",
                     description=full_radio), 12, 9)
    # Against the plan (docs/radio-mib.md), as BackhaulDegraded judges: the share of the
    # planned fade margin still there, and how far below its planned modulation a hop runs.
    # A few dB above the current modulation's threshold is adaptive modulation at work.
    b.add(bargauge("Dự phòng pha-đinh còn lại so với thiết kế (fade margin left of plan, lowest 20)",
                   "bottomk(20, 1 - (lwRadioPlannedRxLevel - lwRadioRxLevel) / lwRadioPlannedFadeMargin)",
                   "{{target}}", unit="percentunit", thresholds={"mode": "absolute", "steps": [
                       {"color": "red", "value": None}, {"color": "orange", "value": 0.5},
                       {"color": "green", "value": 0.75}]}, min_=0, max_=1), 12, 9)
    b.add(bargauge("Dưới điều chế thiết kế (steps below planned modulation, top 20)",
                   "topk(20, lwRadioPlannedModulation - lwRadioModulation > 0)", "{{target}}",
                   unit="short", thresholds={"mode": "absolute", "steps": [
                       {"color": "green", "value": None}, {"color": "orange", "value": 1},
                       {"color": "red", "value": 3}]}, min_=0, max_=7,
                   description="Radios running below the modulation their hop was planned for "
                   "(BackhaulDegraded after 15 minutes). Empty when all is well."), 12, 9)
    return b


def coverage():
    b = Board("linkwatch-coverage", "Nghệ An – Vùng phủ và triển khai (coverage and rollout)",
              "Where there is no live link yet: every site on the map with planned ones, "
              "communes without a live link, coverage by district, highland availability.")
    b.add(sites_map("Bản đồ trạm, gồm trạm kế hoạch (all sites, planned included)",
                    "Grey: planned; green: up; orange: unreachable; red: down."), 24, 16)
    b.add(table("Xã chưa có kết nối (communes without a live link)",
                "commune:linkwatch_connected:bool == 0",
                "Communes where no live site is up, or with only planned sites."), 12, 12)
    b.add(bargauge("Tỷ lệ phủ sóng theo huyện (coverage ratio by district)",
                   "sort(district:linkwatch_coverage:ratio)", "{{district}}",
                   thresholds=COVERAGE_THRESHOLDS), 12, 12)
    b.add(bargauge("Khả dụng các huyện miền núi 24h (mountain and high-mountain districts)",
                   "sort(district:linkwatch_availability:ratio_1d and on (district) "
                   'count by (district) (linkwatch_site_info{terrain=~"mountain|high-mountain"}))',
                   "{{district}}"), 12, 10)
    b.add(timeseries("Miền núi và đồng bằng (highland vs lowland availability, 1 h)",
                     [q("terrain_class:linkwatch_availability:ratio_1h", "{{terrain_class}}")],
                     "percentunit", min_=0, max_=1), 12, 10)
    b.add(table("Kế hoạch và đang hoạt động theo huyện (planned vs live by district)",
                "district:linkwatch_sites_by_lifecycle:count"), 24, 10)
    return b


def power():
    b = Board("linkwatch-power", "Nghệ An – Nguồn điện trạm (power)",
              "Battery and solar sites, UPS battery state and minutes remaining (UPS-MIB).")
    b.add(table("Trạm dùng ắc quy và năng lượng mặt trời (battery and solar sites)",
                'count by (district, power) (linkwatch_site_info{power=~"battery|solar", '
                'lifecycle="live"})'), 12, 10)
    b.add(table("Trạm đang chạy ắc quy (sites on battery now)", "upsOutputSource == 5",
                "Empty when all is well (upsOutputSource 5 = battery), except solar sites at "
                "night: they run on their battery by design (SiteOnBattery ignores them)."), 12, 10)
    battery_map = [{"type": "value", "options": {
        "1": {"text": "Chưa rõ (unknown)", "color": "blue", "index": 0},
        "2": {"text": "Bình thường (normal)", "color": "green", "index": 1},
        "3": {"text": "Yếu (low)", "color": "orange", "index": 2},
        "4": {"text": "Cạn (depleted)", "color": "red", "index": 3}}}]
    b.add(table("Trạng thái ắc quy (battery status)", "upsBatteryStatus",
                mappings=battery_map, color_value=True), 12, 10)
    b.add(bargauge("Thời gian còn lại (minutes remaining, lowest 20)",
                   "bottomk(20, upsEstimatedMinutesRemaining)", "{{district}} {{target}}",
                   unit="m", thresholds={"mode": "absolute", "steps": [
                       {"color": "red", "value": None}, {"color": "orange", "value": 30},
                       {"color": "green", "value": 60}]}, min_=0, max_=240), 12, 10)
    b.add(timeseries("Dung lượng ắc quy (charge remaining)",
                     [q("upsEstimatedChargeRemaining", "{{target}}")], "percent",
                     min_=0, max_=100), 12, 9)
    b.add(timeseries("Thời gian chạy ắc quy (seconds on battery)",
                     [q("upsSecondsOnBattery", "{{target}}")], "s"), 12, 9)
    return b


def daemon():
    b = Board("linkwatch-self", "linkwatch – Hệ thống giám sát (linkwatch itself)",
              "The monitor's own health: sweep timing, errors, requests, series.")
    b.add(stat("linkwatchd", 'up{job="linkwatch"}', thresholds={"mode": "absolute", "steps": [
        {"color": "red", "value": None}, {"color": "green", "value": 1}]}), 4, 4)
    b.add(stat("Thiết bị giám sát (targets)", "linkwatch_targets"), 4, 4)
    b.add(stat("Chuỗi số liệu (series exposed)", "linkwatch_series"), 4, 4)
    b.add(stat("Chu kỳ quét (poll interval)", "linkwatch_interval_seconds", "s"), 4, 4)
    b.add(stat("Nạp cấu hình (config reload ok)", "linkwatch_config_last_reload_successful",
               thresholds={"mode": "absolute", "steps": [
                   {"color": "red", "value": None}, {"color": "green", "value": 1}]}), 4, 4)
    b.add(stat("Lượt quét bị bỏ /5m (polls skipped)",
               "increase(linkwatch_polls_skipped_total[5m])"), 4, 4)
    b.add(timeseries("Độ trễ lịch quét (scheduler lag vs half the interval)",
                     [q("linkwatch_scheduler_lag_seconds", "lag"),
                      q("linkwatch_interval_seconds / 2", "nửa chu kỳ (half interval)")], "s"),
          12, 8)
    b.add(timeseries("Thời gian quét lâu nhất (slowest polls, top 10)",
                     [q("topk(10, linkwatch_poll_duration_seconds)", "{{target}}")], "s"),
          12, 8)
    b.add(timeseries("Lỗi theo nguyên nhân (poll errors by reason)",
                     [q("sum by (reason) (rate(linkwatch_poll_errors_total[5m]))",
                        "{{reason}}")], "reqps"), 12, 8)
    b.add(timeseries("Yêu cầu SNMP đang chạy / chờ (requests in flight / queued)",
                     [q("linkwatch_requests_in_flight", "in flight"),
                      q("linkwatch_requests_queued", "queued")]), 12, 8)
    b.add(timeseries("Kết quả lượt quét cuối (last poll result by reason)",
                     [q("count by (reason) (linkwatch_target_up_reason == 1)", "{{reason}}")]),
          12, 8)
    b.add(timeseries("Chuỗi số liệu (series exposed)", [q("linkwatch_series", "series")]),
          12, 8)
    return b


BOARDS = {"province-overview": province, "district": district, "links": links,
          "coverage": coverage, "power": power, "linkwatch": daemon}


def render():
    return {f"{name}.json": json.dumps(make().json(), ensure_ascii=False, indent=2) + "\n"
            for name, make in BOARDS.items()}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "dashboards")
    os.makedirs(out, exist_ok=True)
    for name, text in render().items():
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write(text)
    print(f"wrote {len(BOARDS)} dashboards to {out}")


if __name__ == "__main__":
    main()
