"""What the Alertmanager tests share: Debian's Alertmanager started on a free loopback port
(storage in the caller's temp dir, clustering off) and stopped, the v2 API, alerts as the
shipped rules label them, bounded waits. Standard library only; not thread-safe.
"""
import datetime
import json
import socket
import subprocess
import time
import urllib.error
import urllib.request

DEADLINE_S = 60


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None):
    data = None if body is None else json.dumps(body).encode("utf-8")
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        raw = resp.read().decode("utf-8")
        if resp.headers.get_content_type() == "application/json":
            return resp.status, json.loads(raw)
        return resp.status, raw


def alert(name, severity, district, role, target, **extra):
    now = datetime.datetime.now(datetime.timezone.utc)
    return {
        "labels": {"alertname": name, "severity": severity, "district": district,
                   "role": role, "target": target, **extra},
        "annotations": {"summary": f"{district}: {name} {target}"},
        "startsAt": now.isoformat(),
        "endsAt": (now + datetime.timedelta(hours=1)).isoformat(),
    }


def wait_until(what, fn):
    """Polls fn() until it returns a truthy value or the deadline passes."""
    deadline = time.monotonic() + DEADLINE_S
    last_err = None
    while time.monotonic() < deadline:
        try:
            value = fn()
            if value:
                return value
        except (urllib.error.URLError, ConnectionError, OSError) as e:
            last_err = e
        time.sleep(0.25)
    raise TimeoutError(f"timed out waiting for {what} (last error: {last_err})")


def ready(proc, base):
    if proc.poll() is not None:
        raise RuntimeError(f"alertmanager exited with {proc.returncode}")
    return http("GET", base + "/-/ready")[0] == 200


def stop(proc):
    """Stops the Alertmanager we started: TERM, then KILL after a grace period."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def start(binary, config, tmp, log):
    """Starts Alertmanager on `config`, logging to the open file `log`; returns (proc, base
    URL) once it is ready, or (None, "") after five failed attempts (a port can be taken
    between bind(0) and Alertmanager's listen)."""
    for attempt in range(5):
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = subprocess.Popen(
            [binary, f"--config.file={config}", f"--storage.path={tmp}/data",
             "--cluster.listen-address=", f"--web.listen-address=127.0.0.1:{port}",
             "--log.level=warn"],
            stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until("Alertmanager ready", lambda: ready(proc, base))
            return proc, base
        except Exception as e:  # noqa: BLE001 -- any failure: stop it, retry
            stop(proc)
            print(f"attempt {attempt + 1}: {e}")
    return None, ""
