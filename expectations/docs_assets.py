"""Serve the GX Data Docs' styles and scripts from the site itself, so that its pages open styled and with a
filled index offline.

GX's page templates load Bootstrap, jQuery, bootstrap-table, Font Awesome, the datepicker and Vega from public
CDNs (and its logo from S3); without internet the pages open unstyled and the index's table, which
bootstrap-table fills from data in the page, stays empty. The same versions are pinned in
`expectations/assets/package.json` (+ lock file) and installed by `scripts/setup.sh` with `npm ci`; after
every build of the site, `localise` copies them into `static/vendor/` of the site and points every page at
those copies. Nothing is fetched at run time.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path

log = logging.getLogger(__name__)

NODE_MODULES = Path(__file__).parent / "assets" / "node_modules"
# Every address GX 1.x's templates load, and the file of the pinned npm package that serves it.
CDN = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap/dist/js/bootstrap.min.js",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css":
        "@forevolve/bootstrap-dark/dist/css/bootstrap-prefers-dark.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        "bootstrap-datepicker/dist/css/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        "bootstrap-datepicker/dist/js/bootstrap-datepicker.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "@fortawesome/fontawesome-free/css/all.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "popper.js/dist/umd/popper.min.js",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "bootstrap-table/dist/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "bootstrap-table/dist/bootstrap-table.min.js",
    # GX asks for the 1.19.0 stylesheet of the extension beside the 1.19.1 script; one pinned version serves both
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
    "https://cdn.jsdelivr.net/npm/vega@5": "vega/build/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite/build/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed/build/vega-embed.min.js",
}
FOLDERS = ("@fortawesome/fontawesome-free/webfonts",)  # what the stylesheets load relative to themselves
# GX's logos from its S3 bucket (the data context's id in the query): the site's own copy instead
REMOTE_LOGO = re.compile(r"https://great-expectations-web-assets\.s3\.[a-z0-9-]+\.amazonaws\.com/[a-z_-]+\.png(?:\?[^\"')]*)?")
# GX writes the favicon's path one folder short on result pages; every page gets the path to the site's copy
FAVICON = re.compile(r'(<link rel="shortcut icon" href=")[^"]*static/images/favicon\.ico(")')
# a CDN's subresource-integrity and CORS attributes: a file: page cannot load a script so (Chromium refuses it)
CDN_ATTRIBUTES = re.compile(r'\s+(?:integrity="[^"]*"|crossorigin="[^"]*")')
# any address a page would still load (src=, or a stylesheet's href=)
REMOTE_LOAD = re.compile(r"""(?:src=|<link[^>]*href=)["'](https?://[^"']+)["']""")


class AssetsMissing(RuntimeError):
    """The pinned copies are not installed: run scripts/setup.sh (it runs npm ci in expectations/assets)."""


def missing_assets(node_modules: Path = NODE_MODULES) -> list[str]:
    return [p for p in (*CDN.values(), *FOLDERS) if not (node_modules / p).exists()]


def localise(site: Path, node_modules: Path = NODE_MODULES) -> list[str]:
    """Copy the pinned assets into `site`/static/vendor and point its pages at them.

    Returns the remote addresses some page still loads (a GX upgrade that added one); they are logged.
    """
    if missing := missing_assets(node_modules):
        raise AssetsMissing(f"Data Docs assets not installed ({missing[0]} …): run scripts/setup.sh, which runs "
                            f"`npm ci` in {node_modules.parent}")
    vendor = site / "static" / "vendor"
    for path in {*CDN.values()}:
        target = vendor / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(node_modules / path, target)
    for folder in FOLDERS:
        shutil.copytree(node_modules / folder, vendor / folder, dirs_exist_ok=True)
    logo = site / "static" / "images" / "logo-long.png"
    favicon = site / "static" / "images" / "favicon.ico"
    left: set[str] = set()
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        here = page.parent
        new = text
        for url, path in CDN.items():
            new = new.replace(f'"{url}"', f'"{os.path.relpath(vendor / path, here)}"')
        new = REMOTE_LOGO.sub(os.path.relpath(logo, here), new)
        new = FAVICON.sub(lambda m: m[1] + os.path.relpath(favicon, here) + m[2], new)
        new = re.sub(r'<script src="[^"]*static/vendor/[^"]*"[^>]*>', lambda m: CDN_ATTRIBUTES.sub("", m[0]), new)
        left.update(REMOTE_LOAD.findall(new))
        if new != text:
            page.write_text(new, encoding="utf-8")
    if left:
        log.warning("Data Docs pages still load from the internet (not in expectations/docs_assets.py CDN): %s", sorted(left))
    return sorted(left)
