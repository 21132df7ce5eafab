"""A small client of the Prometheus HTTP query API (Prometheus or VictoriaMetrics).

Only what linkwatch-report needs: instant queries and range queries on a fixed step grid,
split into chunks under Prometheus's 11,000-points-per-series limit. Errors are raised as
QueryError carrying the query and the server's message; nothing is retried. Not thread-safe
(one caller at a time); it keeps no state but the base URL.
"""

import json
import urllib.error
import urllib.parse
import urllib.request

# Prometheus refuses a range query with more than 11,000 points per series.
MAX_POINTS = 10_000


class QueryError(Exception):
    """A query the server refused or could not answer (message names the query)."""


class Prometheus:
    def __init__(self, base_url, timeout=120):
        self.base = base_url.rstrip("/")
        self.timeout = timeout

    def _get(self, path, params):
        url = f"{self.base}{path}?{urllib.parse.urlencode(params)}"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as reply:
                body = json.load(reply)
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace")[:500]
            raise QueryError(f"{params.get('query')}: HTTP {e.code}: {detail}") from None
        except (urllib.error.URLError, OSError, ValueError) as e:
            raise QueryError(f"{params.get('query')}: {self.base}: {e}") from None
        if body.get("status") != "success":
            raise QueryError(f"{params.get('query')}: {body.get('errorType')}: {body.get('error')}")
        return body["data"]

    def instant(self, query, at):
        """[(labels, value)] of an instant vector evaluated at Unix time `at`."""
        data = self._get("/api/v1/query", {"query": query, "time": f"{at:.3f}"})
        if data["resultType"] != "vector":
            raise QueryError(f"{query}: expected a vector, got {data['resultType']}")
        return [(r["metric"], float(r["value"][1])) for r in data["result"]]

    def range(self, query, start, end, step):
        """[(labels, [(time, value)])] of a range query (at most MAX_POINTS steps)."""
        data = self._get("/api/v1/query_range", {
            "query": query, "start": f"{start:.3f}", "end": f"{end:.3f}", "step": f"{step}s"})
        return [(r["metric"], [(float(t), float(v)) for t, v in r["values"]]) for r in data["result"]]

    def grid(self, query, start, step, count):
        """{labels-tuple: (labels, {i: value})} for the grid points start + i*step, 0 <= i < count.

        A sparse query (`... == 1`) returns only the points where it holds, which keeps a
        month of a healthy province small."""
        out = {}
        i0 = 0
        while i0 < count:
            n = min(MAX_POINTS, count - i0)
            data = self._get("/api/v1/query_range", {
                "query": query,
                "start": f"{start + i0 * step:.3f}",
                "end": f"{start + (i0 + n - 1) * step:.3f}",
                "step": f"{step}s",
            })
            for r in data["result"]:
                key = tuple(sorted(r["metric"].items()))
                entry = out.setdefault(key, (r["metric"], {}))
                for t, v in r["values"]:
                    i = round((float(t) - start) / step)
                    if 0 <= i < count:
                        entry[1][i] = float(v)
            i0 += n
        return out

    def chunks(self, start, step, count):
        """The chunk boundaries grid() uses, as (first index, points) pairs."""
        i0 = 0
        while i0 < count:
            n = min(MAX_POINTS, count - i0)
            yield i0, n
            i0 += n
