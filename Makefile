# Masthead: `make demo` serves the demo press; `make test` runs the whole suite.
VENV ?= .venv
PY := $(VENV)/bin/python
MASTHEAD := $(VENV)/bin/masthead
export MASTHEAD_HOME ?= $(CURDIR)/var
POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: install system-deps demo serve test test-sqlite test-postgres test-production lint format bench clean

# Debian packages: xmlsec1 signs and checks SAML messages; chromium runs the browser tests.
DEBIAN_PACKAGES := xmlsec1 chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,embeddings]'
	touch $@

install: $(VENV)/.installed

# Installs the missing Debian packages when run as root; otherwise says what to install.
system-deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "Missing Debian packages:$$missing (sudo apt-get install$$missing)"; fi

# Demo mode: documentation IP ranges allowed, X-Forwarded-For trusted from 127.0.0.1.
demo serve: export MASTHEAD_DEMO = 1
demo serve: export MASTHEAD_TRUSTED_PROXIES = 127.0.0.1

demo: system-deps install
	$(MASTHEAD) migrate --noinput
	$(MASTHEAD) load_demo
	@echo "Serving the demo press on http://127.0.0.1:8000/"
	$(MASTHEAD) serve --addr 127.0.0.1:8000 --worker

serve: install
	$(MASTHEAD) serve --addr 127.0.0.1:8000

lint: install
	$(VENV)/bin/ruff check src tests tests_production bench
	$(VENV)/bin/ruff format --check src tests tests_production bench

format: install
	$(VENV)/bin/ruff format src tests tests_production bench
	$(VENV)/bin/ruff check --fix src tests tests_production bench

test: lint test-sqlite test-postgres test-production

# The real PubMed baseline (fetched once into var/cache) feeds the PubMed parser's test.
test-sqlite: install
	MASTHEAD_PUBMED_FILE="$$($(PY) -m masthead.catalog.demo.pubmed_baseline $(MASTHEAD_HOME)/cache)" \
		$(PY) -m pytest

# Runs when PostgreSQL answers at POSTGRES_URL; says so and skips when it does not.
test-postgres: install
	@if $(PY) -c "import psycopg,sys; psycopg.connect(sys.argv[1], connect_timeout=3).close()" "$(POSTGRES_URL)" 2>/dev/null; then \
		MASTHEAD_PUBMED_FILE="$$($(PY) -m masthead.catalog.demo.pubmed_baseline $(MASTHEAD_HOME)/cache)" \
		DATABASE_URL="$(POSTGRES_URL)" $(PY) -m pytest -m "not e2e"; \
	else echo "PostgreSQL not reachable at $(POSTGRES_URL): PostgreSQL run skipped"; fi

bench: install
	$(PY) bench/article_page.py
	$(PY) bench/access.py
	$(PY) bench/usage.py
	$(PY) bench/commerce.py
	$(PY) bench/full_text.py
	$(PY) bench/pdf.py
	$(PY) bench/citations.py --refresh
	$(PY) bench/related_speed.py
	$(PY) bench/related_quality.py
	$(PY) bench/search.py
	$(PY) bench/oai.py
	$(PY) bench/api.py
	$(PY) bench/jobs.py
	$(PY) bench/load.py

clean:
	rm -rf $(VENV) var

# The production stack on loopback (gunicorn with several workers, the job worker,
# PostgreSQL, Redis) smoke-tested over HTTP; skipped, saying why, when PostgreSQL or Redis
# do not answer.
test-production: install
	$(PY) -m pytest tests_production -p no:cacheprovider
