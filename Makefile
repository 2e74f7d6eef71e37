# `make run` (the app with demo data), `make test` (everything CI runs), `make check` (the
# fast loop: lint, types and the unit tests) and `make e2e` (the browser walks).
# `make run` installs only what the app needs; `make test` adds the test tools. Both
# install with uv (itself a pinned wheel from PyPI), at the versions pinned in requirements/.
PYTHON ?= python3
UV_VERSION := 0.13.9
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Each manage.py run would otherwise compile Django from source again (seconds each time).
unexport PYTHONDONTWRITEBYTECODE
APP_STAMP := $(VENV)/.installed-app
DEV_STAMP := $(VENV)/.installed-dev
UV := $(BIN)/uv pip install --quiet --python $(BIN)/python

.PHONY: run serve test check lint typecheck format venv migrate e2e clean messages

$(BIN)/uv:
	@./scripts/bootstrap-uv.sh $(PYTHON) $(VENV) $(UV_VERSION)

$(APP_STAMP): requirements/base.txt | $(BIN)/uv
	$(UV) -r requirements/base.txt
	touch $(APP_STAMP)

$(DEV_STAMP): requirements/base.txt requirements/dev.txt | $(BIN)/uv
	$(UV) -r requirements/base.txt -r requirements/dev.txt
	touch $(APP_STAMP) $(DEV_STAMP)

venv: $(DEV_STAMP)

# Collecting the static files runs beside the demo loader, which migrates first in the same
# process and then adds what is missing; gunicorn (one worker without Redis: see
# config/gunicorn.conf.py) serves the embedded default as it would serve production.
# DEMO=0 starts without the demo: the database is only migrated, and on a site without an
# organiser `setup_link` prints the one-time link that creates the first one.
DEMO ?= 1
ifeq ($(DEMO),0)
LOAD := migrate --noinput --verbosity 0
else
LOAD := seed_demo --migrate
endif

run: $(APP_STAMP)
	@$(BIN)/python manage.py collectstatic --noinput --verbosity 0 & \
	  $(BIN)/python manage.py $(LOAD); status=$$?; wait $$! || status=1; exit $$status
	@$(BIN)/python manage.py setup_link --base-url http://127.0.0.1:$(PORT)
	@echo ""
	@echo "  Cohort is starting on http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	@echo ""
	@GUNICORN_BIND=127.0.0.1:$(PORT) exec $(BIN)/gunicorn config.wsgi -c config/gunicorn.conf.py

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

format: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint typecheck
	@./scripts/test-services.sh $(BIN)/python -m pytest $(PYTEST_ARGS)

# The unit tests are cohort/ (each app's tests/); system/ and e2e/ run in `make test`.
check: lint typecheck
	@./scripts/test-services.sh $(BIN)/python -m pytest cohort -n 2 -q $(PYTEST_ARGS)

e2e: $(DEV_STAMP)
	@./scripts/test-services.sh $(BIN)/python -m pytest e2e $(PYTEST_ARGS)

# The translation catalogues: gather new strings into locale/*/django.po (translate them
# there), then compile the .mo files; both are committed (README.md, "Languages").
messages: $(DEV_STAMP)
	$(BIN)/python manage.py update_catalogues

clean:
	rm -rf $(VENV) var
