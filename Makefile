# The two commands a new machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: demo test prereqs test-vscode lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	@echo "== specloom check examples/ (broken.yaml has errors on purpose)"
	-$(BIN)/specloom check examples
	@echo
	@echo "== specloom plan examples/openapi/bookstore.yaml (python/fastapi)"
	$(BIN)/specloom plan examples/openapi/bookstore.yaml
	@echo
	@echo "== specloom plan examples/adr/0003-rate-limiter.md"
	$(BIN)/specloom plan examples/adr/0003-rate-limiter.md
	@echo
	@echo "== specloom generate examples/openapi/bookstore.yaml --out .demo/bookstore (all gates, then delivery)"
	SPECLOOM_USER=$${SPECLOOM_USER:-demo@localhost} $(BIN)/specloom generate examples/openapi/bookstore.yaml --out .demo/bookstore
	@echo
	@echo "== specloom audit list"
	$(BIN)/specloom audit list --limit 5
	@echo
	@echo "== specloom audit verify (the hash chain, and its head to keep elsewhere)"
	$(BIN)/specloom audit verify

# prereqs first, in seconds: a missing Debian package is installed (as root) or named, before any test runs.
test: prereqs
	$(MAKE) --no-print-directory $(STAMP)
	$(BIN)/ruff check server tests bench
	@# the corpus of tests/corpus (npm); exit 3 = no npm and nothing cached, and those tests skip saying so
	tests/corpus/install.sh >/dev/null || [ $$? -eq 3 ]
	@# every pack's pinned gate tools (npm ci from lock files, Go tools, caches): once per machine, then a no-op
	$(BIN)/specloom templates prepare --all
	rm -f .coverage .coverage.*
	@# pytest-cov: two xdist workers' coverage comes back over xdist's channel, combined with the subprocesses'
	$(BIN)/python -m pytest -n 2 --cov --cov-report=
	$(BIN)/python .ci/coverage_by_package.py
	$(MAKE) --no-print-directory test-vscode

prereqs:
	@.ci/prereqs

# The VS Code extension: unit tests, the .vsix, and the end-to-end test in code-server + Chromium
# (needs Node, npm, chromium and ripgrep; prereqs installs or names them). Screenshots: client-vscode/test-artifacts/.
test-vscode: prereqs $(STAMP)
	cd client-vscode && npm ci --no-fund --no-audit && npm test && npm run package
	client-vscode/e2e/install.sh
	cd client-vscode && npm run e2e

lint: $(STAMP)
	$(BIN)/ruff check server tests bench
	$(BIN)/ruff format --check server tests bench

bench: $(STAMP)
	$(BIN)/python bench/bench_core.py
	$(BIN)/python bench/bench_generate.py
	$(BIN)/python bench/bench_generate.py --language typescript
	$(BIN)/python bench/bench_generate.py --language go
	$(BIN)/python bench/bench_gates.py
	$(BIN)/python bench/bench_patterns.py
	$(BIN)/python bench/bench_lsp.py
	$(BIN)/python bench/bench_providers.py
	$(BIN)/python bench/bench_corpus.py
	$(BIN)/python bench/bench_fuzz.py --examples 50
	$(BIN)/python bench/bench_api.py
	$(BIN)/python bench/bench_typescript.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis .demo .coverage .coverage.*
