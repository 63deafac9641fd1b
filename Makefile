# A thin wrapper over CMake and CTest: the README's two commands.
#   make run    install what is missing, build, start the default fleet
#   make test   install what is missing, build, run the whole test suite
# (the second under ASan+UBSan with clang, with the fuzz targets)

BUILD      ?= build
BUILD_SAN  ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 60
CMAKE_FLAGS ?=

.PHONY: all deps build test test-fast test-asan run docs clean help bench-compare

all: build

help:
	@echo "make run        build and start the default fleet (Ctrl-C stops it)"
	@echo "make test       build and run every test, then again under ASan+UBSan with fuzzing"
	@echo "make test-fast  the tests once, without the sanitizer build"
	@echo "make docs       regenerate docs/message-types.md from schemas/types/"
	@echo "make bench-compare  Switchboard beside RQ and plain ZeroMQ (docs/benchmarks.md)"
	@echo "make clean      remove the build trees"

deps:
	@./bin/install-deps

build: deps
	cmake -S . -B $(BUILD) -DSB_WERROR=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

test-fast: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

test-asan: deps
	cmake -S . -B $(BUILD_SAN) -DCMAKE_C_COMPILER=clang -DSB_SANITIZE=ON -DSB_FUZZ=ON \
	      -DSB_WERROR=ON -DSB_FUZZ_SECONDS=$(FUZZ_SECONDS) $(CMAKE_FLAGS)
	cmake --build $(BUILD_SAN) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    ctest --test-dir $(BUILD_SAN) --output-on-failure -j $(JOBS)

test: test-fast test-asan

# The preflight first: a port in use or a missing program is said, with
# what to do, before anything starts
run: build
	SB_BUILD=$(BUILD) $(BUILD)/bin/supervise check fleet/default.zpl
	SB_BUILD=$(BUILD) exec $(BUILD)/bin/supervise fleet/default.zpl

docs: build
	$(BUILD)/bin/envelope schema-doc > docs/message-types.md

# Switchboard beside the stack it replaces (RQ) and its broker beside plain
# ZeroMQ: a table and $(BUILD)/bench-compare/latency.png (docs/benchmarks.md)
bench-compare: build
	bench/compare --build $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD_SAN)
