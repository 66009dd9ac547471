// Live widgets in the static book: the chapter's own Python (widgets/) runs in the
// reader's browser with Pyodide, only after the reader presses «Start oppgaven».
//
// - Pyodide's core (npm `pyodide`) and the wheels (ipywidgets, traitlets, comm and
//   our kurs_widgets) come from this book's _static folder: nothing leaves the site.
// - One Python per page serves every widget on it. Until it is ready, the reader
//   sees the saved widgets; if a cell cannot run, its saved widget stays.
// - Python runs in a Web Worker (kurs-live-worker.js), so the page stays smooth;
//   its widgets talk to @jupyter-widgets/html-manager (already on the page as
//   embed-amd.js) in comm messages, through a small bridge (kurs_live.py in the wheel).
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
    var status = callbacks && callbacks.iopub && callbacks.iopub.status;
    this._bridge.deliver(this.comm_id, JSON.stringify({ data: data, metadata: metadata || {} }), id, status);
    return id;
  };
  PageComm.counter = 0;

  function fromPython(manager, comms, bridge) {
    return function (kind, commId, text) {
      var msg = JSON.parse(text);
      var parent = msg.parent ? { msg_id: msg.parent } : undefined;
      var content = { comm_id: commId, data: msg.data, target_name: msg.target_name };
      if (kind === "comm_open") {
        if (msg.target_name !== "jupyter.widget") return;
        var comm = new PageComm(commId, msg.target_name, bridge);
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

  // The worker's side of the bridge: answers go to Python in order, and the widget
  // model hears «idle» for each once Python has handled it (as from a kernel).
  function WorkerBridge(worker) {
    this._worker = worker;
    this._idle = {};
  }
  WorkerBridge.prototype.deliver = function (commId, text, msgId, status) {
    if (status) this._idle[msgId] = status;
    this._worker.postMessage({ type: "deliver", commId: commId, text: text, msgId: msgId });
  };
  WorkerBridge.prototype.idle = function (msgId) {
    var status = this._idle[msgId];
    delete this._idle[msgId];
    if (status) status({ content: { execution_state: "idle" }, parent_header: { msg_id: msgId } });
  };

  function absolute(url) {
    return new URL(url, document.baseURI).href;
  }

  async function startPython(data) {
    var t0 = performance.now();
    var hm = await amd("@jupyter-widgets/html-manager");
    var manager = new hm.HTMLManager();
    var comms = {};
    var worker = new Worker(STATIC + "kurs-live-worker.js", { type: "module" });
    var bridge = new WorkerBridge(worker);
    var onComm = fromPython(manager, comms, bridge);
    var results = await new Promise(function (resolve, reject) {
      worker.onmessage = function (event) {
        var m = event.data;
        if (m.type === "comm") onComm(m.kind, m.commId, m.text);
        else if (m.type === "idle") bridge.idle(m.msgId);
        else if (m.type === "mark") performance.mark(m.name);
        else if (m.type === "results") resolve(m.results);
        else if (m.type === "error") reject(new Error(m.message));
      };
      worker.onerror = function (event) { reject(new Error(event.message || "Python-arbeideren stoppet")); };
      worker.postMessage({
        type: "start",
        pyodide: absolute(STATIC + data.pyodide),
        wheels: absolute(STATIC + data.wheels),
        cells: data.cells,
      });
    });
    for (var i = 0; i < results.length; i++) {
      await showLive(manager, results[i]);
    }
    performance.measure("kurs-live-start", { start: t0 });
    return { worker: worker, manager: manager, results: results };
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
