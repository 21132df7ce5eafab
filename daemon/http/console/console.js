// The linkwatch console: one page, plain JavaScript, data from /api/v1 (docs/api.md).
// Every string that comes from the API (names, labels, ifAlias, reasons) is put into the page
// with textContent or as an attribute value, never parsed as HTML.
"use strict";
(function () {
  const REFRESH_MS = 5000;
  const PAGE = 50;
  const WRONG_SHOWN = 10;  // per list in "what is wrong"; the rest is counted
  const SVG = "http://www.w3.org/2000/svg";
  const STATES = ["up", "down", "unreachable", "unknown", "planned", "retired"];

  let lang = localStorage.getItem("linkwatch.lang") || "vi";
  if (!window.LW_TEXTS[lang]) lang = "vi";

  // ---- texts --------------------------------------------------------------------------------
  function t(key, args) {
    const texts = window.LW_TEXTS;
    let s = (texts[lang] && texts[lang][key]) || (texts.en && texts.en[key]) || key;
    if (args) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in args ? String(args[k]) : m));
    return s;
  }
  function locale() { return lang === "vi" ? "vi-VN" : "en-GB"; }
  // Unix seconds in the browser's own time zone.
  function when(unix) {
    if (unix === null || unix === undefined || unix <= 0) return t("site.never");
    const d = new Date(unix * 1000);
    const today = new Date();
    return d.toDateString() === today.toDateString() ? d.toLocaleTimeString(locale()) : d.toLocaleString(locale());
  }
  function stateName(s) { return t("state." + s); }
  // A value from the inventory or the poller (role, terrain, uplink, power, reason), translated
  // when i18n.js knows it, otherwise as it came.
  function term(kind, value) {
    if (value === null || value === undefined || value === "") return "";
    const key = kind + "." + value;
    const s = t(key);
    return s === key ? value : s;
  }
  function applyTexts() {
    document.documentElement.lang = lang;
    document.title = t("title");
    for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
    for (const el of document.querySelectorAll("[data-t-title]")) el.title = t(el.dataset.tTitle);
    for (const el of document.querySelectorAll("[data-t-placeholder]")) el.placeholder = t(el.dataset.tPlaceholder);
    for (const b of document.querySelectorAll("#lang button")) b.classList.toggle("active", b.dataset.lang === lang);
    fillStateFilter();
  }

  // ---- DOM helpers (text only) ------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    if (attrs) for (const [k, v] of Object.entries(attrs)) {
      if (k === "class") e.className = v; else e.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
    return e;
  }
  function svg(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }
  function siteLink(name) {
    const a = el("a", { href: "#site/" + encodeURIComponent(name) });
    a.textContent = name;
    return a;
  }
  function stateBadge(s) { return el("span", { class: "state " + s }, stateName(s)); }
  // On a shard: a site polled only for root causes, exported by its own shard.
  function shardBadge(site) {
    return site.shard_role === "shadowed"
      ? el("span", { class: "shadowed", title: t("shard.shadowed_title") }, t("shard.shadowed")) : "";
  }
  // A sentence from a template whose {placeholders} are nodes or strings, kept as text nodes.
  function sentence(key, parts) {
    const out = document.createDocumentFragment();
    const tpl = t(key);
    let last = 0;
    tpl.replace(/\{(\w+)\}/g, (m, k, off) => {
      out.append(tpl.slice(last, off));
      const v = parts[k];
      out.append(v instanceof Node ? v : String(v === undefined ? m : v));
      last = off + m.length;
      return m;
    });
    out.append(tpl.slice(last));
    return out;
  }
  async function api(path) {
    const r = await fetch("/api/v1" + path, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (r.status === 404) return null;
    if (!r.ok) throw new Error(path + ": HTTP " + r.status);
    return r.json();
  }

  // ---- state --------------------------------------------------------------------------------
  const view = { status: null, districts: [], sort: { key: "name", dir: 1 }, page: 0, site: null,
                 box: null, home: null, busy: false };

  // ---- header -------------------------------------------------------------------------------
  function renderHeader() {
    const s = view.status;
    const counts = document.getElementById("counts");
    counts.replaceChildren();
    if (!s) return;
    for (const st of STATES) {
      if (!s.counts[st] && (st === "retired" || st === "unknown")) continue;
      counts.append(el("span", null, el("b", null, s.counts[st] || 0), " ", stateName(st)));
    }
    document.getElementById("updated").textContent =
      t("updated", { time: when(s.generated_at) }) + (s.ready ? "" : " (" + t("not_ready") + ")") +
      (s.shard ? " · " + t("shard.header", { shard: s.shard, n: s.sites_shadowed }) : "");
  }

  // ---- what is wrong ------------------------------------------------------------------------
  function renderWrong() {
    const body = document.getElementById("wrong-body");
    body.replaceChildren();
    const s = view.status;
    if (!s) return;
    function list(title, cls, items, total, line) {
      if (!items.length) return;
      body.append(el("h3", null, title));
      const ul = el("ul", { class: cls });
      for (const it of items.slice(0, WRONG_SHOWN)) ul.append(line(it));
      const shown = Math.min(items.length, WRONG_SHOWN);
      if (total > shown) ul.append(el("li", null, t("wrong.more", { n: total - shown })));
      body.append(ul);
    }
    list(t("wrong.roots"), "roots", s.root_causes, s.root_causes_total, (r) => {
      const li = el("li", { "data-site": r.name, "data-behind": r.sites_behind });
      li.append(sentence("wrong.root_line", { site: siteLink(r.name), district: r.district, time: when(r.since), n: r.sites_behind }), " ", shardBadge(r));
      return li;
    });
    list(t("wrong.flapping"), "flapping", s.flapping, s.flapping_total, (f) =>
      el("li", null, sentence("wrong.flap_line", { site: siteLink(f.name), link: f.link.if_name || f.link.if_index, n: f.link.flaps_last_hour })));
    list(t("wrong.battery"), "battery", s.on_battery, s.on_battery_total, (b) =>
      el("li", null, sentence("wrong.battery_line", {
        site: siteLink(b.name), district: b.district,
        percent: b.power.battery_percent === null ? t("site.unknown") : Math.round(b.power.battery_percent) + "%",
        minutes: b.power.minutes_remaining === null ? "?" : Math.round(b.power.minutes_remaining) })));
    list(t("wrong.failing"), "failing", s.failing, s.failing_total, (f) =>
      el("li", null, sentence("wrong.failing_line", { site: siteLink(f.name), district: f.district, reason: term("reason", f.reason) }),
        " ", shardBadge(f)));
    if (!body.childElementCount) body.append(el("p", null, t("wrong.none")));
  }

  // ---- districts ----------------------------------------------------------------------------
  function districtValue(d, key) {
    switch (key) {
      case "name": return d.name;
      case "communes": return d.communes_connected;
      case "coverage": return d.coverage === null ? -1 : d.coverage;
      case "terrain": return d.terrain;
      default: return d.counts[key] || 0;
    }
  }
  function renderDistricts() {
    const rows = view.districts.slice();
    const { key, dir } = view.sort;
    rows.sort((a, b) => {
      const x = districtValue(a, key), y = districtValue(b, key);
      const c = typeof x === "string" ? x.localeCompare(y, "vi") : x - y;
      return c * dir || a.name.localeCompare(b.name, "vi");
    });
    const tbody = document.querySelector("#districts tbody");
    tbody.replaceChildren();
    for (const d of rows) {
      const tr = el("tr", { "data-slug": d.slug },
        el("td", null, d.name),
        el("td", { class: "num" }, d.counts.up), el("td", { class: "num" }, d.counts.down),
        el("td", { class: "num" }, d.counts.unreachable), el("td", { class: "num" }, d.counts.planned),
        el("td", { class: "num" }, d.communes_connected + " / " + d.communes),
        el("td", { class: "num" }, d.coverage === null ? "—" : Math.round(d.coverage * 100) + "%"),
        el("td", null, term("terrain", d.terrain)));
      tr.addEventListener("click", () => openDistrict(d));
      tbody.append(tr);
    }
    for (const th of document.querySelectorAll("#districts th[data-sort]")) {
      th.classList.toggle("sorted-asc", th.dataset.sort === key && dir > 0);
      th.classList.toggle("sorted-desc", th.dataset.sort === key && dir < 0);
    }
    const sel = document.getElementById("filter-district");
    const keep = sel.value;
    sel.replaceChildren(el("option", { value: "" }, t("sites.all")));
    for (const d of view.districts.slice().sort((a, b) => a.name.localeCompare(b.name, "vi")))
      sel.append(el("option", { value: d.slug || d.name }, d.name));
    sel.value = keep;
  }
  function openDistrict(d) {
    document.getElementById("filter-district").value = d.slug || d.name;
    view.page = 0;
    if (d.bbox) zoomTo({ s: d.bbox[0], w: d.bbox[1], n: d.bbox[2], e: d.bbox[3] }, 0.15);
    refreshSites();
    document.getElementById("map-section").scrollIntoView({ behavior: "smooth" });
  }

  // ---- the map ------------------------------------------------------------------------------
  // Equirectangular, x scaled by cos(latitude) of the province's middle: at 19°N the error over
  // a province is far below what a screen shows. y grows southwards.
  let cosLat = Math.cos(19 * Math.PI / 180);
  function px(lon) { return lon * cosLat * 1000; }
  function py(lat) { return -lat * 1000; }
  function boxToViewBox(b) { return [px(b.w), py(b.n), px(b.e) - px(b.w), py(b.s) - py(b.n)]; }
  function fitBox(b) {
    // Grow the box to the SVG's aspect ratio, so the viewBox maps 1:1 to what is shown.
    const r = document.getElementById("map").getBoundingClientRect();
    const aspect = r.width > 0 && r.height > 0 ? r.width / r.height : 1.4;
    let w = (b.e - b.w) * cosLat, h = b.n - b.s;
    const cx = (b.e + b.w) / 2, cy = (b.n + b.s) / 2;
    if (w / h < aspect) w = h * aspect; else h = w / aspect;
    return { w: cx - w / 2 / cosLat, e: cx + w / 2 / cosLat, s: cy - h / 2, n: cy + h / 2 };
  }
  function setBox(b) {
    view.box = fitBox(b);
    document.getElementById("map").setAttribute("viewBox", boxToViewBox(view.box).join(" "));
    resizeMarks();
  }
  function zoomTo(b, pad) {
    const dw = (b.e - b.w) * pad + 0.01, dh = (b.n - b.s) * pad + 0.01;
    setBox({ w: b.w - dw, e: b.e + dw, s: b.s - dh, n: b.n + dh });
    scheduleMap();
  }
  function zoom(factor, cx, cy) {
    const b = view.box;
    if (!b) return;
    cx = cx === undefined ? (b.w + b.e) / 2 : cx;
    cy = cy === undefined ? (b.s + b.n) / 2 : cy;
    setBox({ w: cx - (cx - b.w) * factor, e: cx + (b.e - cx) * factor, s: cy - (cy - b.s) * factor, n: cy + (b.n - cy) * factor });
    scheduleMap();
  }
  // Marks keep their size on screen whatever the zoom.
  function unitsPerPixel() {
    const r = document.getElementById("map").getBoundingClientRect();
    const vb = boxToViewBox(view.box);
    return r.width > 0 ? vb[2] / r.width : 1;
  }
  function resizeMarks() {
    if (!view.box) return;
    const u = unitsPerPixel();
    for (const c of document.querySelectorAll("#map-sites circle")) c.setAttribute("r", (c.classList.contains("down") ? 6 : 4) * u);
    for (const c of document.querySelectorAll("#map-cells circle")) c.setAttribute("r", Math.min(22, 6 + Math.sqrt(+c.dataset.count)) * u);
    for (const l of document.querySelectorAll("#map-labels text, #map-cells text")) {
      l.setAttribute("font-size", 11 * u);
      l.setAttribute("stroke-width", 3 * u);
    }
  }
  function renderOutlines() {
    const g = document.getElementById("map-outlines"), labels = document.getElementById("map-labels");
    g.replaceChildren();
    labels.replaceChildren();
    for (const d of view.districts) {
      if (d.outline.length >= 3) {
        const poly = svg("polygon", { class: "outline", points: d.outline.map(([lon, lat]) => px(lon) + "," + py(lat)).join(" ") });
        poly.dataset.slug = d.slug;
        poly.append(svg("title"));
        poly.lastChild.textContent = d.name;
        poly.addEventListener("click", () => openDistrict(d));
        g.append(poly);
      }
      if (d.bbox) {
        const text = svg("text", { class: "district-label", x: px((d.bbox[1] + d.bbox[3]) / 2), y: py((d.bbox[0] + d.bbox[2]) / 2) });
        text.textContent = d.name;
        labels.append(text);
      }
    }
    resizeMarks();
  }
  let mapTimer = null;
  function scheduleMap() { clearTimeout(mapTimer); mapTimer = setTimeout(refreshMap, 150); }
  async function refreshMap() {
    if (!view.box) return;
    const b = view.box;
    const m = await api("/map?bbox=" + [b.s, b.w, b.n, b.e].map((v) => v.toFixed(5)).join(","));
    if (!m) return;
    const sitesG = document.getElementById("map-sites"), linesG = document.getElementById("map-lines"), cellsG = document.getElementById("map-cells");
    const note = document.getElementById("map-note");
    if (m.mode === "cells") {
      sitesG.replaceChildren();
      linesG.replaceChildren();
      cellsG.replaceChildren();
      for (const c of m.cells) {
        const worst = ["down", "unreachable", "unknown", "up", "planned", "retired"].find((s) => c.states[s]) || "unknown";
        const circle = svg("circle", { class: "cell " + worst, cx: px(c.lon), cy: py(c.lat) });
        circle.dataset.count = c.count;
        const title = svg("title");
        title.textContent = Object.entries(c.states).map(([s, n]) => stateName(s) + ": " + n).join(", ");
        circle.append(title);
        circle.addEventListener("click", () => zoom(0.35, c.lon, c.lat));
        const label = svg("text", { class: "cell-label", x: px(c.lon), y: py(c.lat) });
        label.textContent = c.count;
        cellsG.append(circle, label);
      }
      note.textContent = t("map.cells", { n: m.total });
      resizeMarks();
      return;
    }
    note.textContent = "";
    cellsG.replaceChildren();
    // Reuse the marks by name, so a refresh moves nothing and keeps hover and focus.
    const old = new Map();
    for (const c of sitesG.children) old.set(c.dataset.name, c);
    const oldLines = new Map();
    for (const l of linesG.children) oldLines.set(l.dataset.name, l);
    const keep = new Set();
    for (const s of m.sites) {
      keep.add(s.name);
      let c = old.get(s.name);
      if (!c) {
        c = svg("circle");
        c.dataset.name = s.name;
        c.append(svg("title"));
        c.addEventListener("click", () => { location.hash = "#site/" + encodeURIComponent(c.dataset.name); });
        sitesG.append(c);
      }
      c.setAttribute("class", "site " + s.state);
      c.setAttribute("cx", px(s.lon));
      c.setAttribute("cy", py(s.lat));
      c.dataset.district = s.district;
      c.firstChild.textContent = s.name + " — " + s.district + " — " + stateName(s.state);
      if (s.parent !== undefined) {
        let l = oldLines.get(s.name);
        if (!l) {
          l = svg("line");
          l.dataset.name = s.name;
          linesG.append(l);
        }
        l.setAttribute("class", "tree " + (s.uplink || "none") + " " + s.link_state);
        l.setAttribute("x1", px(s.lon)); l.setAttribute("y1", py(s.lat));
        l.setAttribute("x2", px(s.parent_lon)); l.setAttribute("y2", py(s.parent_lat));
      }
    }
    for (const [name, c] of old) if (!keep.has(name)) c.remove();
    for (const [name, l] of oldLines) if (!keep.has(name)) l.remove();
    // Down sites last, so they are drawn on top.
    for (const c of sitesG.querySelectorAll("circle.down")) sitesG.append(c);
    resizeMarks();
  }
  function setupMap() {
    const map = document.getElementById("map");
    let drag = null;
    function lonLatAt(ev) {
      const r = map.getBoundingClientRect(), b = view.box;
      return [b.w + (ev.clientX - r.left) / r.width * (b.e - b.w), b.n - (ev.clientY - r.top) / r.height * (b.n - b.s)];
    }
    map.addEventListener("wheel", (ev) => {
      ev.preventDefault();
      const [lon, lat] = lonLatAt(ev);
      zoom(ev.deltaY < 0 ? 0.8 : 1.25, lon, lat);
    }, { passive: false });
    map.addEventListener("pointerdown", (ev) => { if (view.box) drag = { x: ev.clientX, y: ev.clientY, box: view.box, moved: false }; });
    window.addEventListener("pointermove", (ev) => {
      if (!drag) return;
      const r = map.getBoundingClientRect(), b = drag.box;
      const dx = (ev.clientX - drag.x) / r.width * (b.e - b.w), dy = (ev.clientY - drag.y) / r.height * (b.n - b.s);
      if (Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) > 3) drag.moved = true;
      if (drag.moved) setBox({ w: b.w - dx, e: b.e - dx, s: b.s + dy, n: b.n + dy });
    });
    window.addEventListener("pointerup", () => { if (drag && drag.moved) scheduleMap(); drag = null; });
    document.getElementById("zoom-in").addEventListener("click", () => zoom(0.6));
    document.getElementById("zoom-out").addEventListener("click", () => zoom(1.6));
    document.getElementById("zoom-reset").addEventListener("click", () => { if (view.home) zoomTo(view.home, 0.05); });
    window.addEventListener("resize", () => { if (view.box) setBox(view.box); });
  }

  // ---- the site list --------------------------------------------------------------------------
  function fillStateFilter() {
    const sel = document.getElementById("filter-state");
    const keep = sel.value;
    sel.replaceChildren(el("option", { value: "" }, t("sites.all")));
    for (const s of STATES) sel.append(el("option", { value: s }, stateName(s)));
    sel.value = keep;
  }
  async function refreshSites() {
    const q = new URLSearchParams({ offset: view.page * PAGE, limit: PAGE });
    const st = document.getElementById("filter-state").value, d = document.getElementById("filter-district").value,
          text = document.getElementById("filter-q").value;
    if (st) q.set("state", st);
    if (d) q.set("district", d);
    if (text) q.set("q", text);
    const r = await api("/sites?" + q.toString());
    if (!r) return;
    const tbody = document.querySelector("#sites tbody");
    tbody.replaceChildren();
    for (const s of r.sites)
      tbody.append(el("tr", null, el("td", null, siteLink(s.name), " ", shardBadge(s)), el("td", null, s.district), el("td", null, term("role", s.role)),
        el("td", null, stateBadge(s.state)), el("td", null, term("reason", s.reason)), el("td", null, s.root_cause ? siteLink(s.root_cause) : ""),
        el("td", null, when(s.last_success))));
    const from = r.total ? r.offset + 1 : 0, to = r.offset + r.sites.length;
    document.getElementById("page-info").textContent = t("sites.page", { from, to, total: r.total });
    document.getElementById("page-prev").disabled = view.page === 0;
    document.getElementById("page-next").disabled = to >= r.total;
  }

  // ---- a site -------------------------------------------------------------------------------
  function fmtBytes(v) {
    if (v === null || v === undefined) return t("site.unknown");
    const bits = v * 8;
    const units = [["Gbit/s", 1e9], ["Mbit/s", 1e6], ["kbit/s", 1e3]];
    for (const [u, n] of units) if (bits >= n) return (bits / n).toLocaleString(locale(), { maximumFractionDigits: 1 }) + " " + u;
    return Math.round(bits) + " bit/s";
  }
  async function renderSite() {
    const aside = document.getElementById("site-view");
    const name = view.site;
    if (name === null) { aside.hidden = true; return; }
    const s = await api("/sites/" + encodeURIComponent(name));
    if (view.site !== name) return;
    const body = document.getElementById("site-body");
    body.replaceChildren();
    aside.hidden = false;
    if (!s) { body.append(el("p", null, t("site.not_found", { name }))); return; }
    body.append(el("h2", null, s.name + " ", stateBadge(s.state), " ", shardBadge(s)));
    const dl = el("dl");
    function row(key, value) { dl.append(el("dt", null, t(key)), el("dd", null, value)); }
    row("site.state", sentence("site.since", { time: when(s.state_since) }));
    if (s.reason) row("site.reason", term("reason", s.reason));
    if (s.root_cause) row("site.root", siteLink(s.root_cause));
    if (s.sites_behind) row("site.root", t("site.behind", { n: s.sites_behind }));
    row("site.parent", s.parent ? siteLink(s.parent) : t("site.none"));
    const kids = el("span");
    s.children.forEach((c, i) => { if (i) kids.append(", "); kids.append(siteLink(c.name), " (" + stateName(c.state) + ")"); });
    if (s.children_total > s.children.length) kids.append(", " + t("wrong.more", { n: s.children_total - s.children.length }));
    row("site.children", s.children.length ? kids : t("site.none"));
    row("site.address", s.address);
    row("sites.district", s.district);
    row("site.role", term("role", s.role));
    if (s.commune) row("site.commune", s.commune);
    if (s.terrain) row("site.terrain", term("terrain", s.terrain));
    if (s.uplink) row("site.uplink", term("uplink", s.uplink));
    if (s.power_source) row("site.power_source", term("power", s.power_source));
    if (s.power) {
      const p = s.power;
      row("site.power", (p.on_battery ? t("site.on_battery") : t("site.on_mains")) +
        (p.battery_percent === null ? "" : ", " + t("site.battery", { percent: Math.round(p.battery_percent) + "%" })));
    }
    row("site.last_success", when(s.last_success));
    const labels = el("span", { class: "labels" });
    Object.entries(s.labels).forEach(([k, v], i) => { if (i) labels.append(", "); labels.append(k + "=" + v); });
    row("site.labels", Object.keys(s.labels).length ? labels : t("site.none"));
    body.append(dl);
    if (s.links.length) {
      body.append(el("h3", null, t("site.links")), el("p", { class: "note" }, t("site.links_as_of", { time: when(s.last_success) })));
      const table = el("table", { class: "links" }, el("thead", null, el("tr", null,
        ...["site.link_name", "site.link_alias", "site.link_role", "site.link_status", "site.link_speed", "site.link_util",
            "site.link_flaps", "site.link_change"].map((k) => el("th", null, t(k))))));
      const tb = el("tbody");
      for (const l of s.links)
        tb.append(el("tr", null, el("td", null, l.if_name || String(l.if_index)), el("td", null, l.if_alias), el("td", null, l.role),
          el("td", null, term("oper", l.oper_status)), el("td", null, fmtBytes(l.speed_bytes_per_second)),
          el("td", null, l.utilisation === null ? t("site.unknown") : (l.utilisation * 100).toFixed(1) + "%"),
          el("td", { class: "num" }, l.flaps_last_hour + " / " + l.flaps), el("td", null, when(l.last_change))));
      table.append(tb);
      body.append(table);
    }
  }
  function route() {
    const h = location.hash;
    view.site = h.startsWith("#site/") ? decodeURIComponent(h.slice(6)) : null;
    renderSite().catch(showError);
  }

  // ---- refresh ------------------------------------------------------------------------------
  function showError(e) {
    const o = document.getElementById("offline");
    o.hidden = false;
    o.textContent = t("offline", { error: e && e.message ? e.message : String(e) });
  }
  async function refresh() {
    if (view.busy) return;
    view.busy = true;
    try {
      const [status, districts] = await Promise.all([api("/status"), api("/districts")]);
      view.status = status;
      view.districts = districts ? districts.districts : [];
      if (!view.home && view.districts.some((d) => d.bbox)) {
        const b = { s: 90, w: 180, n: -90, e: -180 };
        for (const d of view.districts) if (d.bbox) {
          b.s = Math.min(b.s, d.bbox[0]); b.w = Math.min(b.w, d.bbox[1]); b.n = Math.max(b.n, d.bbox[2]); b.e = Math.max(b.e, d.bbox[3]);
        }
        cosLat = Math.cos((b.s + b.n) / 2 * Math.PI / 180);
        view.home = b;
        zoomTo(b, 0.05);
      }
      renderHeader();
      renderWrong();
      renderDistricts();
      renderOutlines();
      await Promise.all([refreshMap(), refreshSites(), view.site !== null ? renderSite() : null]);
      document.getElementById("offline").hidden = true;
      document.body.dataset.refreshed = String(Date.now());
    } catch (e) {
      showError(e);
    } finally {
      view.busy = false;
    }
  }

  function start() {
    for (const b of document.querySelectorAll("#lang button"))
      b.addEventListener("click", () => {
        lang = b.dataset.lang;
        localStorage.setItem("linkwatch.lang", lang);
        applyTexts();
        renderHeader(); renderWrong(); renderDistricts();
        refreshSites().catch(showError);
        refreshMap().catch(showError);
        renderSite().catch(showError);
      });
    for (const th of document.querySelectorAll("#districts th[data-sort]"))
      th.addEventListener("click", () => {
        const key = th.dataset.sort;
        view.sort = { key, dir: view.sort.key === key ? -view.sort.dir : key === "name" || key === "terrain" ? 1 : -1 };
        renderDistricts();
      });
    for (const id of ["filter-state", "filter-district"])
      document.getElementById(id).addEventListener("change", () => { view.page = 0; refreshSites().catch(showError); });
    document.getElementById("filter-q").addEventListener("input", () => { view.page = 0; refreshSites().catch(showError); });
    document.getElementById("page-prev").addEventListener("click", () => { view.page = Math.max(0, view.page - 1); refreshSites().catch(showError); });
    document.getElementById("page-next").addEventListener("click", () => { view.page++; refreshSites().catch(showError); });
    document.getElementById("site-close").addEventListener("click", () => { location.hash = ""; });
    window.addEventListener("hashchange", route);
    applyTexts();
    setupMap();
    route();
    refresh();
    setInterval(refresh, REFRESH_MS);
  }
  start();
})();
