"""The `labour-monitor` command: run, ingest, status, unlock, record, export, report, review."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from catalog import default_catalog
from pipelines.batch import RunHadFailures
from pipelines.holder import read_mirror
from pipelines.prefect_server import prefect_api
from pipelines.requests_file import read_requests, write_requests
from pipelines.settings import SAMPLE_DIR, Settings
from warehouse.status import read_status


FORCE_HELP = ("download every table, even where the provider says it is unchanged since it was loaded (its update stamp, "
              "or 304 Not Modified); data the same as last loaded is still not parsed again")


def _years(text: str) -> tuple[int, int]:
    first, _, last = text.partition("-")
    try:
        span = (int(first), int(last or first))
    except ValueError:
        raise argparse.ArgumentTypeError(f"years must be YEAR or FIRST-LAST, got {text!r}") from None
    if span[0] > span[1]:
        raise argparse.ArgumentTypeError(f"first year after last year: {text!r}")
    return span


def _print_summary(summary: dict) -> None:
    print(f"\nWarehouse published: {summary['warehouse']}")
    print(f"Mode: {summary['mode']}{'  (forced: every table downloaded)' if summary.get('forced') else ''}   batches: {summary['batches']}")
    print(f"Rows: {summary['rows_new']} new, {summary['rows_revised']} revised, {summary['rows_unchanged']} unchanged "
          "(observations, and the goals, measures and outputs of registers)")
    for r in summary["results"]:
        left_out = ", ".join(f"{why} {n}" for why, n in (r.get("dropped") or {}).items())
        print(f"  {r['source_id']:<18} {r['table_id']:<15} {r['outcome']:<11} new {r['rows_new']:>6}  revised {r['rows_revised']:>5}  "
              f"unchanged {r['rows_unchanged']:>6}" + (f"   rows left out: {left_out}" if left_out else "")
              + (f"   {r['message']}" if r["message"] and r["outcome"] in ("loaded", "unchanged", "skipped") else ""))
    for message in summary["failed"]:
        print(f"  FAILED: {message}")
    for message in summary["quarantined"]:
        print(f"  QUARANTINED (nothing of it loaded, see ops.quarantine): {message}")
    for message in summary["warnings"]:
        print(f"  WARNING (loaded): {message}")
    print(f"\nData Docs (validation results): {summary['data_docs']}")
    if summary.get("report"):
        print(f"Regional report: {summary['report']}  (open it in a browser)")
    print(f"\nOpen it read-only (Python):  duckdb.connect({summary['warehouse']!r}, read_only=True)"
          "\n  then e.g.  select * from marts.region_comparison where region_code = 'heilbronn-franken'"
          "\n  or export: labour-monitor export --region heilbronn-franken --format xlsx")


def _run_flow(flow_fn, **params) -> int:  # noqa: ANN001
    with prefect_api():
        state = flow_fn(return_state=True, **params)
    result = state.result(raise_on_failure=False)
    if isinstance(result, RunHadFailures):
        _print_summary(result.summary)
        return 1
    if isinstance(result, BaseException):
        print(f"run failed: {result}", file=sys.stderr)
        return 1
    _print_summary(result)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from pipelines.flows import nightly

    return _run_flow(nightly, live=args.live, data_dir=args.data_dir or "", force=args.force)


def cmd_ingest(args: argparse.Namespace) -> int:
    from pipelines.flows import ingest_source

    first, last = args.years or (None, None)
    if args.file and (args.years or args.live or args.force):
        raise ValueError("--file loads the downloaded file whole: --years, --live and --force do not apply")
    return _run_flow(ingest_source, source=args.source, tables=args.tables or [], first_year=first, last_year=last,
                     regions=args.regions or [], live=args.live, data_dir=args.data_dir or "",
                     file=str(Path(args.file).resolve()) if args.file else "", force=args.force)


def _print_slot(data_dir: Path) -> None:
    holder = read_mirror(data_dir)
    if holder is None:
        print("Write slot: free (no run is writing this warehouse)")
    elif holder.is_alive():
        print(f"Write slot: held by {holder.describe()}, renewed {holder.renewed_at}")
    else:
        print(f"Write slot: held by {holder.describe()}, which is dead ({holder.why_dead()}): the next run reclaims it")


def cmd_status(args: argparse.Namespace) -> int:
    data_dir = Settings.from_env(args.data_dir).data_dir
    _print_slot(data_dir)
    path = data_dir / "labour_monitor.duckdb"
    if not path.exists():
        print(f"no published warehouse at {path}: run `labour-monitor run` first", file=sys.stderr)
        return 1
    status = read_status(path)
    print(f"\nWarehouse: {path}\n\nLast runs:")
    for row in status.runs:
        print("  " + "  ".join(str(x) for x in row))
    print("\nBatches loaded:")
    for row in status.batches:
        print(f"  {row[0]:<18} {row[1]:<15} batches {row[2]:>3}  last {row[3]}  provider updated {row[4]}")
    print("\nCurrent observations per source and indicator:")
    for row in status.observations:
        print(f"  {row[0]:<18} {row[1]:<34} rows {row[2]:>5}  with value {row[3]:>5}  periods {row[4]} … {row[5]}")
    return 0


def cmd_unlock(args: argparse.Namespace) -> int:
    """Free the write slot by hand, when a person knows that no run is writing (it refuses while its holder lives)."""
    from pipelines.writer import SlotHeld, unlock

    with prefect_api():
        try:
            print(unlock(Settings.from_env(args.data_dir).data_dir))
        except SlotHeld as exc:
            print(exc, file=sys.stderr)
            return 1
    return 0


def cmd_record(args: argparse.Namespace) -> int:
    """Fetch live and save every answer (credentials stripped) so that replay can serve it."""
    from pipelines.flows import plan
    from pipelines.providers import client_for

    catalog = default_catalog()
    out = Path(args.out)
    settings = Settings.from_env(args.data_dir, "record", out)
    source = catalog.sources[args.source]
    client = client_for(source, settings)
    requests = plan(catalog, settings, [source.id], args.tables, args.years)
    for request in requests:
        for payload in client.fetch(catalog.tables[request.table_id], request.first_year, request.last_year, request.region_params):
            print(f"recorded {request.describe()}: {payload.body.size} bytes, data sha256 {payload.sha256[:12]}")
    known = [r for r in read_requests(out / "requests.yaml", catalog) if r not in requests]
    write_requests(out / "requests.yaml", known + requests,
                   f"Requests the recordings answer (last written by `labour-monitor record`, {datetime.now(UTC):%Y-%m-%d}).")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write a region's comparison and profile from the published warehouse."""
    from warehouse.export import export_region

    data_dir = Settings.from_env(args.data_dir).data_dir
    for path in export_region(data_dir / "labour_monitor.duckdb", args.region, args.format, Path(args.out or data_dir / "exports")):
        print(f"wrote {path}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Build the regional report (pages, downloads, PDFs) from the published warehouse."""
    from reports.build import build_report

    data_dir = Settings.from_env(args.data_dir).data_dir
    out = Path(args.out or data_dir / "report")
    result = build_report(data_dir / "labour_monitor.duckdb", out, args.region or None, pdf=not args.no_pdf)
    print(f"Report: {result.index}  ({len(result.written)} page(s) written, {len(result.pdfs)} PDF(s), {result.total_seconds:.1f} s)")
    for code, path in sorted(result.pdfs.items()):
        print(f"  PDF {code}: {path}")
    if result.pdf_missing:
        print(f"  no PDFs: {result.pdf_missing}", file=sys.stderr)
    print(f"Open it in a browser: file://{result.index.resolve()}")
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    """Write the alliance's yearly review of its goals, measures and results from the published warehouse."""
    from pipelines.reporting import review

    summary = review(Settings.from_env(args.data_dir), args.alliance, args.year, args.as_of, pdf=not args.no_pdf)
    print(f"Review: {summary['review']}  (open it in a browser)")
    print(f"  Excel: {summary['review_xlsx']}")
    if summary["review_pdf"]:
        print(f"  PDF: {summary['review_pdf']}")
    if summary["review_problem"]:
        print(f"  no PDF: {summary['review_problem']}", file=sys.stderr)
    return 0


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a date is YYYY-MM-DD, got {text!r}") from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="labour-monitor", description=__doc__)
    p.add_argument("--data-dir", help="folder of the warehouse and raw payloads (default ./data or $LABOUR_MONITOR_DATA)")
    p.add_argument("-v", "--verbose", action="store_true")
    sub = p.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="the nightly flow: all enabled sources, marts, publish (offline sample by default)")
    run.add_argument("--live", action="store_true", help="call the providers' APIs (needs credentials, see README)")
    run.add_argument("--force", action="store_true", help=FORCE_HELP)
    run.set_defaults(func=cmd_run)

    ing = sub.add_parser("ingest", help="ingest one source")
    ing.add_argument("source", choices=sorted(default_catalog().sources))
    ing.add_argument("--tables", nargs="+", help="table codes (default: all of the source)")
    ing.add_argument("--years", type=_years, help="FIRST-LAST or YEAR")
    ing.add_argument("--regions", nargs="+", help="regions to load: Kreise (08125), 081, 08, DG or an aggregate (heilbronn-franken)")
    ing.add_argument("--live", action="store_true")
    ing.add_argument("--force", action="store_true", help=FORCE_HELP)
    ing.add_argument("--file", help="a table downloaded from the website (GENESIS: the flat-file zip as served, or its CSV), "
                                    "loaded like a fetched answer; its table from the file name or --tables")
    ing.set_defaults(func=cmd_ingest)

    st = sub.add_parser("status", help="who holds the write slot; last runs, batches and row counts of the published warehouse")
    st.set_defaults(func=cmd_status)

    un = sub.add_parser("unlock", help="free the write slot when no run is writing (refused while its holder lives)")
    un.set_defaults(func=cmd_unlock)

    rec = sub.add_parser("record", help="fetch live and save the answers for offline replay")
    rec.add_argument("source", choices=sorted(default_catalog().sources))
    rec.add_argument("--tables", nargs="+")
    rec.add_argument("--years", type=_years)
    rec.add_argument("--out", default=str(SAMPLE_DIR / "recordings"), help="recordings folder (default: the sample's)")
    rec.set_defaults(func=cmd_record)

    exp = sub.add_parser("export", help="a region's comparison with the state and Germany, and its profile, as a file")
    exp.add_argument("--region", required=True, help="region code, e.g. heilbronn-franken, 08125, 081")
    exp.add_argument("--format", choices=("xlsx", "csv", "parquet"), default="xlsx")
    exp.add_argument("--out", help="folder to write to (default: <data dir>/exports)")
    exp.set_defaults(func=cmd_export)

    rep = sub.add_parser("report", help="the regional report: a static site with charts, and a PDF per partner region")
    rep.add_argument("--region", nargs="+", help="regions to build, each with its Kreise (default: every partner region)")
    rep.add_argument("--out", help="folder to write to (default: <data dir>/report)")
    rep.add_argument("--no-pdf", action="store_true", help="pages only, no PDFs (they need Chromium)")
    rep.set_defaults(func=cmd_report)

    rev = sub.add_parser("review", help="the alliance's yearly review of its goals, measures and results: a page of the report, PDF and Excel")
    rev.add_argument("--alliance", required=True, help="the region whose alliance keeps the register (catalog/registers.yaml), e.g. heilbronn-franken")
    rev.add_argument("--year", type=int, required=True, help="the review year: figures of periods up to it")
    rev.add_argument("--as-of", type=_day, help="YYYY-MM-DD: the register and the figures as published at the end of that day (default: now)")
    rev.add_argument("--no-pdf", action="store_true", help="page and Excel only, no PDF (it needs Chromium)")
    rev.set_defaults(func=cmd_review)
    return p


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # nothing phones home
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

