# Sourced by the other scripts: a virtualenv in .venv with the pinned versions (constraints.txt; Playwright without
# browsers of its own), the Data Docs' and the report's pinned styles and scripts (npm), and where apt-get can (root,
# as in CI) Chromium and poppler-utils.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test]"
  rm -f .venv/.installed-* && touch "$stamp"
fi
# Debian packages where missing: chromium prints the report's PDFs (Playwright drives it; the tests open pages in it),
# poppler-utils (pdftoppm, pdftotext) lets the tests read a PDF, npm installs the Data Docs' and the report's assets below.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >/dev/null 2>&1 \
      || echo "scripts/setup.sh: could not install ${missing[*]}" >&2
  else
    echo "scripts/setup.sh: please install ${missing[*]} (Debian packages): report PDFs need chromium, the tests pdftoppm" >&2
  fi
fi
# The GX Data Docs' styles and scripts, pinned in expectations/assets/package-lock.json, served from the site itself;
# Vega, Vega-Lite and vega-embed among them also draw the report's charts (reports/assets.py copies them).
assets=expectations/assets
assets_stamp=$assets/node_modules/.installed-$(sha256sum $assets/package-lock.json | cut -c1-16)
if [ ! -f "$assets_stamp" ] && command -v npm >/dev/null 2>&1; then
  npm ci --prefix "$assets" --legacy-peer-deps --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null
  touch "$assets_stamp"
fi
# Prefect keeps its state under PREFECT_HOME and must not phone home.
export PREFECT_HOME="${PREFECT_HOME:-$PWD/.prefect}"
export PREFECT_SERVER_ANALYTICS_ENABLED=false
