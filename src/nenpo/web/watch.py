"""`nenpo serve --watch WORKSPACE`: a preview that follows every save.

The workspace is built in memory (nenpo.preview) and served from there. A watcher thread
(watchfiles) rebuilds what each save touches; the open pages hear of it through server-sent
events (/_nenpo/events) and a small script that only this server adds to its pages
(/_nenpo/live.js): a page whose content changed reloads itself, and a build that stopped shows
what stopped it, with file and line, over the last good build, which stays served. The PDFs
are compiled after the pages, in a thread of their own.
"""

from __future__ import annotations

import asyncio
import json
import mimetypes
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from ..errors import SettingsError
from ..preview import Found, Outcome, Preview
from .static import SiteServer, bind

PREFIX = "/_nenpo"
KEEPALIVE = 15.0  # seconds between comments on an idle event stream (proxies close silent ones)
# A save is noticed within STEP ms of the last write of a burst (an editor writes a file in
# several steps, or several files at once), and within DEBOUNCE ms at most.
STEP_MS = 20
DEBOUNCE_MS = 400
PDF_PAUSE = 0.5  # seconds without a rebuild before the PDFs are compiled

LIVE_JS = """\
// nenpo serve --watch: reload this page when a rebuild changes it; show what stops a build.
(() => {
  const script = document.currentScript;
  const version = Number(new URL(script.src).searchParams.get("v"));
  let here = decodeURIComponent(location.pathname).replace(/^\\//, "");
  if (here === "" || here.endsWith("/")) here += "index.html";
  let box = null;
  const hide = () => { if (box) { box.remove(); box = null; } };
  const show = (problems) => {
    hide();
    box = document.createElement("section");
    box.id = "nenpo-problems";
    box.setAttribute("role", "alert");
    box.setAttribute("aria-label", "nenpo: the build stopped");
    box.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:60vh;" +
      "overflow:auto;z-index:2147483647;background:#fff5f5;color:#1a1a1a;" +
      "border-top:4px solid #c00;padding:1em 1.5em;font:14px/1.5 monospace";
    const head = document.createElement("p");
    head.style.fontWeight = "bold";
    head.textContent = "nenpo: the build stopped. This page is the last good build.";
    const list = document.createElement("ul");
    for (const p of problems) {
      const item = document.createElement("li");
      const where = document.createElement("code");
      where.className = "nenpo-where";
      where.textContent = p.where;
      item.append(where, " " + p.message);
      list.append(item);
    }
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "Close";
    close.onclick = hide;
    box.append(head, list, close);
    document.body.append(box);
  };
  const events = new EventSource("PREFIX/events");
  events.onopen = () => { document.documentElement.dataset.nenpoLive = "open"; };
  events.addEventListener("build", (e) => {
    const build = JSON.parse(e.data);
    if (build.problems.length) { show(build.problems); return; }
    const stopped = document.querySelector('meta[name="nenpo-stopped"]');
    if (stopped || (build.version !== version && (build.first || build.changed.includes(here)))) {
      location.reload();
      return;
    }
    hide();
  });
})();
""".replace("PREFIX", PREFIX)


class Hub:
    """The open pages' event streams, and the last build's state for pages that connect."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[dict[str, Any] | None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self.state: dict[str, Any] = {"version": 0, "changed": [], "problems": []}

    def subscribe(self) -> asyncio.Queue[dict[str, Any] | None]:
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        with self._lock:
            self._loop = asyncio.get_running_loop()
            self._queues.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any] | None]) -> None:
        with self._lock:
            self._queues.discard(queue)

    def publish(self, version: int, changed: list[str], problems: list[Found]) -> None:
        """Tell every open page of a build (from any thread)."""
        event = {
            "version": version,
            "changed": changed,
            "problems": [p.to_json() for p in problems],
        }
        self._send(event)

    def close(self) -> None:
        """End every event stream (the server is stopping)."""
        self._send(None)

    def _send(self, event: dict[str, Any] | None) -> None:
        with self._lock:
            if event is not None:
                self.state = event
            loop, queues = self._loop, list(self._queues)
        if loop is None:
            return
        for q in queues:
            with suppress(RuntimeError):  # the loop has stopped
                loop.call_soon_threadsafe(q.put_nowait, event)


def _event(event: dict[str, Any]) -> str:
    return f"event: build\ndata: {json.dumps(event, ensure_ascii=False)}\n\n"


def _inject(html: bytes, version: int) -> bytes:
    """The page with the live script, before </body> (only this server adds it)."""
    tag = f'<script src="{PREFIX}/live.js?v={version}"></script>'.encode()
    at = html.rfind(b"</body>")
    return html + tag if at < 0 else html[:at] + tag + html[at:]


STOPPED = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="nenpo-stopped" content="">
<title>nenpo: the build stopped</title></head><body><main><h1>nenpo: the build stopped</h1>
<p>There is no good build of this workspace yet: what stops it is listed below. Fix it and
save; this page reloads itself.</p></main></body></html>"""


def preview_app(preview: Preview, hub: Hub, idle: Callable[[], bool] | None = None) -> Starlette:
    """The preview's application: the last good build's files, the events, the live script,
    and its state (/_nenpo/status: the version served, the problems, whether it is idle)."""

    async def events(request: Request) -> Response:
        queue = hub.subscribe()

        async def stream() -> AsyncIterator[str]:
            try:
                yield _event({**hub.state, "first": True})
                while True:
                    try:
                        event = await asyncio.wait_for(queue.get(), KEEPALIVE)
                    except TimeoutError:
                        yield ": idle\n\n"
                        continue
                    if event is None:
                        return
                    yield _event(event)
            finally:
                hub.unsubscribe(queue)

        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)

    async def live(request: Request) -> Response:
        return Response(
            LIVE_JS, media_type="text/javascript", headers={"Cache-Control": "no-store"}
        )

    async def status(request: Request) -> Response:
        state = {
            "version": preview.version,
            "problems": [p.to_json() for p in preview.problems],
            "idle": idle() if idle is not None else True,
        }
        return JSONResponse(state, headers={"Cache-Control": "no-store"})

    async def page(request: Request) -> Response:
        path = request.path_params["path"]
        files, version = preview.files, preview.version
        if any(part.startswith(".") for part in path.split("/")):
            return Response("not found", status_code=404, media_type="text/plain")
        key = path + "index.html" if path == "" or path.endswith("/") else path
        if key not in files and f"{key}/index.html" in files:
            return RedirectResponse(f"/{key}/")
        headers = {"Cache-Control": "no-store"}
        if key not in files:
            if not files:  # no good build yet: a page that shows why, and reloads when fixed
                body = _inject(STOPPED.encode(), version)
                return Response(body, 503, headers, media_type="text/html; charset=utf-8")
            return Response("not found", status_code=404, media_type="text/plain")
        body = files[key]
        kind = mimetypes.guess_type(key)[0] or "application/octet-stream"
        if kind == "text/html":
            body = _inject(body, version)
        if kind.startswith("text/") or kind == "application/json":
            kind += "; charset=utf-8"
        return Response(body, headers=headers, media_type=kind)

    return Starlette(
        routes=[
            Route(f"{PREFIX}/events", events),
            Route(f"{PREFIX}/live.js", live),
            Route(f"{PREFIX}/status", status),
            Route("/{path:path}", page),
        ]
    )


