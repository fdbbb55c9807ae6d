"""Where the pipeline reads and writes, and whether it talks to the providers or to recordings."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from sources.contract import TableRequest

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = REPO_ROOT / "sample"
MODES = ("replay", "live", "record")


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    mode: str = "replay"  # replay: recorded responses; live: the APIs; record: the APIs, answers saved
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


REGION_PARAMS = ("regionalvariable", "regionalkey", "geo", "regions")  # GENESIS (AGS), Eurostat (NUTS), BA (catalog codes)


def read_requests(path: Path) -> list[TableRequest]:
    """The requests recordings answer (`requests.yaml` beside them)."""
    if not path.exists():
        return []
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [
        TableRequest(src, str(r["table"]), int(r["years"][0]), int(r["years"][1]),
                     tuple((k, str(r[k])) for k in REGION_PARAMS if r.get(k)))
        for src, requests in doc.items()
        for r in requests
    ]


def write_requests(path: Path, requests: list[TableRequest], comment: str) -> None:
    doc: dict[str, list[dict]] = {}
    for r in requests:
        doc.setdefault(r.source_id, []).append({"table": r.table_id, "years": [r.first_year, r.last_year]} | r.region_params)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# {comment}\n" + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
