"""Export a region's comparison and profile for partners: Excel, CSV or Parquet.

Reads the published warehouse read-only. The region's own rows and those of its member Kreise come
from marts.region_comparison (against the state and Germany) and marts.region_profile (plus the
state and Germany as rows, for side-by-side reading). Excel gets one sheet per topic with German
headers, units, and a source and licence line; CSV (German conventions: `;`, decimal comma, UTF-8
with BOM, for Excel users) and Parquet (for analysts, column names as in the mart) carry the
credit line in every row (the German CSV) or beside it (Parquet: `credits` file).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from warehouse.connection import read_only

FORMATS = ("xlsx", "csv", "parquet")
TOPICS_DE = {"demography": "Demografie", "economy": "Wirtschaft", "social": "Soziales",
             "labour_market": "Arbeitsmarkt", "skilled_labour": "Fachkräfte"}
COMPARISON_HEADERS_DE = {
    "indicator_label_de": "Indikator", "unit": "Einheit", "region_code": "Regionalschlüssel",
    "region_name_de": "Region", "period": "Zeitraum", "value": "Wert", "status": "Status",
    "reference_name_de": "Vergleichsregion", "reference_value": "Vergleichswert",
    "index_reference_100": "Index (Vergleichsregion = 100)", "difference": "Differenz zur Vergleichsregion",
    "rank_in_level": "Rang in der Ebene", "regions_in_level": "Regionen der Ebene",
    "change_previous": "Veränderung zur Vorperiode", "change_previous_pct": "Veränderung zur Vorperiode in %",
    "change_5_periods": "Veränderung über 5 Perioden", "change_5_periods_pct": "Veränderung über 5 Perioden in %",
}
PROFILE_KEYS_DE = {"region_code": "Regionalschlüssel", "region_name_de": "Region", "region_level": "Ebene", "period": "Jahr/Periode"}


class ExportError(ValueError):
    """The region is unknown, or the warehouse holds nothing for it."""


def region_frames(con: duckdb.DuckDBPyConnection, region: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The comparison rows of `region` and its member Kreise, the profile rows of those plus the
    state and Germany, and the credit lines of their figures."""
    found = con.execute("SELECT members FROM core.regions WHERE region_code = ?", [region]).fetchone()
    if found is None:
        known = [r[0] for r in con.execute("SELECT region_code FROM core.regions WHERE level NOT IN ('kreis') ORDER BY 1").fetchall()]
        raise ExportError(f"unknown region {region!r}; regions (besides the Kreise): {known}")
    regions = [region, *found[0]]
    comparison = con.execute(
        "SELECT * FROM marts.region_comparison WHERE region_code IN (SELECT unnest(?::VARCHAR[])) "
        "ORDER BY topic, indicator_id, region_code <> ?, region_code, period, reference_code", [regions, region]
    ).df()
    if comparison.empty:
        raise ExportError(f"the warehouse holds no comparable figures for {region!r} yet")
    profile = con.execute(
        "SELECT * FROM marts.region_profile WHERE region_code IN (SELECT unnest(?::VARCHAR[])) "
        "OR region_level IN ('state', 'country') ORDER BY region_code <> ?, region_level, region_code, period",
        [regions, region],
    ).df()
    credits = con.execute(
        "SELECT DISTINCT citation, licence FROM marts.indicator_values WHERE region_code IN (SELECT unnest(?::VARCHAR[]))", [regions]
    ).df()
    return comparison, profile.dropna(axis=1, how="all"), credits


def _credit(credits: pd.DataFrame) -> str:
    citations = sorted({c for cell in credits["citation"].dropna() for c in cell.split(" | ")})
    licences = sorted({c for cell in credits["licence"].dropna() for c in cell.split(" | ")})
    return f"Quelle: {'; '.join(citations)}. Lizenz: {'; '.join(licences)}. Berechnungen: labour-monitor."


def _profile_headers(con: duckdb.DuckDBPyConnection, profile: pd.DataFrame) -> dict[str, str]:
    labels = dict(con.execute("SELECT indicator_id, label_de || ' (' || unit || ')' FROM core.indicators").fetchall())
    return {c: PROFILE_KEYS_DE.get(c) or labels.get(c, c) for c in profile.columns}


def export_region(db_path: Path, region: str, fmt: str, out_dir: Path) -> list[Path]:
    """Write the comparison and profile of `region` into `out_dir`; return the files written."""
    if fmt not in FORMATS:
        raise ExportError(f"format must be one of {FORMATS}, got {fmt!r}")
    if not db_path.exists():
        raise ExportError(f"no published warehouse at {db_path}: run `labour-monitor run` first")
    con = read_only(db_path)
    try:
        comparison, profile, credits = region_frames(con, region)
        profile_headers = _profile_headers(con, profile)
    finally:
        con.close()
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / f"labour-monitor_{region}"
    if fmt == "parquet":
        paths = [stem.with_name(stem.name + f"_{part}.parquet") for part in ("comparison", "profile", "credits")]
        for frame, target in zip((comparison, profile, credits), paths, strict=True):
            frame.to_parquet(target, index=False)
        return paths
    credit = _credit(credits)
    german = comparison[list(COMPARISON_HEADERS_DE)].rename(columns=COMPARISON_HEADERS_DE).assign(Quelle=credit)
    if fmt == "csv":
        paths = [stem.with_name(stem.name + "_vergleich.csv"), stem.with_name(stem.name + "_profil.csv")]
        german.to_csv(paths[0], sep=";", decimal=",", index=False, encoding="utf-8-sig")
        profile.rename(columns=profile_headers).assign(Quelle=credit).to_csv(
            paths[1], sep=";", decimal=",", index=False, encoding="utf-8-sig")
        return paths
    path = stem.with_suffix(".xlsx")
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        for topic, rows in comparison.groupby("topic", sort=False):
            _sheet(xl, TOPICS_DE.get(topic, topic), german.loc[rows.index].drop(columns="Quelle"),
                   f"{rows['region_name_de'].iloc[0]}: {TOPICS_DE.get(topic, topic)} im Vergleich mit Land und Bund", credit)
        _sheet(xl, "Profil", profile.rename(columns=profile_headers), "Regionalprofil: ein Wert je Indikator und Jahr", credit)
    return [path]


HEADER_ROWS = 3  # title, credit line, blank; the table starts below


def _sheet(xl: pd.ExcelWriter, name: str, frame: pd.DataFrame, title: str, credit: str) -> None:
    frame.to_excel(xl, sheet_name=name[:31], index=False, startrow=HEADER_ROWS)
    sheet = xl.sheets[name[:31]]
    sheet["A1"] = title
    sheet["A2"] = credit
