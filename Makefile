# Two entry points for a fresh machine (see README):
#   make run   - environment, migrations, demo data, server on http://127.0.0.1:8000 (SQLite, Celery eager)
#   make test  - environment and every check: ruff, mypy, migrations, OpenAPI drift, pytest
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed

.PHONY: run test venv lint typecheck migrations-check openapi openapi-check pytest bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_data
	$(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP) lint typecheck migrations-check openapi-check pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy .

migrations-check: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.ci $(PY) manage.py makemigrations --check --dry-run

openapi: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.ci $(PY) manage.py spectacular --file openapi.yaml --validate --fail-on-warn

openapi-check: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.ci $(PY) manage.py spectacular --file $(VENV)/openapi.check.yaml --validate --fail-on-warn
	diff -u openapi.yaml $(VENV)/openapi.check.yaml || (echo "openapi.yaml is out of date: run 'make openapi' and commit it" && exit 1)

pytest: $(STAMP)
	$(BIN)/pytest

clean:
	rm -rf $(VENV) var/*.sqlite3
