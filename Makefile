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
	libcpp-httplib-dev nlohmann-json3-dev libre2-dev libcli11-dev libjemalloc-dev \
	libgtest-dev libgmock-dev \
	python3-grpcio python3-grpc-tools python3-yaml \
	zlib1g-dev libssl-dev openssl nodejs chromium

# The web UI's npm packages (cytoscape, playwright-core for the browser tests):
# `npm ci` runs when node_modules is missing or package-lock.json changed.
# npm itself is Debian's package unless Node.js already ships one (NodeSource's
# nodejs does, and conflicts with Debian's npm).
WEB_DIR       := clients/web
WEB_NPM_STAMP := $(WEB_DIR)/node_modules/.meshdex-npm-ci
# The Node.js example client (@grpc/grpc-js, @grpc/proto-loader), same rule.
NODE_CLIENT_DIR       := clients/node
NODE_CLIENT_NPM_STAMP := $(NODE_CLIENT_DIR)/node_modules/.meshdex-npm-ci
# The GraphQL gateway's npm packages (graphql, graphql-http, @grpc/grpc-js...),
# installed the same way.
GRAPHQL_DIR       := clients/graphql
GRAPHQL_NPM_STAMP := $(GRAPHQL_DIR)/node_modules/.meshdex-npm-ci

BUILD_DIR      := build
ASAN_BUILD_DIR := build-asan
# Both builds use clang (Debian's, already needed for the sanitizer build and
# fuzzing): it builds meshdex in less than half of gcc's time (Release, 2 cores:
# 6 min 39 s against 14 min 43 s), and builds are most of CI's time. Another
# compiler for a fresh build dir: `make build MESHDEX_CXX=g++`.
MESHDEX_CXX    ?= clang++
JOBS           ?= $(shell nproc)
TEST_TIMEOUT   ?= 300
TEST_JOBS      ?= $(shell echo $$(( $$(nproc) * 2 )))

# `make run` settings; override on the command line, e.g. `make run HTTP_LISTEN=127.0.0.1:0`.
GRPC_LISTEN ?= 127.0.0.1:50051
HTTP_LISTEN ?= 127.0.0.1:8080
GRAPHQL_LISTEN ?= 127.0.0.1:8090
DATA_DIR    ?= ./meshdex-data
READY_FILE  ?= $(BUILD_DIR)/meshdexd.ready.json

# Sanitizer runtime settings for `make test-sanitize`.
export ASAN_OPTIONS  ?= detect_leaks=1
export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS  ?= suppressions=$(CURDIR)/tests/lsan_suppressions.txt

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
	@echo "Variables: GRPC_LISTEN=$(GRPC_LISTEN) HTTP_LISTEN=$(HTTP_LISTEN) GRAPHQL_LISTEN=$(GRAPHQL_LISTEN) DATA_DIR=$(DATA_DIR) JOBS=$(JOBS)"

# $(call apt_install_missing,PACKAGES,EXTRA_CHECK): apt-get install those of
# PACKAGES not installed yet; EXTRA_CHECK may append to $$missing.
apt_install_missing = missing=""; \
	for pkg in $(1); do \
	  dpkg-query -W -f='$${Status}' "$$pkg" 2>/dev/null | grep -q '^install ok installed$$' \
	    || missing="$$missing $$pkg"; \
	done; \
	$(2) \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  $(SUDO) apt-get update && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y --no-install-recommends $$missing; \
	fi

deps: ## Install the Debian packages meshdex needs (only those missing)
	@$(call apt_install_missing,$(DEBIAN_PACKAGES),command -v npm >/dev/null || missing="$$missing npm";)
	@if [ ! -f $(WEB_NPM_STAMP) ] || [ $(WEB_DIR)/package-lock.json -nt $(WEB_NPM_STAMP) ]; then \
	  echo "deps: npm ci in $(WEB_DIR)"; \
	  (cd $(WEB_DIR) && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund) && \
	  touch $(WEB_NPM_STAMP); \
	fi
	@if [ ! -f $(NODE_CLIENT_NPM_STAMP) ] || [ $(NODE_CLIENT_DIR)/package-lock.json -nt $(NODE_CLIENT_NPM_STAMP) ]; then \
	  echo "deps: npm ci in $(NODE_CLIENT_DIR)"; \
	  (cd $(NODE_CLIENT_DIR) && npm ci --no-audit --no-fund) && \
	  touch $(NODE_CLIENT_NPM_STAMP); \
	fi
	@if [ ! -f $(GRAPHQL_NPM_STAMP) ] || [ $(GRAPHQL_DIR)/package-lock.json -nt $(GRAPHQL_NPM_STAMP) ]; then \
	  echo "deps: npm ci in $(GRAPHQL_DIR)"; \
	  (cd $(GRAPHQL_DIR) && npm ci --omit=dev --no-audit --no-fund) && \
	  touch $(GRAPHQL_NPM_STAMP); \
	fi

