# The two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format worker migrate demo clean bench-snapshots bench-imports bench-site

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# A local .env for `make run`: debug on, plain HTTP, a key generated once.
.env:
	@echo "DEBUG=true" > $@
	@echo "HTTPS_ONLY=false" >> $@
	@echo "SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" >> $@
	@echo "Wrote .env with a new SECRET_KEY."

var/broker:
	mkdir -p var/broker/processed

migrate: $(BIN)/.installed .env var/broker
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py ensure_admin

# Serve on http://$(HOST):$(PORT)/ with a Celery worker beside it. Without
# CELERY_BROKER_URL the worker reads the embedded filesystem broker in var/.
run: demo
	@$(BIN)/celery -A config worker --beat --schedule var/celerybeat-schedule \
	  --loglevel=WARNING --concurrency=2 & \
	worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: $(BIN)/.installed .env var/broker
	$(BIN)/celery -A config worker --beat --schedule var/celerybeat-schedule --loglevel=INFO

test: $(BIN)/.installed
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var .env

# The snapshot benchmark (README: Benchmarks). Needs PostgreSQL and Redis.
bench-snapshots: $(BIN)/.installed
	$(BIN)/python -m bench.snapshots $(BENCH_ARGS)

# Import and export of a 100,000-entry bookmark file (bench/imports.py).
bench-imports: $(BIN)/.installed
	$(BIN)/python -m bench.imports $(BENCH_ARGS)

# The site benchmark (README: Benchmarks): gunicorn and wrk over a generated
# data set. Needs PostgreSQL and Redis; installs Debian's wrk if missing.
bench-site: $(BIN)/.installed
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(BIN)/python -m bench.site $(BENCH_ARGS)
