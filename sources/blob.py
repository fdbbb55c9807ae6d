"""The bytes of a payload (sources/contract.py `RawPayload`), held in memory or in a file on disk.

A flat file of a whole table is hundreds of MB. Held as one bytes object it stays in memory as long as its payload
lives (through the parse, the validation and the load), so a payload can point to a file instead: a file downloaded
by hand is read where it lies, and the GENESIS client unzips a flat file into the flow run's store. Whatever reads a payload whole-table-sized reads it as a stream (the data hash, the
store, the GENESIS parser); a provider whose answers are small reads them whole (`read`).
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

CHUNK = 1 << 22  # 4 MiB: what a stream is hashed and copied in


class Blob(ABC):
    """Bytes that can be read as a stream from the first byte, any number of times."""

    @abstractmethod
    def open(self) -> pa.NativeFile:
        """A stream of the bytes (Arrow's: Arrow's readers and writers take it without a copy through Python)."""

    @property
    @abstractmethod
    def size(self) -> int: ...

    def read(self) -> bytes:
        """All the bytes at once: for answers small enough to hold."""
        with self.open() as stream:
            return stream.read()

    def head(self, n: int) -> bytes:
        """The first `n` bytes (fewer if there are fewer)."""
        with self.open() as stream:
            return stream.read(n)

    def buffers(self) -> Iterator[pa.Buffer]:
        """The bytes in chunks of CHUNK, without a copy where they are in memory already."""
        with self.open() as stream:
            while (chunk := stream.read_buffer(CHUNK)).size:
                yield chunk

    def sha256(self) -> str:
        digest = hashlib.sha256()
        for chunk in self.buffers():
            digest.update(chunk)  # releases the GIL: the store hashes on a thread while the batch is parsed
        return digest.hexdigest()


@dataclass(frozen=True)
class InMemory(Blob):
    """Bytes held in memory: an answer as the HTTP client read it."""

    content: bytes

    def open(self) -> pa.NativeFile:
        return pa.BufferReader(self.content)

    @property
    def size(self) -> int:
        return len(self.content)

    def read(self) -> bytes:
        return self.content


@dataclass(frozen=True)
class OnDisk(Blob):
    """Bytes in a file that stays as it is while the payload lives (a file downloaded by hand, read where it lies; a
    flat file unzipped into a flow run's store). Pickled as its path: a payload kept for a retried flow run points to
    the same file."""

    path: Path

    def open(self) -> pa.NativeFile:
        return pa.OSFile(str(self.path))

    @property
    def size(self) -> int:
        return self.path.stat().st_size
