"""Write the sample's example register of the Fachkräftebündnis Heilbronn-Franken, and the empty template partners fill in.

The example's goals and measures are made up to show the review: intentions, not statistics, and the workbook says
so (sheet Register: Beispiel = ja), as does every output made from it. Each goal uses an indicator the sample holds
for the region it names (the apprenticeship supply-demand ratio exists only for the Agentur-für-Arbeit districts,
so that goal names the district Heilbronn). No measure output is given: none was published that could be cited.

    python -m sample.make_register     # rewrite sample/recordings/<source>/ and docs/ziele-massnahmen-vorlage.xlsx
"""

from __future__ import annotations

from pathlib import Path

from catalog import default_catalog
from catalog.registers import load_registers
from sample.make_recordings import register
from sources.contract import TableRequest
from sources.register.template import workbook_bytes

HERE = Path(__file__).parent
TABLE = "ziele-massnahmen-heilbronn-franken"
FILE = "ziele-massnahmen-heilbronn-franken-beispiel.xlsx"
TEMPLATE = HERE.parent / "docs" / "ziele-massnahmen-vorlage.xlsx"

LOWER, HIGHER = "niedriger ist besser", "höher ist besser"
GOALS = [
    {"Ziel-ID": "Z1", "Ziel": "Beispiel: Arbeitslosenquote in Heilbronn-Franken bis 2028 auf 2,8 % senken", "Region": "Heilbronn-Franken",
     "Indikator": "unemployment_rate", "Basisjahr": 2019, "Zielart": "Wert", "Zielwert": 2.8, "Zieljahr": 2028, "Richtung": LOWER,
     "Verantwortlich": "Agentur für Arbeit; Kammern"},
    {"Ziel-ID": "Z2", "Ziel": "Beispiel: Arbeitslose unter 25 Jahren in Heilbronn-Franken bis 2027 um 10 % verringern",
     "Region": "Heilbronn-Franken", "Indikator": "unemployed_15_25", "Basisjahr": 2019, "Zielart": "Veränderung in %", "Zielwert": -10,
     "Zieljahr": 2027, "Richtung": LOWER, "Verantwortlich": "Agentur für Arbeit; Handwerkskammer"},
    {"Ziel-ID": "Z3", "Ziel": "Beispiel: Angebots-Nachfrage-Relation im Agenturbezirk Heilbronn bis 2027 auf 105 steigern",
     "Region": "aa-heilbronn", "Indikator": "apprenticeship_supply_demand_ratio", "Basisjahr": 2022, "Zielart": "Wert", "Zielwert": 105,
     "Zieljahr": 2027, "Richtung": HIGHER, "Verantwortlich": "IHK; Handwerkskammer"},
    {"Ziel-ID": "Z4", "Ziel": "Beispiel: Abstand der Jugendarbeitslosenquote im Agenturbezirk Heilbronn zum Land bis 2027 schließen",
     "Region": "aa-heilbronn", "Indikator": "unemployment_rate_15_25", "Basisjahr": 2019, "Zielart": "Abstand zum Land schließen",
     "Zieljahr": 2027, "Richtung": LOWER, "Verantwortlich": "Agentur für Arbeit"},
    {"Ziel-ID": "Z5", "Ziel": "Beispiel: Sozialversicherungspflichtig Beschäftigte am Arbeitsort in Heilbronn-Franken bis 2030 um 10 % steigern",
     "Region": "Heilbronn-Franken", "Indikator": "employees_svb_workplace", "Basisjahr": 2015, "Zielart": "Veränderung in %", "Zielwert": 10,
     "Zieljahr": 2030, "Richtung": HIGHER, "Verantwortlich": "Regionale Wirtschaftsförderung; Kammern"},
    {"Ziel-ID": "Z6", "Ziel": "Beispiel: Langzeitarbeitslose im Agenturbezirk Schwäbisch Hall-Tauberbischofsheim bis 2028 um 10 % verringern",
     "Region": "aa-schwaebisch-hall-tauberbischofsheim", "Indikator": "unemployed_long_term", "Basisjahr": 2019, "Zielart": "Veränderung in %",
     "Zielwert": -10, "Zieljahr": 2028, "Richtung": LOWER, "Verantwortlich": "Agentur für Arbeit",
     "Anmerkung": "Der Bezirk umfasst auch den Neckar-Odenwald-Kreis (08225), den die Stichprobe nicht enthält."},
    {"Ziel-ID": "Z7", "Ziel": "Beispiel: Sozialversicherungspflichtig Beschäftigte am Wohnort in Heilbronn-Franken bis 2030 um 5 % steigern",
     "Region": "Heilbronn-Franken", "Indikator": "employees_svb_residence", "Basisjahr": 2023, "Zielart": "Veränderung in %", "Zielwert": 5,
     "Zieljahr": 2030, "Richtung": HIGHER, "Verantwortlich": "Regionale Wirtschaftsförderung"},
]
MEASURES = [
    {"Maßnahmen-ID": "M1", "Maßnahme": "Beispiel: Ausbildungsbotschafterinnen und -botschafter an Schulen", "Verantwortlich": "IHK; Handwerkskammer",
     "Beginn": 2024, "Ende": 2027, "Ziele": "Z3"},
    {"Maßnahmen-ID": "M2", "Maßnahme": "Beispiel: Coaching für junge Arbeitslose", "Verantwortlich": "Agentur für Arbeit", "Beginn": 2024,
     "Ziele": "Z2; Z4"},
    {"Maßnahmen-ID": "M3", "Maßnahme": "Beispiel: Willkommensservice für internationale Fachkräfte",
     "Verantwortlich": "Regionale Wirtschaftsförderung", "Beginn": 2025, "Ende": 2028, "Ziele": "Z5"},
]


def build(out: Path = HERE / "recordings", template: Path = TEMPLATE) -> Path:
    """Write the example register beside the recordings (listing its request) and the empty template."""
    catalog = default_catalog()
    reg = load_registers(catalog)[TABLE]
    source = catalog.tables[TABLE].source
    folder = out / source
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(reg.file):
        old.unlink()
    path = folder / FILE
    path.write_bytes(workbook_bytes(catalog, reg.alliance, example=True, goals=GOALS, measures=MEASURES))
    template.write_bytes(workbook_bytes(catalog, reg.alliance, example=False))
    table = catalog.tables[TABLE]
    register(out, [TableRequest(source, TABLE, table.start_year, table.end_year or table.start_year)])
    return path


if __name__ == "__main__":
    build()
