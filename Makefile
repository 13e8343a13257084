# hds: the two commands are `make run` and `make test`. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

DB := scripts/db.sh
# The local default database unless DATABASE_URL is set.
LOCAL_DB = $(shell $(DB) url)
HDS = $(or $(CARGO_TARGET_DIR),target)/debug/hds
CARGO_TEST := $(shell command -v cargo-nextest >/dev/null 2>&1 && echo "cargo nextest run --workspace --no-fail-fast" || echo "cargo test --workspace --no-fail-fast")

.PHONY: help run test build db-start db-stop db-reset token openapi contract fuzz bench bench-api bench-catalogue bench-custodian bench-reporting lint guards fmt

help:
	@echo "make run        start the service on http://127.0.0.1:8080 (private PostgreSQL, migrated and seeded)"
	@echo "make test       run every test (unit, persistence, API, black-box) and the guards"
	@echo "make token ROLE=APPLICANT [PID=<fnr>] [ORG=<orgnr>]   print a dev token"
	@echo "make db-stop    stop the private PostgreSQL;  make db-reset  delete its data"
	@echo "make openapi    rewrite openapi/openapi.json from the handlers"
	@echo "make contract   check openapi/openapi.json with independent tools: OpenAPI 3.1 validator, openapi-typescript, tsc --strict"
	@echo "make fuzz       fuzz the API from its served contract (schemathesis, once per role; slow; docs/operations.md)"
	@echo "make bench      run the benchmarks (docs/benchmarks.md)"
	@echo "make bench-catalogue  catalogue page times, shipped vs +50,000 variables, and query plans (docs/benchmarks.md)"
	@echo "make bench-custodian   custodian polling and feed under load (100,000 cases, wrk; docs/benchmarks.md)"
	@echo "make bench-reporting  statistics, backlog, overview, DCAT and expected dates at 100,000 cases (CASES=..., docs/benchmarks.md)"
	@echo "make bench-api  the API against pgbench on the same SQL at 10k, 100k and 1M cases (SCALES=..., PAIRS=..., docs/benchmarks.md)"

build:
	cargo build --workspace --bins

db-start:
	@if [ -z "$$DATABASE_URL" ]; then $(DB) start; fi

db-stop:
	@$(DB) stop

db-reset:
	@$(DB) reset

run: db-start build
	@export DATABASE_URL="$${DATABASE_URL:-$(LOCAL_DB)}"; \
	$(HDS) migrate && $(HDS) seed && \
	addr="http://$${HDS_BIND:-127.0.0.1:8080}"; \
	echo "hds: serving on $$addr (docs: $$addr/docs/, spec: $$addr/api/v1/openapi.json, token: make token ROLE=APPLICANT)" && \
	if [ -z "$$HDS_SMTP_URL" ]; then echo "hds: mail (no HDS_SMTP_URL): each message is written as an .eml file in $${HDS_MAIL_DIR:-$${HDS_LOCAL_DIR:-$(CURDIR)/.local}/mail}/"; \
	else echo "hds: mail is sent over SMTP (HDS_SMTP_URL)"; fi && \
	exec $(HDS) serve

token:
	@cargo build -q --bin hds && $(HDS) dev-token --role "$(or $(ROLE),APPLICANT)" $(if $(PID),--pid "$(PID)") $(if $(ORG),--org "$(ORG)") $(if $(NAME),--name "$(NAME)")

openapi:
	cargo run -q --bin hds -- openapi > openapi/openapi.json

# The committed contract through independent tools (pinned in contract/,
# installed with npm ci): a broken spec fails with the validator's message.
contract:
	scripts/check-contract.sh

# Property-based fuzzing driven by the served contract (schemathesis, pinned
# in fuzz/, installed into .local/fuzz-venv), once per role, against a server
# of its own on a fresh database. Not part of `make test`: it takes minutes.
fuzz:
	scripts/fuzz.sh

fmt:
	cargo fmt --all

# The guards that keep the architecture honest.
guards:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	@if cargo tree -p hds-domain -e normal -i diesel >/dev/null 2>&1; then echo "guard: hds-domain must not depend on diesel" >&2; exit 1; fi
	@if cargo tree -p hds-domain -e normal -i actix-web >/dev/null 2>&1; then echo "guard: hds-domain must not depend on actix-web" >&2; exit 1; fi
	@echo "guards: fmt, clippy, domain purity OK"

test: db-start
	cargo build --workspace --all-targets
	HDS_TEST_ADMIN_URL="$$($(DB) admin-url)" scripts/drop-test-template.sh
	$(MAKE) --no-print-directory guards
	scripts/check-contract.sh
	HDS_TEST_ADMIN_URL="$$($(DB) admin-url)" $(CARGO_TEST)

bench: db-start
	cargo bench -p hds-domain --bench disclosure

bench-catalogue: db-start
	cargo build --release --bin hds
	ADMIN_URL="$$($(DB) admin-url)" scripts/bench-catalogue.sh

# Custodian polling and feed under load: seeds a scratch database bench_tasks
# with 100,000 cases (once), serves it from a release build, measures with wrk.
bench-custodian: db-start
	cargo build --release --bin hds
	ADMIN_URL="$$($(DB) admin-url | sed 's,/postgres$$,,')" HDS="$(or $(CARGO_TARGET_DIR),target)/release/hds" scripts/bench-custodian.sh

# The API against PostgreSQL itself (issue 16): grows a scratch database
# bench_api to each of SCALES cases (set-based seed), then alternates wrk on
# the API and pgbench on the same statements; prints each pair's ratio, the
# medians and the server's RSS. Needs wrk and pgbench (it says how to get them).
bench-api: db-start
	@command -v python3 >/dev/null || { echo "bench-api needs python3 (apt-get install -y python3)" >&2; exit 1; }
	cargo build --release --bin hds
	ADMIN_URL="$$($(DB) admin-url | sed 's,/postgres$$,,')" HDS="$(or $(CARGO_TARGET_DIR),target)/release/hds" python3 scripts/bench-api/run.py

# Reporting and publishing at scale (issue 15): seeds a scratch database
# bench_reporting with 100,000 cases (once), serves it from a release build,
# times the statistics, backlog, overview, DCAT and expected-dates reads.
bench-reporting: db-start
	cargo build --release --bin hds
	ADMIN_URL="$$($(DB) admin-url | sed 's,/postgres$$,,')" HDS="$(or $(CARGO_TARGET_DIR),target)/release/hds" python3 scripts/bench-reporting.py
