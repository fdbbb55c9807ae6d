"""Headless Chromium (Debian's `chromium`) through the DevTools protocol: print a page to PDF, or open it with
every request to a host refused and report what went wrong (console errors, failed requests), evaluate a
script in it, and take a screenshot.

Chromium is started through `processes.tied` (it dies with this process, even on SIGKILL) in a session of its
own with a fresh profile, and `close` ends its whole process group and removes the profile: no Chromium
outlives a build. The background-networking flags keep it from calling Google's services, which this
machine's closed network would refuse.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from websockets.sync.client import ClientConnection, connect

from processes import tied

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-default-apps", "--hide-scrollbars",
         "--mute-audio", "--remote-debugging-port=0", "--remote-allow-origins=*",
         # no name resolves: a page that asks a host for anything gets nothing, even if the refusal below missed it
         "--host-resolver-rules=MAP * ~NOTFOUND")
CHROMIUM_ENV = "LABOUR_MONITOR_CHROMIUM"


class BrowserMissing(RuntimeError):
    """No Chromium to start (install Debian's `chromium`, or name one in $LABOUR_MONITOR_CHROMIUM)."""


def chromium() -> str | None:
    """The Chromium executable: $LABOUR_MONITOR_CHROMIUM, else `chromium` on the PATH."""
    return os.environ.get(CHROMIUM_ENV) or shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class Visit:
    """What happened while a page was open."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # requests to a host, refused by us
    urls: dict[str, str] = field(default_factory=dict)  # request id -> address
    session: str = ""
    target: str = ""


class Browser:
    """One headless Chromium for a build; use as a context manager."""

    def __init__(self, executable: str | None = None, timeout: float = 90.0, width: int = 1280) -> None:
        self.executable = executable or chromium()
        if self.executable is None:
            raise BrowserMissing("no Chromium found: install Debian's chromium (apt-get install chromium) "
                                 f"or set ${CHROMIUM_ENV}")
        self.timeout, self.width = timeout, width
        self.proc: subprocess.Popen | None = None
        self.ws: ClientConnection | None = None
        self.profile = ""
        self.log: deque[str] = deque(maxlen=50)
        self._id = 0
        self._events: list[dict[str, Any]] = []
        self._visits: dict[str, Visit] = {}

    # --- life cycle ---------------------------------------------------------------------------------

    def __enter__(self) -> Browser:
        self.profile = tempfile.mkdtemp(prefix="lm-chromium-")
        self.proc = tied.popen([self.executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True, text=True)
        try:
            self.ws = connect(self._endpoint(), max_size=None, open_timeout=self.timeout)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _endpoint(self) -> str:
        """The DevTools address Chromium prints on start; its further output is drained by a thread."""
        assert self.proc is not None and self.proc.stderr is not None
        deadline = time.monotonic() + self.timeout
        for line in self.proc.stderr:
            self.log.append(line.rstrip())
            if line.startswith("DevTools listening on "):
                threading.Thread(target=lambda: self.log.extend(x.rstrip() for x in self.proc.stderr), daemon=True).start()
                return line.split(" on ", 1)[1].strip()
            if time.monotonic() > deadline:
                break
        raise RuntimeError("Chromium did not start: " + " | ".join(self.log))

    def close(self) -> None:
        """Close Chromium and every process it started; remove its profile."""
        if self.ws is not None:
            try:
                self._send("Browser.close")
            except Exception:  # noqa: BLE001 (it may already be gone)
                pass
            self.ws.close()
            self.ws = None
        if self.proc is not None:
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # helpers (zygote, renderers) are in its process group
            except ProcessLookupError:
                pass
            self.proc.wait()
            self.proc = None
        if self.profile:
            shutil.rmtree(self.profile, ignore_errors=True)
            self.profile = ""

    # --- protocol -----------------------------------------------------------------------------------------

    def _send(self, method: str, params: dict | None = None, session: str | None = None) -> dict[str, Any]:
        assert self.ws is not None
        self._id += 1
        wanted = self._id
        message = {"id": wanted, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._receive(deadline)
            if reply is not None and reply.get("id") == wanted:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def _receive(self, deadline: float) -> dict[str, Any] | None:
        """One message (None when the wait ends first); events are recorded, requests to hosts refused."""
        assert self.ws is not None
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("Chromium did not answer in time")
        try:
            message = json.loads(self.ws.recv(timeout=min(left, 0.25)))
        except TimeoutError:
            return None
        if "method" in message:
            self._event(message)
        return message

    def _event(self, message: dict[str, Any]) -> None:
        method, params = message["method"], message.get("params", {})
        visit = self._visits.get(message.get("sessionId", ""))
        self._events.append(message)
        if visit is None:
            return
        if method == "Fetch.requestPaused":
            url = params["request"]["url"]
            local = url.startswith(("file:", "data:"))
            if not local:
                visit.refused.append(url)
            self.ws.send(json.dumps({"id": 0, "sessionId": visit.session,
                                     "method": "Fetch.continueRequest" if local else "Fetch.failRequest",
                                     "params": {"requestId": params["requestId"]} | ({} if local else {"errorReason": "BlockedByClient"})}))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            visit.console_errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            visit.console_errors.append(details.get("exception", {}).get("description") or details.get("text", "exception"))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            visit.console_errors.append(params["entry"].get("text", ""))
        elif method == "Network.requestWillBeSent":
            visit.urls[params["requestId"]] = params["request"]["url"]
        elif method == "Network.loadingFailed":
            visit.failed_requests.append(f"{params.get('errorText')}: {visit.urls.get(params.get('requestId'), params.get('requestId'))}")

    def _wait_for(self, method: str, session: str) -> None:
        deadline = time.monotonic() + self.timeout
        while not any(e["method"] == method and e.get("sessionId") == session for e in self._events):
            self._receive(deadline)

    def _settle(self, quiet: float = 0.4) -> None:
        """Let the page finish what its scripts started: until nothing has happened for `quiet` seconds."""
        deadline = time.monotonic() + self.timeout
        last = time.monotonic()
        while time.monotonic() - last < quiet:
            if self._receive(deadline) is not None:
                last = time.monotonic()

    # --- pages ----------------------------------------------------------------------------------------------

    def open(self, url: str, refuse_hosts: bool = True, settle: bool = True) -> Visit:
        """Open `url` in a new tab and wait until it has loaded (and, with `settle`, until its scripts are done)."""
        target = self._send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self._send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        visit = Visit(url, session=session, target=target)
        self._visits[session] = visit
        for domain in ("Page", "Runtime", "Log", "Network"):
            self._send(f"{domain}.enable", session=session)
        if refuse_hosts:  # every request to a host; file: and data: go on
            self._send("Fetch.enable", {"patterns": [{"urlPattern": "*"}]}, session)
        self._send("Emulation.setDeviceMetricsOverride", {"width": self.width, "height": 900, "deviceScaleFactor": 1, "mobile": False},
                   session)
        self._send("Page.navigate", {"url": url}, session)
        self._wait_for("Page.loadEventFired", session)
        if settle:
            self._settle()
        return visit

    def evaluate(self, visit: Visit, expression: str) -> Any:
        result = self._send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}, visit.session)
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, visit: Visit, height: int = 16000) -> bytes:
        """The page as PNG, from the top down to `height` (at most)."""
        size = self._send("Page.getLayoutMetrics", session=visit.session)["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": self.width, "height": min(size["height"], height), "scale": 1}
        shot = self._send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}, visit.session)
        return base64.b64decode(shot["data"])

    def pdf(self, visit: Visit) -> bytes:
        """The page printed as the browser prints it (its print stylesheet, A4)."""
        printed = self._send("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True, "generateDocumentOutline": True},
                             visit.session)
        return base64.b64decode(printed["data"])

    def close_tab(self, visit: Visit) -> None:
        self._send("Target.closeTarget", {"targetId": visit.target})
        self._visits.pop(visit.session, None)
        self._events.clear()
