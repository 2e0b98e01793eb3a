/* The network graph (Cytoscape.js, vendored): pan, zoom, colour by platform or community,
   node size by activity, click a node for its account, an edge for its evidence.
   Positions come from the server (seeded layout), so the picture is the same every time. */
(function () {
  "use strict";
  var el = document.getElementById("graph");
  if (!el) { return; }
  var info = document.getElementById("graph-info");
  var legend = document.getElementById("graph-legend");
  var PLATFORM = { twitter: "#1d9bf0", facebook: "#4267b2", instagram: "#c13584",
    youtube: "#e00000", tiktok: "#111111", reddit: "#ff4500", medium: "#00ab6c",
    telegram: "#229ed9" };
  var OTHER = ["#8e44ad", "#16a085", "#d35400", "#7f8c8d", "#2c3e50", "#c0392b"];
  var COMMUNITY = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4",
    "#f032e6", "#bfef45", "#469990", "#9a6324", "#800000", "#808000", "#000075", "#a9a9a9"];

  function platformColour(p) {
    if (PLATFORM[p]) { return PLATFORM[p]; }
    var s = 0;
    for (var i = 0; i < p.length; i++) { s += p.charCodeAt(i); }
    return OTHER[s % OTHER.length];
  }
  function text(tag, s, cls) {
    var n = document.createElement(tag);
    n.textContent = s;
    if (cls) { n.className = cls; }
    return n;
  }
  function link(href, s, testid) {
    var a = text("a", s);
    a.href = href;
    if (testid) { a.setAttribute("data-testid", testid); }
    return a;
  }
  function clear(n) { while (n.firstChild) { n.removeChild(n.firstChild); } }

  function showLegend(by, nodes) {
    clear(legend);
    var seen = {};
    nodes.forEach(function (n) {
      var k = by === "platform" ? n.platform : "community " + (n.community + 1);
      if (seen[k]) { return; }
      seen[k] = by === "platform" ? platformColour(n.platform)
        : COMMUNITY[n.community % COMMUNITY.length];
    });
    Object.keys(seen).sort().slice(0, 14).forEach(function (k) {
      var s = text("span", "", "swatch");
      s.style.backgroundColor = seen[k];
      var item = text("span", "", "legend-item");
      item.appendChild(s);
      item.appendChild(document.createTextNode(k));
      legend.appendChild(item);
    });
  }

  var times = window.cibwatchGraphTimes = { start: performance.now() };
  function render(g) {
    times.json = performance.now();
    var maxAct = 1;
    g.nodes.forEach(function (n) { if (n.activity > maxAct) { maxAct = n.activity; } });
    var maxW = 1;
    g.edges.forEach(function (e) { if (e.weight > maxW) { maxW = e.weight; } });
    var elements = [];
    g.nodes.forEach(function (n) {
      elements.push({ group: "nodes", position: { x: n.x, y: n.y }, data: {
        id: n.id, label: n.label, platform: n.platform, community: n.community,
        activity: n.activity, size: 8 + 32 * Math.sqrt(n.activity / maxAct),
        colour: platformColour(n.platform) } });
    });
    g.edges.forEach(function (e) {
      elements.push({ group: "edges", data: { id: e.id, source: e.source, target: e.target,
        weight: e.weight, n: e.n, traces: e.traces,
        w: 0.5 + 4 * Math.log(1 + e.weight) / Math.log(1 + maxW) } });
    });
    var big = g.nodes.length > 1000 || g.edges.length > 5000;
    var cy = window.cytoscape({
      container: el, elements: elements, layout: { name: "preset", fit: true, padding: 20 },
      minZoom: 0.05, maxZoom: 8, wheelSensitivity: 0.3,
      pixelRatio: g.nodes.length > 1000 ? 1 : "auto",
      hideEdgesOnViewport: g.edges.length > 5000, textureOnViewport: g.nodes.length > 1500,
      style: big ? [  // large graphs: the fewest style properties (much faster to build)
        { selector: "node", style: { "background-color": "data(colour)", width: "data(size)",
          height: "data(size)" } },
        { selector: "edge", style: { width: 0.6, "line-color": "#9aa4ad", opacity: 0.5,
          "curve-style": "haystack" } },
        { selector: ":selected", style: { "background-color": "#111" } }
      ] : [
        { selector: "node", style: { "background-color": "data(colour)", width: "data(size)",
          height: "data(size)", label: g.nodes.length <= 300 ? "data(label)" : "",
          "font-size": 8, "min-zoomed-font-size": 6, color: "#222",
          "text-valign": "bottom", "text-margin-y": 2, "border-width": 0.5,
          "border-color": "#fff" } },
        { selector: "edge", style: { width: "data(w)", "line-color": "#9aa4ad",
          opacity: 0.55, "curve-style": "haystack" } },
        { selector: ":selected", style: { "border-width": 3, "border-color": "#111",
          "line-color": "#111", opacity: 1 } }
      ]
    });
    window.cibwatchGraph = cy;
    times.built = performance.now();
    var by = document.getElementById("colour-by");
    function recolour() {
      var v = by.value;
      cy.batch(function () {
        cy.nodes().forEach(function (n) {
          n.data("colour", v === "platform" ? platformColour(n.data("platform"))
            : COMMUNITY[n.data("community") % COMMUNITY.length]);
        });
      });
      showLegend(v, g.nodes);
    }
    by.addEventListener("change", recolour);
    showLegend("platform", g.nodes);
    document.getElementById("graph-fit").addEventListener("click", function () { cy.fit(null, 20); });
    function zoom(f) {
      cy.zoom({ level: cy.zoom() * f, renderedPosition: { x: el.clientWidth / 2, y: el.clientHeight / 2 } });
    }
    document.getElementById("graph-zoom-in").addEventListener("click", function () { zoom(1.25); });
    document.getElementById("graph-zoom-out").addEventListener("click", function () { zoom(0.8); });
    el.tabIndex = 0;
    el.addEventListener("keydown", function (ev) {
      var k = ev.key, step = 40;
      if (k === "+" || k === "=") { zoom(1.25); }
      else if (k === "-") { zoom(0.8); }
      else if (k === "0") { cy.fit(null, 20); }
      else if (k === "ArrowLeft") { cy.panBy({ x: step, y: 0 }); }
      else if (k === "ArrowRight") { cy.panBy({ x: -step, y: 0 }); }
      else if (k === "ArrowUp") { cy.panBy({ x: 0, y: step }); }
      else if (k === "ArrowDown") { cy.panBy({ x: 0, y: -step }); }
      else { return; }
      ev.preventDefault();
    });
    cy.on("tap", "node", function (ev) {
      var d = ev.target.data();
      clear(info);
      info.appendChild(text("h3", d.label));
      info.appendChild(text("p", d.id + " · " + d.platform + " · community " + (d.community + 1) +
        " · " + d.activity + " posts · " + ev.target.degree(false) + " links", "small"));
      info.appendChild(link("/accounts/" + encodeURIComponent(d.id), "Open the account", "node-account"));
    });
    cy.on("tap", "edge", function (ev) {
      var d = ev.target.data();
      clear(info);
      info.appendChild(text("h3", d.source + " – " + d.target));
      var ul = document.createElement("ul");
      ul.className = "small";
      Object.keys(d.traces).forEach(function (t) { ul.appendChild(text("li", t + ": " + d.traces[t] + " co-actions")); });
      info.appendChild(ul);
      info.appendChild(link(el.dataset.evidence + "&a=" + encodeURIComponent(d.source) +
        "&b=" + encodeURIComponent(d.target), "See the evidence", "edge-evidence"));
    });
    cy.one("render", function () { times.drawn = performance.now(); });
    cy.ready(function () {
      el.setAttribute("data-nodes", String(cy.nodes().length));
      el.setAttribute("data-edges", String(cy.edges().length));
      el.setAttribute("data-ready", "1");
    });
  }

  fetch(el.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) {
      if (!r.ok) { throw new Error("the graph could not be read (" + r.status + ")"); }
      return r.json();
    })
    .then(render)
    .catch(function (err) {
      clear(info);
      info.appendChild(text("p", String(err.message || err), "flash flash-error"));
    });
}());
