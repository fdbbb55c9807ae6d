"""The report's PDFs, printed while the build writes its other pages.

A thread of its own drives one headless Chromium (reports/browser.py) and prints each page it is given once
the page is written, so that Chromium's drawing and printing (most of a partner region's time) run beside the
writing of the Kreis pages, on the other core. Chromium's driver is tied to that thread (processes.tied: the
kernel's signal follows the thread that started it), which ends only after the browser is closed.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from reports.browser import Browser, BrowserMissing
from reports.files import write_bytes

log = logging.getLogger(__name__)


@dataclass
class Printed:
    pdfs: dict[str, Path] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # per PDF
    missing: str = ""  # why none was printed (no Chromium)


class Printer:
    """Prints pages in the background; use as a context manager, which waits for every PDF asked for."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.printed = Printed()
        self._pages: queue.Queue[tuple[str, Path] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def __enter__(self) -> Printer:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._thread is not None:
            while exc is not None and not self._pages.empty():  # the build failed: print nothing more
                self._pages.get_nowait()
            self._pages.put(None)
            self._thread.join()
        if self._error is not None and exc is None:
            raise self._error

    def add(self, code: str, page: Path) -> None:
        """Print `page` as `folder`/<code>.pdf; Chromium starts with the first."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="report-pdf", daemon=True)
            self._thread.start()
        self._pages.put((code, page))

    def _run(self) -> None:
        try:
            with Browser() as browser:
                while (job := self._pages.get()) is not None:
                    code, page = job
                    started = time.perf_counter()
                    path = self.folder / f"{code}.pdf"
                    write_bytes(path, browser.print_page(page.resolve().as_uri()))
                    self.printed.pdfs[code] = path
                    self.printed.seconds[code] = time.perf_counter() - started
        except BrowserMissing as exc:
            self.printed.missing = str(exc)
            log.warning("report: no PDFs: %s", exc)
        except BaseException as exc:  # noqa: BLE001 (raised in the build's thread by __exit__)
            self._error = exc
