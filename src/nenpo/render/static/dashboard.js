/* nenpo dashboard: search, tabs, filters kept in the URL, the interactive chart, the tile map,
   sortable tables. Plain JavaScript, no build step. Without it the pages still show the static
   chart, the full table, the definition and the downloads (docs/dashboard.md). */
(function () {
  "use strict";
  var doc = document;
  doc.documentElement.classList.add("js");  // the page's head says so too, earlier

  function $(sel, root) { return (root || doc).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || doc).querySelectorAll(sel)); }
  function el(tag, attrs, text) {
    var e = doc.createElement(tag);
    for (var k in attrs || {}) { if (attrs[k] !== null && attrs[k] !== undefined) e.setAttribute(k, attrs[k]); }
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fill(s, vars) { return s.replace(/\{(\w+)\}/g, function (_, k) { return vars[k]; }); }
  function fold(s) { return s.normalize("NFKC").toLowerCase(); }

  /* ── The index: search by Japanese or English name or id ─────────────────────────────── */
  function initSearch(box) {
    var input = $("input", box), count = $("[data-count]", box);
    var items = $$("[data-search-text]");
    box.hidden = false;
    function run() {
      var terms = fold(input.value).split(/\s+/).filter(Boolean), n = 0;
      items.forEach(function (li) {
        var hay = li.getAttribute("data-search-text");
        var ok = terms.every(function (t) { return hay.indexOf(t) >= 0; });
        li.hidden = !ok;
        if (ok) n++;
      });
      $$("[data-group]").reverse().forEach(function (g) {
        g.hidden = !$$("[data-search-text]", g).some(function (li) { return !li.hidden; });
      });
      count.textContent = n ? fill(count.getAttribute("data-found"), { n: n }) : count.getAttribute("data-none");
    }
    input.addEventListener("input", run);
    var q = new URLSearchParams(location.search).get("q");
    if (q) { input.value = q; }
    run();
  }

  /* ── An indicator page ──────────────────────────────────────────────────────────────── */
  function Dashboard(root, data) {
    this.root = root;
    this.data = data;
    this.text = data.text;
    this.embed = root.hasAttribute("data-embed");
    this.dimIds = data.dims.filter(function (d) { return !d.derived; }).map(function (d) { return d.id; });
    this.derived = data.dims.filter(function (d) { return d.derived; }).map(function (d) { return d.id; });
    this.view = null;
    this.sort = null;
    this.cache = {};
    var table = $("#panel-table table", root);
    /* The page's values are in its static full table (its one copy of the data; an embed has
       no table and carries them in its data): kept before the script's own table replaces it. */
    this.srcRows = table ? Array.prototype.slice.call(table.tBodies[0].rows) : [];
    this.layout = table ? table.getAttribute("data-layout") : null;
    /* A dimension named only in the table's row headers (values: null): its values are the
       series' codes with their rows' names. */
    var self = this;
    data.dims.forEach(function (dim) {
      if (dim.values !== null) return;
      var at = self.dimIds.indexOf(dim.id);
      dim.values = [];
      data.series.forEach(function (ser, i) {
        if (ser[0][at] !== null && self.srcRows[i]) dim.values.push([ser[0][at], self.srcRows[i].cells[0].textContent]);
      });
    });
  }

  /* Which of a series' values are illustrative (null: every value, the whole indicator is). */
  Dashboard.prototype.ill = function (i) {
    var out = {}, listed = this.data.series[i][2], vals = this.cells(i).v;
    if (listed === null) vals.forEach(function (v, p) { if (v !== null) out[p] = true; });
    else listed.forEach(function (p) { out[p] = true; });
    return out;
  };

  /* A series' values and their texts as Python printed them (japan.numbers: the script formats
     no number). A cell's text reads back as its value, or the cell says the value (data-v). */
  Dashboard.prototype.cells = function (i) {
    if (this.cache[i]) return this.cache[i];
    var d = this.data, ser = d.series[i], vals = [], texts = [], suffix = " (" + this.text.illustrative_badge + ")";
    if (ser[1]) { vals = ser[1]; texts = ser[3]; }
    else {
      d.periods.forEach(function () { vals.push(null); texts.push(""); });
      var read = function (td, p) {
        if (!td || p === undefined) return;
        var text = td.textContent.trim();
        if (text.slice(-suffix.length) === suffix) text = text.slice(0, -suffix.length);
        if (!text) return;
        var raw = td.getAttribute("data-v");
        vals[p] = Number(raw !== null ? raw : text.replace(/,/g, ""));
        texts[p] = text;
      };
      if (this.layout === "long") {
        var at = {};
        d.labels.forEach(function (l, p) { at[l] = p; });
        this.srcRows.forEach(function (tr) { read(tr.cells[1], at[tr.cells[0].textContent]); });
      } else if (this.srcRows[i]) {
        var cells = this.srcRows[i].cells;
        for (var p = 0; p < d.periods.length; p++) read(cells[p + 1], p);
      }
    }
    return (this.cache[i] = { v: vals, t: texts });
  };

  Dashboard.prototype.defaults = function () {
    var s = { tab: "chart", from: this.data.periods[0], to: this.data.periods[this.data.periods.length - 1], dims: {} };
    var def = this.data.series[this.data["default"]];
    if (def) { this.dimIds.forEach(function (d, i) { if (def[0][i] !== null) s.dims[d] = def[0][i]; }); }
    if (this.derived.indexOf("prefecture") >= 0 && s.dims.municipality) s.dims.prefecture = s.dims.municipality.slice(0, 2);
    return s;
  };

  Dashboard.prototype.fromURL = function () {
    var q = new URLSearchParams(location.search), s = this.defaults(), self = this;
    var any = this.data.dims.some(function (d) { return q.has(d.id); });
    if (any) {
      s.dims = {};
      this.data.dims.forEach(function (d) {
        var v = q.get(d.id);
        if (v && d.values.some(function (x) { return x[0] === v; })) s.dims[d.id] = v;
      });
    }
    ["from", "to"].forEach(function (k) { var v = q.get(k); if (v && self.data.periods.indexOf(v) >= 0) s[k] = v; });
    var tab = q.get("tab");
    if (tab && $("[data-tab='" + tab + "']", this.root)) s.tab = tab;
    if (this.data.periods.indexOf(s.from) > this.data.periods.indexOf(s.to)) { var t = s.from; s.from = s.to; s.to = t; }
    return s;
  };

  Dashboard.prototype.query = function (s) {
    var q = new URLSearchParams(), d = this.defaults();
    this.data.dims.forEach(function (dim) { if (s.dims[dim.id]) q.set(dim.id, s.dims[dim.id]); });
    var dimsDefault = JSON.stringify(s.dims) === JSON.stringify(d.dims);
    if (dimsDefault) { this.data.dims.forEach(function (dim) { q["delete"](dim.id); }); }
    else if (!Object.keys(s.dims).length) { q.set(this.data.dims[0].id, ""); }
    if (s.from !== d.from) q.set("from", s.from);
    if (s.to !== d.to) q.set("to", s.to);
    if (s.tab !== "chart") q.set("tab", s.tab);
    var text = q.toString();
    return text ? "?" + text : "";
  };

  Dashboard.prototype.go = function (change, replace) {
    var s = JSON.parse(JSON.stringify(this.state));
    change(s);
    var url = location.pathname + this.query(s) + location.hash;
    if (replace) history.replaceState(null, "", url); else history.pushState(null, "", url);
    this.apply(s);
  };

  /* The series a view shows: the one whose dimension values are exactly those chosen. A
     municipality implies its prefecture, which municipal data does not carry. */
  Dashboard.prototype.match = function (s) {
    var ids = this.dimIds, want = ids.map(function (d) { return s.dims[d] || null; });
    for (var i = 0; i < this.data.series.length; i++) {
      var key = this.data.series[i][0], ok = true;
      for (var j = 0; j < ids.length; j++) { if (key[j] !== want[j]) { ok = false; break; } }
      if (ok) return i;
    }
    return -1;
  };

  /* Series consistent with the chosen values (the table's rows): every chosen value agrees. */
  Dashboard.prototype.consistent = function (s) {
    var ids = this.dimIds, self = this, out = [];
    var muni = ids.indexOf("municipality"), pref = s.dims.prefecture;
    this.data.series.forEach(function (ser, i) {
      var key = ser[0];
      for (var j = 0; j < ids.length; j++) {
        var want = s.dims[ids[j]];
        if (want && key[j] !== want) return;
      }
      if (pref && self.derived.indexOf("prefecture") >= 0 && (muni < 0 || !key[muni] || key[muni].slice(0, 2) !== pref)) return;
      out.push(i);
    });
    return out;
  };

  Dashboard.prototype.range = function (s) {
    var a = this.data.periods.indexOf(s.from), b = this.data.periods.indexOf(s.to), out = [];
    for (var i = a; i <= b; i++) out.push(i);
    return out;
  };

  Dashboard.prototype.label = function (key) {
    var self = this, parts = [];
    this.dimIds.forEach(function (d, j) {
      if (key[j] === null) return;
      var dim = self.data.dims.filter(function (x) { return x.id === d; })[0];
      var v = dim.values.filter(function (x) { return x[0] === key[j]; })[0];
      parts.push(v ? v[1] : key[j]);
    });
    return parts.length ? parts.join(this.data.lang === "ja" ? "・" : ", ") : this.text.total;
  };

  Dashboard.prototype.value = function (i, p) {
    var text = this.cells(i).t[p];
    return text ? fill(this.data.unit_text, { v: text }) : "";
  };

  /* ── Filters ── */
  Dashboard.prototype.initFilters = function () {
    var form = $("[data-filters]", this.root), self = this;
    if (!form) return;
    form.hidden = false;
    [["from", "[data-from]"], ["to", "[data-to]"]].forEach(function (pair) {
      var sel = $(pair[1], form);
      self.data.periods.forEach(function (p, i) { sel.appendChild(el("option", { value: p }, self.data.labels[i])); });
      sel.addEventListener("change", function () { self.go(function (s) { s[pair[0]] = sel.value; }); });
    });
    this.data.dims.forEach(function (dim) {
      var sel = $("[data-dim='" + dim.id + "']", form);
      sel.appendChild(el("option", { value: "" }, self.text.all));
      dim.values.forEach(function (v) { sel.appendChild(el("option", { value: v[0] }, v[1])); });
      sel.addEventListener("change", function () {
        self.go(function (s) {
          if (sel.value) s.dims[dim.id] = sel.value; else delete s.dims[dim.id];
          if (dim.id === "prefecture" && s.dims.municipality && s.dims.municipality.slice(0, 2) !== sel.value) delete s.dims.municipality;
          if (dim.id === "municipality" && sel.value && self.derived.indexOf("prefecture") >= 0) s.dims.prefecture = sel.value.slice(0, 2);
        });
      });
    });
  };

  Dashboard.prototype.showFilters = function (s) {
    var form = $("[data-filters]", this.root);
    if (!form) return;
    $("[data-from]", form).value = s.from;
    $("[data-to]", form).value = s.to;
    this.data.dims.forEach(function (dim) { $("[data-dim='" + dim.id + "']", form).value = s.dims[dim.id] || ""; });
    var muni = $("[data-dim='municipality']", form);
    if (muni && this.derived.indexOf("prefecture") >= 0) {
      $$("option", muni).forEach(function (o) { o.hidden = !!(o.value && s.dims.prefecture && o.value.slice(0, 2) !== s.dims.prefecture); });
    }
  };

  /* ── Tabs (WAI-ARIA tabs, automatic activation) ── */
  Dashboard.prototype.initTabs = function () {
    var panels = $$("[data-tab]", this.root), self = this;
    var list = el("div", { role: "tablist", "aria-label": this.root.getAttribute("data-views"), "class": "tabs" });
    this.tabs = panels.map(function (panel) {
      var name = panel.getAttribute("data-tab");
      var tab = el("button", { type: "button", role: "tab", id: "tab-" + name, "aria-controls": panel.id, "data-for": name }, panel.getAttribute("data-tab-label"));
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      panel.setAttribute("tabindex", "0");
      tab.addEventListener("click", function () { self.go(function (s) { s.tab = name; }); });
      tab.addEventListener("keydown", function (e) {
        var i = self.tabs.indexOf(tab), n = self.tabs.length, j = null;
        if (e.key === "ArrowRight") j = (i + 1) % n;
        else if (e.key === "ArrowLeft") j = (i - 1 + n) % n;
        else if (e.key === "Home") j = 0;
        else if (e.key === "End") j = n - 1;
        if (j === null) return;
        e.preventDefault();
        self.tabs[j].focus();
        self.go(function (s) { s.tab = self.tabs[j].getAttribute("data-for"); });
      });
      list.appendChild(tab);
      return tab;
    });
    panels[0].parentNode.insertBefore(list, panels[0]);
  };

  Dashboard.prototype.showTab = function (s) {
    (this.tabs || []).forEach(function (tab) {
      var on = tab.getAttribute("data-for") === s.tab;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      doc.getElementById(tab.getAttribute("aria-controls")).hidden = !on;
    });
  };

  /* ── The chart ── */
  Dashboard.prototype.rows = function (i, s) {
    if (i < 0) return [];
    var ill = this.ill(i), d = this.data, out = [], text = this.text, vals = this.cells(i).v;
    this.range(s).forEach(function (p) {
      var v = vals[p];
      if (v === null) return;
      out.push({ date: d.dates[p], value: v, label: d.labels[p], kind: ill[p] ? text.illustrative_badge : (d.lang === "ja" ? "実績" : "actual"), _p: p });
    });
    return out;
  };

  Dashboard.prototype.drawChart = function (s) {
    var i = this.match(s), rows = this.rows(i, s), self = this, d = this.data;
    var box = $("[data-chart]", this.root), summary = $("[data-summary]", this.root);
    var title = $("[data-chart-title]", this.root);
    var label = i >= 0 ? this.label(d.series[i][0]) : "";
    if (title) title.textContent = d.title + (i >= 0 && label !== this.text.total ? (d.lang === "ja" ? "（" + label + "）" : " (" + label + ")") : "");
    if (!rows.length) {
      if (box) box.hidden = true;
      $$("[data-static-chart]", this.root).forEach(function (e) { e.hidden = true; });
      var munis = this.derived.indexOf("prefecture") >= 0 && s.dims.prefecture && !s.dims.municipality;
      summary.textContent = munis ? this.text.pick_municipality : this.text.none_for;
      return Promise.resolve();
    }
    var first = rows[0], last = rows[rows.length - 1];
    summary.textContent = fill(this.text.summary, { series: label, a: first.label, b: last.label, n: rows.length, v: this.value(i, last._p), d: d["long"][last._p] })
      + (rows.some(function (r) { return r.kind === self.text.illustrative_badge; }) ? " " + this.text.some_illustrative : "");
    if (!d.spec || !window.vega || !box) return Promise.resolve();
    box.setAttribute("aria-label", summary.textContent);
    var clean = rows.map(function (r) { return { date: r.date, value: r.value, label: r.label, kind: r.kind }; });
    var ticks = rows.map(function (r) { return d.ticks[r._p]; });
    box.hidden = false;
    if (!this.viewReady) {
      /* The spec is compiled to Vega at build (charts/bundle.py): the page loads Vega only. */
      var spec = JSON.parse(JSON.stringify(d.spec));
      spec.data.forEach(function (x) { if (x.name === "series") x.values = clean; });
      spec.signals.forEach(function (x) { if (x.name === "ticks") x.value = ticks; });
      var view = new window.vega.View(window.vega.parse(spec), { renderer: "svg", container: box, hover: true });
      this.viewReady = view.runAsync().then(function () { self.view = view; return view; });
    }
    var run = this.viewReady.then(function (view) { return view.data("series", clean).signal("ticks", ticks).runAsync(); });
    return run.then(function () {
      $$("[data-static-chart]", self.root).forEach(function (e) { e.hidden = true; });
      var svg = $("svg", box);
      if (svg) { svg.setAttribute("aria-hidden", "true"); svg.setAttribute("focusable", "false"); }
    });
  };

  /* ── The tile map of the prefectures, and the municipalities of the one chosen ── */
  var SHADES = [["#E8F1FE", "#1A1A1C"], ["#C5D7FB", "#1A1A1C"], ["#9DB7F9", "#1A1A1C"], ["#3460FB", "#FFFFFF"], ["#0017C1", "#FFFFFF"]];

  Dashboard.prototype.mapValues = function (s) {
    /* The value of each prefecture's series (the other choices kept) at the latest date of the
       range that any prefecture has. */
    var ids = this.dimIds, pi = ids.indexOf("prefecture"), self = this, byPref = {};
    if (pi < 0) return null;
    this.data.series.forEach(function (ser, i) {
      var key = ser[0];
      if (key[pi] === null) return;
      for (var j = 0; j < ids.length; j++) {
        if (j === pi) continue;
        if (key[j] !== (s.dims[ids[j]] || null)) return;
      }
      byPref[key[pi]] = i;
    });
    var range = this.range(s), at = -1;
    range.forEach(function (p) { for (var c in byPref) { if (self.cells(byPref[c]).v[p] !== null) { at = p; break; } } });
    if (at < 0) return { at: -1, values: {} };
    var values = {};
    for (var c in byPref) { var v = self.cells(byPref[c]).v[at]; if (v !== null) values[c] = byPref[c]; }
    return { at: at, values: values };
  };

  Dashboard.prototype.drawMap = function (s) {
    var map = $("[data-tilemap]", this.root);
    if (!map) return;
    var self = this, d = this.data, mv = this.mapValues(s), caption = $("[data-map-caption]", this.root);
    var counts = {}, muni = this.dimIds.indexOf("municipality");
    if (muni >= 0) d.series.forEach(function (ser) { var c = ser[0][muni]; if (c) counts[c.slice(0, 2)] = (counts[c.slice(0, 2)] || 0) + 1; });
    var sorted = [], breaks = [];
    if (mv && mv.at >= 0) {
      /* [value, its text]: the legend prints the texts of the values that bound each shade. */
      for (var c in mv.values) { var cl = self.cells(mv.values[c]); sorted.push([cl.v[mv.at], cl.t[mv.at]]); }
      sorted.sort(function (a, b) { return a[0] - b[0]; });
      for (var k = 1; k < SHADES.length; k++) breaks.push(sorted[Math.floor(k * sorted.length / SHADES.length)]);
    }
    function shade(v) { var k = 0; while (k < breaks.length && v >= breaks[k][0]) k++; return SHADES[k]; }
    caption.textContent = this.text.map_caption + (mv && mv.at >= 0 ? (d.lang === "ja" ? "（" + d["long"][mv.at] + "）" : " (" + d["long"][mv.at] + ")") : "");
    map.textContent = "";
    map.style.gridTemplateColumns = "repeat(" + d.grid[0] + ", minmax(0, 1fr))";
    d.tiles.forEach(function (t) {
      var code = t[0], text = t[4], style = ["#FFFFFF", "#4D4D4D"], i = mv ? mv.values[code] : undefined;
      if (i !== undefined) { style = shade(self.cells(i).v[mv.at]); text += " " + self.value(i, mv.at); }
      else if (counts[code]) { style = SHADES[0]; text += " " + fill(self.text.n_munis, { n: counts[code] }); }
      else text += " " + self.text.no_data;
      var b = el("button", { type: "button", "class": "tile", "aria-pressed": s.dims.prefecture === code ? "true" : "false", "aria-label": text, title: text, "data-code": code }, t[3]);
      b.style.gridColumn = String(t[1] + 1);
      b.style.gridRow = String(t[2] + 1);
      b.style.background = style[0];
      b.style.color = style[1];
      if (i === undefined && !counts[code]) b.className += " empty";
      b.addEventListener("click", function () {
        self.go(function (st) {
          if (st.dims.prefecture === code) delete st.dims.prefecture; else st.dims.prefecture = code;
          if (st.dims.municipality && st.dims.municipality.slice(0, 2) !== st.dims.prefecture) delete st.dims.municipality;
        });
      });
      map.appendChild(b);
    });
    var legend = $("[data-map-legend]", this.root);
    legend.textContent = "";
    if (breaks.length) {
      var lo = [sorted[0]].concat(breaks), hi = breaks.concat([sorted[sorted.length - 1]]);
      var ul = el("ul", { "class": "swatches" });
      SHADES.forEach(function (sh, k) {
        var li = el("li");
        var sw = el("span", { "class": "swatch", "aria-hidden": "true" });
        sw.style.background = sh[0];
        li.appendChild(sw);
        li.appendChild(doc.createTextNode(lo[k][1] + (d.lang === "ja" ? "〜" : " – ") + hi[k][1]));
        ul.appendChild(li);
      });
      legend.appendChild(ul);
    }
    this.drawDrill(s);
  };

  Dashboard.prototype.drawDrill = function (s) {
    var box = $("[data-drill]", this.root), muni = this.dimIds.indexOf("municipality"), self = this, d = this.data;
    if (!box) return;
    box.textContent = "";
    if (muni < 0 || !s.dims.prefecture) return;
    var rows = [];
    var last = this.data.periods.indexOf(s.to);
    d.series.forEach(function (ser, i) {
      var c = ser[0][muni];
      if (!c || c.slice(0, 2) !== s.dims.prefecture) return;
      for (var j = 0; j < self.dimIds.length; j++) { if (j !== muni && ser[0][j] !== (s.dims[self.dimIds[j]] || null) && self.dimIds[j] !== "prefecture") return; }
      var p = last, vals = self.cells(i).v;
      while (p >= 0 && vals[p] === null) p--;
      rows.push({ i: i, code: c, name: self.label([].concat(ser[0]).map(function (x, j) { return j === muni ? x : null; })), p: p, v: p >= 0 ? vals[p] : null });
    });
    var prefName = d.dims.filter(function (x) { return x.id === "prefecture"; })[0].values.filter(function (v) { return v[0] === s.dims.prefecture; })[0];
    var table = this.sortable(
      (prefName ? prefName[1] + " " : "") + this.text.municipalities,
      [this.text.municipalities, this.text.value, this.text.date],
      rows.map(function (r) {
        return { key: [r.name, r.v === null ? -Infinity : r.v, r.p], cells: [r.name, r.v === null ? "" : self.value(r.i, r.p), r.p >= 0 ? d.labels[r.p] : ""], code: r.code };
      }),
      function (row, th) {
        var b = el("button", { type: "button", "class": "link" }, row.cells[0]);
        b.addEventListener("click", function () { self.go(function (st) { st.dims.municipality = row.code; st.dims.prefecture = row.code.slice(0, 2); st.tab = "chart"; }); });
        th.appendChild(b);
      }
    );
    box.appendChild(table);
  };

  /* ── Tables: sortable by any column (buttons in the headers, aria-sort) ── */
  Dashboard.prototype.sortable = function (caption, columns, rows, head) {
    var wrap = el("div", { "class": "table-wrap", role: "region", "aria-label": caption, tabindex: "0" });
    var table = el("table"), thead = el("thead"), tr = el("tr"), tbody = el("tbody"), self = this;
    table.appendChild(el("caption", {}, caption));
    var state = { col: -1, dir: 1 };
    function body() {
      tbody.textContent = "";
      var order = rows.slice();
      if (state.col >= 0) {
        order.sort(function (a, b) {
          var x = a.key[state.col], y = b.key[state.col];
          if (x === y) return 0;
          if (x === null || x === undefined) return 1;
          if (y === null || y === undefined) return -1;
          return (x < y ? -1 : 1) * state.dir;
        });
      }
      var frag = doc.createDocumentFragment();
      order.forEach(function (row) {
        var r = el("tr"), th = el("th", { scope: "row" });
        if (head) head(row, th); else th.textContent = row.cells[0];
        r.appendChild(th);
        for (var k = 1; k < row.cells.length; k++) r.appendChild(el("td", {}, row.cells[k]));
        frag.appendChild(r);
      });
      tbody.appendChild(frag);
    }
    columns.forEach(function (name, k) {
      var th = el("th", { scope: "col", "aria-sort": "none" });
      var b = el("button", { type: "button", "class": "sort" }, name);
      b.addEventListener("click", function () {
        state.dir = state.col === k ? -state.dir : 1;
        state.col = k;
        $$("th[aria-sort]", thead).forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending");
        body();
      });
      th.appendChild(b);
      tr.appendChild(th);
    });
    thead.appendChild(tr);
    table.appendChild(thead);
    table.appendChild(tbody);
    body();
    wrap.appendChild(table);
    return wrap;
  };

  Dashboard.prototype.drawTable = function (s) {
    var box = $("[data-table]", this.root);
    if (!box) return;
    var self = this, d = this.data, idx = this.consistent(s), range = this.range(s), rows, columns;
    if (this.caption === undefined) this.caption = $("caption", box) ? $("caption", box).textContent : this.text.table_caption;
    var caption = this.caption;
    if (idx.length === 1) {
      var i = idx[0], ill = this.ill(i), one = this.cells(i);
      var unit = d.unit ? (d.lang === "ja" ? "（" + d.unit + "）" : " (" + d.unit + ")") : "";
      columns = [this.text.date, this.text.value + unit, this.text.note];
      rows = range.filter(function (p) { return one.v[p] !== null; }).map(function (p) {
        return { key: [p, one.v[p], ill[p] ? 1 : 0], cells: [d.labels[p], one.t[p], ill[p] ? self.text.illustrative_badge : ""] };
      });
      caption += d.lang === "ja" ? "：" + this.label(d.series[i][0]) : ": " + this.label(d.series[i][0]);
    } else {
      columns = [this.text.series].concat(range.map(function (p) { return d.labels[p]; }));
      /* Some values illustrative, not all: each illustrative cell says so (as the static table). */
      var mixed = d.provenance === "mixed";
      rows = idx.map(function (i) {
        var ill = self.ill(i), c = self.cells(i);
        return {
          key: [self.label(d.series[i][0])].concat(range.map(function (p) { return c.v[p]; })),
          cells: [self.label(d.series[i][0])].concat(range.map(function (p) {
            var v = c.v[p];
            return v === null ? "" : c.t[p] + (mixed && ill[p] ? " (" + self.text.illustrative_badge + ")" : "");
          }))
        };
      });
    }
    var wrap = this.sortable(caption, columns, rows);
    box.parentNode.replaceChild(wrap, box);
    wrap.setAttribute("data-table", "");
    wrap.setAttribute("aria-label", caption);
    var status = $("[data-table-status]", this.root);
    if (status) status.textContent = fill(this.text.shown, { n: rows.length });
  };

  /* ── Embeds and links ── */
  Dashboard.prototype.drawLinks = function () {
    var code = $("[data-embed-code]", this.root), link = $("[data-permalink]", this.root);
    var q = this.query(this.state).replace(/([?&])tab=[^&]*&?/, "$1").replace(/[?&]$/, "");
    if (code) {
      var src = new URL(this.root.getAttribute("data-embed-src") + q, location.href).href;
      var title = $("h1").textContent;
      code.value = '<iframe src="' + src + '" title="' + title.replace(/"/g, "&quot;") + '" width="100%" height="480" style="border:0" loading="lazy"></iframe>';
    }
    if (link) { link.href = location.href; link.hidden = false; }
    var full = $("[data-full-link]", this.root);
    if (full) full.href = this.root.getAttribute("data-full") + q;
  };

  Dashboard.prototype.apply = function (s) {
    var prev = this.state;
    this.state = s;
    if (!this.embed) { this.showFilters(s); this.showTab(s); }
    var same = prev && JSON.stringify(prev.dims) === JSON.stringify(s.dims) && prev.from === s.from && prev.to === s.to;
    var done = same ? Promise.resolve() : this.drawChart(s);
    if (!this.embed) {
      if (!same || this.tableDirty) { this.tableDirty = true; }
      if (s.tab === "table" && this.tableDirty) { this.drawTable(s); this.tableDirty = false; }
      if (s.tab === "map" && (!same || !this.mapDrawn)) { this.drawMap(s); this.mapDrawn = true; }
      else if (!same) this.mapDrawn = false;
      this.drawLinks();
    } else this.drawLinks();
    var root = doc.documentElement;
    return done.then(function () {
      if (!root.hasAttribute("data-ready")) window.nenpoReadyAt = performance.now();
      root.setAttribute("data-ready", "1");
    }, function (err) {
      root.setAttribute("data-ready", "error");
      if (window.console) console.error(err);
    });
  };

  Dashboard.prototype.start = function () {
    var self = this;
    if (!this.embed) {
      this.initFilters();
      this.initTabs();
      var copy = $("[data-copy]", this.root);
      if (copy && navigator.clipboard) {
        copy.hidden = false;
        copy.addEventListener("click", function () {
          navigator.clipboard.writeText($("[data-embed-code]", self.root).value).then(function () {
            $("[data-copy-status]", self.root).textContent = self.text.copied;
          });
        });
      }
    }
    window.addEventListener("popstate", function () { self.apply(self.fromURL()); });
    this.tableDirty = false;
    return this.apply(this.fromURL());
  };

  function init() {
    var box = $("[data-search]");
    if (box) initSearch(box);
    var root = $("[data-dashboard]"), json = doc.getElementById("dash-data");
    if (root && json) {
      try {
        var dash = new Dashboard(root, JSON.parse(json.textContent));
        window.nenpoDashboard = dash;
        dash.start();
      } finally {
        doc.documentElement.classList.remove("js-init");  // every panel may show from now on
      }
    } else {
      doc.documentElement.setAttribute("data-ready", "1");
    }
  }
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", init); else init();
})();
