"""Typed errors of the sources. Each names the source and table (and the row, where there is one)."""

from __future__ import annotations


class SourceError(Exception):
    """A provider answered something the pipeline cannot use. Not retried unless `retryable`."""

    retryable = False

    def __init__(self, source: str, table: str | None, detail: str, row: int | None = None) -> None:
        self.source, self.table, self.detail, self.row = source, table, detail, row
        where = f"source {source}" + (f", table {table}" if table else "") + (f", row {row}" if row is not None else "")
        super().__init__(f"{where}: {detail}")


class TransientError(SourceError):
    """Network trouble, a 5xx or an overloaded server: worth retrying with backoff."""

    retryable = True


class HostUnreachable(SourceError):
    """No answer started: the name did not resolve, the connection was refused or never completed, or the
    server accepted and sent nothing. The client already retried within its budget: not retried again."""

    def __init__(self, source: str, table: str | None, host: str, last_error: str, attempts: int, seconds: float) -> None:
        self.host, self.last_error = host, last_error
        super().__init__(source, table, f"host {host} did not answer ({attempts} attempt(s) in {seconds:.0f} s); "
                                        f"last error: {last_error}")


class RateLimited(TransientError):
    """HTTP 429: retry after the delay the server asks for."""

    def __init__(self, source: str, table: str | None, detail: str, retry_after: float | None) -> None:
        super().__init__(source, table, detail)
        self.retry_after = retry_after


class AuthError(SourceError):
    """Missing or wrong credentials (GENESIS codes 15 and 2). Never retried."""


class TableMissing(SourceError):
    """The provider does not have this table (GENESIS code 90)."""


class NoData(SourceError):
    """No objects for this selection (GENESIS codes 103/104)."""


class TooLarge(SourceError):
    """The request exceeds the provider's size limit (GENESIS code 98): split it."""


class ProviderError(SourceError):
    """Any other error status of the provider (e.g. GENESIS code -1, a system error)."""


class FormatError(SourceError):
    """The body is not what the provider documents: HTML, a truncated zip, changed columns, bad values."""


class NotModified(SourceError):
    """The provider says the request's answer is the one the warehouse holds (GENESIS: the same `Updated` stamp;
    HTTP: 304 Not Modified to a conditional request): nothing was downloaded. Not an error of the run."""


class MissingRecording(SourceError):
    """Replay mode has no recorded response for this request."""