build: deps ## Configure (first time only) and build into build/
	@$(call configure,$(BUILD_DIR),-DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=$(MESHDEX_CXX))
	cmake --build $(BUILD_DIR) -j$(JOBS)

# The GraphQL gateway runs beside meshdexd: it learns meshdexd's gRPC address
# from the ready file (so port 0 works), meshdexd forwards /graphql to it, and
# it is stopped when meshdexd stops.
run: build ## Start meshdexd with the demo mesh and the GraphQL gateway in the foreground (Ctrl-C stops both)
	@echo "meshdexd: gRPC on $(GRPC_LISTEN), HTTP on http://$(HTTP_LISTEN)/, data in $(DATA_DIR)"
	@echo "GraphQL: http://$(HTTP_LISTEN)/graphql (query page: http://$(HTTP_LISTEN)/ui/graphql.html), gateway on http://$(GRAPHQL_LISTEN)/graphql"
	@echo "(the addresses actually bound, e.g. with port 0, are written to $(READY_FILE))"
	@echo "Try, from another terminal: $(CTL) get products   |   $(CTL) get product urn:dp:sales:orders -o yaml"
	@rm -f $(READY_FILE)
	@node $(GRAPHQL_DIR)/src/main.js --meshdexd_ready_file=$(READY_FILE) --listen=$(GRAPHQL_LISTEN) & \
	gateway=$$!; trap 'kill $$gateway 2>/dev/null; wait $$gateway' EXIT; \
	$(BUILD_DIR)/bin/meshdexd --demo \
	  --data_dir=$(DATA_DIR) \
	  --grpc_listen=$(GRPC_LISTEN) \
	  --http_listen=$(HTTP_LISTEN) \
	  --ready_file=$(READY_FILE) \
	  --graphql_upstream=$(GRAPHQL_LISTEN)

# Two tests per core: most integration tests wait on sockets and child
# processes (on 2 cores, -j2 kept ~1.1 busy; -j4 takes 2/3 of the time).
test: build ## Build and run the whole test suite
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j$(TEST_JOBS) --timeout $(TEST_TIMEOUT)

# clang (ASan's home compiler, already needed for fuzzing) at -O1 with line
# tables only: reports keep file:line stacks, and the build takes ~40% less
# CPU than gcc's -O1 -g1 (17.7 s -> 10.1 s for an integration test, measured).
test-sanitize: deps ## Build with ASan+UBSan (clang) into build-asan/ and run the tests there
	@$(call configure,$(ASAN_BUILD_DIR),-DMESHDEX_SANITIZE=ON -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only")
	cmake --build $(ASAN_BUILD_DIR) -j$(JOBS)
	ctest --test-dir $(ASAN_BUILD_DIR) --output-on-failure -j$(TEST_JOBS) --timeout $(TEST_TIMEOUT)

clean: ## Remove build/, build-asan/ and build-fuzz/ (keeps the data directory)
	rm -rf $(BUILD_DIR) $(ASAN_BUILD_DIR) build-fuzz

# Fuzzing (tests/fuzz): libFuzzer binaries built with clang + ASan/UBSan in
# build-fuzz, each run for FUZZ_SECONDS on a copy of its seed corpus.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := document_fuzz search_query_fuzz openlineage_fuzz policy_fuzz import_fuzz http_mapping_fuzz

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

# Benchmark (issue 10, tests/bench): a synthetic mesh loaded into meshdexd and
# measured beside its floors and PostgreSQL 15 (skipped with a note when
# absent; `make bench-deps` installs it). BENCH_ARGS adds meshdex-bench flags.
BENCH_DEPS_PACKAGES := postgresql libpq-dev gnuplot-nox
BENCH_ARGS ?=

.PHONY: bench bench-full bench-deps bench-plot
bench-deps: ## Install what the bench's PostgreSQL baseline and plot need (postgresql, libpq-dev, gnuplot-nox)
	@$(call apt_install_missing,$(BENCH_DEPS_PACKAGES),)

bench: bench-deps build ## Quick benchmark: 100k products, 100k events; report in build/bench-report.json
	$(BUILD_DIR)/bin/meshdex-bench --products 100000 --events 100000 \
	  --report $(BUILD_DIR)/bench-report.json $(BENCH_ARGS)

bench-full: bench-deps build ## Full benchmark: 1M products, 1M events (long); report in build/bench-full-report.json
	$(BUILD_DIR)/bin/meshdex-bench --products 1000000 --events 1000000 \
	  --report $(BUILD_DIR)/bench-full-report.json $(BENCH_ARGS)

bench-plot: ## Plot latency vs catalog size from the build/bench*-report.json reports (build/bench-latency.png)
	tests/bench/plot.sh $(BUILD_DIR)/bench-latency.png $(wildcard $(BUILD_DIR)/bench*-report.json)
