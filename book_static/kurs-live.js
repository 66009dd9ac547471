// Live widgets in the static book: the chapter's own Python (widgets/) runs in the
// reader's browser with Pyodide, only after the reader presses «Start oppgaven».
//
// - Pyodide's core (npm `pyodide`) and the wheels (ipywidgets, traitlets, comm and
//   our kurs_widgets) come from this book's _static folder: nothing leaves the site.
// - One Python per page serves every widget on it. Until it is ready, the reader
//   sees the saved widgets; if a cell cannot run, its saved widget stays.
// - Python's widgets talk to @jupyter-widgets/html-manager (already on the page
//   as embed-amd.js) through a small comm bridge (kurs_live.py in the wheel).
// The page data (#kurs-live-data) is written by _ext/kurs.py.
(function () {
  "use strict";
  var me = document.currentScript;
  var STATIC = me && me.src ? me.src.replace(/kurs-live\.js.*$/, "") : "_static/";
  var TEXT = {
    starter: "Starter oppgaven. Første gang kan det ta noen sekunder …",
    klar: "Oppgaven er klar. Svarene dine blir regnet ut her i nettleseren, og ingenting sendes noe sted.",
    feil: "Oppgaven kunne ikke starte her. Du ser en lagret versjon av den.",
    ingenWasm: "Oppgaven kan ikke kjøres i denne nettleseren, fordi den mangler WebAssembly. " +
      "Du ser en lagret versjon av oppgaven, som ikke svarer på valgene dine.",
    celleFeil: "Denne oppgaven kunne ikke starte. Du ser en lagret versjon av den.",
  };
  var state = { started: null };

  function pageData() {
    var el = document.getElementById("kurs-live-data");
    return el ? JSON.parse(el.textContent) : null;
  }

  function controls() {
    return Array.prototype.slice.call(document.querySelectorAll(".kurs-live-start"));
  }

  function say(text, busy) {
    controls().forEach(function (box) {
      var status = box.querySelector(".kurs-live-status");
      if (status) status.textContent = text;
      box.setAttribute("aria-busy", busy ? "true" : "false");
    });
  }

  function wasmAvailable() {
    try {
      return typeof WebAssembly === "object" && typeof WebAssembly.instantiate === "function";
    } catch (e) {
      return false;
    }
  }

  function amd(name) {
    return new Promise(function (resolve, reject) {
      window.require([name], resolve, reject);
    });
  }

  // ---- the comm bridge: a comm in the page for each comm Python opens ----
  function PageComm(id, target, bridge) {
    this.comm_id = id;
    this.target_name = target;
    this._bridge = bridge;
    this._onMsg = null;
    this._onClose = null;
    this._queue = [];
  }
  PageComm.prototype.on_msg = function (cb) {
    this._onMsg = cb;
    var q = this._queue;
    this._queue = [];
    q.forEach(function (m) { cb(m); });
  };
  PageComm.prototype.on_close = function (cb) { this._onClose = cb; };
  PageComm.prototype.receive = function (msg) {
    if (this._onMsg) this._onMsg(msg);
    else this._queue.push(msg);
  };
  PageComm.prototype.open = function () { return ""; };
  PageComm.prototype.close = function () { return ""; };
  PageComm.prototype.send = function (data, callbacks, metadata) {
    var id = "kurs-" + (++PageComm.counter);
    var self = this;
    queueMicrotask(function () {
      try {
        self._bridge.deliver(self.comm_id, JSON.stringify({ data: data, metadata: metadata || {} }), id);
      } catch (err) {
        console.error("Python klarte ikke å ta imot svaret", err);
      }
      var status = callbacks && callbacks.iopub && callbacks.iopub.status;
      if (status) status({ content: { execution_state: "idle" }, parent_header: { msg_id: id } });
    });
    return id;
  };
  PageComm.counter = 0;

  function fromPython(manager, comms, bridgeRef) {
    return function (kind, commId, text) {
      var msg = JSON.parse(text);
      var parent = msg.parent ? { msg_id: msg.parent } : undefined;
      var content = { comm_id: commId, data: msg.data, target_name: msg.target_name };
      if (kind === "comm_open") {
        if (msg.target_name !== "jupyter.widget") return;
        var comm = new PageComm(commId, msg.target_name, bridgeRef.bridge);
        comms[commId] = comm;
        manager.handle_comm_open(comm, { content: content, metadata: msg.metadata, buffers: [] });
      } else if (kind === "comm_msg" && comms[commId]) {
        var c = comms[commId];
        queueMicrotask(function () {
          c.receive({ content: content, metadata: msg.metadata, buffers: [], parent_header: parent });
        });
      } else if (kind === "comm_close" && comms[commId]) {
        var closing = comms[commId];
        delete comms[commId];
        queueMicrotask(function () {
          if (closing._onClose) closing._onClose({ content: content });
        });
      }
    };
  }

  async function fetchWheel(url) {
    var res = await fetch(url);
    if (!res.ok) throw new Error("Fant ikke " + url + " (" + res.status + ")");
    return res.arrayBuffer();
  }

  async function startPython(data) {
    var t0 = performance.now();
    var pyodideBase = STATIC + data.pyodide;
    // The list is small and asked for each time, so a rebuilt book never runs stale code;
    // the wheels' names carry their version, so the browser may keep them.
    var listURL = STATIC + data.wheels;
    var wheelBase = listURL.replace(/[^/]*$/, "");
    var wheels = fetch(listURL, { cache: "no-cache" }).then(function (res) {
      if (!res.ok) throw new Error("Fant ikke " + listURL + " (" + res.status + ")");
      return res.json();
    }).then(function (list) {
      return Promise.all(list.wheels.map(function (w) { return fetchWheel(wheelBase + w); }));
    });
    wheels.catch(function () {});  // reported when awaited below
    var mod = await import(pyodideBase + "pyodide.mjs");
    performance.mark("kurs-live-loader");
    var py = await mod.loadPyodide({
      indexURL: pyodideBase,
      packageBaseUrl: pyodideBase,
      stdout: function () {},
      stderr: function (line) { console.warn(line); },
    });
    performance.mark("kurs-live-python");
    var buffers = await wheels;
    buffers.forEach(function (buf) { py.unpackArchive(buf, "wheel"); });
    var hm = await amd("@jupyter-widgets/html-manager");
    var manager = new hm.HTMLManager();
    var comms = {};
    var ref = { bridge: null };
    var bridge = py.pyimport("kurs_live");
    ref.bridge = bridge;
    bridge.start(fromPython(manager, comms, ref));
    performance.mark("kurs-live-wheels");
    var results = JSON.parse(bridge.run_cells(py.toPy(data.cells)));
    performance.mark("kurs-live-cells");
    for (var i = 0; i < results.length; i++) {
      await showLive(manager, results[i]);
    }
    performance.measure("kurs-live-start", { start: t0 });
    return { py: py, manager: manager, results: results };
  }

  async function showLive(manager, result) {
    var cell = document.querySelector(".kurs-celle-" + result.index);
    var out = cell && cell.querySelector(".cell_output");
    if (!out) return;
    if (result.feil) {
      console.error("Celle " + result.index + ": " + result.feil);
      var note = document.createElement("p");
      note.className = "kurs-live-feil";
      note.textContent = TEXT.celleFeil;
      out.insertBefore(note, out.firstChild);
      return;
    }
    var model = await manager.get_model(result.model_id);
    var view = await manager.create_view(model);
    var box = document.createElement("div");
    box.className = "kurs-live-widget";
    box.hidden = true;  // the saved widget stays in view until the live one is drawn
    out.insertBefore(box, out.firstChild);
    await manager.display_view(view, box);
    while (box.nextSibling) out.removeChild(box.nextSibling);
    box.hidden = false;
    out.classList.add("kurs-live-aktiv");
    // Feedback boxes (role="status") are replaced when the answer changes; a live
    // region that stays in place makes screen readers announce the new text.
    setTimeout(function () { box.setAttribute("aria-live", "polite"); }, 0);
  }

  function start() {
    if (state.started) return state.started;
    var data = pageData();
    controls().forEach(function (box) {
      var b = box.querySelector("button");
      if (b) b.disabled = true;
    });
    say(TEXT.starter, true);
    state.started = startPython(data).then(function (r) {
      say(TEXT.klar, false);
      controls().forEach(function (box) {
        var b = box.querySelector("button");
        if (b) b.hidden = true;
      });
      document.documentElement.setAttribute("data-kurs-live", "klar");
      return r;
    }, function (err) {
      console.error(err);
      say(TEXT.feil, false);
      document.documentElement.setAttribute("data-kurs-live", "feil");
      throw err;
    });
    return state.started;
  }

  function init() {
    if (!pageData()) return;
    if (!wasmAvailable()) {
      say(TEXT.ingenWasm, false);
      document.documentElement.setAttribute("data-kurs-live", "uten-wasm");
      return;
    }
    controls().forEach(function (box) {
      var b = box.querySelector("button");
      if (!b) return;
      b.hidden = false;
      b.addEventListener("click", function () { start().catch(function () {}); });
    });
  }

  window.kursLive = { start: start };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
