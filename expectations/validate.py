"""Validate every batch with Great Expectations before it is loaded.

The batch is validated as a pandas DataFrame, not through GX's SQL datasource (its DuckDB dialect
support is broken: GX issues 10738 and 11579). Two suites, declared once: `observations` (generic,
every batch; request-specific values come in as suite parameters) and `table_checks` (the per-table
rules of rules.yaml, prepared by checks.py). Each expectation carries a severity in its meta:
critical failures quarantine the batch, warnings are loaded and reported. Results go to a file
context whose Data Docs site is rendered once at the end of every run (`build_docs`).
"""

from __future__ import annotations

import fnmatch
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from catalog import Catalog
from expectations.checks import observation_frame, table_checks
from expectations.docs_assets import AssetsMissing, localise
from expectations.rules import TableRules, load_rules
from sources.contract import OBSERVATION_KEY, TableRequest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # never phone home

log = logging.getLogger(__name__)
KEY = list(OBSERVATION_KEY)
ROW_ID = [*KEY, "source_row"]
SAMPLE_ROWS = 10
SOURCE = "labour_monitor"  # GX's pandas data source of the batches


@dataclass
class Verdict:
    critical: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    gx_results: list[dict[str, Any]] = field(default_factory=list)
    failing_rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.critical


def expected_kreise(request: TableRequest, catalog: Catalog) -> list[str]:
    """The catalog Kreise a request asks for: all of them, or those its regional selection names
    (GENESIS `regionalvariable`/`regionalkey` in AGS, a `*` wildcard allowed, Eurostat `geo` in NUTS, BA `regions`
    in catalog codes), or, for the whole table, every Kreis of the scope (regions.yaml); none for a table that is
    not published for Kreise."""
    params = request.region_params
    if params.get("regionalvariable", "KREISE") != "KREISE" or not catalog.tables[request.table_id].publishes("kreis"):
        return []
    if "regions" in params:  # the BA API: catalog codes
        return sorted(k.code for k in catalog.kreise() if k.code in params["regions"].split(","))
    if "geo" in params:
        nuts = set(params["geo"].split(","))
        return sorted(k.code for k in catalog.kreise() if k.nuts in nuts)
    keys = [k for k in params.get("regionalkey", "").split(",") if k]
    if not keys:  # the whole table: every Kreis of the scope
        return sorted(k.code for k in catalog.kreise_in_scope())
    return sorted(k.code for k in catalog.kreise() if any(fnmatch.fnmatch(k.code, p) for p in keys))


def _generic_expectations(gx) -> list:  # noqa: ANN001
    E = gx.expectations
    crit = {"severity": "critical"}
    out = [E.ExpectColumnValuesToNotBeNull(column=c, meta=crit) for c in ("indicator_id", "region_code", "period", "freq", "unit")]
    return out + [
        E.ExpectTableRowCountToBeBetween(min_value=1, meta=crit | {"why": "an empty answer for a request is not silence"}),
        E.ExpectColumnValuesToBeInSet(column="region_code", value_set={"$PARAMETER": "known_regions"}, meta=crit),
        E.ExpectColumnDistinctValuesToContainSet(column="region_code", value_set={"$PARAMETER": "expected_kreise"},
                                                 meta=crit | {"why": "every requested Kreis must be in the answer"}),
        E.ExpectColumnValuesToBeBetween(column="year", min_value={"$PARAMETER": "first_year"},
                                        max_value={"$PARAMETER": "last_year"}, meta=crit),
        E.ExpectCompoundColumnsToBeUnique(column_list=KEY, meta=crit),
        E.ExpectColumnValuesToBeInSet(column="null_iff_suppressed", value_set=[True],
                                      meta=crit | {"why": "a value is NULL exactly when its status is a suppression marker"}),
        E.ExpectColumnValuesToBeBetween(column="count_value", min_value=0, meta=crit | {"why": "counts are not negative"}),
        E.ExpectColumnValuesToBeBetween(column="rate_value", min_value=0, max_value=100, meta=crit),
        E.ExpectColumnValuesToBeInSet(column="unit", value_set={"$PARAMETER": "units"}, meta=crit),
    ]


def _check_expectations(gx) -> list:  # noqa: ANN001
    E = gx.expectations
    return [
        E.ExpectColumnValuesToBeInSet(column="critical_ok", value_set=[True], meta={"severity": "critical"}),
        E.ExpectColumnValuesToBeInSet(column="warning_ok", value_set=[True], meta={"severity": "warning"}),
    ]


