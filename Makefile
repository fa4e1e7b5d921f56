# The two commands the README promises, and the steps they stand on.
#   make serve   set up, build the site and serve it at http://127.0.0.1:8000/
#   make test    set up, then run every check and test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NPM_STAMP := node_modules/.package-lock.json

.PHONY: setup system check paths compile snapshots test lint site handbook bench-site bench-wizard serve clean

setup: $(STAMP) $(NPM_STAMP) system

# Python packages, pinned in requirements.lock (the full resolved set).
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# The in-browser wizard's two runtimes, Pyodide and MicroPython's WebAssembly port (the
# build copies the site's choice; the tests run both), and for the tests only, the
# Nu HTML Checker (vnu-jar) and Lighthouse; all pinned in package-lock.json.
$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Debian packages: Chromium (browser tests, the PDF handbooks), CJK fonts,
# poppler's pdftoppm (the handbook test renders page 1 for review), Graphviz (the
# flow pictures) and a Java runtime (the Nu HTML Checker in the tests; its install
# links a man page, and Debian's slim images have no man1 folder).
SYSTEM_PACKAGES := chromium fonts-noto-cjk fontconfig poppler-utils graphviz default-jre-headless
system:
	@command -v chromium >/dev/null && command -v pdftoppm >/dev/null && command -v dot >/dev/null \
	  && command -v java >/dev/null \
	  && fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || { \
	  echo "installing $(SYSTEM_PACKAGES) with apt-get"; \
	  mkdir -p /usr/share/man/man1; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $(SYSTEM_PACKAGES) >/dev/null; }

check: $(STAMP)
	$(BIN)/tebiki check

paths: $(STAMP)
	$(BIN)/tebiki paths all --lang ja
	$(BIN)/tebiki paths all --lang en

compile: $(STAMP)
	$(BIN)/tebiki compile --out build/compiled

# Rewrite the golden path listings; review the change with `git diff tests/content/snapshots`.
snapshots: $(STAMP)
	$(BIN)/python scripts/update_snapshots.py

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts

test: setup lint
	$(BIN)/tebiki check
	$(BIN)/pytest -q

# The site into site/: content check, MkDocs, Pagefind; swapped in only when all worked.
site: setup
	$(BIN)/tebiki build --out site

# The printed handbooks alone (one A4 PDF per language; `make site` makes them too).
handbook: $(STAMP) system
	$(BIN)/tebiki handbook --out build/handbook

# Pages, build time, and our layer's cost against plain MkDocs (target ratio <= 1.3).
bench-site: setup
	$(BIN)/python scripts/bench_site.py

# Boot, step latency and bytes of the in-browser wizard, against stock Pyodide.
bench-wizard: setup
	$(BIN)/python scripts/bench_wizard.py

serve: site
	$(BIN)/tebiki host site --port 8000

clean:
	rm -rf build site
