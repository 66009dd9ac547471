"""Live widgets in the static book (Pyodide): start-up, bytes and answer round trip.

Measured in Debian's Chromium against the built book (_build/html, built first if
missing) served by a plain static server on 127.0.0.1:

- «Start oppgaven» → every widget on the page is live (the loader's own
  performance measure, from the click until the last live view is drawn):
  cold (a new browser profile, empty cache: Python is restored from the snapshot
  the book build made, shipped gzipped) and warm (the same browser, a second
  chapter: the files are in the HTTP cache, and the unpacked snapshot and
  WebAssembly that the first chapter kept are in Cache Storage);
- per phase of the start (cut at the loader's performance marks: the loader,
  the wheel list, WebAssembly compiled and instantiated, Python ready, wheels
  unpacked, imports, cells run, views drawn) its wall-clock seconds and the CPU
  seconds of the whole browser (all processes and threads, sampled from /proc),
  and the renderer's CPU by thread: the machine is shared, so wall-clock time
  includes waiting for a core, and CPU time is the figure to compare;
- bytes transferred (Playwright's request sizes, the page and its worker) for
  the start, cold and warm, and for reading the page before the start;
- the same with prewarm: the page starts Python when a widget comes near the view,
  and the reader reads for READ_PAUSE_S at the first widget before pressing «Start»;
- one answer's round trip in the page (choose a level in «Hvem bestemmer?»
  until Python's feedback text is shown) against the same answer in the
  Voila app (apps/widgets/vage.ipynb), measured the same way in the page.

The static server is run twice: as Python's http.server (no cache headers, so
a warm load still asks for every file again, 304) and with
``Cache-Control: max-age=3600`` on _static/ (a web server set up for the book).

Targets on this 2-core machine: cold ≤ 3 s, warm ≤ 1 s, ≤ 15 MB cold.
Prints the figures and writes bench/results/pyodide.json, with the load average
at each measurement. KURS_BENCH_ONLY, KURS_BENCH_RUNS and KURS_BENCH_WARM_PAGES (below)
make a quick run.

What a warm start is made of (December 2026, Chromium 156, 2 cores at load 5–9, extra
marks in the worker; chapters 2–4): importing pyodide.asm.mjs 0.07–0.2 s, reading the
31 MB snapshot from Cache Storage 0–0.3 s, Emscripten set-up 0.12–0.24 s, compiling and
instantiating the WebAssembly 0.10–0.19 s, restoring the snapshot 0.2–0.5 s, wheels
0.13–0.4 s, cells 0.14–0.45 s. So the phase «…→wasm-instantiateStreaming» (0.4–0.5 s)
is mostly not compilation: it ends when the instantiation is done, and the call comes
only after the JavaScript and the snapshot are in. With lazy compilation,
`WebAssembly.compile` of pyodide.asm.wasm takes 50–110 ms here.
Tried and dropped: a service worker (scope _static/) that hands the Python worker the
kept WebAssembly from Cache Storage, so that Chromium keeps V8's compiled code with it.
Chromium does write that code cache (side data on the Cache Storage entry), but only
with V8's caching thresholds lowered (--js-flags=--wasm-caching-threshold=1); with the
defaults it writes none, even after 15 s on a chapter, because the widgets run too
little code to be optimised. Even forced, chapters 3–4 got no faster, and the kept
WebAssembly reached the worker 0.03–0.15 s later (the service worker must start first).
Also no gain: importing pyodide.asm.mjs alongside pyodide.mjs (warm chapters 0.83–1.25 s
either way in three alternating runs at load 3–3.6).
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))  # tests/voila_process.py imports tools.voila_server

from playwright.sync_api import sync_playwright  # noqa: E402

from browser import CHROMIUM, CHROMIUM_ARGS, launch  # noqa: E402

#: The built book; KURS_BENCH_HTML measures another build (e.g. a copy made from an older commit).
HTML = Path(os.environ.get("KURS_BENCH_HTML") or ROOT / "_build" / "html")
COLD_RUNS = 3
ROUND_TRIPS = 7
#: With prewarm: seconds the reader spends at the first widget before pressing «Start».
READ_PAUSE_S = 5
TARGETS = {"cold_s": 3.0, "warm_s": 1.0, "cold_mb": 15.0}
#: KURS_BENCH_ONLY=cache_headers (comma-separated) measures only those servers, without Voila:
#: for quick comparisons while working on the start-up.
ONLY = [n for n in os.environ.get("KURS_BENCH_ONLY", "").split(",") if n]
#: Warm starts per cold one: the next chapters a reader opens (KURS_BENCH_WARM_PAGES, 1 to 4),
#: for work on what a third or fourth chapter might reuse from the ones before.
WARM_PAGES = ["lede", "mobilisere", "samhandle", "laere"][:int(os.environ.get("KURS_BENCH_WARM_PAGES", 1))]

# Choose a level for case 1 and wait (in the page) until the expected feedback shows.
ROUND_TRIP_JS = """async ([select, index, expected]) => {
  const root = select.closest('.kurs-widget') || document.body;
  const squeeze = (s) => s.replace(/\\s+/g, '');
  const want = squeeze(expected);
  const t0 = performance.now();
  const done = new Promise((resolve) => {
    const check = () => { if (squeeze(root.textContent).includes(want)) { obs.disconnect(); resolve(performance.now() - t0); } };
    const obs = new MutationObserver(check);
    obs.observe(root, { childList: true, subtree: true, characterData: true });
  });
  select.selectedIndex = index;
  select.dispatchEvent(new Event('change', { bubbles: true }));
  return await done;
}"""


# Tasks that keep the page's main thread busy for more than 50 ms (the reader cannot scroll).
LONG_TASKS_JS = """window.__longTasks = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]); })
  .observe({ type: 'longtask', buffered: true });"""


class _Handler(http.server.SimpleHTTPRequestHandler):
    cache_static = False

    def log_message(self, *args):
        pass

    def end_headers(self):
        if self.cache_static and "/_static/" in self.path:
            self.send_header("Cache-Control", "public, max-age=3600")
        super().end_headers()


@contextlib.contextmanager
def serve(cache_static: bool):
    handler = type("H", (_Handler,), {"cache_static": cache_static})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(HTML)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class CpuSampler:
    """CPU time (user + system, all threads) of a Chromium and all its processes, sampled
    every few ms from /proc, so that each phase of a start gets its CPU seconds as well
    as its wall-clock seconds: the machine is shared, and wall-clock time includes the
    time the browser waited for a core. The renderer's threads are also summed by name
    (the page's main thread, the worker, V8's background compilers …)."""

    TICK = os.sysconf("SC_CLK_TCK")

    def __init__(self, profile: str, every_s: float = 0.02):
        self.profile = profile
        self.every_s = every_s
        self.samples: list[tuple[float, float]] = []  # (epoch seconds, CPU seconds)
        self.threads: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _stat(path: str) -> list[str] | None:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
        except OSError:
            return None
        name = text[text.index("(") + 1:text.rindex(")")]
        return [name] + text[text.rindex(")") + 2:].split()

    def _processes(self) -> list[int]:
        """The browser (the process whose command line names this profile) and its descendants."""
        parents: dict[int, int] = {}
        tree = set()
        flag = b"--user-data-dir=" + self.profile.encode()
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            stat = self._stat(f"/proc/{entry}/stat")
            if not stat:
                continue
            parents[int(entry)] = int(stat[2])
            if stat[0].startswith("chrom"):
                try:
                    with open(f"/proc/{entry}/cmdline", "rb") as f:
                        if flag in f.read():
                            tree.add(int(entry))
                except OSError:
                    continue
        grew = True
        while grew:
            more = {pid for pid, ppid in parents.items() if ppid in tree and pid not in tree}
            tree |= more
            grew = bool(more)
        return sorted(tree)

    def _cpu(self, pids: list[int], by_thread: dict[str, float] | None = None) -> float:
        total = 0.0
        for pid in pids:
            stat = self._stat(f"/proc/{pid}/stat")
            if stat:
                total += (int(stat[12]) + int(stat[13])) / self.TICK
            if by_thread is not None:
                try:
                    tids = os.listdir(f"/proc/{pid}/task")
                except OSError:
                    continue
                for tid in tids:
                    t = self._stat(f"/proc/{pid}/task/{tid}/stat")
                    if t:
                        by_thread[t[0]] = by_thread.get(t[0], 0.0) + (int(t[12]) + int(t[13])) / self.TICK
        return total

    def _run(self):
        pids = self._processes()
        last_scan = time.time()
        while not self._stop.is_set():
            now = time.time()
            if now - last_scan > 0.5:
                pids, last_scan = self._processes(), now
            self.samples.append((now, self._cpu(pids)))
            self._stop.wait(self.every_s)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._thread.join()

    def at(self, epoch_s: float) -> float:
        """CPU seconds used up to a moment (the last sample before it)."""
        before = [cpu for t, cpu in self.samples if t <= epoch_s]
        return before[-1] if before else (self.samples[0][1] if self.samples else 0.0)

    def renderer_threads(self) -> dict[str, float]:
        """CPU seconds so far of each kind of thread in the renderers, by thread name."""
        out: dict[str, float] = {}
        for pid in self._processes():
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    if b"--type=renderer" not in f.read():
                        continue
            except OSError:
                continue
            self._cpu([pid], out)
        return out


def phase_table(marks: dict[str, float], origin_s: float, click_ms: float, end_ms: float,
                cpu: CpuSampler | None) -> list[dict]:
    """The start cut at each mark (in time order, from the click to the last live view):
    for each phase its wall-clock seconds and, if sampled, the browser's CPU seconds."""
    points = sorted([(v, k) for k, v in marks.items() if click_ms <= v <= end_ms] + [(end_ms, "kurs-live-ferdig")])
    rows, t_prev, name_prev = [], click_ms, "klikk"
    for t, name in points:
        row = {"fase": f"{name_prev.removeprefix('kurs-live-')}→{name.removeprefix('kurs-live-')}",
               "vegg_s": round((t - t_prev) / 1000, 3)}
        if cpu:
            row["cpu_s"] = round(cpu.at(origin_s + t / 1000) - cpu.at(origin_s + t_prev / 1000), 2)
        rows.append(row)
        t_prev, name_prev = t, name
    return rows


