# Zhizao Hub. `make run`: set up and serve the demo on the embedded default.
#             `make test`: set up and run the whole test suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000
# The embedded default needs a secret only outside DEBUG; `make run` is a local demo.
RUN_ENV := DEBUG=1

.PHONY: run test install lint messages migrate demo clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

messages: install
	@command -v msgfmt >/dev/null || { echo "msgfmt missing: apt-get install gettext"; exit 1; }
	$(RUN_ENV) $(PY) manage.py compilemessages --ignore=$(VENV) -v0

migrate: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput -v0

demo: migrate messages
	$(RUN_ENV) $(PY) manage.py seed_demo

run: demo
	$(RUN_ENV) $(PY) manage.py collectstatic --noinput -v0
	@echo "Zhizao Hub on http://$(HOST)/  (API docs: http://$(HOST)/api/v1/docs/)"
	$(RUN_ENV) $(PY) manage.py runserver $(HOST)

test: messages
	$(VENV)/bin/ruff check .
	SECRET_KEY=check-only $(PY) manage.py makemigrations --check --dry-run -v0
	SECRET_KEY=check-only $(PY) manage.py check --fail-level WARNING
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) var
