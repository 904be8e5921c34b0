# Two commands for a new user: `make run` and `make test`. Everything else is what they need.
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app sessie_app
VENDOR := static/vendor

# The production server: one gunicorn process with gevent's worker (deploy/gunicorn.conf.py). Links
# in mails and QR codes use BASE_URL; on loopback it defaults to this server, beyond loopback it must
# be given (gunicorn.conf.py says so and stops).
LOOPBACK := $(filter 127.0.0.1 localhost ::1,$(HOST))
SERVE_BASE_URL = $(or $(BASE_URL),$(if $(LOOPBACK),http://$(HOST):$(PORT)))
SERVE = BIND=$(HOST):$(PORT) BASE_URL=$(SERVE_BASE_URL) $(BIN)/gunicorn -c deploy/gunicorn.conf.py wsgi:app

# Debian packages, and why (README, System packages): WeasyPrint's libraries and fonts for the PDFs
# (Pango, HarfBuzz with its subsetter, fontconfig, GLib; DejaVu, and Noto Color Emoji for emoji),
# and for the tests Chromium (browser tests), libzbar0 (decoding QR codes) and poppler-utils (PDF to
# text and PNG).
RUN_PACKAGES := libglib2.0-0 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 \
  fonts-dejavu-core fonts-noto-color-emoji
TEST_PACKAGES := chromium libzbar0 poppler-utils
SYSTEM_PACKAGES = $(RUN_PACKAGES)
# Tests that need none of gunicorn, PostgreSQL, Redis or Chromium: the inner loop.
FAST_TESTS := not (server or postgres or redis or browser)
JS_TESTS = $(wildcard tests/js/*.test.mjs)
MO_FILES = $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/*.po))

.PHONY: run serve test test-fast lint audit setup install assets translations messages check-system \
  check-weasyprint db clean

run: setup
	@echo
	@echo "  sessie_app draait op http://$(HOST):$(PORT)/"
	@echo "  Organisatoren loggen in op http://$(HOST):$(PORT)/organisator/inloggen"
	@$(FLASK) organiser hint
	@echo
	$(SERVE)

# What runs at a venue or behind nginx; DATABASE_URL and REDIS_URL are used when set (README).
serve: setup
	$(SERVE)

# Target-specific, so check-system names every package the tests need in its one apt-get line.
test: SYSTEM_PACKAGES += $(TEST_PACKAGES)
test: setup lint
	node --test --test-reporter=spec $(JS_TESTS)
	$(BIN)/pytest --durations=15 $(PYTEST_ARGS)

# No `db`: the tests make their own databases.
test-fast: check-system install check-weasyprint assets translations lint
	node --test --test-reporter=spec $(JS_TESTS)
	$(BIN)/pytest -m '$(FAST_TESTS)' --durations=15 $(PYTEST_ARGS)

# ruff (lint and format) for Python, Biome (lint and format) for JavaScript: 0 findings.
lint: install node_modules/.installed
	$(BIN)/ruff check --quiet .
	$(BIN)/ruff format --check --quiet .
	node_modules/.bin/biome ci --error-on-warnings --reporter=summary .

# Known vulnerabilities in the installed Python packages and the npm assets. Needs PyPI's JSON API
# (or OSV) and npm's advisory service; --strict fails when a package could not be checked, where
# pip-audit would otherwise pass with "not found on PyPI" for every package.
audit: install
	$(BIN)/pip install --quiet pip-audit
	$(BIN)/pip-audit --strict --skip-editable --progress-spinner off
	npm audit --omit=dev

setup: check-system install check-weasyprint assets translations db

# Before anything is installed: Python, npm, then the Debian packages (installed as root, otherwise
# one apt-get line to run). A Debian Python without ensurepip needs python3-venv for the venv.
check-system:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
	  || { echo "sessie_app needs Python 3.11 or newer (found: $$($(PYTHON) --version))."; exit 1; }
	@command -v npm >/dev/null || { echo "npm is missing: apt-get install -y nodejs npm"; exit 1; }
	@deploy/debian-packages $(SYSTEM_PACKAGES) $$($(PYTHON) -c 'import ensurepip' 2>/dev/null || echo python3-venv)

# WeasyPrint warns at import about every library it misses (HarfBuzz's subsetter, say); the tests
# turn warnings into errors, so a missing one stops here with its name instead of in 30 tests.
check-weasyprint: install
	@$(BIN)/python -W error -c 'import weasyprint' 2>/dev/null || { \
	  $(BIN)/python -W error -c 'import weasyprint' 2>&1 | tail -n 1; \
	  echo "WeasyPrint (PDF reports) misses a system library: apt-get install -y $(RUN_PACKAGES)"; exit 1; }

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Every script and stylesheet with a gzip copy beside it, which WhiteNoise sends to browsers that
# accept it (a phone's first visit: about 35 kB instead of 110 kB over the venue's Wi-Fi).
STATIC_SOURCES = $(wildcard static/css/*.css static/js/*.js) $(VENDOR)/jsQR.js $(VENDOR)/socket.io.min.js

assets: node_modules/.installed $(VENDOR)/jsQR.js $(VENDOR)/socket.io.min.js $(STATIC_SOURCES:=.gz)

%.css.gz: %.css
	gzip -9 -n -k -f $<

%.js.gz: %.js
	gzip -9 -n -k -f $<

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENDOR)/jsQR.js: node_modules/.installed
	mkdir -p $(VENDOR)
	cp node_modules/jsqr/dist/jsQR.js $@

$(VENDOR)/socket.io.min.js: node_modules/.installed
	mkdir -p $(VENDOR)
	cp node_modules/socket.io-client/dist/socket.io.min.js $@

translations: install $(MO_FILES)

# After changing a Dutch text: the English catalogue gains the new messages (to translate) and drops the
# unused ones; tests/test_i18n.py fails until every message has its English.
messages: install
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o $(VENV)/messages.pot .
	$(BIN)/pybabel -q update -i $(VENV)/messages.pot -d translations -l en --no-fuzzy-matching --ignore-obsolete \
	  -w 120 --ignore-pot-creation-date

%.mo: %.po
	@$(BIN)/pybabel -q compile -i $< -o $@

db: install
	@mkdir -p instance
	@$(FLASK) db upgrade
	@$(FLASK) sessions seed
	@$(FLASK) organiser ensure

clean:
	rm -rf $(VENV) node_modules $(VENDOR) instance
