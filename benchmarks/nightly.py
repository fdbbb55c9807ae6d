"""Benchmark: a full nightly run replayed twice on recordings shaped like a live run, the second with nothing changed.

ALL FIGURES ARE GENERATED (benchmarks/recordings.py): every table of the catalog's Regionaldatenbank and Eurostat
sources as a live nightly asks for it (every year from the table's first, every region the catalog in scope holds),
with metadata answers carrying an `Updated` stamp and Eurostat answers an ETag and Last-Modified; the partner files
of the bundled sample. The figures are random, their shapes those the providers serve.

Each run is the `nightly` flow in its own process (its peak RSS is its own) against a temporary Prefect API started
before the clock starts (a nightly runs against a running server), replaying the recordings through a transport
that answers a conditional request whose ETag or Last-Modified matches the recording with 304 Not Modified, as a
provider honouring them does, and counts what it answers. Printed per run: the time, the time per phase, peak RSS and
the requests answered; last line `rerun/full = X.XX`.
Targets (issue 17): the second run takes <= 5 % of the first and < 20 s, and downloads nothing (no data request).
The exit code is 0 whether the targets pass or fail (a benchmark; CI runs it at a tiny size as a smoke test,
tests/benchmarks/test_smoke.py).

    .venv/bin/python benchmarks/nightly.py              # every year of every table
    .venv/bin/python benchmarks/nightly.py --years 2    # the last two years only (smoke run)
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from typing import Any  # noqa: E402

TARGET_SHARE = 0.05
TARGET_RERUN_S = 20.0
# What each phase wraps in pipelines.flows; the rest of `run_ingest` is "other in the flow", the rest of the call
# of the flow Prefect's.
PHASES = {
    "_download": "download (metadata, conditional requests, data)",
    "stored_payloads": "stored payloads read back",
    "parse_and_load": "parse + validate + load",
    "marts": "marts",
}


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def conditional_replay(folder: Path, source_id: str, counts: Counter) -> Any:
    """A replay of `folder` that honours If-None-Match / If-Modified-Since against the recorded answer's ETag /
    Last-Modified (304, no body) and counts what it answers: metadata, not_modified, data."""
    import httpx

    from sources.recording import ReplayTransport, request_key

    class ConditionalReplay(ReplayTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            recorded = self.recordings.get(request_key(request))
            headers = recorded.headers if recorded else {}
            etag, modified = request.headers.get("if-none-match"), request.headers.get("if-modified-since")
            if (etag and etag == headers.get("etag")) or (modified and modified == headers.get("last-modified")):
                counts["not_modified"] += 1
                return httpx.Response(304, headers={k: v for k, v in headers.items() if k in ("etag", "last-modified")}, request=request)
            counts["metadata" if "/metadata/" in request.url.path else "data"] += 1
            return super().handle_request(request)

    return ConditionalReplay(folder, source_id)


def timed(phases: dict[str, float], name: str, inner: Callable) -> Callable:
    def run(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            phases[name] += time.perf_counter() - t0
    return run


def child_run(recordings: Path, data: Path) -> dict:
    """One nightly run, replayed; its time, phases, peak RSS and requests answered."""
    os.environ["LABOUR_MONITOR_RECORDINGS"] = str(recordings)
    from prefect.testing.utilities import prefect_test_harness

    import pipelines.flows as flows
    import pipelines.providers as providers
    from expectations.validate import Validator

    counts: Counter = Counter()
    phases: dict[str, float] = defaultdict(float)
    providers.transport = lambda source, settings: conditional_replay(settings.recordings_dir / source.id, source.id, counts)
    for name in (*PHASES, "run_ingest"):
        setattr(flows, name, timed(phases, name, getattr(flows, name)))
    Validator.build_docs = timed(phases, "data docs", Validator.build_docs)
    flows.reporting.after_publish = timed(phases, "after publish (report, exports)", flows.reporting.after_publish)
    with prefect_test_harness(server_startup_timeout=120):
        t0 = time.perf_counter()
        summary = flows.nightly(data_dir=str(data))
        total = time.perf_counter() - t0
    inside = phases.pop("run_ingest")
    named = {PHASES.get(k, k): v for k, v in phases.items()}
    named["other in the flow (plan, catalog, write slot, build copy, ops records, publish)"] = inside - sum(phases.values())
    named["Prefect (flow run created, states, results)"] = total - inside
    return {"total_s": total, "phases": named, "peak_rss_mib": peak_rss_mib(), "requests": dict(counts),
            "batches": summary["batches"], "rows_new": summary["rows_new"], "failed": summary["failed"],
            "quarantined": summary["quarantined"]}


def run_child(recordings: Path, data: Path, home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")} | {
        "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING"}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(recordings), str(data)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, env=env)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-5000:] + proc.stderr[-5000:])
        raise SystemExit(f"nightly run failed (exit {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def report(label: str, run: dict) -> None:
    print(f"{label}: {run['total_s']:.2f} s, peak RSS {run['peak_rss_mib']:.0f} MiB, batches {run['batches']}, "
          f"rows new {run['rows_new']:,}, requests answered {run['requests']}")
    for phase, seconds in sorted(run["phases"].items(), key=lambda kv: -kv[1]):
        print(f"    {phase:<82} {seconds:8.2f} s")
    for problem in run["failed"] + run["quarantined"]:
        print(f"    ! {problem}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--years", type=int, default=0, help="only the last N years of each table (default: every year)")
    ap.add_argument("--keep", action="store_true", help="keep the recordings and the warehouse")
    ap.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child_run(*args.child)))
        return 0

    from benchmarks.recordings import generate
    from catalog import default_catalog

    catalog = default_catalog()
    work = Path(tempfile.mkdtemp(prefix="lm-bench-nightly-"))
    try:
        this_year = datetime.now(UTC).year
        t0 = time.perf_counter()
        recorded = generate(work / "recordings", catalog, this_year, first_year=this_year - args.years if args.years else None)
        print(f"GENERATED figures, not statistics: recordings of {len(recorded.requests)} requests for "
              f"{len(catalog.kreise_in_scope())} Kreise of scope {','.join(catalog.region_scope())} "
              f"({sum(recorded.rows.values()):,} rows or cells: {recorded.rows}), written in {time.perf_counter() - t0:.1f} s\n")
        full = run_child(work / "recordings", work / "data", work / "prefect-home")
        rerun = run_child(work / "recordings", work / "data", work / "prefect-home")
        report("full run (first, empty warehouse)", full)
        report("rerun (nothing changed)", rerun)
        share = rerun["total_s"] / full["total_s"]
        data_requests = rerun["requests"].get("data", 0)
        ok = share <= TARGET_SHARE and rerun["total_s"] < TARGET_RERUN_S and data_requests == 0
        print(f"\nrerun {rerun['total_s']:.2f} s of full {full['total_s']:.2f} s: {share:.1%} (target <= {TARGET_SHARE:.0%} "
              f"and < {TARGET_RERUN_S:g} s); data requests in the rerun: {data_requests} (target 0); "
              f"overall: {'PASS' if ok else 'FAIL'} (figures are generated)")
        print(f"rerun/full = {share:.2f}")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
