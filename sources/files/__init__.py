"""Partner files: skilled-labour and statistics-office figures that partners export as CSV or XLSX, read
from a drop folder or a URL (client.py) and parsed by a declared mapping per file kind (parser.py, with
the long layout in long.py, the wide one in wide.py, cells in cells.py and the figures in figures.py).

A file kind is a catalog table of a `files` source; catalog/partner_files.yaml says where its file is
and which column holds what. A file is one payload, hashed like any other: the same file again is not
parsed, a corrected file opens new vintages of the figures it changes. A kind with `each_file: true`
reads every matching file, each as its own batch (a table published as one file per region).
"""

from __future__ import annotations

import os
from pathlib import Path

from catalog import Catalog, Source
from catalog.partner_files import load_kinds
from sources.contract import ClientSetup, Provider
from sources.files.cells import FileError
from sources.files.client import DROP_FOLDER_ENV, FilesClient, no_drop_folder
from sources.files.parser import parse_file, parse_payload

__all__ = ["DROP_FOLDER_ENV", "PROVIDER", "FileError", "FilesClient", "parse_file", "parse_payload"]


def client(setup: ClientSetup) -> FilesClient:
    """Replay reads the copies beside the recordings (<recordings>/<source id>/); live and record read the drop
    folder $LABOUR_MONITOR_PARTNER_FILES/<source id>/, and record keeps a copy for replay."""
    drop = os.environ.get(DROP_FOLDER_ENV)
    folder = setup.recordings if setup.mode == "replay" else (Path(drop) / setup.source.id if drop else None)
    return FilesClient(setup.source, load_kinds(setup.catalog), folder, setup.http, setup.policy,
                       keep_in=setup.recordings if setup.mode == "record" else None)


def precondition(source: Source, catalog: Catalog) -> str | None:
    """A live run reads the drop folder, unless every kind of the source is fetched from its own `url:`."""
    if os.environ.get(DROP_FOLDER_ENV) or all(k.url for k in load_kinds(catalog).values() if k.source == source.id):
        return None
    return no_drop_folder(source)


PROVIDER = Provider("files", client, parse_payload, precondition=precondition)
