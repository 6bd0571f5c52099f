/* envdoctor compatibility explorer. Every answer was computed at build time by plan's choice
   code (envdoctor.explorer.selector); this script only looks answers up in window.ENVDOCTOR_KB,
   renders them, keeps the state in the URL hash and draws the matrices. */
(function () {
  "use strict";
  var D = window.ENVDOCTOR_KB;
  var S = D.strings;
  var SEL = D.selector;
  var DEVICES = ["cpu", "gpu"];
  var PLATFORM_LABELS = {
    "linux-x86_64": "Linux x86_64", "linux-aarch64": "Linux aarch64", "macos-arm64": "macOS arm64 (Apple silicon)",
    "macos-x86_64": "macOS x86_64 (Intel)", "windows-x86_64": "Windows x86_64"
  };
  var URL_RE = /https?:\/\/[^\s;,)'"]+/;

  function $(id) { return document.getElementById(id); }
  function str(i) { return i < 0 ? null : S[i]; }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === "text") { node.textContent = attrs[k]; } else if (attrs[k] !== null && attrs[k] !== undefined) { node.setAttribute(k, attrs[k]); }
      });
    }
    (children || []).forEach(function (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function firstUrl(text) { var m = URL_RE.exec(text || ""); return m ? m[0].replace(/\.$/, "") : ""; }
  function sourceLink(text, label) {
    var url = firstUrl(text);
    if (!url) { return el("span", { "class": "src", title: text, text: label ? "(" + label + ")" : "" }); }
    return el("a", { "class": "src", href: url, title: text, rel: "noopener", text: label || "source" });
  }
  function versionKey(text) { return String(text).split(".").map(function (x) { return parseInt(x, 10) || 0; }); }
  function compareVersions(a, b) {
    var x = versionKey(a), y = versionKey(b);
    for (var i = 0; i < Math.max(x.length, y.length); i++) {
      var d = (x[i] || 0) - (y[i] || 0);
      if (d) { return d; }
    }
    return 0;
  }

  // ----- the answer table: decode one answer (the reverse of site.encode_answer) -----
  function decode(enc, driver) {
    var token = SEL.driver_token;
    function s(i) {
      var t = str(i);
      return t !== null && driver !== SEL.no_driver ? t.split(token).join(driver) : t;
    }
    function many(ids) { return ids.map(function (i) { return s(i) || ""; }); }
    var fw = enc[3], drv = enc[8];
    return {
      feasible: !!enc[0], python: s(enc[1]), gpu: !!enc[2],
      framework: fw ? { name: s(fw[0]), version: s(fw[1]), requirement: s(fw[2]) } : null,
      cuda: s(enc[4]), cudnn: s(enc[5]), gpuPackage: s(enc[6]), buildSource: s(enc[7]),
      driver: drv ? { need: s(drv[0]), toolkit: s(drv[1]), minor: s(drv[2]), source: s(drv[3]) } : null,
      caps: enc[9].map(function (c) { return { requirement: s(c[0]), reason: s(c[1]), source: s(c[2]) }; }),
      commands: { pip: many(enc[10][0]), uv: many(enc[10][1]), conda: many(enc[10][2]) },
      reasons: many(enc[11]), proof: many(enc[12]), alternatives: many(enc[13])
    };
  }

  // ----- state <-> URL hash -----
  function variantById(id) {
    for (var i = 0; i < SEL.variants.length; i++) { if (SEL.variants[i].id === id) { return i; } }
    return -1;
  }
  function normalize(state) {
    var notes = [];
    var vi = variantById(state.variant);
    if (vi < 0) { vi = 0; }
    var variant = SEL.variants[vi];
    var platform = SEL.platforms.indexOf(state.platform) >= 0 ? state.platform : SEL.platforms[0];
    var python = SEL.pythons.indexOf(state.python) >= 0 ? state.python : SEL.any_python;
    var device = variant.devices.indexOf(state.device) >= 0 ? state.device : variant.devices[0];
    var menu = SEL.drivers[platform];
    var driver = SEL.no_driver;
    if (device === "gpu" && state.driver && state.driver !== SEL.no_driver) {
      if (menu.indexOf(state.driver) >= 0) {
        driver = state.driver;
      } else {
        // a driver the menu lacks: the nearest lower entry answers the same as plan would up to
        // the next floor; say so
        var lower = menu.filter(function (d) { return d !== SEL.no_driver && compareVersions(d, state.driver) <= 0; });
        if (lower.length) {
          driver = lower[0];
          notes.push("Driver " + state.driver + " is not in the menu: showing " + driver + ", the nearest lower entry.");
        }
      }
    }
    return { state: { variant: variant.id, platform: platform, python: python, device: device, driver: driver }, notes: notes };
  }
  function fromHash() {
    var parts = decodeURIComponent(location.hash.replace(/^#/, "")).split("/");
    return normalize({ variant: parts[0], platform: parts[1], python: parts[2], device: parts[3], driver: parts[4] });
  }
  function toHash(state) {
    var parts = [state.variant, state.platform, state.python, state.device];
    if (state.device === "gpu" && state.driver !== SEL.no_driver) { parts.push(state.driver); }
    return "#" + parts.join("/");
  }
  function lookup(state) {
    var entry = SEL.index[variantById(state.variant)][SEL.platforms.indexOf(state.platform)][SEL.pythons.indexOf(state.python)][DEVICES.indexOf(state.device)];
    if (Array.isArray(entry)) { entry = entry[SEL.drivers[state.platform].indexOf(state.driver)]; }
    return decode(SEL.answers[entry], state.driver);
  }
  function quote(word) { return /^[A-Za-z0-9_.\/:=+-]+$/.test(word) ? word : "'" + word.replace(/'/g, "'\"'\"'") + "'"; }
  function planCommand(state) {
    var variant = SEL.variants[variantById(state.variant)];
    var parts = ["envdoctor", "plan", quote(variant.spec), "--platform", state.platform];
    if (state.python !== SEL.any_python) { parts.push("--python", state.python); }
    parts.push("--" + state.device);
    if (state.driver !== SEL.no_driver) { parts.push("--driver", state.driver); }
    parts.push("--no-resolve");
    return parts.join(" ");
  }

  // ----- the form -----
  function fillForm() {
    var variant = $("variant");
    Object.keys(D.selector.frameworks).forEach(function (fw) {
      var group = el("optgroup", { label: D.selector.frameworks[fw] });
      SEL.variants.forEach(function (v) { if (v.framework === fw) { group.appendChild(el("option", { value: v.id, text: v.label })); } });
      variant.appendChild(group);
    });
    SEL.platforms.forEach(function (p) { $("platform").appendChild(el("option", { value: p, text: PLATFORM_LABELS[p] || p })); });
    SEL.pythons.forEach(function (p) {
      $("python").appendChild(el("option", { value: p, text: p === SEL.any_python ? "newest that fits" : p }));
    });
  }
  function fillDrivers(platform, selected) {
    var select = $("driver");
    clear(select);
    SEL.drivers[platform].forEach(function (d) {
      select.appendChild(el("option", { value: d, text: d === SEL.no_driver ? "not given" : d }));
    });
    select.value = selected;
  }
  function readForm() {
    var device = document.querySelector('input[name="device"]:checked');
    return normalize({ variant: $("variant").value, platform: $("platform").value, python: $("python").value,
      device: device ? device.value : "cpu", driver: $("driver").value }).state;
  }
  function showForm(state) {
    var variant = SEL.variants[variantById(state.variant)];
    $("variant").value = state.variant;
    $("platform").value = state.platform;
    $("python").value = state.python;
    DEVICES.forEach(function (d) {
      var input = $("device-" + d);
      input.disabled = variant.devices.indexOf(d) < 0;
      input.checked = state.device === d;
    });
    fillDrivers(state.platform, state.driver);
    $("driver").disabled = state.device !== "gpu" || SEL.drivers[state.platform].length < 2;
  }

  // ----- the answer -----
  function fillList(id, items, make) {
    var list = $(id);
    clear(list);
    items.forEach(function (item) { list.appendChild(make ? make(item) : el("li", { text: item })); });
  }
  function showAnswer(state, a) {
    var status = $("answer-status");
    status.textContent = a.feasible ? "fits" : "nothing fits";
    status.className = "status " + (a.feasible ? "ok" : "bad");
    $("answer-title").textContent = a.feasible && a.framework ? a.framework.requirement : SEL.variants[variantById(state.variant)].label;
    $("answer-python").textContent = a.python || "–";
    var cuda = $("answer-cuda");
    clear(cuda);
    cuda.appendChild(document.createTextNode(a.cuda ? a.cuda + (a.gpuPackage ? " (" + a.gpuPackage + ")" : "") : (a.gpu ? "–" : "CPU build")));
    if (a.cuda && a.buildSource) { cuda.appendChild(sourceLink(a.buildSource)); }
    $("answer-cudnn").textContent = a.cudnn || "–";
    var driver = $("answer-driver");
    clear(driver);
    if (a.driver) {
      driver.appendChild(el("span", { id: "answer-driver-need", text: ">= " + a.driver.need }));
      var parts = [];
      if (a.driver.toolkit) { parts.push("toolkit driver " + a.driver.toolkit + " for every feature"); }
      if (a.driver.minor) { parts.push("minor-version compatibility from " + a.driver.minor); }
      if (parts.length) { driver.appendChild(document.createTextNode(" (" + parts.join("; ") + ")")); }
      driver.appendChild(sourceLink(a.driver.source, "NVIDIA"));
    } else {
      driver.textContent = a.gpu ? "–" : "not needed";
    }
    $("answer-facts").hidden = !a.feasible;
    $("answer-caps-box").hidden = !a.feasible || !a.caps.length;
    fillList("answer-caps", a.caps, function (c) {
      return el("li", null, [el("code", { text: c.requirement }), " " + c.reason, sourceLink(c.source)]);
    });
    $("answer-commands-box").hidden = !a.feasible;
    ["pip", "uv", "conda"].forEach(function (kind) { $("cmd-" + kind).textContent = a.commands[kind].join("\n"); });
    $("tab-conda").disabled = !a.commands.conda.length;
    $("answer-proof-box").hidden = a.feasible;
    fillList("answer-proof", a.proof);
    fillList("answer-alternatives", a.alternatives);
    fillList("answer-reasons", a.reasons);
    $("answer-why").hidden = !a.reasons.length;
    $("answer-plan").textContent = planCommand(state);
  }

  var current = null;
  function apply(result, push) {
    current = result.state;
    showForm(current);
    var notice = $("notice");
    notice.hidden = !result.notes.length;
    notice.textContent = result.notes.join(" ");
    showAnswer(current, lookup(current));
    var hash = toHash(current);
    if (push && location.hash !== hash) { history.replaceState(null, "", hash); }
    document.documentElement.setAttribute("data-state", hash.slice(1));
    // the matrices come after the answer is painted: the answer is what the first render is for
    var framework = SEL.variants[variantById(current.variant)].framework, platform = current.platform;
    setTimeout(function () { showMatrices(framework, platform); }, 0);
  }

  // ----- installer tabs and copy -----
  function selectTab(kind) {
    ["pip", "uv", "conda"].forEach(function (k) {
      var on = k === kind;
      $("tab-" + k).setAttribute("aria-selected", on ? "true" : "false");
      $("tab-" + k).tabIndex = on ? 0 : -1;
      $("cmd-" + k).hidden = !on;
    });
  }
  function tabKeys(container, onSelect) {
    container.addEventListener("keydown", function (ev) {
      if (ev.key !== "ArrowRight" && ev.key !== "ArrowLeft") { return; }
      var tabs = Array.prototype.filter.call(container.querySelectorAll('[role="tab"]'), function (t) { return !t.disabled; });
      var i = tabs.indexOf(document.activeElement);
      if (i < 0) { return; }
      var next = tabs[(i + (ev.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
      next.focus();
      onSelect(next);
      ev.preventDefault();
    });
  }

  // ----- matrices -----
  var matrixShown = "";
  function table(headers, rows) {
    var head = el("tr", null, headers.map(function (h) { return el("th", { scope: "col", text: h }); }));
    var body = el("tbody", null, rows);
    return el("div", { "class": "matrix-wrap", tabindex: "0" }, [el("table", null, [el("thead", null, [head]), body])]);
  }
  function cell(text, url, title) {
    var td = el("td", { "class": "wrap" });
    if (!text) { td.textContent = "–"; return td; }
    td.appendChild(url ? el("a", { href: url, title: title || text, rel: "noopener", text: text }) : document.createTextNode(text));
    return td;
  }
  function pypi(pkg, version) { return "https://pypi.org/project/" + pkg + "/" + version + "/#files"; }
  function wheelTable(m, platform) {
    var pi = SEL.platforms.indexOf(platform);
    var rows = m.wheels.map(function (row) {
      var version = str(row[0]);
      var th = el("th", { scope: "row", "class": row[1] ? "yanked" : null, text: version + (row[1] ? " (yanked)" : "") });
      var cells = row[2][pi].map(function (c, j) {
        var py = m.pythons[j];
        var kind = Array.isArray(c) ? "stub" : (c === 1 ? "wheel" : "missing");
        var target = Array.isArray(c) ? str(c[1]) : "";
        var label = kind === "wheel" ? "wheel" : (kind === "stub" ? "stub wheel: installs " + target : "no wheel");
        var td = el("td", { "class": "c " + kind });
        td.appendChild(el("a", { href: pypi(m.package, version), title: m.package + " " + version + ", Python " + py + ", " + platform + ": " + label,
          "aria-label": "Python " + py + ": " + label, text: kind === "wheel" ? "●" : (kind === "stub" ? "↪" : "·") }));
        return td;
      });
      return el("tr", null, [th].concat(cells));
    });
    return table([m.package].concat(m.pythons), rows);
  }
  function showMatrices(framework, platform) {
    var key = framework + "/" + platform;
    if (key === matrixShown) { return; }
    matrixShown = key;
    var tabs = $("matrix-tabs");
    Array.prototype.forEach.call(tabs.children, function (t) {
      var on = t.getAttribute("data-framework") === framework;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
    });
    var body = $("matrix-body");
    clear(body);
    var m = D.matrices[framework];
    var label = D.selector.frameworks[framework];
    body.appendChild(el("h3", { id: "matrix-wheels", text: label + ": releases × Python on " + (PLATFORM_LABELS[platform] || platform) }));
    var pick = el("select", { id: "matrix-platform", "aria-label": "Platform of the wheel matrix" });
    SEL.platforms.forEach(function (p) { pick.appendChild(el("option", { value: p, text: PLATFORM_LABELS[p] || p })); });
    pick.value = platform;
    pick.addEventListener("change", function () { matrixShown = ""; showMatrices(framework, pick.value); $("matrix-platform").focus(); });
    body.appendChild(el("p", { "class": "legend" }, [pick, " ● wheel · ↪ stub wheel that installs another package · · none (each links to the release's files on PyPI)"]));
    body.appendChild(wheelTable(m, platform));
    body.appendChild(el("h3", { id: "matrix-builds", text: label + ": releases × CUDA / cuDNN" }));
    body.appendChild(table(["package", "version", "CUDA", "cuDNN", "compute capabilities", "toolkit driver (Linux)", "minor-compat driver", "toolkit driver (Windows)", "source"],
      m.builds.map(function (b) {
        var src = str(b[8]) || "";
        return el("tr", null, [el("th", { scope: "row", text: str(b[0]) }), cell(str(b[1]), pypi(str(b[0]), str(b[1]))),
          cell(str(b[2]), firstUrl(src) || pypi(str(b[0]), str(b[1])), src), cell(str(b[3]), firstUrl(src) || pypi(str(b[0]), str(b[1])), src),
          cell(str(b[4])), cell(str(b[5]), firstUrl(str(m.driver_source)), str(m.driver_source)), cell(str(b[6])), cell(str(b[7]), firstUrl(str(m.driver_source)), str(m.driver_source)),
          cell(src, firstUrl(src) || pypi(str(b[0]), str(b[1])), src)]);
      })));
    body.appendChild(el("h3", { id: "matrix-drivers", text: label + ": CUDA → NVIDIA driver" }));
    var driverSource = str(m.driver_source);
    body.appendChild(table(["CUDA", "Linux x86_64", "Windows x86_64", "used by"], m.drivers.map(function (r) {
      var cuda = str(r[0]) + (str(r[3]) ? " " + str(r[3]) : "");
      return el("tr", null, [el("th", { scope: "row", text: cuda }), cell(str(r[1]), firstUrl(driverSource), driverSource),
        cell(str(r[2]) || "N/A", firstUrl(driverSource), driverSource), cell(r[4].map(str).join(", "))]);
    }).concat(m.minor_compat.map(function (r) {
      var src = str(r[3]);
      return el("tr", null, [el("th", { scope: "row", text: str(r[0]) + ".x minor-version compatibility" }), cell(str(r[1]), firstUrl(src), src), cell(str(r[2]), firstUrl(src), src), cell("any " + str(r[0]) + ".x build")]);
    }))));
    body.appendChild(el("p", { "class": "legend", text: str(m.driver_note) }));
    body.appendChild(el("h3", { id: "matrix-numpy", text: label + ": NumPy ABI and the caps metadata lacks" }));
    body.appendChild(table(["releases", "built against", "platforms", "source"], m.numpy.map(function (r) {
      var src = str(r[3]);
      return el("tr", null, [el("th", { scope: "row", text: str(r[0]) }), cell("NumPy " + str(r[1]) + ".x", firstUrl(src), src), cell(r[2].map(str).join(", ") || "all"), cell(src, firstUrl(src), src)]);
    }).concat(m.caps.map(function (r) {
      var src = str(r[3]);
      return el("tr", null, [el("th", { scope: "row", text: str(r[0]) }), cell("needs " + str(r[1]), firstUrl(src), str(r[2])), cell("all"), cell(src, firstUrl(src), src)]);
    }))));
  }

  // ----- theme -----
  function setTheme(theme) {
    if (theme) { document.documentElement.setAttribute("data-theme", theme); } else { document.documentElement.removeAttribute("data-theme"); }
    var dark = theme ? theme === "dark" : window.matchMedia("(prefers-color-scheme: dark)").matches;
    $("theme").textContent = dark ? "Light" : "Dark";
    $("theme").setAttribute("aria-pressed", dark ? "true" : "false");
  }

  function start() {
    fillForm();
    Object.keys(D.matrices).forEach(function (fw) {
      var tab = el("button", { type: "button", role: "tab", "data-framework": fw, "aria-selected": "false", text: D.selector.frameworks[fw] });
      tab.addEventListener("click", function () { matrixShown = ""; showMatrices(fw, current.platform); });
      $("matrix-tabs").appendChild(tab);
    });
    tabKeys($("matrix-tabs"), function (t) { t.click(); });
    ["variant", "platform", "python", "driver"].forEach(function (id) {
      $(id).addEventListener("change", function () { apply({ state: readForm(), notes: [] }, true); });
    });
    DEVICES.forEach(function (d) { $("device-" + d).addEventListener("change", function () { apply({ state: readForm(), notes: [] }, true); }); });
    ["pip", "uv", "conda"].forEach(function (k) { $("tab-" + k).addEventListener("click", function () { selectTab(k); }); });
    tabKeys(document.querySelector("#answer-commands-box .tabs"), function (t) { t.click(); });
    $("copy").addEventListener("click", function () {
      var shown = document.querySelector('#answer-commands-box pre:not([hidden])');
      if (shown && navigator.clipboard) { navigator.clipboard.writeText(shown.textContent).then(function () { $("copy").textContent = "Copied"; }, function () {}); }
    });
    $("theme").addEventListener("click", function () {
      var dark = $("theme").getAttribute("aria-pressed") === "true";
      setTheme(dark ? "light" : "dark");
    });
    setTheme(null);
    window.addEventListener("hashchange", function () { apply(fromHash(), true); });
    apply(fromHash(), true);
    window.ENVDOCTOR_READY_MS = performance.now();  // the answer is in the DOM (bench/explorer.py)
    document.documentElement.setAttribute("data-ready", "1");
  }
  start();
})();
