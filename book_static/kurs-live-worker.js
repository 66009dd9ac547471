// The Python of a book page, in a Web Worker so that the page stays smooth while
// Pyodide starts and while answers are computed. Started by kurs-live.js, which
// owns the widget views; the two talk in comm messages (see kurs_live.py).
//
// Messages in:  {type: "prepare", pyodide, wheels}       (URLs are absolute; start Python)
//               {type: "run", cells, lang}               (the reader pressed «Start»; lang: <html lang>)
//               {type: "deliver", commId, text, msgId}   (a reader's answer)
// Messages out: {type: "comm", kind, commId, text}       (Python's widget messages)
//               {type: "idle", msgId}                     (an answer is handled)
//               {type: "mark", name}, {type: "snapshot", how},
//               {type: "results", results}, {type: "error", message}
//
// Start-up time goes almost all to starting the interpreter and importing ipywidgets
// and our widgets (bench/pyodide.py). So once that is done on one page, the worker keeps
// a memory snapshot of Python (Pyodide's `_makeSnapshot`), taken before any page object
// reaches Python, in the browser's Cache Storage for this site. The next chapter restores
// it instead of starting again. Its key names the Pyodide and every wheel (their file
// names carry a version or a hash of the code), so a rebuilt book never restores stale
// code; a snapshot that cannot be used is deleted, and Python starts the usual way.
"use strict";
const SNAPSHOT_CACHE = "kurs-live-python";
let bridge = null;
let prepared = null;
let keep = () => {};  // stores the memory snapshot (see prepare)

function mark(name) {
  postMessage({ type: "mark", name });
}

async function fetchWheel(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error("Fant ikke " + url + " (" + res.status + ")");
  return res.arrayBuffer();
}

async function wheelList(listURL) {
  // The list is small and asked for each time, so a rebuilt book never runs stale code;
  // the wheels' names carry their version, so the browser may keep them.
  const res = await fetch(listURL, { cache: "no-cache" });
  if (!res.ok) throw new Error("Fant ikke " + listURL + " (" + res.status + ")");
  const text = await res.text();
  const base = listURL.replace(/[^/]*$/, "");
  const listing = JSON.parse(text);
  // The standard library with bytecode for what a page imports (tools/pyodide_compile.mjs).
  const stdlib = listing.stdlib ? { stdLibURL: base + listing.stdlib } : {};
  return { text, stdlib, names: listing.wheels, wheels: Promise.all(listing.wheels.map((w) => fetchWheel(base + w))) };
}

// ---- the memory snapshot in Cache Storage (only in a secure context: https or localhost) ----
async function snapshotCache() {
  try {
    return self.caches ? await caches.open(SNAPSHOT_CACHE) : null;
  } catch (e) {
    return null;  // e.g. storage turned off by the reader
  }
}

async function readSnapshot(key) {
  const cache = await snapshotCache();
  const hit = cache && await cache.match(key).catch(() => undefined);
  return hit ? new Uint8Array(await hit.arrayBuffer()) : null;
}

async function storeSnapshot(key, bytes) {
  const cache = await snapshotCache();
  if (!cache) return;
  try {
    for (const old of await cache.keys()) await cache.delete(old);  // one Python per site is enough
    await cache.put(key, new Response(bytes, { headers: { "Content-Type": "application/octet-stream" } }));
  } catch (e) {
    console.warn("Kunne ikke lagre Python til neste side", e);  // full disk: the next page starts as usual
  }
}

async function forgetSnapshot(key) {
  const cache = await snapshotCache();
  if (cache) await cache.delete(key).catch(() => {});
}

function options(base, extra) {
  return Object.assign({
    indexURL: base,
    packageBaseUrl: base,
    stdout: () => {},
    stderr: (line) => console.warn(line),
  }, extra);
}

async function prepare(msg) {
  const list = wheelList(msg.wheels);
  list.then((l) => l.wheels.catch(() => {}), () => {});  // reported when awaited below
  const { loadPyodide, version } = await import(msg.pyodide + "pyodide.mjs");
  mark("kurs-live-loader");
  const listing = await list;
  const key = new URL("kurs-live-python-" + version + "?" + encodeURIComponent(msg.pyodide + "|" + listing.text),
    msg.wheels).href;
  const saved = await readSnapshot(key);
  if (saved) mark("kurs-live-snapshot-read");
  let py = null;
  if (saved) {
    try {
      py = await loadPyodide(options(msg.pyodide, Object.assign({ _loadSnapshot: saved }, listing.stdlib)));
      postMessage({ type: "snapshot", how: "brukt" });
    } catch (err) {
      console.warn("Lagret Python kunne ikke brukes; starter på vanlig måte", err);
      await forgetSnapshot(key);
    }
  }
  const fresh = !py;
  if (fresh) py = await loadPyodide(options(msg.pyodide, Object.assign({ _makeSnapshot: !!self.caches }, listing.stdlib)));
  mark("kurs-live-python");
  // A restored Python has every module imported already: it needs the files now only for
  // our own wheel (the widgets' data files, such as translations). The other wheels are
  // unpacked right after the cells have run, before any answer is handled.
  const buffers = await listing.wheels;
  const later = [];
  buffers.forEach((buf, i) => {
    if (fresh || /(^|\/)kurs_widgets-/.test(listing.names[i])) py.unpackArchive(buf, "wheel");
    else later.push(buf);
  });
  mark("kurs-live-wheels");
  const kurs = py.pyimport("kurs_live");
  kurs.prepare().destroy();
  mark("kurs-live-imports");
  if (fresh && self.caches) {
    try {
      const bytes = py.makeMemorySnapshot();
      mark("kurs-live-snapshot-made");
      postMessage({ type: "snapshot", how: "laget" });
      // Stored once the cells have run (or soon, if the reader has not pressed «Start»),
      // so that writing 30 MB never delays the widgets.
      let stored = false;
      keep = () => {
        if (stored) return;
        stored = true;
        storeSnapshot(key, bytes);
      };
      setTimeout(keep, 10_000);
    } catch (err) {
      console.warn("Kunne ikke ta vare på Python til neste side", err);
    }
  }
  return { py, kurs, later };
}

async function run(msg) {
  const { py, kurs, later } = await prepared;
  if (!bridge) {
    bridge = kurs;
    bridge.start((kind, commId, text) => postMessage({ type: "comm", kind, commId, text }));
  }
  const cells = py.toPy(msg.cells);
  const results = JSON.parse(bridge.run_cells(cells, msg.lang || ""));
  cells.destroy();
  mark("kurs-live-cells");
  postMessage({ type: "results", results });
  while (later.length) py.unpackArchive(later.shift(), "wheel");
  keep();
}

function report(err) {
  postMessage({ type: "error", message: String(err && err.stack || err) });
}

self.onmessage = (event) => {
  const msg = event.data;
  if (msg.type === "prepare") {
    if (!prepared) {
      prepared = prepare(msg);
      prepared.catch(() => {});  // reported by «run», when the reader has asked for the widget
    }
  } else if (msg.type === "run") {
    run(msg).catch(report);
  } else if (msg.type === "deliver" && bridge) {
    try {
      bridge.deliver(msg.commId, msg.text, msg.msgId);
    } catch (err) {
      console.error("Python klarte ikke å ta imot svaret", err);
    }
    postMessage({ type: "idle", msgId: msg.msgId });
  }
};
