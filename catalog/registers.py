"""The alliances' registers of goals and measures (catalog/registers.yaml): which table of a `register` source holds
the register of which alliance, and where its workbook is found."""

from __future__ import annotations

from pathlib import Path

from catalog import CATALOG_DIR, Catalog
from catalog.consistency import check_registers
from catalog.models import Entry, Text
from catalog.reading import entries, read_yaml, unique

REGISTERS_FILE = CATALOG_DIR / "registers.yaml"


class Register(Entry):
    """One alliance's register: its table, the alliance's region and the glob of its workbook in the drop folder."""

    id: Text
    alliance: Text
    file: Text

    # Where the partner files client (sources/files/client.py) finds the workbook: one file in the drop folder.
    @property
    def url(self) -> None:
        return None

    @property
    def each_file(self) -> bool:
        return False


def load_registers(catalog: Catalog, path: Path = REGISTERS_FILE) -> dict[str, Register]:
    """Every register by its table id, checked against the catalog; every table of a `register` source must have one."""
    registers = unique(entries(Register, read_yaml(path, ["registers"])["registers"], path.name, "register"), f"{path.name}: registers")
    check_registers(catalog, path.name, registers)
    return registers
