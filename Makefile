# provindex — the two commands: `make run` and `make test` (see README).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= $(or $(PROVINDEX_DB),data/provindex.duckdb)
PORT   ?= 8501
# The demo lets visitors read without signing in (issue 10); `make run ANONYMOUS=0` asks everyone to sign in.
ANONYMOUS ?= $(or $(PROVINDEX_ANONYMOUS_VIEWERS),1)
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install dev browser office run demo lint test test-slow bench freeze clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt constraints.txt | $(BIN)/python
	$(PIP) install -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(PIP) install -r requirements-dev.txt -c constraints.txt
	touch $@

install: $(VENV)/.installed

dev: $(VENV)/.dev-installed

## make run: install, build the demo database if none exists, start the dashboard
run: install
	@test -f "$(DB)" || $(BIN)/python -m etl demo --db "$(DB)"
	PROVINDEX_DB="$(DB)" PROVINDEX_ANONYMOUS_VIEWERS="$(ANONYMOUS)" $(BIN)/python -m streamlit run dashboard.py \
	  --server.port $(PORT)

## make demo: rebuild the simulated demo database from scratch
demo: install
	$(BIN)/python -m etl demo --db "$(DB)" --force

## Debian's Chromium for the browser tests (Playwright drives it; nothing is downloaded by Playwright)
browser:
	@test -x /usr/bin/chromium || { $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium; }

## LibreOffice Impress renders the report decks to PDF/PNG in the tests (issue 14); poppler-utils counts and
## rasterises the pages; DejaVu/Liberation fonts carry every Vietnamese glyph. Nothing is downloaded at run time.
office:
	@test -x /usr/bin/soffice -a -x /usr/bin/pdftoppm || { $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive \
	  $(SUDO) apt-get install -y -q libreoffice-impress poppler-utils fonts-dejavu fonts-liberation; }

## make lint: ruff (pyflakes, pycodestyle, docstrings, complexity <= 12; config in pyproject.toml)
lint: dev
	$(BIN)/ruff check .

## make test: install test needs (Python packages, Chromium, LibreOffice), lint, run every test (slow and bench excluded)
test: dev browser office lint
	PROVINDEX_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -m "not slow and not bench"

test-slow: dev
	$(BIN)/python -m pytest -m slow

## make bench: timings and sizes against the targets in the issues (prints a report)
bench: dev browser
	$(BIN)/python -m bench

freeze:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v -i '^pip==' | \
	  (echo "# Exact versions of every package (direct and transitive), used as pip constraints."; \
	   echo "# Regenerate with: make freeze"; cat) > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache
