"""HTML → tagged PDF with WeasyPrint, from plain data, so that it can run in a worker process.

This module imports nothing of nenpo but its errors and gcpause: a worker that renders the deck
beside the report starts in a fraction of a second (no Altair, no vl-convert).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ..errors import BuildError
from ..gcpause import paused_gc

VARIANT = "pdf/ua-1"


@dataclass
class Job:
    """One PDF to render: its HTML, stylesheets, and the images it may fetch (URL → bytes)."""

    name: str
    html: str
    css: list[str]
    images: dict[str, bytes] = field(default_factory=dict)


Anchors = dict[str, tuple[float, float]]  # element id → (x, y) of its box on the page, in px


@dataclass
class Rendered:
    """A rendered PDF and, for each page, where the elements with an id are on it."""

    name: str
    data: bytes
    anchors: list[Anchors]

    @property
    def pages(self) -> int:
        return len(self.anchors)


@contextmanager
def _errors_stop_the_build(name: str) -> Iterator[None]:
    """WeasyPrint logs what breaks PDF/UA (an image without alt, no language) as errors."""
    found: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            found.append(record.getMessage())

    handler = _Collect(level=logging.ERROR)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    if found:
        raise BuildError(f"{name}: WeasyPrint reported: " + "; ".join(sorted(set(found))))


def _fetcher(images: dict[str, bytes]) -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class MemoryFetcher(URLFetcher):
        """Serves the charts' SVG from memory; nothing else is fetched (no network, no files)."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url in images:
                return URLFetcherResponse(url, images[url], {"Content-Type": "image/svg+xml"})
            raise ValueError(f"{url}: a nenpo PDF embeds only its own charts")

    return MemoryFetcher(fail_on_errors=True)


def render(job: Job) -> Rendered:
    """Lay out and write one PDF/UA-1 document; WeasyPrint's errors stop the build."""
    import weasyprint

    # Layout makes millions of short-lived objects; every collection would also scan the
    # build's own large model: pausing the collector saves about a tenth (bench/build.py).
    with _errors_stop_the_build(job.name), paused_gc():
        doc = weasyprint.HTML(
            string=job.html, base_url="nenpo:/", url_fetcher=_fetcher(job.images)
        ).render(stylesheets=[weasyprint.CSS(string=s) for s in job.css])
        data: bytes = doc.write_pdf(pdf_variant=VARIANT)
    return Rendered(job.name, data, [dict(p.anchors) for p in doc.pages])


def serve(job_file: str, out_file: str, parent: int) -> None:
    """Worker process: render the pickled Job in `job_file`, pickle the result to `out_file`.

    If the parent died meanwhile (killed, say), nobody will read the result: remove the job's
    folder instead, so that no temporary files are left behind.
    """
    import os
    import pickle
    import shutil
    from pathlib import Path

    job = pickle.loads(Path(job_file).read_bytes())
    try:
        result: Rendered | BaseException = render(job)
    except Exception as exc:  # sent back and raised in the parent
        result = exc
    if os.getppid() != parent:
        shutil.rmtree(Path(job_file).parent, ignore_errors=True)
        raise SystemExit(1)
    Path(out_file).write_bytes(pickle.dumps(result))


class Worker:
    """A process that renders one Job beside this one (the machine has cores to spare).

    The job and the result pass through files in a private temporary folder, so neither
    process ever waits on a full pipe.
    """

    def __init__(self, job: Job) -> None:
        import os
        import pickle
        import subprocess
        import sys
        import tempfile
        from pathlib import Path

        self.dir = tempfile.TemporaryDirectory(prefix="nenpo-pdf-")
        self.job_file = Path(self.dir.name) / "job.pickle"
        self.out_file = Path(self.dir.name) / "result.pickle"
        self.job_file.write_bytes(pickle.dumps(job))
        self.log = (Path(self.dir.name) / "stderr.txt").open("w+b")
        root = str(Path(__file__).resolve().parents[2])  # the folder that holds nenpo/
        path = os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "nenpo.render.weasy",
                str(self.job_file),
                str(self.out_file),
                str(os.getpid()),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
            env={**os.environ, "PYTHONPATH": path},
        )

    def result(self) -> Rendered:
        """Wait for the rendered PDF; an error in the worker is raised here."""
        import pickle

        try:
            code = self.proc.wait()
            if code != 0 or not self.out_file.exists():
                self.log.seek(0)
                err = self.log.read().decode(errors="replace").strip()
                raise BuildError(f"the PDF worker stopped (exit code {code}): {err[-2000:]}")
            result = pickle.loads(self.out_file.read_bytes())
        finally:
            self.close()
        if isinstance(result, BaseException):
            raise result
        assert isinstance(result, Rendered)
        return result

    def cancel(self) -> None:
        """Stop the worker (when this process failed first)."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.close()

    def close(self) -> None:
        self.log.close()
        self.dir.cleanup()


if __name__ == "__main__":
    import sys as _sys

    # Serve from the module imported by name, so that results pickle as nenpo.render.weasy.*
    from nenpo.render.weasy import serve as _serve

    _serve(_sys.argv[1], _sys.argv[2], int(_sys.argv[3]))
