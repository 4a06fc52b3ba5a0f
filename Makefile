# cpn-author — the two commands a new machine needs are `make demo` and `make test`.
# Both install missing system packages first (`make deps`).

SWIFT ?= swift
BIN_DEBUG := .build/debug/cpn-author
BIN_RELEASE := .build/release/cpn-author
# Debian packages the build and the tests need (libcurl: LLM client; libsqlite3: runtime store).
DEB_PACKAGES := libcurl4-openssl-dev libyaml-dev libsqlite3-dev pkg-config

.PHONY: all deps build release test demo bench embed check-embed clean

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

test: deps check-embed
	$(SWIFT) test

demo: build
	@scripts/demo.sh $(BIN_DEBUG)

bench: release
	@scripts/bench.sh $(BIN_RELEASE)

# The JSON Schema, the prompts and the teaching example are embedded in the binary;
# regenerate the Swift files from specs/, prompts/ and examples/.
embed:
	@scripts/embed-schema.sh
	@scripts/embed-prompts.sh

check-embed:
	@scripts/embed-schema.sh --check
	@scripts/embed-prompts.sh --check

clean:
	rm -rf .build
