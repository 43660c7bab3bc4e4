# inbeeld — the two commands:
#   make run    install what is missing, build, load demo data, serve/summarise
#   make test   install what is missing, build, run every test
# Everything else here is a step of those two, or a tool for developers.

BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
BUILD_RELEASE ?= build-release
DB         ?= var/inbeeld.db
DEMO_DIR   ?= var/demo
PERSONS    ?= 5000
SEED       ?= 1
# chain: a sender per municipality, agency, employer and housing provider,
# linked into persons; single: everything as one sender "demo"
# (docs/demo-data.md). Keep each layout in its own DB.
LAYOUT     ?= chain
LISTEN     ?= 127.0.0.1:8080
WEB_DIR    ?= $(BUILD)/web
JOBS       ?= $(shell nproc)
FUZZ_SECONDS ?= 20
# Persons of the chain import benchmark (bench/import/chain.sh): the
# chain's one process per sender makes the national size take hours.
CHAIN_PERSONS ?= 50000

INBEELD := $(BUILD)/src/inbeeld
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c

.PHONY: all deps build build-asan build-fuzz build-release run demo test test-unit \
        test-valgrind test-asan test-fuzz fuzz bench clean help

all: build

help:
	@echo "make run     install deps, build, load demo data ($(PERSONS) persons, layout $(LAYOUT)) into $(DB), serve on $(LISTEN)"
	@echo "make test    install deps, build, run unit, CLI, sanitizer and fuzz tests; compile the Release and MinSizeRel builds"
	@echo "make fuzz    run every fuzz target for longer (FUZZ_SECONDS=$(FUZZ_SECONDS) each, try 600)"
	@echo "make bench   run the benchmarks in bench/ (see bench/RESULTS.md)"
	@echo "make clean   remove build folders and var/"

deps:
	@bash scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)
	@bash scripts/web.sh $(BUILD)/web

build-asan: deps
	@cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DIB_SANITIZE=ON >/dev/null
	@cmake --build $(BUILD_ASAN) -j $(JOBS)

build-fuzz: deps
	@CC=clang cmake -S . -B $(BUILD_FUZZ) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIB_FUZZ=ON >/dev/null
	@cmake --build $(BUILD_FUZZ) -j $(JOBS)

# The optimised build types users may pick, compiled (program and tests)
# but not run: gcc warns differently per optimisation level
# (-Wmaybe-uninitialized), and -Werror must hold for every type.
build-release: deps
	@for type in Release MinSizeRel; do \
	  echo "== build $$type (gcc, $(BUILD_RELEASE)/$$type) =="; \
	  CC=gcc cmake -S . -B $(BUILD_RELEASE)/$$type -DCMAKE_BUILD_TYPE=$$type >/dev/null; \
	  cmake --build $(BUILD_RELEASE)/$$type -j $(JOBS) >/dev/null; \
	done
	@mkdir -p $(BUILD_RELEASE)/test-counts
	@echo "builds Release+MinSizeRel (gcc): 2 passed, 0 failed" > $(BUILD_RELEASE)/test-counts/builds.txt

# ---- make run -------------------------------------------------------------
run: build
	@LAYOUT=$(LAYOUT) bash scripts/run.sh $(INBEELD) $(DB) $(DEMO_DIR) $(PERSONS) $(SEED) $(LISTEN) $(WEB_DIR)

# ---- make test ------------------------------------------------------------
test: build
	@rm -rf $(BUILD)/test-counts $(BUILD_ASAN)/test-counts $(BUILD_FUZZ)/test-counts \
	        $(BUILD_RELEASE)/test-counts
	@rc=0; $(MAKE) --no-print-directory -k test-unit test-valgrind test-asan test-fuzz \
	        build-release || rc=1; \
	  echo "== summary =="; bash scripts/test-summary.sh || rc=1; exit $$rc

test-unit: build
	@echo "== unit and CLI tests (gcc, $(BUILD)) =="
	@bash scripts/ctest.sh $(BUILD) "unit+cli (gcc)" -j $(JOBS)

test-valgrind: build
	@echo "== unit tests under valgrind =="
	@bash scripts/valgrind.sh $(BUILD)

test-asan: build-asan
	@echo "== the same tests under AddressSanitizer + UndefinedBehaviorSanitizer =="
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  bash scripts/ctest.sh $(BUILD_ASAN) "unit+cli (ASan+UBSan)" -j $(JOBS)

test-fuzz: build-fuzz
	@echo "== fuzz smoke run (5 s per target) =="
	@bash scripts/fuzz.sh $(BUILD_FUZZ) 5

fuzz: build-fuzz
	@bash scripts/fuzz.sh $(BUILD_FUZZ) $(FUZZ_SECONDS)

bench: build
	@bash bench/import/run.sh
	@INBEELD=$(INBEELD) bash bench/import/memory.sh
	@INBEELD=$(INBEELD) bash bench/import/chain.sh $(CHAIN_PERSONS)
	@INBEELD=$(INBEELD) bash bench/monitor/run.sh
	@INBEELD=$(INBEELD) bash bench/http/run.sh

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ) $(BUILD_RELEASE) var
