// fmlint's HTML report: draws the page from the JSON in #fmlint-data.
// Every value from the data is inserted as text (textContent), never as
// markup. Only one page of files is in the DOM at a time.
(function () {
  "use strict";

  var FILES_PER_PAGE = 100;
  var FOLDERS_SHOWN = 12;

  var data = JSON.parse(document.getElementById("fmlint-data").textContent);

  // One flat list of findings, each knowing its file.
  var all = [];
  data.files.forEach(function (file, fileIndex) {
    file.findings.forEach(function (f) {
      f.file = fileIndex;
      f.path = file.path;
      f.haystack = (file.path + "\n" + f.rule + "\n" + f.message).toLowerCase();
      all.push(f);
    });
  });

  var state = { text: "", rule: "", severity: "", pages: 1, allFolders: false };

  function $(id) { return document.getElementById(id); }

  // el("div", {class: "x"}, child, "text", …)
  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === null || value === undefined || value === false) return;
        if (key === "class") node.className = value;
        else if (key === "text") node.textContent = value;
        else node.setAttribute(key, String(value));
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined) continue;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  // Text with its `code` spans drawn as code (without the backticks).
  function rich(text, attrs) {
    var node = el("span", attrs);
    String(text).split("`").forEach(function (part, i, parts) {
      if (i % 2 === 1 && i < parts.length - 1) node.appendChild(el("code", { text: part }));
      else node.appendChild(document.createTextNode(i % 2 === 1 ? "`" + part : part));
    });
    return node;
  }

  // A path with break opportunities after its slashes.
  function pathNode(path, cls) {
    var node = el("span", { class: cls });
    path.split("/").forEach(function (part, i) {
      if (i > 0) { node.appendChild(document.createTextNode("/")); node.appendChild(el("wbr")); }
      node.appendChild(document.createTextNode(part));
    });
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function fmt(n) { return n.toLocaleString("en-US"); }
  function plural(n, word) { return fmt(n) + " " + word + (n === 1 ? "" : "s"); }
  function folderOf(path) {
    var slash = path.lastIndexOf("/");
    return slash < 0 ? "." : path.slice(0, slash);
  }

  function matches(f, ignoreRule) {
    if (state.severity && f.severity !== state.severity) return false;
    if (!ignoreRule && state.rule && f.rule !== state.rule) return false;
    if (state.text && f.haystack.indexOf(state.text) < 0) return false;
    return true;
  }

  // ------------------------------------------------------------ totals
  function drawTotals() {
    var errors = 0, warnings = 0, safe = 0, unsafe = 0;
    all.forEach(function (f) {
      if (f.severity === "error") errors++; else warnings++;
      if (f.fix) { if (f.fix.applicability === "safe") safe++; else unsafe++; }
    });
    $("total-errors").textContent = fmt(errors);
    $("total-warnings").textContent = fmt(warnings);
    $("total-files").textContent = fmt(data.files.length);
    $("files-checked").textContent = fmt(data.files_checked);
    $("fixable-safe").textContent = fmt(safe);
    $("fixable-unsafe").textContent = fmt(unsafe);
    $("all-count").textContent = fmt(all.length);
    if (data.corpus) $("corpus").textContent = "· " + data.corpus;
    $("version").textContent = "fmlint " + data.version;
    $("footer-version").textContent = "fmlint " + data.version;
    document.title = "fmlint report" + (data.corpus ? " · " + data.corpus : "") +
      " · " + plural(errors, "error") + ", " + plural(warnings, "warning");
    var notes = [];
    if (data.suppressed) notes.push(plural(data.suppressed, "finding") + " suppressed inline");
    if (data.baseline_hidden !== null && data.baseline_hidden !== undefined) {
      notes.push(plural(data.baseline_hidden, "finding") + " hidden by the baseline");
    }
    $("run-notes").textContent = notes.length ? notes.join(" · ") + "." : "";
    data.errors.forEach(function (e) { $("run-errors").appendChild(el("li", { text: e })); });
  }

  // ------------------------------------------------------------ rules
  function ruleOptions() {
    var select = $("filter-rule");
    Object.keys(data.rules).sort().forEach(function (rule) {
      select.appendChild(el("option", { value: rule, text: rule }));
    });
  }

  function drawRules() {
    var counts = {};
    Object.keys(data.rules).forEach(function (r) { counts[r] = { e: 0, w: 0, all: 0 }; });
    all.forEach(function (f) { counts[f.rule].all++; });
    all.forEach(function (f) {
      if (!matches(f, true)) return;
      if (f.severity === "error") counts[f.rule].e++; else counts[f.rule].w++;
    });
    var rows = Object.keys(counts).sort(function (a, b) {
      return (counts[b].all - counts[a].all) || (a < b ? -1 : a > b ? 1 : 0);
    });
    var max = rows.reduce(function (m, r) { return Math.max(m, counts[r].all); }, 1);
    var body = $("rules").tBodies[0];
    clear(body);
    rows.forEach(function (rule) {
      var c = counts[rule], shown = c.e + c.w;
      var bar = el("div", { class: "bar" },
        el("span", { class: "e", style: "width:" + (100 * c.e / max) + "%" }),
        el("span", { class: "w", style: "width:" + (100 * c.w / max) + "%" }));
      var row = el("tr", {
        class: "rule-row" + (state.rule === rule ? " selected" : ""),
        "data-rule": rule, title: data.rules[rule].summary || rule
      },
        el("td", { class: "rule-name", text: rule }),
        el("td", { class: "bar-cell" }, bar),
        el("td", { class: "rule-count", "data-count": shown, text: fmt(shown) }));
      row.addEventListener("click", function () {
        state.rule = state.rule === rule ? "" : rule;
        $("filter-rule").value = state.rule;
        update();
      });
      body.appendChild(row);
    });
  }

  // ------------------------------------------------------------ folders
  function drawFolders() {
    var folders = {};
    all.forEach(function (f) {
      if (!matches(f, false)) return;
      var name = folderOf(f.path);
      var folder = folders[name] || (folders[name] = { name: name, files: {}, findings: 0, rules: {} });
      folder.files[f.file] = true;
      folder.findings++;
      folder.rules[f.rule] = (folder.rules[f.rule] || 0) + 1;
    });
    var rows = Object.keys(folders).map(function (k) { return folders[k]; });
    rows.sort(function (a, b) {
      return (b.findings - a.findings) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    });
    var body = $("folders").tBodies[0];
    clear(body);
    var shown = state.allFolders ? rows : rows.slice(0, FOLDERS_SHOWN);
    shown.forEach(function (folder) {
      var top = Object.keys(folder.rules).sort(function (a, b) {
        return (folder.rules[b] - folder.rules[a]) || (a < b ? -1 : 1);
      }).slice(0, 3).map(function (r) { return r + " " + folder.rules[r]; }).join(", ");
      var row = el("tr", { class: "folder-row", "data-folder": folder.name },
        el("td", null, pathNode(folder.name, "folder-name")),
        el("td", { class: "n", text: fmt(Object.keys(folder.files).length) }),
        el("td", { class: "n", text: fmt(folder.findings) }),
        el("td", { class: "top-rules", text: top }));
      row.addEventListener("click", function () {
        $("filter-text").value = folder.name === "." ? "" : folder.name + "/";
        state.text = $("filter-text").value.toLowerCase();
        update();
      });
      body.appendChild(row);
    });
    var more = $("folders-more");
    more.hidden = rows.length <= FOLDERS_SHOWN;
    more.textContent = state.allFolders ? "Show the top " + FOLDERS_SHOWN + " folders"
      : "Show all " + fmt(rows.length) + " folders";
  }

  // ------------------------------------------------------------ findings
  // The characters of a line (code points: columns count them).
  function chars(text) { return Array.from(text); }

  function snippetLine(file, f, n) {
    var text = file.lines[n];
    if (text === undefined) return null;
    var line = el("div", { class: "ln" + (n >= f.line && n <= f.end_line ? " hit" : "") },
      el("span", { class: "gutter", text: String(n) }));
    var src = el("span", { class: "src" });
    if (n < f.line || n > f.end_line) {
      src.textContent = text;
    } else {
      var cs = chars(text);
      var from = n === f.line ? f.column - 1 : 0;
      var to = n === f.end_line ? f.end_column - 1 : cs.length;
      from = Math.min(from, cs.length); to = Math.max(from, Math.min(to, cs.length));
      src.appendChild(document.createTextNode(cs.slice(0, from).join("")));
      if (to > from) src.appendChild(el("mark", { text: cs.slice(from, to).join("") }));
      else if (f.line === f.end_line) src.appendChild(el("span", { class: "caret" }));
      src.appendChild(document.createTextNode(cs.slice(to).join("")));
    }
    line.appendChild(src);
    return line;
  }

  function snippet(file, f) {
    if (!f.snippet) return null;
    var box = el("pre", { class: "snippet" });
    var lastHit = Math.min(f.end_line, f.snippet[1]);
    for (var n = f.snippet[0]; n <= f.snippet[1]; n++) {
      var line = snippetLine(file, f, n);
      if (line) box.appendChild(line);
      if (n === lastHit && f.label && f.label !== f.message) {
        var pad = n === f.line ? " ".repeat(Math.max(0, f.column - 1)) : "";
        box.appendChild(el("div", { class: "label", text: pad + "└ " + f.label }));
      }
    }
    return box;
  }

  function fixBox(fix) {
    var body = el("pre");
    if (fix.diff) {
      fix.diff.forEach(function (d) {
        body.appendChild(el("span", { class: "d " + (d[0] === "-" ? "del" : "add"), text: d[0] + " " + d[1] }));
      });
    } else {
      (fix.replacements || []).forEach(function (r) {
        body.appendChild(el("span", { class: "d add", text: "+ " + r }));
      });
    }
    return el("div", { class: "fixbox" },
      el("div", { class: "fix-head" },
        el("b", { text: fix.applicability === "safe" ? "Fix" : "Unsafe fix" }),
        rich(fix.message),
        el("span", { class: "pill " + fix.applicability,
          text: fix.applicability === "safe" ? "--fix" : "--fix --unsafe-fixes" })),
      body);
  }

  function findingNode(file, f) {
    var node = el("article", {
      class: "finding " + f.severity, "data-path": file.path, "data-line": f.line,
      "data-column": f.column, "data-rule": f.rule, "data-severity": f.severity,
      "data-message": f.message
    },
      el("div", { class: "finding-head" },
        el("span", { class: "sev " + f.severity, text: f.severity }),
        rich(f.message, { class: "message" }),
        el("span", { class: "rule", title: (data.rules[f.rule] || {}).summary || "", text: f.rule }),
        el("span", { class: "loc", title: file.path + ":" + f.line + ":" + f.column, text: f.line + ":" + f.column })),
      snippet(file, f));
    if (f.help) node.appendChild(el("p", { class: "help" }, el("b", { text: "help: " }), rich(f.help)));
    if (f.related.length) {
      var list = el("ul", { class: "related" });
      f.related.forEach(function (r) {
        list.appendChild(el("li", null, el("span", { class: "loc", text: r.path + ":" + r.line + ":" + r.column }), " ", rich(r.message)));
      });
      node.appendChild(list);
    }
    if (f.fix) node.appendChild(fixBox(f.fix));
    return node;
  }

  function fileNode(file, findings) {
    var errors = 0, warnings = 0;
    findings.forEach(function (f) { if (f.severity === "error") errors++; else warnings++; });
    var counts = el("span", { class: "counts" });
    if (errors) counts.appendChild(el("span", { class: "pill error", text: plural(errors, "error") }));
    if (warnings) counts.appendChild(el("span", { class: "pill warning", text: plural(warnings, "warning") }));
    var details = el("details", { class: "file", open: "", "data-path": file.path },
      el("summary", null, pathNode(file.path, "path"), counts));
    findings.forEach(function (f) { details.appendChild(findingNode(file, f)); });
    return details;
  }

  function drawFindings() {
    var byFile = [], visible = 0;
    var current = null;
    all.forEach(function (f) {
      if (!matches(f, false)) return;
      visible++;
      if (!current || current.index !== f.file) {
        current = { index: f.file, findings: [] };
        byFile.push(current);
      }
      current.findings.push(f);
    });
    $("visible-count").textContent = fmt(visible);
    $("visible-files").textContent = fmt(byFile.length);
    var box = $("findings");
    clear(box);
    var limit = state.pages * FILES_PER_PAGE;
    byFile.slice(0, limit).forEach(function (group) {
      box.appendChild(fileNode(data.files[group.index], group.findings));
    });
    var more = $("findings-more");
    more.hidden = byFile.length <= limit;
    more.textContent = "Show " + fmt(Math.min(FILES_PER_PAGE, byFile.length - limit)) +
      " more files (" + fmt(byFile.length - limit) + " not shown)";
    $("empty").hidden = visible !== 0;
  }

  function update() {
    state.pages = 1;
    drawRules();
    drawFolders();
    drawFindings();
  }

  // ------------------------------------------------------------ wiring
  var typing = null;
  $("filter-text").addEventListener("input", function () {
    clearTimeout(typing);
    typing = setTimeout(function () {
      state.text = $("filter-text").value.trim().toLowerCase();
      update();
    }, all.length > 2000 ? 150 : 0);
  });
  $("filter-rule").addEventListener("change", function () { state.rule = this.value; update(); });
  $("filter-severity").addEventListener("change", function () { state.severity = this.value; update(); });
  $("filter-clear").addEventListener("click", function () {
    $("filter-text").value = ""; $("filter-rule").value = ""; $("filter-severity").value = "";
    state.text = ""; state.rule = ""; state.severity = "";
    update();
  });
  $("folders-more").addEventListener("click", function () { state.allFolders = !state.allFolders; drawFolders(); });
  $("findings-more").addEventListener("click", function () { state.pages++; drawFindings(); });

  // `/` jumps to the filter box (as on GitHub); Escape there clears it.
  document.addEventListener("keydown", function (event) {
    var box = $("filter-text");
    if (event.key === "/" && document.activeElement !== box && !/^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName)) {
      event.preventDefault();
      box.focus();
      box.select();
    } else if (event.key === "Escape" && document.activeElement === box && box.value) {
      box.value = "";
      state.text = "";
      update();
    }
  });

  drawTotals();
  ruleOptions();
  update();
  document.body.setAttribute("data-ready", "true");
})();
