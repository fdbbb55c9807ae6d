"""The register's workbook, row by row: one typed model per sheet, whose field aliases are the sheet's German column
headers (the template is written from them, the parser reads by them). A header the model does not know, a missing
required value, a wrong type or an unknown word is an error naming the sheet, the row and the column."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Year = Annotated[int, Field(ge=1900, le=2100)]

# The words of the workbook's choice columns (the template offers them as drop-down lists) -> the warehouse's words.
TARGET_KINDS = {
    "Wert": "value",  # the indicator's value at the target year
    "Veränderung in %": "change_pct",  # a change against the baseline in % (counts)
    "Veränderung in Punkten": "change_points",  # a change against the baseline in points (rates, shares)
    "Abstand zum Land schließen": "close_gap_to_state",  # the region's gap to its state's figure closed by the target year
}
DIRECTIONS = {"höher ist besser": "higher", "niedriger ist besser": "lower"}
YES_NO = {"ja": True, "nein": False}
# A list in one cell (responsible partners, the goals a measure serves): separated by semicolons or line breaks.
LIST_SEPARATORS = re.compile(r"[;\n]")


def _word(words: dict[str, Any]) -> Any:
    """A choice column: one of the German `words` (case and surrounding spaces ignored), as the warehouse's word."""
    by_text = {k.casefold(): v for k, v in words.items()}

    def read(cell: Any) -> Any:
        if isinstance(cell, str) and cell.strip().casefold() in by_text:
            return by_text[cell.strip().casefold()]
        raise ValueError(f"{cell!r} is none of {list(words)}")

    return BeforeValidator(read)


def _number(cell: Any) -> Any:
    """A number cell, or a number typed as text with a decimal comma ("2,8")."""
    return cell.strip().replace(",", ".") if isinstance(cell, str) else cell


def _listed(cell: Any) -> Any:
    if cell is None:
        return ()
    return tuple(part.strip() for part in LIST_SEPARATORS.split(str(cell)) if part.strip())


TargetKind = Annotated[Literal["value", "change_pct", "change_points", "close_gap_to_state"], _word(TARGET_KINDS)]
Direction = Annotated[Literal["higher", "lower"], _word(DIRECTIONS)]
Number = Annotated[float, BeforeValidator(_number)]
Listed = Annotated[tuple[Text, ...], BeforeValidator(_listed)]


class Row(BaseModel):
    """A row of a register sheet, keyed by its German headers; a header the model does not know is an error."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False, str_strip_whitespace=True)

    @classmethod
    def headers(cls) -> list[str]:
        return [f.alias or name for name, f in cls.model_fields.items()]

    @classmethod
    def required(cls) -> list[str]:
        return [f.alias or name for name, f in cls.model_fields.items() if f.is_required()]


class About(Row):
    """Sheet `Register`: one field per row (label in column A, value in column B)."""

    alliance: Text = Field(alias="Bündnis", description="Die Region des Bündnisses (Name oder Schlüssel).")
    example: Annotated[bool, _word(YES_NO)] = Field(
        alias="Beispiel", description="ja: ein erfundenes Beispiel (jede Ausgabe ist als Beispiel gekennzeichnet); nein: die Ziele der Partner.")


class Goal(Row):
    """Sheet `Ziele`: one goal per row."""

    goal_id: Text = Field(alias="Ziel-ID", description="Kurzes Kennzeichen, einmalig im Register (z. B. Z1).")
    title: Text = Field(alias="Ziel", description="Das Ziel in Worten.")
    region: Text = Field(alias="Region", description="Region (Name oder Schlüssel, siehe Blatt Regionen).")
    indicator: Text = Field(alias="Indikator", description="Kennung des Indikators (siehe Blatt Indikatoren).")
    baseline_year: Year = Field(alias="Basisjahr", description="Jahr des Ausgangswerts.")
    target_kind: TargetKind = Field(alias="Zielart", description="; ".join(TARGET_KINDS) + ".")
    target_value: Number | None = Field(None, alias="Zielwert", description=(
        "Wert: der Zielwert; Veränderung in %: z. B. -10 (nur für Anzahlen); Veränderung in Punkten: z. B. -0,5 (nur für Quoten "
        "und Anteile); Abstand zum Land schließen: leer lassen (nur für Quoten und Anteile)."))
    target_year: Year = Field(alias="Zieljahr", description="Jahr, bis zu dem das Ziel erreicht sein soll (nach dem Basisjahr).")
    direction: Direction = Field(alias="Richtung", description="; ".join(DIRECTIONS) + ".")
    partners: Listed = Field(alias="Verantwortlich", description="Verantwortliche Partner, durch Semikolon getrennt.")
    note: str = Field("", alias="Anmerkung", description="Freitext.")


class Measure(Row):
    """Sheet `Maßnahmen`: one measure per row."""

    measure_id: Text = Field(alias="Maßnahmen-ID", description="Kurzes Kennzeichen, einmalig im Register (z. B. M1).")
    title: Text = Field(alias="Maßnahme", description="Die Maßnahme in Worten.")
    partners: Listed = Field(alias="Verantwortlich", description="Verantwortliche Partner, durch Semikolon getrennt.")
    start_year: Year = Field(alias="Beginn", description="Jahr des Beginns.")
    end_year: Year | None = Field(None, alias="Ende", description="Jahr des Endes; leer: läuft weiter.")
    goal_ids: Listed = Field(alias="Ziele", description="Ziel-IDs (Blatt Ziele), denen die Maßnahme dient, durch Semikolon getrennt.")
    note: str = Field("", alias="Anmerkung", description="Freitext.")


class Output(Row):
    """Sheet `Ergebnisse`: one yearly reported output of a measure per row."""

    measure_id: Text = Field(alias="Maßnahmen-ID", description="Die Maßnahme (Blatt Maßnahmen).")
    year: Year = Field(alias="Jahr", description="Berichtsjahr.")
    output: Text = Field(alias="Ergebnis", description="Was gezählt wird (z. B. Teilnehmende, Vermittlungen, Veranstaltungen).")
    value: Number = Field(alias="Wert", description="Die gemeldete Zahl.")
    unit: Text = Field(alias="Einheit", description="Einheit (z. B. Personen, Veranstaltungen).")
    source: Text = Field(alias="Quelle", description="Wo die Zahl veröffentlicht oder gemeldet ist.")


# The sheets of a register workbook, in order: name -> the model of its rows. `Register` holds one field per row.
SHEETS: dict[str, type[Row]] = {"Register": About, "Ziele": Goal, "Maßnahmen": Measure, "Ergebnisse": Output}
