# leakwatch — every target installs what it needs, idempotently (Debian packages included).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TOR_DATA ?= $(CURDIR)/var/tor

.PHONY: help setup system-deps venv test lint typecheck unit demo eval bench watchlist tor clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

system-deps: ## Debian packages: Chromium (browser sources, UI tests), gcc and Python headers (the matcher's optional C fast path)
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v gcc >/dev/null 2>&1 || missing="$$missing gcc"; \
	test -f "$$($(PYTHON) -c 'import sysconfig; print(sysconfig.get_paths()["include"])')/Python.h" \
		|| missing="$$missing python3-dev"; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

$(STAMP): pyproject.toml setup.py crawler/matching/_fold.c crawler/matching/_fold_tables.h \
		crawler/matching/_word_trie.c crawler/matching/_word_trie.h
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP) ## Python virtualenv with the project and its dev tools

setup: system-deps venv ## everything the project needs

lint: setup ## ruff lint + format check + import layers (import-linter contracts in pyproject.toml)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: setup ## mypy --strict on the package
	$(VENV)/bin/mypy

unit: setup ## pytest only (no lint), two workers (pytest-xdist); exit code 5 (no tests collected) is a failure
	$(PY) -m pytest -q -n 2

test: lint typecheck unit ## the whole check suite CI runs

demo: setup ## the main job on bundled loopback demo sources
	$(PY) -m crawler.demo

eval: setup ## matcher precision / recall / F1 on the labelled sets (main set last)
	$(PY) -m crawler.matching.evaluate tests/data/match_eval.jsonl tests/data/match_eval_blind.jsonl \
		tests/data/match_eval_blind2.jsonl tests/data/match_eval_blind3.jsonl \
		tests/data/match_eval_blind4.jsonl tests/data/match_eval_blind5.jsonl \
		tests/data/match_eval_blind6.jsonl tests/data/match_eval_blind7.jsonl \
		tests/data/match_eval_blind8.jsonl tests/data/match_eval_blind9.jsonl \
		tests/data/match_eval_blind10.jsonl tests/data/match_eval_blind11.jsonl \
		tests/data/match_eval_blind12.jsonl tests/data/match_eval_blind13.jsonl \
		tests/data/match_eval_blind15.jsonl tests/data/match_eval_blind16.jsonl \
		tests/data/match_eval_blind17.jsonl tests/data/match_eval_blind19.jsonl \
		tests/data/match_eval_blind20.jsonl tests/data/match_eval_blind23.jsonl \
		tests/data/match_eval_blind24.jsonl tests/data/match_eval_blind27.jsonl \
		tests/data/match_eval_blind28.jsonl tests/data/match_eval_blind31.jsonl \
		tests/data/match_eval_blind32.jsonl tests/data/match_eval_blind34.jsonl \
		tests/data/match_eval_blind35.jsonl tests/data/match_eval_blind36.jsonl \
		tests/data/match_eval_blind14.jsonl \
		tests/data/match_eval_blind18.jsonl tests/data/match_eval_blind21.jsonl \
		tests/data/match_eval_blind22.jsonl tests/data/match_eval_blind25.jsonl \
		tests/data/match_eval_blind26.jsonl tests/data/match_eval_blind29.jsonl \
		tests/data/match_eval_blind30.jsonl tests/data/match_eval_blind33.jsonl \
		tests/data/real/real_eval.jsonl.gz tests/data/wikidata/foreign_hospitals.jsonl.gz

SHARED_DATA ?= ../shared/data
watchlist: setup ## rebuild crawler/data/watchlist.jsonl.gz from $(SHARED_DATA) and crawler/matching/curated (reproducible)
	$(PY) -m crawler.matching.build_bundled $(SHARED_DATA)/finess/finess-fhir-2021-01/*.tar.gz \
		$(SHARED_DATA)/finess/FHOFF_etabs_hopitaux_france.csv \
		$(SHARED_DATA)/finess/eurostat_basic-services_healthcare_FR.csv \
		$(SHARED_DATA)/labs/sites-prelevements-grand-public_2020-2021.csv \
		$(SHARED_DATA)/domains/hospital.001.wikidata.tsv \
		$(SHARED_DATA)/watchlist/vendors_groups.csv \
		crawler/matching/curated/organisations_outside_finess.csv

bench: setup ## every benchmark, each prints its figures on its last line
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

tor: ## install Debian's tor and run it with a SOCKS port on 127.0.0.1:9050 (stream isolation per source)
	@command -v tor >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tor >/dev/null)
	@install -d -m 700 $(TOR_DATA)
	tor -f deploy/torrc --DataDirectory $(TOR_DATA)

clean:
	rm -rf $(VENV) *.egg-info .mypy_cache .ruff_cache .pytest_cache
