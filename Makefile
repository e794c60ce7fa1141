# The study, step by step. This file is its table of contents: each target names the files it
# reads and the files it writes, and each step is one command, `python -m study <step>`.
#
#   make all    reproduce every implemented step from the vendored data (no network needed)
#   make test   run the test suite
#   make help   list every target
#
# Outputs are written atomically and each step writes its provenance log (results/logs/<step>.json,
# inputs and outputs with sha256) last, so an interrupted run leaves nothing make treats as done.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules

PYTHON_BOOT ?= python3
UV_VERSION  := 0.13.8
TOOLS       := .tools
UV          := $(TOOLS)/bin/uv
VENV        := .venv/.synced
PY          := .venv/bin/python
STUDY       := $(PY) -m study

SPEC    := preregistration/analysis.toml
EST     := results/estimates
FIG     := results/figures
TAB     := results/tables
LOGS    := results/logs
DERIVED := data/derived

# Python sources of a sub-package plus the core modules every step uses.
CORE := $(wildcard study/*.py)
code  = $(CORE) $(shell find study/$(1) -name '*.py' 2>/dev/null)

# ---------------------------------------------------------------------------------------------
# Set-up
# ---------------------------------------------------------------------------------------------

## setup: create .venv from the locked dependencies (uv.lock), installing uv itself first
setup: $(VENV)

$(UV):
	$(PYTHON_BOOT) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	touch $@

# ---------------------------------------------------------------------------------------------
# The study
# ---------------------------------------------------------------------------------------------

## all: reproduce the study: check the preregistration lock, run every step, then check every estimate is registered
all: prereg-check data campaigns panel power did bayes dag process tables figures report
	$(STUDY) prereg-check

## prereg-check: verify the preregistration lock and that every estimate is registered or a listed deviation
prereg-check: $(VENV)
	$(STUDY) prereg-check

# data/raw/** (vendored, immutable) -> data/derived/raw_verified.json
RAW          := $(shell find data/raw -type f ! -name '.*' 2>/dev/null | LC_ALL=C sort)
RAW_VERIFIED := $(DERIVED)/raw_verified.json

## data: verify every vendored raw file against data/raw/datapackage.json (sha256, size)
data: $(RAW_VERIFIED)

$(RAW_VERIFIED) $(LOGS)/data.json &: $(RAW) $(call code,acquire) $(VENV)
	$(STUDY) data

## data-refresh: re-download every raw source from its canonical upstream (needs network; not part of all)
data-refresh: $(VENV)
	$(STUDY) data-refresh

# data/campaigns/*.csv -> data/derived/treatment.parquet, data/derived/campaigns.parquet, campaign figures
CAMPAIGN_IN := data/campaigns/campaigns.csv data/campaigns/process_indicators.csv
TREATMENT   := $(DERIVED)/treatment.parquet

## campaigns: validate the campaign dataset against its codebook; write the country-year treatment table
campaigns: $(TREATMENT)

$(TREATMENT) $(DERIVED)/campaigns.parquet $(LOGS)/campaigns.json &: $(CAMPAIGN_IN) $(SPEC) $(call code,campaigns) $(VENV)
	$(STUDY) campaigns

# two independent codings -> data/campaigns/RELIABILITY.md
RELIABILITY_IN := data/campaigns/campaigns.csv data/campaigns/reliability/coder_b.csv data/campaigns/reliability/sample.csv

## reliability: inter-coder agreement (Cohen's kappa, date matches) from the two codings
reliability: data/campaigns/RELIABILITY.md

data/campaigns/RELIABILITY.md $(LOGS)/reliability.json &: $(RELIABILITY_IN) $(call code,campaigns) $(VENV)
	$(STUDY) reliability

# raw sources + treatment table -> data/derived/panel.parquet, codebook, coverage figure
PANEL := $(DERIVED)/panel.parquet

## panel: build the country-year panel, its codebook and coverage figure
panel: $(PANEL)

$(PANEL) $(DERIVED)/panel_codebook.md $(LOGS)/panel.json &: $(RAW_VERIFIED) $(TREATMENT) $(SPEC) $(call code,panel) $(call code,acquire) $(VENV)
	$(STUDY) panel

## power: simulated power and minimum detectable effects on the real treatment timing
power: $(LOGS)/power.json

$(LOGS)/power.json: $(PANEL) $(SPEC) $(call code,estimate) $(VENV)
	$(STUDY) power

## did: difference-in-differences estimates for every registered outcome x treatment (results/estimates/did.csv)
did: $(LOGS)/did.json

$(EST)/did.csv $(LOGS)/did.json &: $(PANEL) $(SPEC) $(call code,estimate/did) $(VENV)
	$(STUDY) did

## bayes: hierarchical Bayesian event-study models with convergence gates (results/estimates/bayes.csv)
bayes: $(LOGS)/bayes.json

$(EST)/bayes.csv $(LOGS)/bayes.json &: $(PANEL) $(SPEC) $(call code,estimate) $(VENV)
	$(STUDY) bayes

## dag: causal graph, DoWhy identification and refutations (results/estimates/refutations.csv)
dag: $(LOGS)/dag.json

$(EST)/refutations.csv $(LOGS)/dag.json &: $(PANEL) $(SPEC) preregistration/causal_graph.dot $(call code,estimate/dag) $(VENV)
	$(STUDY) dag

## process: per campaign, documented engagement (process indicators) next to its estimated effect
process: $(LOGS)/process.json

$(EST)/process_outcome.csv $(LOGS)/process.json &: $(PANEL) $(DERIVED)/campaigns.parquet $(SPEC) $(call code,estimate/process) $(call code,estimate/did) $(VENV)
	$(STUDY) process

ESTIMATE_LOGS := $(LOGS)/did.json $(LOGS)/bayes.json $(LOGS)/dag.json $(LOGS)/process.json

## tables: results tables in Markdown, LaTeX and HTML (results/tables/)
tables: $(LOGS)/tables.json

$(LOGS)/tables.json: $(ESTIMATE_LOGS) $(LOGS)/panel.json $(LOGS)/campaigns.json preregistration/deviations.md $(call code,report) $(VENV)
	$(STUDY) tables

## figures: results figures in PNG and PDF (results/figures/)
figures: $(LOGS)/figures.json

$(LOGS)/figures.json: $(ESTIMATE_LOGS) $(LOGS)/panel.json $(LOGS)/campaigns.json preregistration/deviations.md $(call code,report) $(VENV)
	$(STUDY) figures

## report: the one-page HTML report (results/report.html)
report: results/report.html

results/report.html $(LOGS)/report.json &: $(LOGS)/tables.json $(LOGS)/figures.json CITATION.cff $(RAW_VERIFIED) preregistration/deviations.md $(call code,report) $(VENV)
	$(STUDY) report

# ---------------------------------------------------------------------------------------------
# Checks, benchmarks, releases
# ---------------------------------------------------------------------------------------------

## test: run the test suite (slow tests run in their reduced configuration)
test: $(VENV)
	$(PY) -m pytest

## test-full: the test suite plus the full-size configurations (MCMC recovery etc.; about 20 more minutes)
test-full: $(VENV)
	$(PY) -m pytest --full

## bench: speed and peak memory against peer packages, as ratios (results/bench/; not part of all)
bench: $(VENV)
	$(STUDY) bench

## release: freeze the current outputs as results/v$(VERSION)/ with a manifest (make release VERSION=x.y.z)
release: $(VENV)
	@test -n "$(VERSION)" || { echo "usage: make release VERSION=x.y.z" >&2; exit 2; }
	$(STUDY) release --version $(VERSION)

## clean: remove derived data and current outputs (keeps released versions in results/v*)
clean:
	rm -rf $(DERIVED) $(EST) $(TAB) $(FIG) $(LOGS) results/bench results/power results/bayes results/report.html

## help: list the targets
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed -E 's/^## ([^:]+): /\1\t/' | awk -F'\t' '{printf "  %-14s %s\n", $$1, $$2}'

.PHONY: setup all prereg-check data data-refresh campaigns reliability panel power did bayes dag process \
        tables figures report test test-full bench release clean help
