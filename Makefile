# meshdex developer entry points. `make` (or `make help`) lists the targets.
#
# Everything a fresh Debian 12 machine needs is installed by `make deps`, which
# every build target runs first; it is silent once the packages are present.

SHELL := /bin/bash
MAKEFLAGS += --no-print-directory
.DEFAULT_GOAL := help

# Debian packages needed to build, run and test meshdex. Later issues append here.
DEBIAN_PACKAGES := \
	build-essential cmake pkg-config clang libclang-rt-dev \
	libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
	librocksdb-dev libxapian-dev libabsl-dev libspdlog-dev libyaml-cpp-dev \
	libcpp-httplib-dev nlohmann-json3-dev libre2-dev libcli11-dev \
	libgtest-dev libgmock-dev \
	python3-grpcio python3-grpc-tools \
	zlib1g-dev libssl-dev openssl nodejs chromium

# The web UI's npm packages (cytoscape, playwright-core for the browser tests):
# `npm ci` runs when node_modules is missing or package-lock.json changed.
# npm itself is Debian's package unless Node.js already ships one (NodeSource's
# nodejs does, and conflicts with Debian's npm).
WEB_DIR       := clients/web
WEB_NPM_STAMP := $(WEB_DIR)/node_modules/.meshdex-npm-ci

BUILD_DIR      := build
ASAN_BUILD_DIR := build-asan
JOBS           ?= $(shell nproc)
TEST_TIMEOUT   ?= 300

# `make run` settings; override on the command line, e.g. `make run HTTP_LISTEN=127.0.0.1:0`.
GRPC_LISTEN ?= 127.0.0.1:50051
HTTP_LISTEN ?= 127.0.0.1:8080
DATA_DIR    ?= ./meshdex-data
READY_FILE  ?= $(BUILD_DIR)/meshdexd.ready.json

# Sanitizer runtime settings for `make test-sanitize`.
export ASAN_OPTIONS  ?= detect_leaks=1
export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1

# apt needs root; go through sudo only when we are not root already.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

# $(call configure,DIR,CMAKE_ARGS): run CMake unless DIR already holds a generated
# build system (a configure that failed half-way leaves only CMakeCache.txt).
configure = if [ ! -f $(1)/Makefile ] && [ ! -f $(1)/build.ninja ]; then cmake -S . -B $(1) $(2); fi

# meshdexctl talks to 127.0.0.1:50051 unless told otherwise.
CTL := $(BUILD_DIR)/bin/meshdexctl$(if $(filter 127.0.0.1:50051,$(GRPC_LISTEN)),, --server=$(GRPC_LISTEN))

.PHONY: help deps build run test test-sanitize clean fuzz

help: ## List the targets
	@echo "meshdex make targets:"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "Variables: GRPC_LISTEN=$(GRPC_LISTEN) HTTP_LISTEN=$(HTTP_LISTEN) DATA_DIR=$(DATA_DIR) JOBS=$(JOBS)"

deps: ## Install the Debian packages meshdex needs (only those missing)
	@missing=""; \
	for pkg in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' "$$pkg" 2>/dev/null | grep -q '^install ok installed$$' \
	    || missing="$$missing $$pkg"; \
	done; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  $(SUDO) apt-get update && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y --no-install-recommends $$missing; \
	fi
	@if [ ! -f $(WEB_NPM_STAMP) ] || [ $(WEB_DIR)/package-lock.json -nt $(WEB_NPM_STAMP) ]; then \
	  echo "deps: npm ci in $(WEB_DIR)"; \
	  (cd $(WEB_DIR) && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund) && \
	  touch $(WEB_NPM_STAMP); \
	fi

build: deps ## Configure (first time only) and build into build/
	@$(call configure,$(BUILD_DIR),-DCMAKE_BUILD_TYPE=Release)
	cmake --build $(BUILD_DIR) -j$(JOBS)

run: build ## Start meshdexd with the demo mesh in the foreground (Ctrl-C stops it)
	@echo "meshdexd: gRPC on $(GRPC_LISTEN), HTTP on http://$(HTTP_LISTEN)/, data in $(DATA_DIR)"
	@echo "(the addresses actually bound, e.g. with port 0, are written to $(READY_FILE))"
	@echo "Try, from another terminal: $(CTL) get products   |   $(CTL) get product urn:dp:sales:orders -o yaml"
	exec $(BUILD_DIR)/bin/meshdexd --demo \
	  --data_dir=$(DATA_DIR) \
	  --grpc_listen=$(GRPC_LISTEN) \
	  --http_listen=$(HTTP_LISTEN) \
	  --ready_file=$(READY_FILE)

test: build ## Build and run the whole test suite
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j2 --timeout $(TEST_TIMEOUT)

test-sanitize: deps ## Build with ASan+UBSan into build-asan/ and run the tests there
	@$(call configure,$(ASAN_BUILD_DIR),-DMESHDEX_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo)
	cmake --build $(ASAN_BUILD_DIR) -j$(JOBS)
	ctest --test-dir $(ASAN_BUILD_DIR) --output-on-failure -j2 --timeout $(TEST_TIMEOUT)

clean: ## Remove build/, build-asan/ and build-fuzz/ (keeps the data directory)
	rm -rf $(BUILD_DIR) $(ASAN_BUILD_DIR) build-fuzz

# Fuzzing (tests/fuzz): libFuzzer binaries built with clang + ASan/UBSan in
# build-fuzz, each run for FUZZ_SECONDS on a copy of its seed corpus.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := document_fuzz search_query_fuzz openlineage_fuzz policy_fuzz

fuzz: deps ## Run every fuzz target for FUZZ_SECONDS (default 60) with clang's libFuzzer
	@$(call configure,build-fuzz,-DCMAKE_BUILD_TYPE=RelWithDebInfo -DMESHDEX_FUZZ=ON -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++)
	cmake --build build-fuzz -j$(JOBS) --target $(FUZZ_TARGETS)
	@for target in $(FUZZ_TARGETS); do \
	  corpus=build-fuzz/corpus/$$target; mkdir -p $$corpus; \
	  cp -r tests/fuzz/corpus/$$target/. $$corpus/; \
	  echo "== $$target for $(FUZZ_SECONDS) s"; \
	  build-fuzz/bin/$$target -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 $$corpus || exit 1; \
	done

# Crash test, long form: CYCLES kill -9 cycles under concurrent writes.
CYCLES ?= 200

.PHONY: crashtest
crashtest: build ## Kill meshdexd CYCLES times (default 200) under load and verify every acknowledged write
	MESHDEX_CRASH_CYCLES=$(CYCLES) $(BUILD_DIR)/bin/crash_test

# Soak: mixed read/write load on loopback for MINUTES; the report lists
# throughput, latency percentiles and meshdexd's RSS per interval.
MINUTES ?= 10

.PHONY: soak
soak: build ## Run mixed load for MINUTES (default 10): throughput, p99 and RSS over time, zero errors
	$(BUILD_DIR)/bin/meshdex-soak --minutes $(MINUTES) --report $(BUILD_DIR)/soak-report.json
