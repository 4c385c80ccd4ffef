# The two commands a newcomer needs: `make run` and `make test`.
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
DEMO_ENV := REPORTING_DATE=$${REPORTING_DATE:-2018-09-30}

.PHONY: install run test test-fast e2e lint format migrate seed seed-council worker beat clean assets perfbench bench-embedded

# uv (pinned in requirements-dev.txt, installed by pip) installs the requirements: it downloads
# and unpacks in parallel, a fresh clone's install in seconds where pip took two minutes.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(PY) || $$(scripts/find-python) -m venv $(VENV)
	$(PY) -m pip install --quiet "$$(grep '^uv==' requirements-dev.txt)"
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements.txt -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

seed: seed-council
	$(DEMO_ENV) $(PY) manage.py seed_surgeries --if-empty

# The council and its logins: what the first page needs. `make run` adds the surgery history
# (half a minute on SQLite) in the background, once the server is up.
seed-council: migrate
	$(PY) manage.py load_targets
	$(DEMO_ENV) $(PY) manage.py seed_demo --if-empty --no-rollup

# runserver --skip-checks: `migrate` ran the system checks a moment ago.
run: seed-council
	@echo ""
	@echo "  Serving on http://127.0.0.1:$(PORT)/  (reporting date $${REPORTING_DATE:-2018-09-30})"
	@echo "  Sign in as demo-manager, demo-worker, demo-chair, demo-leader, demo-performance or demo-admin"
	@echo "  with the password: $$($(PY) manage.py demo_password)"
	@echo "  In the background (log: rollup.log) six months of surgeries are added, the surgery lists are"
	@echo "  stored for the workbench, then the scorecard's quarterly snapshots: the current quarter first,"
	@echo "  earlier ones over the next minutes."
	@echo ""
	@(($(DEMO_ENV) $(PY) manage.py seed_surgeries --if-empty; \
		$(DEMO_ENV) $(PY) manage.py refresh_exception_lists; \
		$(DEMO_ENV) $(PY) manage.py rollup_kpis --from 2016-04-01 --to $${REPORTING_DATE:-2018-09-30} \
		--quarter-ends --newest-first --skip-existing) > rollup.log 2>&1 &)
	$(DEMO_ENV) $(PY) manage.py runserver --skip-checks 127.0.0.1:$(PORT)

# The whole suite in two passes: every test but the transactional ones on two processes
# (pytest-xdist, a file to a process at a time), then the transactional ones (the browser
# journeys, the real Celery workers), which commit and empty the tables, in one process.
# Both passes run and the target fails if either does. pytest's exit code 5 means a pass
# collected no tests: fine for one pass (PYTEST_ARGS may name a single file), but a run in
# which neither pass tested anything must fail. $(1): arguments both passes take (a marker).
TEST_PROCESSES ?= 2
define two_passes
@$(PY) -m pytest -n $(TEST_PROCESSES) --dist loadfile --transactional=exclude $(1) $(PYTEST_ARGS); \
first=$$?; \
$(PY) -m pytest --transactional=only $(1) $(PYTEST_ARGS); second=$$?; \
if [ $$first -eq 5 ] && [ $$second -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; \
for status in $$first $$second; do \
	if [ $$status -ne 0 ] && [ $$status -ne 5 ]; then exit $$status; fi; \
done
endef

test: install
	$(call two_passes,)

# Everyday work: the whole suite but the browser journeys (e2e), the security walks over every
# URL (walk) and the synthetic council's calibration (slow), in the same two passes as `make
# test` (the second holds only the few Celery worker tests). `make test` still runs them all.
FAST_MARKERS := not e2e and not walk and not slow
test-fast: install
	$(call two_passes,-m "$(FAST_MARKERS)")

# Only the browser journeys in Debian's Chromium (tests/e2e); `make test` runs them as well.
e2e: install
	$(PY) -m pytest -m e2e tests/e2e $(PYTEST_ARGS)

# Style, formatting, types and the import contracts (the layers in pyproject.toml's importlinter).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports --no-logo

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Rebuild the committed GOV.UK/MOJ CSS and JS in static/ (needs Node and npm; the app itself does not).
assets:
	npm ci
	npm run build

worker: install
	$(VENV)/bin/celery -A config worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A config beat --loglevel=INFO

# Benchmark against the reference SQL on a synthetic council tier (PostgreSQL and Redis needed):
# `make perfbench` (tier L), `make perfbench TIER=S`. The tier's database perf_<tier> is created
# and generated on first use on the server of DATABASE_URL. See docs/performance.md.
TIER ?= L
PERFBENCH_DB ?= postgres://postgres@127.0.0.1:5432/postgres
PERFBENCH_BROKER ?= redis://127.0.0.1:6379/8
# The newcomer's pages timed on the embedded default (the seeded SQLite of `make run`): p95s.
bench-embedded: install
	$(DEMO_ENV) $(PY) manage.py embedded_bench

perfbench: install
	DATABASE_URL=$${DATABASE_URL:-$(PERFBENCH_DB)} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(PERFBENCH_BROKER)} \
		$(PY) manage.py perfbench --tier $(TIER) --out perf/results/$(TIER).json $(PERFBENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
