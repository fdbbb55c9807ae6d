"""Bodies of the BA statistics table API in its documented shape, for tests.

No recorded answer of this API exists (../shared/reference/ba/README.md): the shapes follow what three
independent public clients of 2026 read from it — the region list as a JavaScript assignment with
`formValues.Filtername`/`BA_SCHL`/`DESC`, and the JSON answer as a list of items with `metricName`,
`value`, `index` (0 = newest) and `attributes["0"]["DESC"]` (the period label). The Kreis names are
the BA's own labels as its commuter export writes them ("Heilbronn, Universitätsstadt" for 08121).
The figures are test values, not BA figures: nothing here enters the sample.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx

from sources.ba import REGION_LIST_URL

BASE = "https://statistik-dr.arbeitsagentur.de/bifrontend/bids-api/pc/v1/tableFetch/dia/"
JSON = {"content-type": "application/json"}
HF_NAMES = {
    "08121": "Heilbronn, Universitätsstadt",
    "08125": "Heilbronn",
    "08126": "Hohenlohekreis",
    "08127": "Schwäbisch Hall",
    "08128": "Main-Tauber-Kreis",
}
MONTHS = ("Oktober 2026", "September 2026", "August 2026")


def region_list(names: dict[str, str]) -> bytes:
    """The region list: a Kreis list (and a list of another filter, which must be ignored)."""
    kreise = [{"formValues": {"Filtername": "Kreis", "BA_SCHL": ags, "DESC": name}} for ags, name in names.items()]
    laender = [{"formValues": {"Filtername": "Bundesland", "BA_SCHL": "08", "DESC": "Baden-Württemberg"}}]
    return ("var persistListenfelderJSON = " + json.dumps({"KreisListe": kreise, "LandListe": laender}, ensure_ascii=False) + ";\n").encode()


def item(metric: str, value: object, index: int, period: str, **attributes: str) -> dict:
    return {"metricName": metric, "value": value, "index": index,
            "attributes": {"0": {"DESC": period}, **{k: {"DESC": v} for k, v in attributes.items()}}}


def alo_answer(unemployed: list[object], rates: list[object], extra: bool = True) -> list[dict]:
    """An EckwerteTabelleALOKr answer: unemployed and rate for the months, newest first, plus a metric
    the catalog does not use."""
    items = [item("Arbeitslose", v, i, MONTHS[i]) for i, v in enumerate(unemployed)]
    items += [item("Arbeitslosenquote", v, i, MONTHS[i]) for i, v in enumerate(rates)]
    if extra:
        items.append(item("ALO_VJV_rel", -1.5, 0, MONTHS[0]))
    return items


def server(answers: dict[str, object], names: dict[str, str] = HF_NAMES, log: list[httpx.Request] | None = None,
           table: str = "EckwerteTabelleALOKr") -> Callable[[httpx.Request], httpx.Response]:
    """Answers the region list and, per region name (of any parameter), the given body: a list of items,
    raw bytes, or an httpx.Response."""

    def handle(request: httpx.Request) -> httpx.Response:
        if log is not None:
            log.append(request)
        if str(request.url) == REGION_LIST_URL:
            return httpx.Response(200, content=region_list(names), headers={"content-type": "application/javascript"})
        assert str(request.url.copy_with(query=None)) == BASE + table, request.url
        (name,) = [v for _, v in request.url.params.multi_items()]
        body = answers[name]
        if isinstance(body, httpx.Response):
            return body
        return httpx.Response(200, content=body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode(), headers=JSON)

    return handle
