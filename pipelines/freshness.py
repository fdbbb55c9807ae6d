"""When a request is downloaded again, and what its attempt leaves in ops.requests.

A request (source, table, years, regional selection) is not downloaded when all of these hold: its last attempt left
its data in the warehouse (loaded, unchanged or skipped; after a failed or quarantined attempt it is fetched again);
the provider says its data is the same as then (GENESIS: the same `Updated` stamp in `metadata/table`, read before
the download; Eurostat and the BA: 304 Not Modified to a conditional request); the run is not forced. Then, with the
same parse fingerprint (sources/fingerprint.py) it is skipped, and with a changed one its stored payloads are parsed
again. Everything else is downloaded, and the data hash still skips a payload with the data last loaded
(warehouse/batches.py). A change of years or regions is another request, with no last attempt of its own.
"""

from __future__ import annotations

from sources.contract import RawPayload, Upstream
from warehouse.ops import BatchResult, RequestAttempt

HELD = frozenset({"loaded", "unchanged", "skipped"})  # outcomes after which the warehouse holds the request's data
_SEVERITY = ("skipped", "unchanged", "loaded", "quarantined", "failed")


def upstream_of(last: RequestAttempt | None, forced: bool) -> Upstream | None:
    """What the client asks the provider about: the stamps of the data the warehouse holds for the request. None
    (download whatever the provider says): a forced run, a request never asked, or a last attempt that failed or was
    quarantined."""
    if forced or last is None or last.outcome not in HELD:
        return None
    return Upstream(last.provider_updated, last.validators)


def why_downloaded(last: RequestAttempt | None, forced: bool, payloads: list[RawPayload]) -> str:
    if forced:
        return "forced (--force): downloaded whatever the provider's stamps say"
    if last is None:
        return "not asked before"
    if last.outcome not in HELD:
        return f"the last attempt (run {last.run_id}) was {last.outcome}: downloaded again"
    stamp = payloads[0].provider_updated if payloads else None
    if last.provider_updated and stamp != last.provider_updated:
        return f"update stamp changed: {last.provider_updated!r} -> {stamp!r}"
    if last.validators:
        return "the provider answered the conditional request with data (changed, or it ignores ETag / Last-Modified)"
    return ("no update stamp to compare before the download and no ETag / Last-Modified to ask with: downloaded, the data "
            "hash decides whether it is parsed")


def outcome_of(results: list[BatchResult]) -> str:
    """The request's outcome: the worst of its batches' (a request that brought nothing failed)."""
    return max((r.outcome for r in results), key=_SEVERITY.index, default="failed")


def attempt_of(results: list[BatchResult], payloads: list[RawPayload], downloaded: bool, forced: bool, reason: str,
               fingerprint: str) -> RequestAttempt:
    """The attempt of a request that brought payloads (downloaded, or read back from storage): the stamps of those
    payloads, and the batches that now hold its data."""
    return RequestAttempt(
        outcome_of(results), downloaded, forced, reason,
        provider_updated=next((p.provider_updated for p in payloads if p.provider_updated), None),
        validators=tuple(dict.fromkeys(v for p in payloads for v in p.validators)),
        parse_fingerprint=fingerprint,
        batches=tuple(r.batch_id for r in results if r.outcome in ("loaded", "unchanged") and r.batch_id),
    )


def skipped_attempt(last: RequestAttempt, forced: bool, reason: str) -> RequestAttempt:
    """Nothing downloaded, nothing parsed: the warehouse holds what the last attempt left, with its stamps."""
    return RequestAttempt("skipped", False, forced, reason, last.provider_updated, last.validators, last.parse_fingerprint,
                          last.batches)


def failed_attempt(forced: bool, reason: str) -> RequestAttempt:
    return RequestAttempt("failed", False, forced, reason)
