# The two commands a new machine needs: `make run` and `make test`.
# Only Python 3.11+ and Node.js with npm are assumed; everything else is installed here.

PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
PY := .venv/bin/python
MANAGE := $(PY) manage.py
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: install run test test-fast lint format bench bench-pages lighthouse ci clean cluster cluster-stop cluster-check load

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --python $(PYTHON) --quiet
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The front end (assets/build.mjs): rebuilt when a template, script, stylesheet or app file
# changes, so new Bootstrap classes and bi icons in a template are kept.
ASSET_SOURCES := $(shell find . \( -name node_modules -o -name .venv -o -name .tools -o -name .git \
	-o -name static_build -o -name staticfiles -o -name migrations -o -name tests -o -name bench \) -prune \
	-o -type f \( -name '*.html' -o -name '*.js' -o -name '*.mjs' -o -name '*.css' -o -name '*.scss' \
	-o -name '*.py' \) -print)

static_build/.built: .venv/.synced node_modules/.installed $(ASSET_SOURCES)
	node assets/build.mjs
	@touch $@

install: .venv/.synced node_modules/.installed static_build/.built

## run: install, migrate SQLite, load the module and demo accounts, serve on :8000 with a job worker
run: install
	DJANGO_SETTINGS_MODULE=portal.settings.dev $(MANAGE) migrate --verbosity 0
	DJANGO_SETTINGS_MODULE=portal.settings.dev $(MANAGE) createcachetable
	DJANGO_SETTINGS_MODULE=portal.settings.dev $(MANAGE) load_content
	DJANGO_SETTINGS_MODULE=portal.settings.dev $(MANAGE) seed_demo
	@echo "Serving the portal on http://127.0.0.1:8000 with one job worker (Ctrl-C stops both)"
	DJANGO_SETTINGS_MODULE=portal.settings.dev $(MANAGE) run_with_worker 127.0.0.1:8000

## test: install and run the whole suite (browser tests need /usr/bin/chromium)
test: install
	$(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: install
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

bench: install
	$(PY) bench/run.py
	$(PY) bench/review.py

## bench-pages: every trainee and tutor page against a bare floor page (ARGS="--db postgres --scale")
bench-pages: install
	$(PY) bench/pages.py $(ARGS)

ci:
	bash .ci/run

clean:
	rm -rf .venv .tools node_modules staticfiles static_build

## lighthouse: Lighthouse (mobile) over the main pages under production settings; fails under budget
lighthouse: install
	$(PY) bench/lighthouse.py

## cluster: nginx + two gunicorn app servers + two job workers on PostgreSQL and Redis, under
## the production settings (deploy/cluster.py); Ctrl-C or `make cluster-stop` stops it all
cluster: install
	$(PY) deploy/cluster.py $(CLUSTER_ARGS)

cluster-stop:
	$(PY) deploy/cluster.py stop

## cluster-check: start the cluster and prove sign-in limits per client across both app servers
cluster-check: install
	$(PY) -m pytest tests/cluster -m cluster -p no:cacheprovider -v $(PYTEST_ARGS)

## load: locust against the cluster, killing an app server and a worker mid-run
load: install
	$(PY) bench/load/run.py $(LOAD_ARGS)
