# Two commands from a fresh clone: `make demo` and `make test`. Both create the virtual
# environment and install the package on first use; running them again is safe.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_STORY := examples/the-lamplighter-and-the-cartographer.md
DEMO_ALBUM := albums/the-lamplighter-and-the-cartographer

.PHONY: install demo test lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/storyscore compose $(DEMO_STORY) -o $(DEMO_ALBUM) --seed 7 --audio --musicxml --force
	@echo "The album is in $(DEMO_ALBUM)/: open album.html to look and listen"

test: $(STAMP)
	$(BIN)/ruff check src tests bench eval tools experiments
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench eval tools experiments

bench: $(STAMP)
	$(BIN)/python bench/compose_speed.py

clean:
	rm -rf $(VENV) albums .pytest_cache