class Watcher:
    """A Preview kept current: a thread rebuilding the pages on every save, another the PDFs,
    and the hub telling the open pages."""

    def __init__(
        self,
        preview: Preview,
        hub: Hub,
        report: Callable[[str], Any] | None = None,
        pdf: bool = True,
    ):
        self.preview, self.hub = preview, hub
        self.report = report or (lambda line: None)
        self.pdf = pdf
        self._stop = threading.Event()
        self._print = threading.Event()
        self._threads: list[threading.Thread] = []
        self._working = 0  # rebuilds and prints under way
        self._count = threading.Lock()

    def idle(self) -> bool:
        """True when nothing is being built or printed, and no print is waiting."""
        with self._count:
            return self._working == 0 and not self._print.is_set()

    def _work(self, delta: int) -> None:
        with self._count:
            self._working += delta

    def start(self) -> None:
        """The first build (pages now, PDFs in the background), then watch."""
        self._done(self.preview.build(None))
        self._threads = [
            threading.Thread(target=self._watch, name="nenpo-watch", daemon=True),
            threading.Thread(target=self._printer, name="nenpo-watch-pdf", daemon=True),
        ]
        for t in self._threads:
            t.start()

    def stop(self) -> None:
        self._stop.set()
        self._print.set()
        for t in self._threads:
            t.join(10)

    def _watch(self) -> None:
        import watchfiles

        for changes in watchfiles.watch(
            self.preview.root,
            watch_filter=_Relevant(),
            stop_event=self._stop,
            step=STEP_MS,
            debounce=DEBOUNCE_MS,
            rust_timeout=500,  # how often the stop is looked at
            raise_interrupt=False,
        ):
            files = {Path(path) for _change, path in changes}
            self._work(1)
            try:
                self._done(self.preview.build(files), files)
            finally:
                self._work(-1)

    def _done(self, outcome: Outcome, files: set[Path] | None = None) -> None:
        p = self.preview
        self.hub.publish(p.version, outcome.changed, outcome.problems)
        what = ", ".join(sorted(_shown(f, p.root) for f in files)) if files else "the workspace"
        if outcome.ok:
            self.report(
                f"built {what} in {outcome.seconds:.2f} s ({outcome.kind}): "
                f"{len(outcome.changed)} file(s) changed"
            )
            self._print.set()
        else:
            self.report(f"the build of {what} stopped ({outcome.seconds:.2f} s):")
            for problem in outcome.problems:
                self.report(f"  {problem.where}: {problem.message}")

    def _printer(self) -> None:
        """After the pages, the open data and the PDFs, once the edits pause (while someone
        types and saves, they would only compete with the pages)."""
        while True:
            self._print.wait()
            while self._print.is_set() and not self._stop.is_set():
                self._print.clear()
                self._stop.wait(PDF_PAUSE)
            if self._stop.is_set():
                return
            self._work(1)
            try:
                self._print_once()
            finally:
                self._work(-1)

    def _print_once(self) -> None:
        data = self.preview.follow_data()
        if data.changed or not data.ok:
            self.hub.publish(self.preview.version, data.changed, data.problems)
        if not data.ok:
            self.report("the open data stopped:")
            for problem in data.problems:
                self.report(f"  {problem.where}: {problem.message}")
        if not self.pdf:
            return
        outcome = self.preview.print()
        if outcome.changed or not outcome.ok:
            self.hub.publish(self.preview.version, outcome.changed, outcome.problems)
        if outcome.ok and outcome.changed:
            self.report(f"compiled the PDFs in {outcome.seconds:.2f} s")
        elif not outcome.ok:
            self.report("the PDFs stopped:")
            for problem in outcome.problems:
                self.report(f"  {problem.where}: {problem.message}")


class _Relevant:
    """A file of the workspace: not hidden, not an editor's backup, swap or lock file."""

    def __init__(self) -> None:
        import watchfiles

        self._default = watchfiles.DefaultFilter()

    def __call__(self, change: Any, path: str) -> bool:
        name = Path(path).name
        if name.startswith(".") or name.endswith(("~", ".swp", ".swx", ".tmp")):
            return False
        return bool(self._default(change, path))


def _shown(f: Path, root: Path) -> str:
    try:
        return f.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(f)


def serve_watch(
    workspace: Path,
    host: str,
    port: int,
    lang: str = "ja",
    ready: Callable[[str], Any] | None = None,
    report: Callable[[str], Any] | None = None,
) -> None:
    """Build `workspace`, serve it with live reload, and rebuild on every save, until Ctrl-C."""
    if not Path(workspace).is_dir():
        raise SettingsError(f"--watch {workspace}: not a folder; give a workspace folder")
    sock = bind(host, port)  # before the first build: a busy port costs nothing
    hub = Hub()
    watcher = Watcher(Preview(workspace, lang), hub, report)
    watcher.start()
    server = SiteServer(preview_app(watcher.preview, hub, watcher.idle), sock)
    if ready is not None:
        ready(server.url)
    try:
        with suppress(KeyboardInterrupt):
            server.serve_forever()
    finally:
        hub.close()
        watcher.stop()
        server.server_close()
