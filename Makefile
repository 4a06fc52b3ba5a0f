# cpn-author — the two commands a new machine needs are `make demo` and `make test`.
# Both install missing system packages first (`make deps`).

SWIFT ?= swift
BIN_DEBUG := .build/debug/cpn-author
BIN_RELEASE := .build/release/cpn-author
# Debian packages the build and the tests need (libcurl: LLM client; libsqlite3: runtime
# store; postgresql: the server the runtime's multi-worker tests start on 127.0.0.1;
# curl: the fetch handler of the polite scraper's end-to-end test; python3-venv: the virtual
# environment the MCP client check installs the official MCP Python SDK into).
DEB_PACKAGES := libcurl4-openssl-dev libyaml-dev libsqlite3-dev pkg-config postgresql curl python3-venv

.PHONY: all deps build release test fuzz demo bench embed check-embed clean

all: build

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "deps: installing$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "deps: missing Debian packages:$$missing"; \
	    echo "deps: run as root, or: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi
	@command -v $(SWIFT) >/dev/null || { echo "deps: swift not found; install Swift 6.3 (https://swift.org/install)"; exit 1; }

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# A throwaway PostgreSQL server of its own (a private data directory, the next free
# port from 54329) runs on 127.0.0.1 for the duration of the tests
# (scripts/postgres-for-tests.sh; the runtime's PostgreSQL tests read its URL).
# Then the official MCP Python SDK (installed into .build/mcp-venv) drives `cpn-author mcp`
# (scripts/mcp-client-check.sh).
test: deps check-embed
	@pg=$$(CPN_PG_DIR=$$(mktemp -u /tmp/cpn-pg-XXXXXX) scripts/postgres-for-tests.sh start) || { echo "test: could not start PostgreSQL for the runtime tests" >&2; exit 2; }; \
	eval "$$pg"; trap 'scripts/postgres-for-tests.sh stop' EXIT; \
	echo "test: PostgreSQL for the runtime tests at $$CPN_TEST_POSTGRES_URL"; \
	$(SWIFT) test
	@# conform's fitness beside PM4Py's token-based replay (pm4py from PyPI in .build/pm4py-venv;
	@# fails, loudly, when PyPI cannot be reached).
	scripts/pm4py-crosscheck.sh $(BIN_DEBUG)
	@scripts/mcp-client-check.sh $(BIN_DEBUG)

# The seeded mutation fuzzers (YAML loader, PNML importer, trace loader, store
# decoder) with a long budget; `make test` runs them with a small one. FUZZ_MUTANTS
# is the number of mutants per seed input, FUZZ_SEED another seed to explore
# (a failure names the seed and the mutant that reproduce it).
FUZZ_MUTANTS ?= 20000
fuzz: deps
	CPN_FUZZ_MUTANTS=$(FUZZ_MUTANTS) $(if $(FUZZ_SEED),CPN_FUZZ_SEED=$(FUZZ_SEED)) \
	  $(SWIFT) test --filter 'MutationFuzzTests|PNMLFuzzTests|TraceFuzzTests|StoreFuzzTests'

demo: build
	@scripts/demo.sh $(BIN_DEBUG)

bench: release
	@scripts/bench.sh $(BIN_RELEASE)
	@scripts/bench-conform.sh $(BIN_RELEASE)
	@if [ -x scripts/bench-runtime.sh ]; then scripts/bench-runtime.sh $(BIN_RELEASE); fi

# The JSON Schema, the prompts and the teaching example are embedded in the binary;
# regenerate the Swift files from specs/, prompts/ and examples/.
embed:
	@scripts/embed-schema.sh
	@scripts/embed-prompts.sh
	@scripts/embed-documents.sh

check-embed:
	@scripts/embed-schema.sh --check
	@scripts/embed-prompts.sh --check
	@scripts/embed-documents.sh --check

clean:
	rm -rf .build
