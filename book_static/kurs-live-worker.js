// The Python of a book page, in a Web Worker so that the page stays smooth while
// Pyodide starts and while answers are computed. Started by kurs-live.js, which
// owns the widget views; the two talk in comm messages (see kurs_live.py).
//
// Messages in:  {type: "prepare", pyodide, wheels}       (URLs are absolute; start Python)
//               {type: "run", cells, lang}               (the reader pressed «Start»; lang: <html lang>)
//               {type: "deliver", commId, text, msgId}   (a reader's answer)
// Messages out: {type: "comm", kind, commId, text}       (Python's widget messages)
//               {type: "idle", msgId}                     (an answer is handled)
//               {type: "mark", name}, {type: "snapshot", how}, {type: "kept"},
//               {type: "results", results}, {type: "error", message}
//
// Start-up time goes almost all to starting the interpreter and importing ipywidgets
// and our widgets, and much of that is V8 compiling the parts of Pyodide's WebAssembly
// that run (bench/pyodide.py). So Python is not started here but restored from a memory
// snapshot (Pyodide's `_loadSnapshot`), taken right after those imports and before any
// page object reaches Python:
// - the first page restores the one the book build made (tools/pyodide_compile.mjs),
//   shipped gzipped next to the wheels;
// - it then keeps it unpacked, with Pyodide's unpacked WebAssembly, in the browser's
//   Cache Storage for this site, so the next chapter unpacks nothing.
// Its key names the Pyodide and every wheel (their file names carry a version or a hash
// of the code), so a rebuilt book never restores stale code. A snapshot that cannot be
// used is dropped, and Python starts the usual way; then it makes a snapshot itself
// (`_makeSnapshot`) and keeps that for the next chapter.
"use strict";
const SNAPSHOT_CACHE = "kurs-live-python";
let bridge = null;
let prepared = null;
let keep = () => {};  // stores the memory snapshot (see prepare)

function mark(name) {
  postMessage({ type: "mark", name });
}

// Marks for the phases inside loadPyodide (bench/pyodide.py): when the WebAssembly module
// is compiled and instantiated, and how (streamed from the response, or from bytes).
for (const how of ["instantiateStreaming", "instantiate"]) {
  const original = WebAssembly[how];
  if (typeof original !== "function") continue;
  WebAssembly[how] = function (...args) {
    const big = how === "instantiateStreaming" || (args[0] && args[0].byteLength > 1e6);
    const result = original.apply(this, args);
    if (big) result.then(() => mark("kurs-live-wasm-" + how), () => {});
    return result;
  };
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
  // Python as the book build left it, and Pyodide's WebAssembly, both gzipped (see below).
  const snapshot = listing.snapshot && base + listing.snapshot;
  const wasm = listing.wasm && base + listing.wasm;
  return { text, stdlib, snapshot, wasm, names: listing.wheels,
    wheels: Promise.all(listing.wheels.map((w) => fetchWheel(base + w))) };
}

// ---- the memory snapshot in Cache Storage (only in a secure context: https or localhost) ----
async function snapshotCache() {
  try {
    return self.caches ? await caches.open(SNAPSHOT_CACHE) : null;
  } catch (e) {
    return null;  // e.g. storage turned off by the reader
  }
}

async function hasSnapshot(key) {
  const cache = await snapshotCache();
  return !!(cache && await cache.match(key).catch(() => undefined));
}

async function readSnapshot(key) {
  const cache = await snapshotCache();
  const hit = cache && await cache.match(key).catch(() => undefined);
  return hit ? new Uint8Array(await hit.arrayBuffer()) : null;
}

// Keeps what the next page needs, in place of everything kept before (one Python per
// site is enough): entries are [key, () => Response or a Promise of one].
async function keepForNextPage(entries) {
  const cache = await snapshotCache();
  if (!cache) return;
  try {
    const keys = entries.map(([key]) => key);
    for (const old of await cache.keys()) if (!keys.includes(old.url)) await cache.delete(old);
    for (const [key, response] of entries) {
      if (!await cache.match(key)) await cache.put(key, await response());
    }
    postMessage({ type: "kept" });
  } catch (e) {
    console.warn("Kunne ikke lagre Python til neste side", e);  // full disk: the next page starts as usual
  }
}

