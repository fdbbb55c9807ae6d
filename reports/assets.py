"""The report's static files in its `assets/` folder: its stylesheet, the script that draws the charts, and Vega,
Vega-Lite and vega-embed themselves, so that a page draws its charts offline.

The three scripts are the pinned npm packages of `expectations/assets/package.json` (+ lock file), which
`scripts/setup.sh` installs with `npm ci` for the Data Docs; every build copies them into the report's
`assets/vendor/`, never a CDN. The German number format of the charts is d3-format's own `de-DE` locale from
the same packages (Vega formats numbers with d3-format).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from reports.files import write_bytes

HERE = Path(__file__).parent
NODE_MODULES = HERE.parent / "expectations" / "assets" / "node_modules"
# page name -> the file of the pinned package (in the order the pages load them: vega-embed needs the other two)
VENDOR = {"vega.min.js": "vega/build/vega.min.js", "vega-lite.min.js": "vega-lite/build/vega-lite.min.js",
          "vega-embed.min.js": "vega-embed/build/vega-embed.min.js"}
LOCALE = "d3-format/locale/de-DE.json"
OWN = ("report.css", "charts.js")


class AssetsMissing(RuntimeError):
    """The pinned Vega packages are not installed: run scripts/setup.sh (npm ci in expectations/assets)."""


def missing(node_modules: Path = NODE_MODULES) -> list[str]:
    return [p for p in (*VENDOR.values(), LOCALE) if not (node_modules / p).exists()]


@cache
def embed_options(node_modules: Path = NODE_MODULES) -> dict[str, Any]:
    """vega-embed's options for every chart: SVG, no actions menu, German number formats."""
    return {"mode": "vega-lite", "renderer": "svg", "actions": False,
            "formatLocale": json.loads((node_modules / LOCALE).read_text(encoding="utf-8"))}


def vendor_scripts(root: str) -> list[str]:
    """The addresses of the copied scripts from a page `root` (the relative path to the report's folder)."""
    return [f"{root}assets/vendor/{name}" for name in VENDOR]


def copy_assets(out_dir: Path, node_modules: Path = NODE_MODULES) -> None:
    """Write the stylesheet, the chart script and the pinned Vega scripts into `out_dir`/assets."""
    if gone := missing(node_modules):
        raise AssetsMissing(f"the report's chart scripts are not installed ({gone[0]} …): run scripts/setup.sh, which runs "
                            f"`npm ci` in {node_modules.parent}")
    for name in OWN:
        write_bytes(out_dir / "assets" / name, (HERE / "static" / name).read_bytes())
    for name, path in VENDOR.items():
        write_bytes(out_dir / "assets" / "vendor" / name, (node_modules / path).read_bytes())
