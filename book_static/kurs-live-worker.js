// The Python of a book page, in a Web Worker so that the page stays smooth while
// Pyodide starts and while answers are computed. Started by kurs-live.js, which
// owns the widget views; the two talk in comm messages (see kurs_live.py).
//
// Messages in:  {type: "start", pyodide, wheels, cells}  (URLs are absolute)
//               {type: "deliver", commId, text, msgId}   (a reader's answer)
// Messages out: {type: "comm", kind, commId, text}       (Python's widget messages)
//               {type: "idle", msgId}                     (an answer is handled)
//               {type: "mark", name}, {type: "results", results}, {type: "error", message}
"use strict";
let bridge = null;

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
  const base = listURL.replace(/[^/]*$/, "");
  return Promise.all((await res.json()).wheels.map((w) => fetchWheel(base + w)));
}

async function start(msg) {
  const wheels = wheelList(msg.wheels);
  wheels.catch(() => {});  // reported when awaited below
  const { loadPyodide } = await import(msg.pyodide + "pyodide.mjs");
  postMessage({ type: "mark", name: "kurs-live-loader" });
  const py = await loadPyodide({
    indexURL: msg.pyodide,
    packageBaseUrl: msg.pyodide,
    stdout: () => {},
    stderr: (line) => console.warn(line),
  });
  postMessage({ type: "mark", name: "kurs-live-python" });
  for (const buf of await wheels) py.unpackArchive(buf, "wheel");
  postMessage({ type: "mark", name: "kurs-live-wheels" });
  bridge = py.pyimport("kurs_live");
  bridge.start((kind, commId, text) => postMessage({ type: "comm", kind, commId, text }));
  const results = JSON.parse(bridge.run_cells(py.toPy(msg.cells)));
  postMessage({ type: "mark", name: "kurs-live-cells" });
  postMessage({ type: "results", results });
}

self.onmessage = (event) => {
  const msg = event.data;
  if (msg.type === "start") {
    start(msg).catch((err) => postMessage({ type: "error", message: String(err && err.stack || err) }));
  } else if (msg.type === "deliver" && bridge) {
    try {
      bridge.deliver(msg.commId, msg.text, msg.msgId);
    } catch (err) {
      console.error("Python klarte ikke å ta imot svaret", err);
    }
    postMessage({ type: "idle", msgId: msg.msgId });
  }
};
