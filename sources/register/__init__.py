"""The alliances' registers of goals, measures and results: a workbook the partners keep themselves (an empty template
and a filled example are written by template.py), read like a partner file from the source's drop folder
(catalog/registers.yaml says which file of which alliance), and parsed into the rows of the register's own tables, not
into observations: goals are intentions, not statistics.

reading.py reads the sheets into typed rows (rows.py: one model per sheet, its aliases the German headers); checks.py
checks them against the catalog (indicator, region, the indicator's figures at the region's level, the years, a
target in % or in points as the indicator is read) and against each other (ids, a measure's goals, an output's
measure). The first bad entry is an error naming the sheet, the row and the column; the batch is then quarantined whole.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from catalog import Catalog, Source, SourceTable
from catalog.registers import load_registers
from sources.contract import ClientSetup, Provider, RawPayload, RegisterRows
from sources.files.client import DROP_FOLDER_ENV, FilesClient, no_drop_folder
from sources.files.parser import file_name
from sources.register.checks import register_rows
from sources.register.reading import RegisterError, read_workbook
from sources.register.rows import SHEETS

__all__ = ["PROVIDER", "RegisterError", "parse_register"]


def client(setup: ClientSetup) -> FilesClient:
    """Replay reads the copy beside the recordings (<recordings>/<source id>/); live and record read the drop folder
    $LABOUR_MONITOR_PARTNER_FILES/<source id>/, and record keeps a copy for replay."""
    drop = os.environ.get(DROP_FOLDER_ENV)
    folder = setup.recordings if setup.mode == "replay" else (Path(drop) / setup.source.id if drop else None)
    return FilesClient(setup.source, dict(load_registers(setup.catalog)), folder, setup.http, setup.policy,
                       keep_in=setup.recordings if setup.mode == "record" else None)


def precondition(source: Source, catalog: Catalog) -> str | None:
    """A live run reads the workbook from the drop folder."""
    return None if os.environ.get(DROP_FOLDER_ENV) else no_drop_folder(source)


def parse_register(data: bytes, name: str, table: SourceTable, catalog: Catalog, batch_id: str) -> RegisterRows:
    """A register workbook as the rows of its tables, every entry checked; the first bad one raises RegisterError."""
    register = load_registers(catalog)[table.id]

    def fail(detail: str, sheet: str | None = None, row: int | None = None, column: str | None = None) -> RegisterError:
        return RegisterError(table.source, table.id, name, detail, sheet=sheet, row=row, column=column)

    return register_rows(read_workbook(data, fail), register, table, catalog, batch_id, fail)


def parse_payload(payload: RawPayload, table: SourceTable, catalog: Catalog, batch_id: str) -> RegisterRows:
    return parse_register(payload.data.read(), file_name(payload.url), table, catalog, batch_id)


def fingerprint(catalog: Catalog, table_id: str) -> str:
    """What the checks of a register read: its entries, the workbook's columns, and every indicator (its unit, how that
    unit is read, its frequency and the levels it has figures at) and region of the catalog. A change of any re-checks
    the last workbook, which may then be quarantined (an indicator removed) or loaded (a region added)."""
    shape = {
        "table": catalog.tables[table_id].model_dump(include={"id", "source", "start_year", "end_year"}),
        "register": load_registers(catalog)[table_id].model_dump(),
        "columns": {sheet: model.headers() for sheet, model in SHEETS.items()},
        "indicators": sorted((i.id, i.unit, catalog.freq_of(i.id), sorted(catalog.levels_of(i.id))) for i in catalog.all_indicators().values()),
        "units": sorted(u.model_dump_json() for u in catalog.units.values()),
        "regions": sorted((r.code, r.name_de, r.level) for r in catalog.regions.values()),
    }
    return hashlib.sha256(json.dumps(shape, sort_keys=True, default=list).encode()).hexdigest()[:16]


PROVIDER = Provider("register", client, parse_payload, precondition=precondition, fingerprint=fingerprint)
