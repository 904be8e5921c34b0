# Two commands for a new user: `make run` and `make test`. Everything else is what they need.
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app sessie_app
VENDOR := static/vendor

# The production server: one gunicorn process with gevent's worker (deploy/gunicorn.conf.py).
SERVE := BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c deploy/gunicorn.conf.py wsgi:app

.PHONY: run serve test audit setup install assets translations check-system db clean

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

test: setup
	$(BIN)/pytest $(PYTEST_ARGS)

# Known vulnerabilities in the installed Python packages and the npm assets. Needs PyPI's JSON API
# (or OSV) and npm's advisory service; --strict fails when a package could not be checked, where
# pip-audit would otherwise pass with "not found on PyPI" for every package.
audit: install
	$(BIN)/pip install --quiet pip-audit
	$(BIN)/pip-audit --strict --skip-editable --progress-spinner off
	npm audit --omit=dev

setup: check-system install assets translations db

check-system:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
	  || { echo "sessie_app needs Python 3.11 or newer (found: $$($(PYTHON) --version))."; exit 1; }
	@command -v npm >/dev/null || { echo "npm is missing: apt-get install -y nodejs npm"; exit 1; }
	@if ! ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || ! ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so'; then \
	  echo "WeasyPrint (PDF reports) needs Pango, which is not installed."; \
	  echo "Install the Debian packages:  apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"; \
	  exit 1; fi

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

translations: install
	@$(BIN)/pybabel compile -d translations >/dev/null

db: install
	@mkdir -p instance
	@$(FLASK) db upgrade
	@$(FLASK) sessions seed
	@$(FLASK) organiser ensure

clean:
	rm -rf $(VENV) node_modules $(VENDOR) instance
