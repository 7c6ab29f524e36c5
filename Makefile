# The handbook's commands. `make serve` and `make test` work on a fresh machine:
# they create the virtual environment (.venv) and install what they need.

VENV      := .venv
BIN       := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# Debian packages the tests and the export use: the browser for the site tests, pdfinfo for the
# PDF tests, the British
# English dictionary for the house style, Pango, HarfBuzz and fonts for the PDF (WeasyPrint),
# nginx to serve the published handbook and htpasswd (apache2-utils) for the staff's passwords.
DEBIAN_PACKAGES := chromium hunspell-en-gb poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core nginx apache2-utils

export NO_MKDOCS_2_WARNING := 1

# A provider's handbook (homes/): the home to build, serve, check or export, for example
# `make serve HOME_ID=oak-lodge`. Not HOME, which is the shell's home folder. Unset: a single
# home's handbook as always (and, for `make check`, every home of a provider).
HOME_ID ?=
WITH_HOME := $(if $(HOME_ID),HANDBOOK_HOME=$(HOME_ID) )

.PHONY: serve build check review lint export publish bench test test-fast system-packages clean

$(INSTALLED): requirements.txt pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

## serve: check, build and serve the handbook at http://127.0.0.1:8000 (PORT=8001 for another port; reloads on
## every edit; a saved document rebuilds its own page and the pages that depend on it: handbook/mkdocs_hooks.py)
SERVE := $(BIN)/mkdocs serve --dirty
PORT ?= 8000
serve: $(INSTALLED)
	$(WITH_HOME)$(SERVE) --dev-addr 127.0.0.1:$(PORT)

## build: check and build the site into site/ (site/ is only replaced by a complete, clean build)
build: $(INSTALLED)
	rm -rf .site-build
	$(WITH_HOME)$(BIN)/mkdocs build --strict --site-dir .site-build || { rm -rf .site-build; exit 1; }
	rm -rf site && mv .site-build site

## check: run every check without building the site; where origin/main exists (or always, for BASE=branch),
## also check the change against it as a pull request does (versions raised, changes recorded, nothing rewritten)
BASE ?= origin/main
# A BASE given (make check BASE=branch) is always compared against: a misspelt one is an error, not a check without it.
BASE_GIVEN := $(filter command line environment,$(origin BASE))
check: $(INSTALLED)
	$(BIN)/handbook check$(if $(HOME_ID), --home $(HOME_ID))$(if $(or $(BASE_GIVEN),$(shell git rev-parse --verify -q $(BASE) 2>/dev/null)), --base $(BASE))

## review: the reviewer's summary of your change against origin/main (or BASE=branch), as a pull request
## shows it: what stops the merge first, then each changed document in plain words (Markdown)
review: $(INSTALLED)
	@$(BIN)/handbook review --base $(BASE)

## lint: check the house style (Vale's rules in .vale/), printed as path:line:col rule message
lint: $(INSTALLED) system-packages
	$(BIN)/handbook lint

## export: the inspectors' offline copy (zip) and PDF, and the children's guide as an A5 booklet, in dist/; refuses a handbook with errors or facts
## still to confirm. DRAFT=1 makes a draft copy (drafts included, every page marked) while applying.
export: $(INSTALLED) system-packages
	$(BIN)/handbook export $(if $(DRAFT),--draft) $(if $(HOME_ID),--home $(HOME_ID))

## publish: the staff intranet (publish/staff, staff sign in) and the public website (publish/public) with a
## ready nginx configuration (publish/nginx/handbook.conf). Set SERVER_NAME, LISTEN, HTPASSWD (the staff's
## password file, outside the repository), PUBLIC_SERVER_NAME, TLS_CERTIFICATE and TLS_KEY to suit the server.
HTPASSWD ?= /etc/nginx/cura-handbook.htpasswd
publish: $(INSTALLED) system-packages
	$(BIN)/handbook publish --htpasswd $(HTPASSWD) $(if $(SERVER_NAME),--server-name $(SERVER_NAME)) \
	  $(if $(LISTEN),--listen $(LISTEN)) $(if $(PUBLIC_SERVER_NAME),--public-server-name $(PUBLIC_SERVER_NAME)) \
	  $(if $(TLS_CERTIFICATE),--tls-certificate $(TLS_CERTIFICATE) --tls-key $(TLS_KEY))

## bench: time checks and builds on synthetic handbooks of 100, 500 and 2,000 documents
bench: $(INSTALLED) system-packages
	$(BIN)/python -m bench.run --json bench/results.json

## test: every test (installs the Debian packages the tests need when they are missing), on every core
## (pytest-xdist: one worker a core, at most 4; each worker builds the shared handbooks once)
test: $(INSTALLED) system-packages
	$(BIN)/python -m pytest --numprocesses auto --maxprocesses 4

## test-fast: the unit tests only (in-process, seconds), for the edit loop
test-fast: $(INSTALLED) system-packages
	$(BIN)/python -m pytest --tier unit -q

system-packages:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	fi

clean:
	rm -rf site .site-build dist publish $(VENV)
