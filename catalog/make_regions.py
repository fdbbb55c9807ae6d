"""Write catalog/regions_germany.yaml, the regions of Germany, from the official lists it cites.

    python -m catalog.make_regions --gv100ad GV100AD_30112025.txt --kreise 04-kreise.xlsx \
        --nuts-matrix n3_cm_v2021_v2024.csv --regio regio_12411-01-01-4_tablefile_de_2026-03.zip

Inputs (none is copied into the project; the file written names each):
- Destatis, Gemeindeverzeichnis GV100AD, Gebietsstand 30.11.2025 (the fixed-width ASCII file): the 16 Länder
  (Satzart 10), the Regierungsbezirke (Satzart 20; "früher: …", "Statistische Region …" are no Regierungsbezirke
  today and are left out), the 400 Kreise and kreisfreie Städte (Satzart 40, with their kind, Textkennzeichen
  41-45) and every Gemeinde's Arbeitsagenturbezirk (Satzart 60, columns 186-190): the Agentur-für-Arbeit districts as
  lists of Kreise.
- Destatis, "Kreisfreie Städte und Landkreise nach Fläche, Bevölkerung und Bevölkerungsdichte", Gebietsstand
  31.12.2021 (04-kreise.xlsx): each Kreis's NUTS-3 code (NUTS 2021).
- JRC NUTS converter matrix NUTS-3 2021 -> 2024 (release 2025-08): NUTS 2024 from NUTS 2021 (the 2024 code with the
  largest share of the 2021 region's area).
- Regionaldatenbank Deutschland, table 12411-01-01-4 as served in 2026-03 (the flat-file zip): the names the
  Regionaldatenbank gives every KREISE code, and the codes it still lists for Kreise that no longer exist.

The script refuses inputs that disagree (a Kreis of one list missing in another, a Kreis in two agency districts,
a Regierungsbezirk whose Kreise lie in two NUTS-2 regions): fix the inputs, never the output.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import zipfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).parent
OUT = HERE / "regions_germany.yaml"

# The English names of the Länder (the German names come from the GV100AD).
STATES_EN = {
    "01": "Schleswig-Holstein", "02": "Hamburg", "03": "Lower Saxony", "04": "Bremen", "05": "North Rhine-Westphalia",
    "06": "Hesse", "07": "Rhineland-Palatinate", "08": "Baden-Württemberg", "09": "Bavaria", "10": "Saarland",
    "11": "Berlin", "12": "Brandenburg", "13": "Mecklenburg-Western Pomerania", "14": "Saxony", "15": "Saxony-Anhalt",
    "16": "Thuringia",
}
# GV100AD Textkennzeichen of a Kreis (Satzart 40) -> the kind in the English name.
KINDS_EN = {"41": "urban district", "42": "urban district", "43": "rural district", "44": "rural district",
            "45": "regional association"}
# Agentur-für-Arbeit districts whose names are known from the agencies' own publications (BIBB/BA Ausbildungsmarkt
# tables per Arbeitsagenturbezirk, sample/README.md A1): their catalog ids stay as they were.
NAMED_AGENCIES = {
    "627": ("aa-heilbronn", "Agentur für Arbeit Heilbronn", "Employment agency district Heilbronn"),
    "674": ("aa-schwaebisch-hall-tauberbischofsheim", "Agentur für Arbeit Schwäbisch Hall-Tauberbischofsheim",
            "Employment agency district Schwäbisch Hall-Tauberbischofsheim"),
}
# Berlin is one Gemeinde and one Kreis, but three Agenturen für Arbeit whose districts are made of Bezirke
# (BA-Gebietsstruktur, "ausgenommen das Land Berlin mit weiterhin drei Agenturen"): no list of Kreise can describe them.
BERLIN = "11000"


class InputError(ValueError):
    """The official lists disagree: the file is not written."""


def read_gv100ad(path: Path) -> tuple[dict[str, str], dict[str, str], dict[str, tuple[str, str]], dict[str, set[str]]]:
    """Länder {code: name}, Regierungsbezirke {code: name}, Kreise {code: (name, Textkennzeichen)} and the
    Arbeitsagentur of every Kreis {Kreis: {agency keys}} (first three digits of the Gemeinden's district keys)."""
    states, regbez, kreise, agencies = {}, {}, {}, defaultdict(set)
    for line in path.read_text(encoding="utf-8").splitlines():
        kind, code = line[:2], line[10:]
        if kind == "10":
            states[code[:2]] = line[22:72].strip()
        elif kind == "20":
            name = line[22:72].strip()
            if not name.startswith(("früher:", "Statistische Region")):
                regbez[code[:3]] = name.removeprefix("Reg.-Bez. ")
        elif kind == "40":
            kreise[code[:5]] = (line[22:72].strip(), line[122:124])
        elif kind == "60" and line[185:190].strip():  # blank: uninhabited areas without a district
            agencies[code[:5]].add(line[185:188])
    return states, regbez, kreise, agencies


def read_nuts2021(path: Path) -> dict[str, str]:
    """{Kreis: NUTS-3 code 2021} from Destatis' 04-kreise.xlsx (sheet "Kreisfreie Städte u. Landkreise")."""
    from openpyxl import load_workbook

    sheet = load_workbook(path, read_only=True)["Kreisfreie Städte u. Landkreise"]
    return {str(row[0]): str(row[3]) for row in sheet.iter_rows(values_only=True)
            if isinstance(row[0], str) and len(row[0]) == 5 and row[0].isdigit() and row[3]}


def read_nuts_matrix(path: Path) -> dict[str, str]:
    """{NUTS-3 2021: NUTS-3 2024}: the 2024 region holding the largest part of the 2021 region's area."""
    best: dict[str, tuple[float, str]] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["code_v2021"].startswith("DE"):
                area = float(row["areaKm"])
                if area > best.get(row["code_v2021"], (-1.0, ""))[0]:
                    best[row["code_v2021"]] = (area, row["code_v2024"])
    return {old: new for old, (_, new) in best.items()}


def read_regio_labels(path: Path) -> tuple[dict[str, str], set[str]]:
    """{KREISE code: Regionaldatenbank label} and the codes whose every value is "-" (no longer existing)."""
    with zipfile.ZipFile(path) as zf:
        (member,) = [n for n in zf.namelist() if n.endswith(".csv")]
        text = zf.read(member).decode("utf-8-sig")
    labels, values = {}, defaultdict(set)
    for row in csv.DictReader(io.StringIO(text), delimiter=";"):
        code = row["1_variable_attribute_code"]
        labels[code] = row["1_variable_attribute_label"]
        values[code].add(row["value"])
    return labels, {c for c, v in values.items() if v == {"-"}}


def short(label: str) -> str:
    """"Heilbronn, Stadtkreis" -> "Heilbronn"; "Darmstadt, kreisfreie Stadt, Wissenschaftsstadt" -> "Darmstadt"."""
    return label.split(",")[0].strip()


def entry(**fields: object) -> str:
    """One region as a YAML flow mapping on one line; strings double-quoted (JSON strings are YAML strings)."""
    def value(v: object) -> str:
        if isinstance(v, list | tuple):
            return "[" + ", ".join(json.dumps(x, ensure_ascii=False) for x in v) + "]"
        return v if isinstance(v, str) and v in ("country", "state", "regbez", "kreis", "former_kreis", "aa_district") \
            else json.dumps(v, ensure_ascii=False)
    return "  - {" + ", ".join(f"{k}: {value(v)}" for k, v in fields.items() if v is not None) + "}"


def build(gv100ad: Path, kreise_xlsx: Path, nuts_matrix: Path, regio: Path) -> list[str]:
    states, regbez, kreise, agencies = read_gv100ad(gv100ad)
    nuts2021, nuts2024 = read_nuts2021(kreise_xlsx), read_nuts_matrix(nuts_matrix)
    labels, dissolved = read_regio_labels(regio)
    current = {c for c in labels if len(c) == 5} - dissolved
    if set(kreise) != current or set(kreise) != set(nuts2021):
        raise InputError(f"the lists of Kreise disagree: GV100AD {len(kreise)}, Regionaldatenbank {len(current)}, "
                         f"04-kreise {len(nuts2021)}; differences {sorted(set(kreise) ^ current)} {sorted(set(kreise) ^ set(nuts2021))}")
    nuts = {k: nuts2024[nuts2021[k]] for k in kreise}
    parent = {k: k[:3] if k[:3] in regbez else k[:2] for k in kreise}
    regbez_nuts = {}
    for rb in regbez:
        prefixes = {nuts[k][:4] for k in kreise if parent[k] == rb}
        if len(prefixes) != 1:
            raise InputError(f"Regierungsbezirk {rb}: its Kreise lie in the NUTS-2 regions {sorted(prefixes)}")
        regbez_nuts[rb] = prefixes.pop()
    lines = [entry(code="DG", name_de="Deutschland", name_en="Germany", level="country", nuts="DE")]
    for s, name in sorted(states.items()):
        (prefix,) = {nuts[k][:3] for k in kreise if k[:2] == s}
        lines.append(entry(code=s, name_de=name, name_en=STATES_EN[s], level="state", nuts=prefix, parent="DG"))
    for rb, name in sorted(regbez.items()):
        lines.append(entry(code=rb, name_de=f"{name}, Regierungsbezirk", name_en=f"{name} government region", level="regbez",
                           nuts=regbez_nuts[rb], parent=rb[:2]))
    for k, (_, kind) in sorted(kreise.items()):
        lines.append(entry(code=k, name_de=labels[k], name_en=f"{short(labels[k])} ({KINDS_EN[kind]})", level="kreis",
                           nuts=nuts[k], parent=parent[k]))
    for k in sorted(c for c in dissolved if len(c) == 5):
        lines.append(entry(code=k, name_de=labels[k], name_en=f"{short(labels[k])} (former district)", level="former_kreis",
                           parent=k[:2]))
    by_agency: dict[str, list[str]] = defaultdict(list)
    for k in sorted(kreise):
        if len(agencies[k]) != 1:
            raise InputError(f"Kreis {k} lies in the Agentur-für-Arbeit districts {sorted(agencies[k])}: not a list of Kreise")
        by_agency[agencies[k].pop()].append(k)
    for key, members in sorted(by_agency.items()):
        if BERLIN in members:
            continue
        code, name_de, name_en = NAMED_AGENCIES.get(key) or (
            f"aa-{key}", f"Agenturbezirk {key}: " + ", ".join(short(labels[k]) for k in members),
            f"Employment agency district {key}: " + ", ".join(short(labels[k]) for k in members))
        lines.append(entry(code=code, name_de=name_de, name_en=name_en, level="aa_district", members=members))
    return lines


HEADER = """\
# The regions of Germany on today's territory. GENERATED by catalog/make_regions.py: do not edit, run it again.
# Read into catalog/models.py with catalog/regions.yaml (scope, partner regions, Regionalverbände) and the networks'
# own regions (networks/), checked on load.
#
# Sources (official lists; nothing in this file is typed by hand):
# - Länder, Regierungsbezirke (only where they exist today: "früher: …" and "Statistische Region …" are left out),
#   the 400 Kreise and kreisfreie Städte, and the Agentur-für-Arbeit districts: Statistisches Bundesamt (Destatis),
#   Gemeindeverzeichnis GV100AD, Gebietsstand 30.11.2025 (GV-ISys, Satzarten 10, 20, 40 and 60), as published at
#   https://www.destatis.de/DE/Themen/Laender-Regionen/Regionales/Gemeindeverzeichnis/_inhalt.html and read in
#   Ma-Loma/Hessen_END_Healthiar @ 6cb82e02b04cb849a105627d81c954b09c34a95e : data/Gebietstabellen/raw/GV100AD_30112025.txt
# - NUTS-3 2021 of each Kreis: Destatis, "Kreisfreie Städte und Landkreise nach Fläche, Bevölkerung und
#   Bevölkerungsdichte", Gebietsstand 31.12.2021 (GV-ISys), read in vaishali0810/Stat.-Praktikum @
#   dd10e7d1c271dc0e7080452f33e46ef6e4c23e7b : 04-kreise.xlsx; turned into NUTS 2024 with the JRC NUTS converter
#   matrix NUTS-3 v2021 -> v2024 (release 2025-08), ropensci/nuts @ 5509ff02266d9e3ebfbe51fc0d6457f34e59a0d8 :
#   data-raw/_JRC_NUTSconverter_Matrices_rel.2025.08/n3_cm_v2021_v2024.csv (../shared/reference/eurostat/). In
#   Germany only Thuringia changed (e.g. 16063 Wartburgkreis with Eisenach: DEG0P -> DEG0R). The NUTS-1 and NUTS-2
#   codes of Länder and Regierungsbezirke are those their Kreise share.
# - Names (name_de) are the Regionaldatenbank's labels of table 12411-01-01-4 as served on 2026-03-10
#   (../shared/reference/genesis/regio_12411-01-01-4_tablefile_de_2026-03.zip, recorded in CorrelAid/pystatis
#   tests/cassettes/12411-01-01-4.yaml @ b6e0dd88acba4280812549d881d0f5c4da865ecf); Regierungsbezirke as the
#   Regionaldatenbank writes them ("Stuttgart, Regierungsbezirk").
# - former_kreis: the 74 KREISE codes that file still lists for Kreise that no longer exist (every value "-"):
#   catalog/territorial_changes.yaml says what became of each.
# - aa_district: the districts of the Agenturen für Arbeit, from the Arbeitsagenturbezirk the GV100AD gives every
#   Gemeinde (its first three digits name the Agentur, the last two its Geschäftsstelle). Every Kreis lies in exactly
#   one district, as the BA cut them ("jedes Agenturgebiet umfasst genau einen oder mehrere Kreise (ausgenommen das Land
#   Berlin mit weiterhin drei Agenturen)", Statistik der BA, BA-Gebietsstruktur, Neuabgrenzung der Agenturbezirke).
#   Berlin is left out: its three Agenturen divide the Bezirke, not Kreise. The GV100AD has no names of the Agenturen:
#   a district is named by its key and its Kreise, except the two whose names the agencies' own tables give
#   (aa-heilbronn 627, aa-schwaebisch-hall-tauberbischofsheim 674; BIBB/BA Ausbildungsmarkt, sample/README.md).
#   IHK districts: no published assignment of Kreise to the 79 IHKs was found, so none is listed (heilbronn-franken
#   in catalog/regions.yaml is the IHK district Heilbronn-Franken, from the IHK's own description).
regions:
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gv100ad", type=Path, required=True)
    parser.add_argument("--kreise", type=Path, required=True, help="Destatis 04-kreise.xlsx")
    parser.add_argument("--nuts-matrix", type=Path, required=True, help="JRC n3_cm_v2021_v2024.csv")
    parser.add_argument("--regio", type=Path, required=True, help="Regionaldatenbank 12411-01-01-4 flat-file zip")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    lines = build(args.gv100ad, args.kreise, args.nuts_matrix, args.regio)
    args.out.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(lines)} regions")


if __name__ == "__main__":
    main()