class Bytes:
    """Bytes on the wire for one page and its worker: Playwright's sizes of each finished
    request (headers and encoded body; 0 body bytes for a response from the cache)."""

    def __init__(self, page):
        self.finished = []
        self.external = []
        page.on("requestfinished", lambda request: self.finished.append(request))
        page.on("request", self._check)

    def total(self) -> int:
        total = 0
        for request in self.finished:
            sizes = request.sizes()
            total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        return total

    def _check(self, request):
        host = request.url.split("/")[2] if "://" in request.url else ""
        if request.url.startswith("http") and not host.startswith("127.0.0.1"):
            self.external.append(request.url)


def start_page(context, url: str, prewarm: bool = False, cpu: CpuSampler | None = None) -> dict:
    """Open a chapter, press «Start oppgaven» and wait until every widget is live.

    Without prewarm (the headline figure) Python starts at the click. With prewarm the
    page starts Python when a widget comes near the view; the reader here scrolls to the
    first widget and reads for READ_PAUSE_S before pressing «Start»."""
    page = context.new_page()
    page.set_default_timeout(180_000)
    page.add_init_script(LONG_TASKS_JS)
    if not prewarm:
        page.add_init_script("window.kursLiveConfig = {forvarm: false};")
    counter = Bytes(page)
    page.goto(url)
    page.locator(".cell_output .widget-subarea").first.wait_for()  # the saved widgets are drawn
    page.wait_for_timeout(500)
    read_bytes = counter.total()
    button = page.get_by_role("button", name="Start oppgaven").first
    button.wait_for(state="visible")
    if prewarm:
        button.scroll_into_view_if_needed()
        page.wait_for_timeout(READ_PAUSE_S * 1000)
    threads0 = cpu.renderer_threads() if cpu else {}
    wall0 = time.perf_counter()
    button.click()
    page.wait_for_function("document.documentElement.dataset.kursLive", timeout=180_000)
    wall = time.perf_counter() - wall0
    threads1 = cpu.renderer_threads() if cpu else {}
    state = page.evaluate("document.documentElement.dataset.kursLive")
    if state != "klar":
        raise RuntimeError(f"Python startet ikke på {url} ({state})")
    measured = page.evaluate("performance.getEntriesByName('kurs-live-start')[0].duration") / 1000
    marks = page.evaluate("""() => Object.fromEntries(performance.getEntriesByType('mark')
        .filter(m => m.name.startsWith('kurs-live')).map(m => [m.name, m.startTime]))""")
    click = page.evaluate("performance.getEntriesByName('kurs-live-start')[0].startTime")
    phases = {k: round((v - click) / 1000, 3) for k, v in marks.items()}
    origin = page.evaluate("performance.timeOrigin") / 1000
    table = phase_table(marks, origin, click, click + measured * 1000, cpu)
    start_cpu = (cpu.at(origin + (click + measured * 1000) / 1000) - cpu.at(origin + click / 1000)) if cpu else None
    threads = {k: round(v - threads0.get(k, 0.0), 2) for k, v in threads1.items() if v - threads0.get(k, 0.0) >= 0.02}
    snapshot = page.evaluate("document.documentElement.dataset.kursLiveSnapshot || 'ingen'")
    blocked = page.evaluate("(t0) => window.__longTasks.filter(t => t[0] >= t0).map(t => t[1])", click)
    return {"page": page, "start_s": measured, "wall_s": wall, "read_bytes": read_bytes,
            "longest_block_s": max(blocked, default=0) / 1000, "blocked_s": sum(blocked) / 1000,
            "start_bytes": counter.total() - read_bytes, "external": counter.external, "phases": phases,
            "snapshot": snapshot, "phase_table": table, "start_cpu_s": start_cpu,
            "threads_cpu_s": dict(sorted(threads.items(), key=lambda kv: -kv[1])), "load": os.getloadavg()[0]}