class Validator:
    """One GX file context per data directory; build it once per run, call `validate` per batch.

    The GX context, its suites and checkpoints are made at the first `validate`: importing GX and making them takes
    seconds, which a run that validates nothing (every table unchanged upstream) does not spend."""

    def __init__(self, root: Path, catalog: Catalog, rules: dict[str, TableRules] | None = None) -> None:
        """`rules`: the per-table checks; default: expectations/rules.yaml, checked against `catalog`."""
        self.catalog = catalog
        self.rules = load_rules(catalog) if rules is None else rules
        self.root = root
        self._ctx: Any = None
        self.checkpoints: dict[str, Any] = {}

    @property
    def ctx(self) -> Any:
        if self._ctx is None:
            self._ctx = self._context()
        return self._ctx

    def _checkpoint(self, name: str) -> Any:
        if self._ctx is None:
            self._ctx = self._context()  # makes the checkpoints too
        return self.checkpoints[name]

    def _context(self) -> Any:
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.root.mkdir(parents=True, exist_ok=True)
        ctx = gx.get_context(mode="file", project_root_dir=str(self.root))
        # No progress bars per batch on the console: the run's own summary says what happened.
        ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        source = ctx.data_sources.add_or_update_pandas(SOURCE)
        for name, expectations in (("observations", _generic_expectations(gx)), ("table_checks", _check_expectations(gx))):
            asset = next((a for a in source.assets if a.name == name), None) or source.add_dataframe_asset(name)
            definition = next((b for b in asset.batch_definitions if b.name == "batch"), None) or asset.add_batch_definition_whole_dataframe("batch")
            suite = gx.ExpectationSuite(name=name, expectations=expectations)
            suite = ctx.suites.add_or_update(suite)
            vd = ctx.validation_definitions.add_or_update(gx.ValidationDefinition(name=name, data=definition, suite=suite))
            self.checkpoints[name] = ctx.checkpoints.add_or_update(
                gx.Checkpoint(
                    name=name,
                    validation_definitions=[vd],
                    actions=[],  # Data Docs are rendered once per run (build_docs), not per batch
                    result_format={"result_format": "SUMMARY", "unexpected_index_column_names": ROW_ID
                                   if name == "observations" else ["check", "indicator_id", "region_code", "period"]},
                )
            )
        return ctx

    def _forget_batch(self) -> None:
        """GX keeps the frame it validated and the metrics it computed on it (a boolean series per row condition) in
        its execution engine until the next batch replaces them: let them go, so that a run does not carry one
        batch's frame into the parse of the next (peak RSS, benchmarks/ingest.py)."""
        engine = self.ctx.data_sources.get(SOURCE).get_execution_engine()
        engine.batch_manager.batch_data_cache.clear()
        engine.batch_manager.reset_batch_cache()
        engine._metric_cache.clear()  # no public way; GX is pinned (constraints.txt)

    def build_docs(self) -> Path:
        """Render the Data Docs site from the stored results, with its styles and scripts served from the site
        itself (expectations/docs_assets.py); return its index page. Nothing validated since the site was rendered
        (the context never made): the site stays as it is."""
        if self._ctx is None and self.docs_index.exists():
            return self.docs_index
        self.ctx.build_data_docs()
        try:
            localise(self.docs_index.parent)
        except AssetsMissing as exc:  # the pages still hold every result; they open unstyled offline
            log.warning("%s", exc)
        return self.docs_index

    @property
    def docs_index(self) -> Path:
        # GX's file context keeps its project in <root>/gx (its root_directory)
        return self.root / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"

    def _run(self, name: str, df: pd.DataFrame, params: dict[str, Any], verdict: Verdict, label: str, run_name: str) -> None:
        from great_expectations.core.run_identifier import RunIdentifier

        # The run name is what Data Docs list the result under: the request, not GX's "__none__".
        result = self._checkpoint(name).run(batch_parameters={"dataframe": df}, expectation_parameters=params,
                                            run_id=RunIdentifier(run_name=run_name))
        self._forget_batch()
        for run in result.run_results.values():
            verdict.gx_results.append(run.to_json_dict())
            for r in run.results:
                if r.success:
                    continue
                cfg = r.expectation_config
                severity = (cfg.meta or {}).get("severity", "critical")
                column = cfg.kwargs.get("column") or cfg.kwargs.get("column_list")
                res = r.result or {}
                count = res.get("unexpected_count")
                missing = sorted(set(params["expected_kreise"]) - set(df["region_code"])) if cfg.type.endswith("contain_set") else None
                text = f"{label}: {cfg.type} on {column}" + (f", {count} rows" if count else "")
                if missing:
                    text += f": Kreise missing from the answer {missing}"
                if r.exception_info and r.exception_info.get("raised_exception"):
                    text += f" (error: {r.exception_info.get('exception_message')})"
                (verdict.critical if severity == "critical" else verdict.warnings).append(text)
                for row in (res.get("partial_unexpected_index_list") or [])[:SAMPLE_ROWS]:
                    verdict.failing_rows.append({"expectation": cfg.type, "severity": severity, **row})

    def validate(self, observations: pa.Table, request: TableRequest) -> Verdict:
        table = self.catalog.tables[request.table_id]
        obs = observation_frame(observations, self.catalog)
        verdict = Verdict()
        params = {
            "known_regions": sorted(self.catalog.regions),
            # A table read whole (partner files) declares the regions and years its batches hold.
            "expected_kreise": list(table.regions) or expected_kreise(request, self.catalog),
            "first_year": table.start_year if table.end_year else max(table.start_year, request.first_year),
            "last_year": table.end_year or request.last_year,
            "units": sorted({i.unit for i in self.catalog.indicators.values()}),
        }
        label = f"source {request.source_id}, table {request.table_id}"
        run_name = re.sub(r"[^A-Za-z0-9.-]+", "_", request.describe()).strip("_")  # a folder and link name in Data Docs
        self._run("observations", obs, params, verdict, label, run_name)
        checks = table_checks(obs, self.rules.get(request.table_id, TableRules()), self.catalog)
        if not checks.empty:
            self._run("table_checks", checks, {}, verdict, label, run_name)
            failing = checks[~checks["ok"]]
            for r in failing.head(SAMPLE_ROWS).to_dict("records"):
                (verdict.critical if r["severity"] == "critical" else verdict.warnings).append(
                    f"{label}: {r['check']} {r['indicator_id']} {r['region_code']} {r['period']}: "
                    f"{r['observed']:g} against {r['expected']:g} ({r['detail']})"
                )
                verdict.failing_rows.append({k: r[k] for k in ("check", "severity", "indicator_id", "region_code", "period", "observed", "expected")})
        return verdict
