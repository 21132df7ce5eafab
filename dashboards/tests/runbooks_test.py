#!/usr/bin/env python3
"""Every alert's runbook link points at a real section of docs/runbooks.md.

Reads the alerting rules (prometheus/rules/*.yml) as text: each `- alert: Name` rule must have
a `runbook:` annotation that ends in `#name` (the alert name in lower case, GitHub's anchor for
a `## Name` heading), built on the configurable base (the external label `runbook_base`, or
the repo-relative docs/runbooks.md), never a placeholder host; and docs/runbooks.md must have
a `## Name` section for every alert, and no section for an alert that does not exist.

Usage: runbooks_test.py <rules dir> <docs/runbooks.md>
Standard library only. Exit 0 on success, 1 on a failed check.
"""
import glob
import os
import re
import sys

BASE = "{{ with $externalLabels.runbook_base }}{{ . }}{{ else }}docs/runbooks.md{{ end }}#"


def rules_of(path):
    """(alert name, runbook annotation or None) for each alerting rule, in file order."""
    out = []
    current = None
    for line in open(path, encoding="utf-8"):
        m = re.match(r"\s*- alert:\s*(\S+)", line)
        if m:
            if current:
                out.append(current)
            current = [m.group(1), None]
            continue
        m = re.match(r"\s*- record:", line)
        if m and current:
            out.append(current)
            current = None
            continue
        m = re.match(r"\s*runbook:\s*(.+?)\s*$", line)
        if m and current:
            current[1] = m.group(1).strip("'\"")
    if current:
        out.append(current)
    return out


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 1
    rules_dir, runbooks = sys.argv[1], sys.argv[2]
    failures = []
    alerts = []
    for path in sorted(glob.glob(os.path.join(rules_dir, "*.yml"))):
        alerts += rules_of(path)
    sections = set(re.findall(r"^## (\S+)\s*$", open(runbooks, encoding="utf-8").read(), re.M))
    names = {a for a, _ in alerts}
    if len(names) < 10:
        failures.append(f"only {len(names)} alerts found in {rules_dir}: is the parser broken?")
    for name, runbook in alerts:
        if runbook is None:
            failures.append(f"{name}: no runbook annotation")
        elif runbook != BASE + name.lower():
            failures.append(f"{name}: runbook {runbook!r}, want {BASE + name.lower()!r}")
        if name not in sections:
            failures.append(f"{name}: no '## {name}' section in {runbooks}")
    for s in sorted(sections - names):
        failures.append(f"{runbooks}: section '## {s}' for an alert that does not exist")
    for f in failures:
        print("FAIL " + f)
    print(f"{len(alerts)} alerting rules, {len(names)} alerts, {len(sections)} runbook sections, "
          f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
