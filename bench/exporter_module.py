"""Writes the snmp_exporter (0.21 format) module equivalent to linkwatchd's system + if_mib.

The metric list is read from linkwatchd's own module files (config/modules/system.yml and
if_mib.yml), so the two sides always read the same OIDs: the system scalars with one GET,
ifTable and ifXTable with two walks, every column indexed by ifIndex with the ifName, ifAlias
and ifDescr lookups. Numeric OIDs only; SNMP v2c, community public.

snmp_exporter 0.21 keeps the walk parameters and auth inside each module (the separate
`auths:` section came in 0.23), and its file has the module names at the top level.

Only the standard library: the module files are read with a few regular expressions that
understand exactly the layout they are written in; a file that no longer matches makes this
fail loudly rather than write a smaller module.
"""

import re

# linkwatchd's value types -> snmp_exporter's. timeticks and enum become plain gauges (as in
# snmp_exporter's own if_mib), strings become DisplayString info metrics.
_TYPES = {
    "gauge": "gauge",
    "counter": "counter",
    "timeticks": "gauge",
    "enum": "gauge",
    "string": "DisplayString",
    "physaddress": "PhysAddress48",
}

_METRIC = re.compile(
    r"^\s*- name: (\w+)[^\n]*\n\s+oid: ([0-9.]+)[^\n]*\n\s+type: (\w+)", re.M)
_WALK = re.compile(r"^\s+walk:\s*\n((?:\s+- [0-9.]+[^\n]*\n)+)", re.M)
_LOOKUP = re.compile(r"label: (ifName|ifAlias|ifDescr), oid: ([0-9.]+)")


def _metrics(text, path):
    found = [(n, o, t) for n, o, t in _METRIC.findall(text)]
    if not found:
        raise SystemExit(f"{path}: no metrics found; has its layout changed?")
    for name, _, typ in found:
        if typ not in _TYPES:
            raise SystemExit(f"{path}: metric {name} has type {typ}, unknown to the benchmark")
    return found


def build(modules_dir, timeout="5s", retries=1, max_repetitions=25, name="linkwatch_bench"):
    """Returns (snmp.yml text, number of metrics, list of walked OIDs, list of GET OIDs)."""
    sys_path = f"{modules_dir}/system.yml"
    if_path = f"{modules_dir}/if_mib.yml"
    sys_text = open(sys_path, encoding="utf-8").read()
    if_text = open(if_path, encoding="utf-8").read()

    scalars = _metrics(sys_text, sys_path)
    columns = _metrics(if_text, if_path)
    walk_block = _WALK.search(if_text)
    if not walk_block:
        raise SystemExit(f"{if_path}: no walk list found")
    walks = re.findall(r"- ([0-9.]+)", walk_block.group(1))
    lookups = dict(_LOOKUP.findall(if_text))
    if set(lookups) != {"ifName", "ifAlias", "ifDescr"}:
        raise SystemExit(f"{if_path}: expected the ifName/ifAlias/ifDescr lookups, found {sorted(lookups)}")
    gets = [oid + ".0" for _, oid, _ in scalars]

    out = [f"# Written by bench/exporter_module.py from {sys_path} and {if_path}.",
           f"{name}:",
           "  version: 2",
           f"  max_repetitions: {max_repetitions}",
           f"  retries: {retries}",
           f"  timeout: {timeout}",
           "  auth:",
           "    community: public",
           "  walk:"]
    out += [f"  - {w}" for w in walks]
    out.append("  get:")
    out += [f"  - {g}" for g in gets]
    out.append("  metrics:")
    for mname, oid, typ in scalars:
        out += [f"  - name: {mname}", f"    oid: {oid}", f"    type: {_TYPES[typ]}",
                f"    help: {mname} (linkwatchd module system)"]
    for mname, oid, typ in columns:
        out += [f"  - name: {mname}", f"    oid: {oid}", f"    type: {_TYPES[typ]}",
                f"    help: {mname} (linkwatchd module if_mib)",
                "    indexes:", "    - labelname: ifIndex", "      type: gauge",
                "    lookups:"]
        for label in ("ifName", "ifAlias", "ifDescr"):
            out += ["    - labels:", "      - ifIndex", f"      labelname: {label}",
                    f"      oid: {lookups[label]}", "      type: DisplayString"]
    return "\n".join(out) + "\n", len(scalars) + len(columns), walks, gets