def round_trips(page, label: str = "Nivå for sak 1:") -> list[float]:
    from widgets.vage import NIVAER, SAKER, vurder

    select = page.get_by_label(label, exact=True).element_handle()
    times = []
    for i in range(ROUND_TRIPS):
        index = 1 + i % 2  # alternate between two levels, so the feedback changes every time
        expected = vurder(SAKER[0].nokkel, NIVAER[index - 1].nokkel).tekst
        times.append(page.evaluate(ROUND_TRIP_JS, [select, index, expected]) / 1000)
    return times


def voila_round_trips(browser) -> list[float]:
    from voila_process import running_voila

    with running_voila(preheat=False) as (port, _log):
        page = browser.new_page()
        page.set_default_timeout(180_000)
        page.goto(f"http://127.0.0.1:{port}/voila/render/widgets/vage.ipynb")
        page.get_by_label("Nivå for sak 1:", exact=True).wait_for(timeout=120_000)
        try:
            return round_trips(page)
        finally:
            page.close()


def measure(pw, cache_static: bool, prewarm: bool = False, runs: int | None = None) -> dict:
    """A new browser profile (with a disk cache, as a reader's browser has) per cold run.

    Playwright's default contexts keep their HTTP cache in memory, and that cache
    refuses files as big as pyodide.asm.wasm, so they cannot show a warm start.
    """
    runs = int(os.environ.get("KURS_BENCH_RUNS", 0)) or runs or COLD_RUNS
    cold, warm, later = [], [], {}
    with serve(cache_static) as site:
        for _ in range(runs):
            profile = tempfile.mkdtemp(prefix="kurs-bench-profil-")
            context = pw.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            cpu = CpuSampler(profile).start()
            try:
                first = start_page(context, f"{site}/chapters/vage.html", prewarm, cpu)
                cold.append(first)
                if len(cold) == 1 and not prewarm:
                    first["round_trips"] = round_trips(first["page"])
                # A reader stays on a chapter for a while; the worker stores the snapshot meanwhile.
                first["page"].wait_for_function("document.documentElement.dataset.kursLiveKept", timeout=60_000)
                first["page"].close()
                for i, chapter in enumerate(WARM_PAGES):
                    page = start_page(context, f"{site}/chapters/{chapter}.html", prewarm, cpu)
                    if i == 0:
                        warm.append(page)
                    else:
                        later.setdefault(chapter, []).append(page)
                    page["page"].wait_for_function("document.documentElement.dataset.kursLiveKept", timeout=60_000)
                    page["page"].close()
            finally:
                cpu.stop()
                context.close()
                shutil.rmtree(profile, ignore_errors=True)
    med = lambda rows, key: statistics.median(r[key] for r in rows)  # noqa: E731
    middle = lambda rows: sorted(rows, key=lambda r: r["start_s"])[len(rows) // 2]  # noqa: E731
    out = {
        "cold_s": med(cold, "start_s"), "warm_s": med(warm, "start_s"),
        "cold_cpu_s": med(cold, "start_cpu_s"), "warm_cpu_s": med(warm, "start_cpu_s"),
        "cold_phase_table": middle(cold)["phase_table"], "warm_phase_table": middle(warm)["phase_table"],
        "cold_threads_cpu_s": middle(cold)["threads_cpu_s"], "warm_threads_cpu_s": middle(warm)["threads_cpu_s"],
        "load_during": [round(r["load"], 2) for r in cold + warm],
        "cold_runs_s": [round(r["start_s"], 2) for r in cold], "warm_runs_s": [round(r["start_s"], 2) for r in warm],
        "cold_wall_s": med(cold, "wall_s"), "warm_wall_s": med(warm, "wall_s"),
        "cold_mb": med(cold, "start_bytes") / 1e6, "warm_mb": med(warm, "start_bytes") / 1e6,
        "page_read_mb": med(cold, "read_bytes") / 1e6,
        "cold_phases_s": cold[len(cold) // 2]["phases"], "warm_phases_s": warm[len(warm) // 2]["phases"],
        "warm_snapshot": sorted({r["snapshot"] for r in warm}),
        "cold_longest_block_s": med(cold, "longest_block_s"), "cold_blocked_s": med(cold, "blocked_s"),
        "external_requests": sum(len(r["external"]) for r in cold + warm + [p for v in later.values() for p in v]),
    }
    for chapter, rows in later.items():
        out.setdefault("later_chapters", {})[chapter] = {
            "start_s": med(rows, "start_s"), "cpu_s": med(rows, "start_cpu_s"),
            "runs_s": [round(r["start_s"], 2) for r in rows], "threads_cpu_s": middle(rows)["threads_cpu_s"],
            "phase_table": middle(rows)["phase_table"], "load": [round(r["load"], 2) for r in rows]}
    if not prewarm:
        out["answer_round_trip_s"] = statistics.median(cold[0]["round_trips"])
    return out


def print_phases(table: list[dict], threads: dict[str, float]) -> None:
    for row in table:
        print(f"    {row['fase']:<40} {row['vegg_s']:6.3f} s  {row.get('cpu_s', 0):5.2f} s")
    print(f"    tråder i siden (CPU s): {threads}")


def main() -> int:
    if not (HTML / "chapters" / "vage.html").exists():
        from book_fixture import build_book

        print("Bygger boka først …", flush=True)
        if build_book().returncode != 0:
            print("Boka bygde ikke.")
            return 1
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            plans = {"plain_http_server": dict(cache_static=False),
                     "cache_headers": dict(cache_static=True),
                     "cache_headers_prewarm": dict(cache_static=True, prewarm=True, runs=2)}
            results = {name: measure(pw, **plan) for name, plan in plans.items() if name in ONLY or not ONLY}
            if not ONLY:
                results["voila_answer_round_trip_s"] = statistics.median(voila_round_trips(browser))
            results["load_average_1min"] = os.getloadavg()[0]
            results["cores"] = os.cpu_count()
        finally:
            browser.close()
    for name, r in ((k, v) for k, v in results.items() if isinstance(v, dict)):
        print(f"\n{name}:")
        print(f"  Start → levende, kald:   {r['cold_s']:.2f} s (mål ≤ {TARGETS['cold_s']} s)  {r['cold_phases_s']}")
        print(f"  Start → levende, varm:   {r['warm_s']:.2f} s (mål ≤ {TARGETS['warm_s']} s, andre kapittel)  "
              f"{r['warm_phases_s']}")
        print(f"  CPU ved start (nettleseren, alle tråder): kald {r['cold_cpu_s']:.2f} s, varm {r['warm_cpu_s']:.2f} s")
        for which in ("cold", "warm"):
            print(f"  faser, {'kald' if which == 'cold' else 'varm'} (vegg / CPU):")
            print_phases(r[f"{which}_phase_table"], r[f"{which}_threads_cpu_s"])
        print(f"  last (1 min) under målingene: {r['load_during']}")
        for chapter, c in r.get("later_chapters", {}).items():
            print(f"  senere kapittel {chapter}: {c['start_s']:.2f} s, CPU {c['cpu_s']:.2f} s  {c['runs_s']}  "
                  f"last {c['load']}")
            print_phases(c["phase_table"], c["threads_cpu_s"])
        print(f"  byte ved start, kald:    {r['cold_mb']:.2f} MB (mål ≤ {TARGETS['cold_mb']} MB)")
        print(f"  byte ved start, varm:    {r['warm_mb']:.3f} MB")
        print(f"  siden før start:         {r['page_read_mb']:.2f} MB")
        print(f"  enkeltmålinger:          kald {r['cold_runs_s']}, varm {r['warm_runs_s']} "
              f"(lagret Python: {', '.join(r['warm_snapshot'])})")
        if "answer_round_trip_s" in r:
            print(f"  ett svar i siden:        {r['answer_round_trip_s'] * 1000:.0f} ms")
        print(f"  hovedtråden opptatt:     lengst {r['cold_longest_block_s']:.2f} s, til sammen "
              f"{r['cold_blocked_s']:.2f} s (kald start)")
        print(f"  forespørsler ut:         {r['external_requests']}")
    if "voila_answer_round_trip_s" in results:
        print(f"\nett svar i Voila:          {results['voila_answer_round_trip_s'] * 1000:.0f} ms")
    print(f"maskinens last (1 min) ved slutt: {results['load_average_1min']:.1f} på {results['cores']} kjerner")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / os.environ.get("KURS_BENCH_OUT", "pyodide.json")).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
