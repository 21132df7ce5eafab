"""Writes the report: one CSV per table (UTF-8 with BOM), index.html, and report.pdf when a
headless Chromium is installed.

CSV cells are plain numbers (minutes with up to two decimals, ratios with six, empty when a
figure does not exist, e.g. no incident to restore); the HTML shows the same figures for
people (percentages, Vietnamese by default). Not thread-safe; writes only under `out`.
"""

import csv
import html
import os
import shutil
import subprocess

import i18n

CSS = """
body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; font-size: 10pt; margin: 1.5em; color: #111; }
h1 { font-size: 16pt; margin-bottom: 0.2em; }
h2 { font-size: 12pt; margin: 1.4em 0 0.4em; border-bottom: 1px solid #888; }
p.meta, p.note { margin: 0.2em 0; color: #333; }
table { border-collapse: collapse; width: 100%; margin-bottom: 0.6em; }
th, td { border: 1px solid #bbb; padding: 2px 5px; }
th { background: #eee; text-align: left; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr:nth-child(even) td { background: #fafafa; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; }
  thead { display: table-header-group; }
  tr, td, th { page-break-inside: avoid; }
  h2 { page-break-after: avoid; }
}
"""


def _minutes(points, step):
    m = points * step / 60
    return str(int(m)) if float(m).is_integer() else f"{m:.2f}"


def csv_cell(value, kind, step):
    if value is None:
        return ""
    if kind == "min":
        return _minutes(value, step)
    if kind == "hours":
        return f"{value * step / 3600:.2f}"
    if kind == "ratio":
        return f"{value:.6f}"
    return str(value)


def html_cell(value, kind, step, lang):
    if value is None:
        return "–"
    if kind == "ratio":
        return f"{value * 100:.3f} %"
    if kind == "min":
        return _minutes(value, step)
    if kind == "hours":
        return f"{value * step / 3600:.1f}"
    if kind in ("yesno", "connects"):
        return i18n.word(lang, value)
    return str(value)


def write_csv(tables, out, step):
    paths = []
    for t in tables:
        path = os.path.join(out, f"{t.name}.csv")
        # utf-8-sig writes the BOM spreadsheet programs look for to read UTF-8.
        with open(path, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow([k for k, _ in t.columns])
            for row in t.rows:
                w.writerow([csv_cell(row.get(k), kind, step) for k, kind in t.columns])
        paths.append(path)
    return paths


def write_html(tables, out, step, lang, meta):
    e = html.escape
    w = lambda key: i18n.word(lang, key)  # noqa: E731
    parts = [f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
             f'<title>{e(meta["title"] or w("report"))}</title>\n<style>{CSS}</style>\n</head>\n<body>\n',
             f'<h1>{e(meta["title"] or w("report"))}</h1>\n',
             f'<p class="meta">{w("period")}: {e(meta["start_local"])} – {e(meta["end_local"])} '
             f'({e(meta["time_zone"])}) · {w("step")}: {step} s · {w("source")}: {e(meta["source"])} · '
             f'{w("generated")}: {e(meta["generated"])}</p>\n',
             f'<p class="note">{e(w("method"))}</p>\n']
    for t in tables:
        title = w(t.title)
        if t.note:
            note = t.note.replace(" (current)", f" ({w('current')})")
            title += f" – {note}"
        parts.append(f'<h2 id="{e(t.name)}">{e(title)}</h2>\n')
        if not t.rows:
            parts.append(f'<p class="note">{w("none")}</p>\n')
            continue
        parts.append("<table>\n<thead><tr>")
        parts += [f"<th>{e(i18n.header(lang, k))}</th>" for k, _ in t.columns]
        parts.append("</tr></thead>\n<tbody>\n")
        for row in t.rows:
            parts.append("<tr>")
            for k, kind in t.columns:
                v = row.get(k)
                if t.name == "terrain" and k == "district" and v == "":
                    v = w("province")
                cls = ' class="num"' if kind in ("int", "min", "ratio", "hours") else ""
                parts.append(f"<td{cls}>{e(html_cell(v, kind, step, lang))}</td>")
            parts.append("</tr>\n")
        parts.append("</tbody>\n</table>\n")
    parts.append("</body>\n</html>\n")
    path = os.path.join(out, "index.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(parts))
    return path


def chromium():
    """The headless Chromium on PATH, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium_args(browser, out):
    # --no-sandbox: Chromium refuses to start as root with its sandbox; the page is our own file.
    # A private profile so a running browser's profile lock is never in the way.
    return [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            f"--user-data-dir={os.path.join(out, '.chromium-profile')}"]


def write_pdf(html_path, out, timeout=120):
    """report.pdf via Chromium's print-to-PDF; (path or None, why not)."""
    browser = chromium()
    if not browser:
        return None, "no Chromium on PATH"
    pdf = os.path.join(out, "report.pdf")
    args = chromium_args(browser, out) + ["--no-pdf-header-footer", "--print-to-pdf-no-header",
                                          f"--print-to-pdf={pdf}",
                                          "file://" + os.path.abspath(html_path)]
    try:
        r = subprocess.run(args, capture_output=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        return None, f"{browser}: {err}"
    finally:
        shutil.rmtree(os.path.join(out, ".chromium-profile"), ignore_errors=True)
    if r.returncode != 0 or not os.path.exists(pdf) or os.path.getsize(pdf) == 0:
        return None, f"{browser} exited {r.returncode}: {r.stderr.decode('utf-8', 'replace')[-300:]}"
    return pdf, ""
