# Two commands matter: `make run` and `make test`. Each sets itself up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint bench soak demo clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "recs needs Python 3.11 or newer"'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

run: $(STAMP)
	$(PY) app.py

demo: $(STAMP)
	$(PY) app.py console --demo

test: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadgroup -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy app.py compose.py logpolicy.py bot console handlers slack storage

bench: $(STAMP)
	$(PY) -m bench

soak: $(STAMP)
	RECS_SOAK=1 $(PY) -m pytest -q tests/reliability

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
