"""Write the nationwide figures of the sample into sample/figures.csv from the real files they are copied from.

    python -m sample.make_nationwide_figures --s1 regio_12411-01-01-4_tablefile_de_2026-03.zip \
        --s2 pystatis@cbb0a56:tests/cassettes/12411-01-01-4.yaml --s5 pystatis@41f02bd:tests/cassettes/13111-01-03-4.yaml \
        --d1 genesapi-data@75112493:src/12411-01-01-4_00.csv

Every row of each file becomes a row of figures.csv (`source` S1, S2, S5, D1; sample/README.md cites them): the
flat files (S1 the zip as served, S2 and S5 the `data/tablefile` answer recorded in a pystatis vcrpy cassette) row by
row with their codes, labels and values as served; the website export (D1, "GENESIS-Tabelle: 12411-01-01-4") cell by
cell, its region codes and labels as it writes them (labels without their indentation), the markers (`-`, `.`) as
markers. The rows of those keys are replaced; every other row of figures.csv stays as it is.
"""

from __future__ import annotations

import argparse
import csv
import io
import zipfile
from pathlib import Path

import yaml

from sample.make_recordings import HERE

COLUMNS = ["table", "period", "region_code", "region_label", "attributes", "value", "release", "current", "source", "flag"]
# key -> (table, release: when the answer was served or the export made, classifying variables of the attributes)
KEYS = {"S1": ("12411-01-01-4", "2026-03", ("GES",)), "S2": ("12411-01-01-4", "2025-04", ("GES",)),
        "S5": ("13111-01-03-4", "2025-06", ("NAT", "GES")), "D1": ("12411-01-01-4", "2017-10", ("GES",))}
SEX = {"Insgesamt": "", "männlich": "GESM", "weiblich": "GESW"}


def zipped_csv(body: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(body)) as zf:
        (member,) = [n for n in zf.namelist() if n.endswith(".csv")]
        return zf.read(member).decode("utf-8-sig")


def cassette_csv(path: Path) -> str:
    """The flat file of the first `data/tablefile` answer (language de) of a vcrpy cassette."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    for interaction in doc["interactions"]:
        body = interaction["response"]["body"]["string"]
        if interaction["request"]["uri"].endswith("data/tablefile") and "language=de" in interaction["request"]["body"]:
            return zipped_csv(body if isinstance(body, bytes) else body.encode())
    raise ValueError(f"{path}: no data/tablefile answer in German")


def flat_figures(text: str, key: str) -> list[dict[str, str]]:
    """One figures.csv row per row of a flat file (ffcsv): the regional block and the classifying blocks by code."""
    table, release, variables = KEYS[key]
    out = []
    for row in csv.DictReader(io.StringIO(text), delimiter=";"):
        blocks = {row[f"{n}_variable_code"]: row[f"{n}_variable_attribute_code"] for n in range(1, 4) if f"{n}_variable_code" in row}
        region = next(b for b in blocks if b in ("DINSG", "DLAND", "REGBEZ", "KREISE"))
        labels = {row[f"{n}_variable_code"]: row[f"{n}_variable_attribute_label"] for n in range(1, 4) if f"{n}_variable_code" in row}
        out.append({"table": table, "period": row["time"], "region_code": blocks[region], "region_label": labels[region],
                    "attributes": "|".join(blocks[v] for v in variables), "value": row["value"], "release": release,
                    "current": "true", "source": key, "flag": ""})
    return out


def export_figures(text: str, key: str) -> list[dict[str, str]]:
    """One figures.csv row per cell of a website export ("GENESIS-Tabelle:"): periods and sexes from its two header
    lines (`;;31.12.2015;…` and `;;Insgesamt;männlich;…`), a region per line (`code;label;values…`)."""
    table, release, _ = KEYS[key]
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(";;") and line[2:3].isdigit())
    dates = lines[start].split(";")[2:]
    sexes = lines[start + 1].split(";")[2:]
    periods = ["-".join(reversed(d.split("."))) for d in dates]
    out = []
    for line in lines[start + 2:]:
        cells = line.split(";")
        if len(cells) != len(dates) + 2 or not cells[0]:
            break  # the footer
        code, label = cells[0], cells[1].strip()
        for period, sex, value in zip(periods, sexes, cells[2:], strict=True):
            out.append({"table": table, "period": period, "region_code": code, "region_label": label, "attributes": SEX[sex],
                        "value": value, "release": release, "current": "true", "source": key, "flag": ""})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--s1", type=Path, required=True, help="Regionaldatenbank 12411-01-01-4 zip of 2026-03")
    parser.add_argument("--s2", type=Path, required=True, help="pystatis cassette 12411-01-01-4.yaml at cbb0a56")
    parser.add_argument("--s5", type=Path, required=True, help="pystatis cassette 13111-01-03-4.yaml at 41f02bd")
    parser.add_argument("--d1", type=Path, required=True, help="genesapi-data src/12411-01-01-4_00.csv")
    args = parser.parse_args()
    rows = (flat_figures(zipped_csv(args.s1.read_bytes()), "S1") + flat_figures(cassette_csv(args.s2), "S2")
            + flat_figures(cassette_csv(args.s5), "S5") + export_figures(args.d1.read_text(encoding="utf-8"), "D1"))
    path = HERE / "figures.csv"
    with path.open(encoding="utf-8") as fh:
        kept = [r for r in csv.DictReader(fh) if r["source"] not in KEYS]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept + rows)
    print(f"{path}: {len(rows)} nationwide figures ({', '.join(KEYS)}), {len(kept)} others kept")


if __name__ == "__main__":
    main()
