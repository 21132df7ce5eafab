#!/usr/bin/env python3
"""tools/webhook_sink.py against real HTTP on loopback: a notification in Alertmanager's webhook
format (Vietnamese district name included) is printed and kept as a JSON line, a body that is
not JSON is refused and reported, a non-loopback --listen is refused, SIGTERM ends it with 0.

Usage: webhook_sink_test.py <path to webhook_sink.py>
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

SINK = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../tools/webhook_sink.py")

NOTIFICATION = {
    "version": "4", "status": "firing", "receiver": "province-noc-critical",
    "groupKey": "{}/{severity=\"critical\"}:{alertname=\"DistrictLinkDown\", district=\"Huyện Kỳ Sơn\"}",
    "groupLabels": {"alertname": "DistrictLinkDown", "district": "Huyện Kỳ Sơn"},
    "commonLabels": {"alertname": "DistrictLinkDown"},
    "alerts": [{
        "status": "firing",
        "labels": {"alertname": "DistrictLinkDown", "district": "Huyện Kỳ Sơn", "target": "ky-son-wan",
                   "severity": "critical"},
        "annotations": {"summary": "Huyện Kỳ Sơn: mất kết nối về tỉnh\n(ky-son-wan down)"},
        "startsAt": "2026-11-29T09:00:00Z", "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "abc",
    }],
}


class WebhookSinkTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.out = os.path.join(self.dir.name, "notifications.jsonl")
        port_file = os.path.join(self.dir.name, "port")
        self.proc = subprocess.Popen(
            [sys.executable, SINK, "--listen", "127.0.0.1:0", "--out", self.out, "--port-file", port_file],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
        deadline = time.time() + 20
        while not self.read_port(port_file):
            self.assertIsNone(self.proc.poll(), "the sink exited")
            self.assertLess(time.time(), deadline, "no port file")
            time.sleep(0.05)
        self.port = int(self.read_port(port_file))

    @staticmethod
    def read_port(path):
        if not os.path.exists(path):
            return ""
        with open(path, encoding="utf-8") as f:
            return f.read().strip()

    def tearDown(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()
        self.dir.cleanup()

    def post(self, path, body):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        out, err = self.proc.communicate(timeout=10)
        return self.proc.returncode, out, err

    def test_prints_and_keeps_a_notification(self):
        self.assertEqual(self.post("/alert/critical", json.dumps(NOTIFICATION).encode()), 200)
        code, out, err = self.stop()
        self.assertEqual(code, 0, err)
        line = [l for l in out.splitlines() if "DistrictLinkDown" in l]
        self.assertEqual(len(line), 1, out)
        for part in ("province-noc-critical", "FIRING", "Huyện Kỳ Sơn", "ky-son-wan",
                     "mất kết nối về tỉnh (ky-son-wan down)"):
            self.assertIn(part, line[0])
        with open(self.out, encoding="utf-8") as f:
            kept = [json.loads(l) for l in f]
        self.assertEqual(len(kept), 1)
        self.assertEqual(kept[0]["path"], "/alert/critical")
        self.assertEqual(kept[0]["receiver"], "province-noc-critical")
        self.assertEqual(kept[0]["alerts"][0]["labels"]["district"], "Huyện Kỳ Sơn")
        self.assertAlmostEqual(kept[0]["received"], time.time(), delta=30)

    def test_refuses_what_is_not_a_webhook(self):
        self.assertEqual(self.post("/alert", b"{not json"), 400)
        self.assertEqual(self.post("/alert", b"[1, 2]"), 400)
        self.assertEqual(self.post("/alert", b"\xff\xfe"), 400)
        code, out, err = self.stop()
        self.assertEqual(code, 0)
        self.assertEqual(err.count("not an Alertmanager webhook"), 3, err)
        if os.path.exists(self.out):
            with open(self.out, encoding="utf-8") as f:
                self.assertEqual(f.read(), "")


class ListenTest(unittest.TestCase):
    def test_refuses_a_non_loopback_address(self):
        r = subprocess.run([sys.executable, SINK, "--listen", "0.0.0.0:0"], capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 2)
        self.assertIn("not a loopback address", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
