"""Pages printed to PDF by one headless Chromium (reports/browser.py) with their print stylesheet: the report's meeting
packs and the goals review."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path

from reports.browser import Browser
from reports.files import write_bytes


def print_pdfs(pages: Mapping[str, tuple[Path, Path]]) -> dict[str, float]:
    """Print each page (name -> (its HTML file, the PDF to write)); the seconds each took. Raises BrowserMissing
    when there is no Chromium."""
    seconds: dict[str, float] = {}
    with Browser() as browser:
        for name, (html, pdf) in pages.items():
            t0 = time.perf_counter()
            visit = browser.open(html.resolve().as_uri(), settle=False)  # a page without scripts
            write_bytes(pdf, browser.pdf(visit))
            browser.close_tab(visit)
            seconds[name] = time.perf_counter() - t0
    return seconds
