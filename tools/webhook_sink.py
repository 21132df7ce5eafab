#!/usr/bin/env python3
"""A webhook sink for Alertmanager: prints each notification as it arrives and keeps them.

Alertmanager's webhook_configs POST a JSON document per notification (one group of alerts to
one receiver). The sink answers 200, prints one line per alert in it:

    10:42:07  province-noc-critical  FIRING    DistrictLinkDown  Huyện Kỳ Sơn  ky-son-wan  <summary>

and appends the notification to --out as one JSON line (what tests/e2e/alert_quality_test.cc
reads): {"received": <unix seconds>, "path": "/alert/critical", "receiver": ..., "status": ...,
"groupKey": ..., "alerts": [{"status", "labels", "annotations", "startsAt", "endsAt",
"fingerprint"}]}.

Listens on loopback only. Bodies over 4 MiB or not JSON are refused (413, 400) and reported.
SIGTERM and Ctrl-C end it with status 0.

Usage: webhook_sink.py [--listen 127.0.0.1:9799] [--out FILE] [--port-file FILE] [--quiet]
  --listen      HOST:PORT on 127.0.0.0/8 or ::1; port 0 picks a free one
  --out         JSON lines file, appended to (default: none, print only)
  --port-file   write the port listened on to FILE once ready (for port 0)
  --quiet       do not print; only keep
"""
import argparse
import datetime
import http.server
import ipaddress
import json
import signal
import sys
import threading
import time

MAX_BODY = 4 * 1024 * 1024


def one_line(text):
    return " ".join(str(text).split())


def describe(notification):
    """The printed lines for one Alertmanager notification (one per alert)."""
    lines = []
    stamp = datetime.datetime.now().strftime("%H:%M:%S")
    receiver = notification.get("receiver", "?")
    alerts = notification.get("alerts") or []
    if not isinstance(alerts, list):
        alerts = []
    for a in alerts:
        if not isinstance(a, dict):
            continue
        labels = a.get("labels") or {}
        annotations = a.get("annotations") or {}
        if not isinstance(labels, dict) or not isinstance(annotations, dict):
            continue
        lines.append("  ".join([
            stamp, f"{receiver:<22}", f"{str(a.get('status', '?')).upper():<8}",
            f"{labels.get('alertname', '?'):<18}", labels.get("district", "-"),
            labels.get("target", "-"), one_line(annotations.get("summary", ""))]))
    if not lines:
        lines.append(f"{stamp}  {receiver:<22}  (a notification with no alerts)")
    return lines


class Sink:
    def __init__(self, out_path, quiet):
        self.lock = threading.Lock()
        self.out = open(out_path, "a", encoding="utf-8") if out_path else None
        self.quiet = quiet
        self.count = 0

    def keep(self, path, notification):
        record = {"received": time.time(), "path": path}
        for k in ("receiver", "status", "groupKey", "groupLabels", "commonLabels", "alerts"):
            record[k] = notification.get(k)
        with self.lock:
            self.count += 1
            if self.out:
                self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
                self.out.flush()
            if not self.quiet:
                for line in describe(notification):
                    print(line, flush=True)

    def report(self, message):
        with self.lock:
            print(f"webhook-sink: {message}", file=sys.stderr, flush=True)


def handler_for(sink):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def reply(self, status, body=b""):
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):  # noqa: N802 (http.server's naming)
            self.reply(200, f"webhook sink: {sink.count} notifications\n".encode())

        def do_POST(self):  # noqa: N802
            try:
                length = int(self.headers.get("Content-Length", ""))
            except ValueError:
                length = -1
            if length < 0 or length > MAX_BODY:
                sink.report(f"refused a POST to {self.path}: length {self.headers.get('Content-Length')}")
                self.close_connection = True
                self.reply(413 if length > MAX_BODY else 411)
                return
            body = self.rfile.read(length)
            try:
                notification = json.loads(body.decode("utf-8"))
                if not isinstance(notification, dict):
                    raise ValueError("not a JSON object")
            except (UnicodeDecodeError, ValueError) as e:
                sink.report(f"refused a POST to {self.path}: not an Alertmanager webhook ({e})")
                self.reply(400, b"not JSON\n")
                return
            sink.keep(self.path, notification)
            self.reply(200, b"ok\n")

        def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
            pass  # one line per alert is printed above; no access log

    return Handler


def parse_listen(text):
    host, _, port = text.rpartition(":")
    host = host.strip("[]")
    if not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"{host} is not a loopback address")
    return host, int(port)


def main(argv):
    p = argparse.ArgumentParser(description="Alertmanager webhook sink: prints and keeps notifications.")
    p.add_argument("--listen", default="127.0.0.1:9799")
    p.add_argument("--out")
    p.add_argument("--port-file")
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args(argv)
    try:
        host, port = parse_listen(args.listen)
    except ValueError as e:
        print(f"webhook-sink: --listen {args.listen}: {e}", file=sys.stderr)
        return 2
    server_class = http.server.ThreadingHTTPServer
    if ":" in host:
        class V6(server_class):
            address_family = __import__("socket").AF_INET6
        server_class = V6
    sink = Sink(args.out, args.quiet)
    try:
        server = server_class((host, port), handler_for(sink))
    except OSError as e:
        print(f"webhook-sink: cannot listen on {args.listen}: {e}", file=sys.stderr)
        return 1
    server.daemon_threads = True
    bound = server.server_address[1]
    if args.port_file:
        with open(args.port_file, "w", encoding="utf-8") as f:
            f.write(f"{bound}\n")

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if not args.quiet:
        print(f"webhook-sink: listening on http://{args.listen.rsplit(':', 1)[0]}:{bound}/"
              + (f", keeping notifications in {args.out}" if args.out else ""), flush=True)
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
