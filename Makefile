# The two commands a newcomer needs: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# MkDocs 1.x prints a notice about its successors on every run; the README covers it.
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup serve site linkcheck check test enrich clean

# The virtual environment is remade when the project's dependencies change.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed

## serve: set up, build, and preview the site at http://127.0.0.1:$(PORT) with live reload
# --dirty: MkDocs rebuilds only the pages the generator rewrote, so an edit
# under content/ shows in the browser within a couple of seconds.
serve: setup
	SURVEY_SITE_URL=http://127.0.0.1:$(PORT)/ $(BIN)/mkdocs serve --dirty --livereload \
		--dev-addr 127.0.0.1:$(PORT)

## site: build the static site into site/
site: setup
	$(BIN)/survey build --strict

## linkcheck: build the site, then check every link in it, offline
linkcheck: site
	$(BIN)/python -m generator.linkcheck site

## check: read and validate the content, print a report
check: setup
	$(BIN)/survey check

## enrich: ask OpenAlex and arXiv for the metadata of papers without a record (needs network)
enrich: setup
	$(BIN)/survey enrich

## test: run the test suite
test: setup
	$(BIN)/pytest

clean:
	rm -rf site .site-* build
	find generated -mindepth 1 ! -name .gitignore -delete
