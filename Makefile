# The two commands a newcomer needs: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Material for MkDocs announces its end of life on every run; the README
# says what the project does about it (it builds with ProperDocs and Zensical).
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup serve site linkcheck check lint test ci enrich clean distclean

# The virtual environment is remade when the project's dependencies change,
# and when it was made by a Python older than the project needs.
$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 11) else \
		f"make: the survey needs Python 3.11 or newer; {sys.executable} is {v.major}.{v.minor}. " \
		"Run with PYTHON=python3.11 (or newer), e.g. make PYTHON=python3.12 serve")'
	@if [ -x $(BIN)/python ] && ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then \
		echo "make: $(VENV) was made by an older Python; making it anew"; rm -rf $(VENV); fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed

## serve: set up, build, and preview the site at http://127.0.0.1:$(PORT)/ with live reload
# --dirty: MkDocs rebuilds only the pages the generator rewrote, so an edit
# under content/ shows in the browser within a couple of seconds.
serve: setup
	@$(BIN)/python -c 'import socket, sys; s = socket.socket(); \
		s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); \
		sys.exit(s.connect_ex(("127.0.0.1", $(PORT))) == 0 and \
		"make: port $(PORT) is in use (another preview?); stop it, or run: make serve PORT=8001")'
	SURVEY_SITE_URL=http://127.0.0.1:$(PORT)/ $(BIN)/mkdocs serve --dirty --livereload \
		--dev-addr 127.0.0.1:$(PORT)

## site: build the static site into site/ (fails, and keeps the last site, on any problem)
site: setup
	$(BIN)/survey build --strict

## linkcheck: check every link of the site built by `make site`, offline
linkcheck: setup
	@test -f site/index.html || { echo "make: no site/ to check; run make site first"; exit 1; }
	$(BIN)/python -m generator.linkcheck site

## check: read and validate the content, print a report
check: setup
	$(BIN)/survey check

## lint: ruff (rules in pyproject.toml) and mypy
lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

## enrich: ask OpenAlex and arXiv for the metadata of papers without a record (needs network)
enrich: setup
	$(BIN)/survey enrich

## test: run the test suite
test: setup
	$(BIN)/pytest

## ci: what CI runs, each step once: tests, lint, the strict site, its links
ci: test lint site linkcheck

clean:
	rm -rf site .site-* build
	find generated -mindepth 1 ! -name .gitignore -delete

## distclean: also remove the virtual environment
distclean: clean
	rm -rf $(VENV)