function snapshotResponse(bytes) {
  return new Response(bytes, { headers: { "Content-Type": "application/octet-stream" } });
}

async function forgetSnapshot(key) {
  const cache = await snapshotCache();
  if (cache) await cache.delete(key).catch(() => {});
}

// ---- Python as the book build left it (tools/pyodide_compile.mjs), shipped gzipped ----
// A plain static web server sends files as they are, so the two big files come gzipped
// and the browser unpacks them as they arrive (DecompressionStream): the memory snapshot
// of a Python that has imported what the pages need (31 MB, 6 MB gzipped), and Pyodide's
// WebAssembly (9.6 MB, 3.5 MB gzipped). Restoring the snapshot skips starting Python and
// its imports, most of the start-up CPU.
function gunzipped(res) {
  return res.body.pipeThrough(new DecompressionStream("gzip"));
}

async function shippedSnapshot(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error("Fant ikke " + url + " (" + res.status + ")");
  return new Uint8Array(await new Response(gunzipped(res)).arrayBuffer());
}

// Pyodide fetches its WebAssembly itself, and compiles it as it arrives. That request is
// answered from Cache Storage if an earlier page kept the unpacked file there (the browser
// then also keeps the compiled code with it, so a later page compiles less), else from the
// gzipped file, else from the plain one.
function serveWasm(wasmURL, gzURL, key) {
  const plainFetch = self.fetch;
  self.fetch = async function (input, init) {
    if (String(input && input.url || input) !== wasmURL) return plainFetch.apply(this, arguments);
    const cache = await snapshotCache();
    const kept = cache && await cache.match(key).catch(() => undefined);
    if (kept) return kept;
    const res = await plainFetch(gzURL);
    return res.ok ? wasmResponse(gunzipped(res)) : plainFetch(input, init);
  };
}

function wasmResponse(body) {
  return new Response(body, { headers: { "Content-Type": "application/wasm" } });
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
  mark("kurs-live-list");
  const key = new URL("kurs-live-python-" + version + "?" + encodeURIComponent(msg.pyodide + "|" + listing.text),
    msg.wheels).href;
  const wasmKey = key.replace("kurs-live-python-", "kurs-live-wasm-");
  const gzip = typeof DecompressionStream === "function" && !!listing.wasm;
  if (gzip) serveWasm(new URL("pyodide.asm.wasm", msg.pyodide).href, listing.wasm, wasmKey);
  // Where a ready Python may come from, best first: kept by an earlier page (unpacked), or
  // shipped with the book. One that fails is dropped; in the end Python starts the usual way.
  const snapshots = [];
  if (await hasSnapshot(key)) {
    snapshots.push({ how: "brukt", bytes: () => readSnapshot(key), drop: () => forgetSnapshot(key) });
  }
  if (gzip && listing.snapshot) {
    snapshots.push({ how: "fra-boka", bytes: () => shippedSnapshot(listing.snapshot), drop: () => {} });
  }
  let py = null;
  for (const snap of snapshots) {
    try {
      // The snapshot is read while Pyodide fetches and compiles its WebAssembly.
      const bytes = snap.bytes();
      py = await loadPyodide(options(msg.pyodide, Object.assign({ _loadSnapshot: bytes }, listing.stdlib)));
      postMessage({ type: "snapshot", how: snap.how });
      // Kept unpacked for the next page once the cells have run (or soon, if the reader
      // has not pressed «Start»), so that writing 40 MB never delays the widgets.
      keepLater([[key, async () => snapshotResponse(await bytes)],
        ...(gzip ? [[wasmKey, async () => wasmResponse(gunzipped(await fetch(listing.wasm)))]] : [])]);
      break;
    } catch (err) {
      console.warn("Lagret Python kunne ikke brukes; starter på vanlig måte", err);
      await snap.drop();
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
      keepLater([[key, () => snapshotResponse(bytes)]]);
    } catch (err) {
      console.warn("Kunne ikke ta vare på Python til neste side", err);
    }
  }
  return { py, kurs, later };
}

function keepLater(entries) {
  let kept = false;
  keep = () => {
    if (kept) return;
    kept = true;
    keepForNextPage(entries);
  };
  setTimeout(keep, 10_000);
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
