// Live widgets in the static book: the chapter's own Python (widgets/) runs in the
// reader's browser with Pyodide. The widgets become live when the reader presses
// «Start oppgaven»; Python may start a little earlier, when a widget comes near the view.
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
  // The page's own language: the nynorsk book (`_build/html/nn`) has <html lang="nn">.
  var TEXTS = {
    nb: {
      starter: "Starter oppgaven. Første gang kan det ta noen sekunder …",
      klar: "Oppgaven er klar. Svarene dine blir regnet ut her i nettleseren, og ingenting sendes noe sted.",
      feil: "Oppgaven kunne ikke starte her. Du ser en lagret versjon av den.",
      ingenWasm: "Oppgaven kan ikke kjøres i denne nettleseren, fordi den mangler WebAssembly. " +
        "Du ser en lagret versjon av oppgaven, som ikke svarer på valgene dine.",
      celleFeil: "Denne oppgaven kunne ikke starte. Du ser en lagret versjon av den.",
    },
    nn: {
      starter: "Startar oppgåva. Første gongen kan det ta nokre sekund …",
      klar: "Oppgåva er klar. Svara dine blir rekna ut her i nettlesaren, og ingenting blir sendt nokon stad.",
      feil: "Oppgåva kunne ikkje starte her. Du ser ein lagra versjon av henne.",
      ingenWasm: "Oppgåva kan ikkje køyrast i denne nettlesaren, fordi han manglar WebAssembly. " +
        "Du ser ein lagra versjon av oppgåva, som ikkje svarar på vala dine.",
      celleFeil: "Denne oppgåva kunne ikkje starte. Du ser ein lagra versjon av henne.",
    },
  };
  var LANG = (document.documentElement.lang || "nb").toLowerCase().split("-")[0];
  var TEXT = TEXTS[LANG === "nn" ? "nn" : "nb"];
  // Python starts in the background when a widget comes near the view (it never blocks
  // reading: it runs in the worker), so «Start» has less to wait for. A page may turn
  // this off with `window.kursLiveConfig = {forvarm: false}` (bench/pyodide.py does,
  // to measure «Start» alone).
  var CONFIG = Object.assign({ forvarm: true, margin: "600px" }, window.kursLiveConfig || {});
  var state = { started: null, python: null };

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

  // The worker and its Python: made once per page, by «Start» or by the prewarm.
  function python(data) {
    if (state.python) return state.python;
    var worker = new Worker(STATIC + "kurs-live-worker.js", { type: "module" });
    var handlers = { comm: null, idle: null, results: null, error: null };
    worker.onmessage = function (event) {
      var m = event.data;
      if (m.type === "comm" && handlers.comm) handlers.comm(m.kind, m.commId, m.text);
      else if (m.type === "idle" && handlers.idle) handlers.idle(m.msgId);
      else if (m.type === "mark") performance.mark(m.name);
      else if (m.type === "snapshot") document.documentElement.setAttribute("data-kurs-live-snapshot", m.how);
      else if (m.type === "kept") document.documentElement.setAttribute("data-kurs-live-kept", "ja");
      else if (m.type === "results" && handlers.results) handlers.results(m.results);
      else if (m.type === "error" && handlers.error) handlers.error(new Error(m.message));
    };
    worker.onerror = function (event) {
      if (handlers.error) handlers.error(new Error(event.message || "Python-arbeideren stoppet"));
    };
    worker.postMessage({
      type: "prepare",
      pyodide: absolute(STATIC + data.pyodide),
      wheels: absolute(STATIC + data.wheels),
    });
    performance.mark("kurs-live-prepare");
    state.python = { worker: worker, handlers: handlers };
    return state.python;
  }

  async function startPython(data) {
    var t0 = performance.now();
    var p = python(data);
    var hm = await amd("@jupyter-widgets/html-manager");
    performance.mark("kurs-live-manager");
    var manager = new hm.HTMLManager();
    var comms = {};
    var bridge = new WorkerBridge(p.worker);
    p.handlers.comm = fromPython(manager, comms, bridge);
    p.handlers.idle = function (msgId) { bridge.idle(msgId); };
    var results = await new Promise(function (resolve, reject) {
      p.handlers.results = resolve;
      p.handlers.error = reject;
      p.worker.postMessage({ type: "run", cells: data.cells, lang: LANG });
    });
    performance.mark("kurs-live-results");
    for (var i = 0; i < results.length; i++) {
      await showLive(manager, results[i]);
    }
    performance.measure("kurs-live-start", { start: t0 });
    return { worker: p.worker, manager: manager, results: results };
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

  function prewarm(data) {
    if (!CONFIG.forvarm || typeof IntersectionObserver !== "function") return;
    var cells = document.querySelectorAll(".kurs-live-start, [class*='kurs-celle-']");
    var seen = new IntersectionObserver(function (entries) {
      if (!entries.some(function (e) { return e.isIntersecting; })) return;
      seen.disconnect();
      python(data);
    }, { rootMargin: CONFIG.margin });
    Array.prototype.forEach.call(cells, function (el) { seen.observe(el); });
  }

  function init() {
    var data = pageData();
    if (!data) return;
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
    prewarm(data);
  }

  window.kursLive = { start: start };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
