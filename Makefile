# The two commands: `make run` starts everything on embedded defaults; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pytest worker processes (pytest-xdist); each test file runs whole on one worker.
TEST_WORKERS ?= 2

.PHONY: run test install web-assets browser lint typecheck mail schema clean faults lock
WEB_ASSETS := services/web/static-src/node_modules/.package-lock.json

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The Scottish Government Design System and axe-core, from npm (never copied into the repo).
$(WEB_ASSETS): services/web/static-src/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix services/web/static-src --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the web pages use plain styling and browser tests skip"; fi

web-assets: $(WEB_ASSETS)

# Debian's Chromium for the browser tests (Playwright never downloads a browser here).
browser:
	@test -x /usr/bin/chromium || { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	  || echo "Chromium not installed: browser tests will skip"

run: $(STAMP) web-assets
	$(BIN)/python -m deploy.local.run

test: $(STAMP) web-assets browser
	$(BIN)/ruff check .
	$(BIN)/mypy shared services deploy
	$(BIN)/python -m pytest -q -ra --durations=25 -n $(TEST_WORKERS) --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy shared services deploy

# `make mail` lists the emails the local SMTP sink kept; `make mail SHOW=3` prints the third.
mail: $(STAMP)
	$(BIN)/python -m deploy.local.mailsink $(if $(SHOW),--show $(SHOW),--list)

# Regenerate requirements.lock (production's dependencies, pinned with hashes) after editing
# pyproject.toml's dependencies; tests/test_dependency_lock.py fails until it agrees.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 --universal \
	  --quiet -o requirements.lock

# The full fault-injection suite (PostgreSQL, two replicas each): prints issue 11's table.
# Its PostgreSQL restarts hit a private cluster it starts itself (FAULTS_ARGS=--skip-postgres-restart
# leaves them out).
faults: $(STAMP)
	$(BIN)/python bench/faults.py $(FAULTS_ARGS)

schema: $(STAMP)
	$(BIN)/python -m services.gateway.entrypoints.export_schema

clean:
	rm -rf data
