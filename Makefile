# The README's two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
RESIDENTS ?= 20000

.PHONY: demo test install lint bench messages clean-demo

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s)" % sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/zhongshu migrate --noinput
	$(BIN)/zhongshu demo setup --residents $(RESIDENTS)
	$(BIN)/zhongshu serve

test: install
	ZHONGSHU_DATA_DIR=$${ZHONGSHU_TEST_DATA_DIR:-$$(mktemp -d -t zhongshu-test.XXXXXX)} $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests benchmarks

bench: install
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

messages: install
	$(BIN)/python -m zhongshu.core.i18n
