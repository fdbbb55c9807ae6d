"""Headless Chromium (Debian's `chromium`) driven by Playwright: print a report page to PDF once its charts are
drawn, or open a page and report what went wrong (console errors, failed requests), evaluate a script in it,
and take a screenshot. Every request to a host is refused (only the report's own files and data: addresses
load), and no name resolves.

Playwright talks to Chromium through its driver, a Node.js process the `playwright` package ships; the browser
is Debian's (`executable_path`), never one that `playwright install` downloads. Nothing outlives a build, even
when the run is killed with SIGKILL: Playwright starts the driver by the path in $PLAYWRIGHT_NODEJS_PATH
(`playwright._impl._driver`), which names a wrapper that starts the real one through `processes.tied`, so the
kernel kills the driver with this process; Chromium is the driver's child, on a pipe (`--remote-debugging-pipe`),
and ends when the driver does (tests/reports/test_report_in_chromium.py kills a build whose driver hangs).
`close` ends both.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright._impl._driver import compute_driver_executable
from playwright.sync_api import Page, Playwright, Route, sync_playwright
from playwright.sync_api import Browser as Chromium

from processes import tied

FLAGS = ("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync",
         # no name resolves: a page that asks a host for anything gets nothing, even if the refusal below missed it
         "--host-resolver-rules=MAP * ~NOTFOUND")
CHROMIUM_ENV = "LABOUR_MONITOR_CHROMIUM"
NODE_ENV = "PLAYWRIGHT_NODEJS_PATH"
FOLDER_PREFIX = "lm-playwright-"  # the wrapper and the driver's temporary files (Chromium's profile)
LOCAL = ("file:", "data:", "blob:", "about:")
CHARTS_READY = "document.documentElement.dataset.chartsReady"
_starting = threading.Lock()  # $PLAYWRIGHT_NODEJS_PATH is set only while a driver starts


class BrowserMissing(RuntimeError):
    """No Chromium to start (install Debian's `chromium`, or name one in $LABOUR_MONITOR_CHROMIUM)."""


class ChartsFailed(RuntimeError):
    """A page's charts were not drawn (a script error; the page's console says which)."""


def chromium() -> str | None:
    """The Chromium executable: $LABOUR_MONITOR_CHROMIUM, else `chromium` on the PATH."""
    return os.environ.get(CHROMIUM_ENV) or shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class Visit:
    """What happened while a page was open."""

    url: str
    page: Page
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # requests to a host, refused by us


class Browser:
    """One headless Chromium for a build; use as a context manager."""

    def __init__(self, executable: str | None = None, timeout: float = 90.0, width: int = 1280) -> None:
        self.executable = executable or chromium()
        if self.executable is None:
            raise BrowserMissing("no Chromium found: install Debian's chromium (apt-get install chromium) "
                                 f"or set ${CHROMIUM_ENV}")
        self.timeout, self.width = timeout, width
        self._folder = ""
        self._playwright: Playwright | None = None
        self._browser: Chromium | None = None
        self._printer: Visit | None = None  # the tab that prints every page

    # --- life cycle ---------------------------------------------------------------------------------

    def __enter__(self) -> Browser:
        self._folder = tempfile.mkdtemp(prefix=FOLDER_PREFIX)
        try:
            self._playwright = self._start_driver()
            self._browser = self._playwright.chromium.launch(executable_path=self.executable, args=list(FLAGS),
                                                             timeout=self.timeout * 1000)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start_driver(self) -> Playwright:
        """Playwright with its driver tied to this process (see the module's docstring). The driver's temporary
        folder is ours: Chromium's profile lands in it (its command line names it) and goes with `close`."""
        node, _ = compute_driver_executable()
        wrapper = tied.executable(["env", f"TMPDIR={self._folder}", node], Path(self._folder) / "node")
        with _starting:
            before = os.environ.get(NODE_ENV)
            os.environ[NODE_ENV] = str(wrapper)
            try:
                return sync_playwright().start()
            finally:
                if before is None:
                    os.environ.pop(NODE_ENV, None)
                else:
                    os.environ[NODE_ENV] = before

    def close(self) -> None:
        """Close Chromium and end the driver (also when Chromium is gone already); remove our folder."""
        self._printer = None
        try:
            if self._browser is not None:
                self._browser.close()
        finally:
            self._browser = None
            if self._playwright is not None:
                self._playwright.stop()
                self._playwright = None
            if self._folder:
                shutil.rmtree(self._folder, ignore_errors=True)
                self._folder = ""

    # --- pages ----------------------------------------------------------------------------------------------

    def open(self, url: str, settle: bool = True) -> Visit:
        """Open `url` in a new tab and wait until it has loaded (with `settle`, until nothing loads any more)."""
        assert self._browser is not None
        page = self._browser.new_page(viewport={"width": self.width, "height": 900})
        page.set_default_timeout(self.timeout * 1000)
        visit = Visit(url, page)
        page.route("**/*", lambda route: self._local_only(route, visit))
        page.on("console", lambda m: visit.console_errors.append(m.text) if m.type in ("error", "assert") else None)
        page.on("pageerror", lambda e: visit.console_errors.append(str(e)))
        page.on("requestfailed", lambda r: visit.failed_requests.append(f"{r.failure}: {r.url}"))
        page.goto(url, wait_until="networkidle" if settle else "load")
        return visit

    @staticmethod
    def _local_only(route: Route, visit: Visit) -> None:
        url = route.request.url
        if url.startswith(LOCAL):
            route.continue_()
        else:
            visit.refused.append(url)
            route.abort("blockedbyclient")

    def charts_drawn(self, visit: Visit) -> None:
        """Wait until the page says that its charts are drawn (reports/static/charts.js)."""
        visit.page.wait_for_function(CHARTS_READY)
        if visit.page.evaluate(CHARTS_READY) != "true":
            raise ChartsFailed(f"{visit.url}: charts not drawn: {visit.console_errors}")

    def evaluate(self, visit: Visit, expression: str) -> Any:
        return visit.page.evaluate(expression)

    def screenshot(self, visit: Visit, height: int = 16000) -> bytes:
        """The page as PNG, from the top down to `height` (at most)."""
        full = visit.page.evaluate("document.documentElement.scrollHeight")
        return visit.page.screenshot(full_page=True, clip={"x": 0, "y": 0, "width": self.width, "height": min(full, height)})

    def pdf(self, visit: Visit) -> bytes:
        """The page printed as the browser prints it (its print stylesheet, A4)."""
        return visit.page.pdf(print_background=True, prefer_css_page_size=True, outline=True)

    def print_page(self, url: str) -> bytes:
        """The report page at `url` printed once its charts are drawn. One tab prints every page: in a new tab
        Chromium would compile Vega's scripts again (about half a second a page)."""
        if self._printer is None:
            self._printer = self.open(url, settle=False)
        else:
            self._printer.url = url
            self._printer.page.goto(url, wait_until="load")
        self.charts_drawn(self._printer)
        return self.pdf(self._printer)
