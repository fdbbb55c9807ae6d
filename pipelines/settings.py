"""Where the pipeline reads and writes, and whether it talks to the providers or to recordings."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = REPO_ROOT / "sample"
MODES = ("replay", "live", "record", "file")


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    mode: str = "replay"  # replay: recorded responses; live: the APIs; record: the APIs, answers saved; file: a downloaded file
    recordings_dir: Path = SAMPLE_DIR / "recordings"

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {self.mode!r}")

    @classmethod
    def from_env(cls, data_dir: str | Path | None = None, mode: str = "replay", recordings_dir: str | Path | None = None) -> Settings:
        return cls(
            data_dir=Path(data_dir or os.environ.get("LABOUR_MONITOR_DATA", "data")).resolve(),
            mode=mode,
            recordings_dir=Path(recordings_dir or os.environ.get("LABOUR_MONITOR_RECORDINGS", SAMPLE_DIR / "recordings")),
        )
