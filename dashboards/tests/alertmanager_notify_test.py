#!/usr/bin/env python3
"""A Kỳ Sơn cut through a real Alertmanager: who gets notified, counted at a webhook sink.

Runs Debian's Alertmanager on dashboards/alertmanager/alertmanager.yml, with only the webhook
address rewritten to a sink this test serves on a free loopback port (the receivers, routes,
grouping and inhibition are the shipped ones). It posts what the shipped rules raise for a
district cut (tests/incidents_test.yml checks the rules side):

- DistrictLinkDown for ky-son-wan (critical, Huyện Kỳ Sơn);
- WanLinkDown for vinh-core's port wan-ky-son, labelled with its peer's district (Kỳ Sơn), as
  the rules do when the far end's state lags a poll behind;
- SiteDown for a Kỳ Sơn commune whose parent's down state arrived a poll late;

and a warning for a lowland district (SiteDown in Nghi Lộc) as a control that notifications
do flow. Then it waits past the longest group_wait and asserts: exactly one notification to
province-noc-critical and one to highland-field-team, both for DistrictLinkDown; none to the
lowland team for Kỳ Sơn (nothing carries the core's district); Nghi Lộc's warning reached the
lowland team. Alertmanager and the sink are always stopped.

Usage: alertmanager_notify_test.py <alertmanager.yml> [alertmanager binary]
Standard library only. Exit 0 on success, 1 on a failed check, 2 on a setup error.
"""
import http.server as httpserver
import json
import os
import re
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from am_harness import alert, http as am_http, start, stop, wait_until  # noqa: E402

KY_SON = "Huyện Kỳ Sơn"
NGHI_LOC = "Huyện Nghi Lộc"
# The shipped config's longest group_wait is 30 s; the critical route's 10 s.
SETTLE_S = 40


class Sink(httpserver.BaseHTTPRequestHandler):
    """Records every webhook POST: (path, payload)."""
    received = []
    lock = threading.Lock()

    def do_POST(self):  # noqa: N802 -- http.server's name
        n = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(n).decode("utf-8"))
        with Sink.lock:
            Sink.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):  # quiet
        pass


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    shipped = os.path.abspath(sys.argv[1])
    binary = sys.argv[2] if len(sys.argv) > 2 else "/usr/bin/prometheus-alertmanager"
    failures = []

    def check(cond, msg):
        print(("ok   " if cond else "FAIL ") + msg)
        if not cond:
            failures.append(msg)

    sink = httpserver.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    sink_port = sink.server_address[1]
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory(prefix="lw-am-notify-") as tmp:
        text = open(shipped, encoding="utf-8").read()
        if "127.0.0.1:9799" not in text:
            print("the shipped config no longer sends to 127.0.0.1:9799: update this test")
            return 2
        config = os.path.join(tmp, "alertmanager.yml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(text.replace("127.0.0.1:9799", f"127.0.0.1:{sink_port}"))
        log_path = os.path.join(tmp, "alertmanager.log")
        log = open(log_path, "w")
        proc, base = start(binary, config, tmp, log)
        if proc is None:
            log.close()
            sink.shutdown()
            print(open(log_path).read())
            return 2
        try:
            wan = alert("WanLinkDown", "critical", KY_SON, "province_core", "vinh-core")
            wan["labels"].update({"ifName": "wan-ky-son", "ifIndex": "22", "link_role": "wan",
                                  "peer": "ky-son-wan", "peer_district": KY_SON})
            alerts = [
                alert("DistrictLinkDown", "critical", KY_SON, "wan_link", "ky-son-wan"),
                wan,
                alert("SiteDown", "warning", KY_SON, "commune_site", "ky-son-04"),
                alert("SiteDown", "warning", NGHI_LOC, "commune_site", "nghi-loc-01"),
            ]
            status, _ = am_http("POST", base + "/api/v2/alerts", alerts)
            check(status == 200, f"POST /api/v2/alerts accepted ({status})")
            time.sleep(SETTLE_S)
            with Sink.lock:
                got = list(Sink.received)
            summary = [(p, b["receiver"], b["groupLabels"].get("alertname"),
                        b["groupLabels"].get("district"),
                        sorted(a["labels"]["target"] for a in b["alerts"])) for p, b in got]
            for s in summary:
                print("     notification:", s)
            ky = [s for s in summary if s[3] == KY_SON or re.search("ky-son", " ".join(s[4]))]
            noc = [s for s in ky if s[1] == "province-noc-critical"]
            highland = [s for s in ky if s[1] == "highland-field-team"]
            check(len(noc) == 1 and noc[0][2] == "DistrictLinkDown" and noc[0][4] == ["ky-son-wan"],
                  f"one NOC page for the Kỳ Sơn cut, for DistrictLinkDown on ky-son-wan: {noc}")
            check(len(highland) == 1 and highland[0][2] == "DistrictLinkDown"
                  and highland[0][4] == ["ky-son-wan"],
                  f"one notification to Kỳ Sơn's (highland) field team: {highland}")
            check(len(ky) == 2, f"nothing else about the cut reaches anyone: {ky}")
            check(not any(s[1] == "lowland-field-team" and s[3] != NGHI_LOC for s in summary),
                  "the lowland team hears nothing of the Kỳ Sơn cut")
            lowland = [s for s in summary if s[1] == "lowland-field-team"]
            check(len(lowland) == 1 and lowland[0][3] == NGHI_LOC and lowland[0][2] == "SiteDown",
                  f"control: Nghi Lộc's SiteDown reached the lowland team: {lowland}")
            check(all(b["groupLabels"].get("district") for _, b in got),
                  "every notification names its district")
        except Exception as e:  # noqa: BLE001 -- report, then always stop it
            check(False, f"talking to Alertmanager: {e!r}")
        finally:
            stop(proc)
            log.close()
            sink.shutdown()
        if failures:
            print("--- alertmanager log ---")
            print(open(log_path).read())
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
