# The project's two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
RUN_DIR ?= results/default
# Debian's interpreter, which has the python3-matplotlib that scripts/ensure-deps.sh installs
# (a python3 earlier on PATH, e.g. a pyenv one, may lack it).
PYTHON ?= $(shell test -x /usr/bin/python3 && echo /usr/bin/python3 || echo python3)
# Extra options for the datacenter scenario, e.g. make run SCENARIO_ARGS="--hosts 16".
SCENARIO_ARGS ?=

.PHONY: all deps configure build run run-ananta trace test bench format doc-tables clean

all: build

deps:
	@scripts/ensure-deps.sh

$(BUILD_DIR)/build.ninja: | deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

configure: deps $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The default datacenter scenario: metrics, CSVs and plots in $(RUN_DIR).
run: build
	@mkdir -p $(RUN_DIR)
	$(BUILD_DIR)/bin/datacenter --out $(RUN_DIR) $(SCENARIO_ARGS)
	$(PYTHON) analysis/datacenter_plots.py $(RUN_DIR)

# The same datacenter with Ananta load balancing: Muxes, VIPs, clients and servers outside.
ANANTA_DIR ?= results/ananta
ANANTA_ARGS ?= --muxes 4 --vips 8 --dips-per-vip 4 --clients 16 --servers 4 --dip-change-at 1 \
    --vip-move-at 1.5 --attribute ns3::SlbController::SnatRangeSize=8
run-ananta: build
	@mkdir -p $(ANANTA_DIR)
	$(BUILD_DIR)/bin/datacenter --out $(ANANTA_DIR) $(ANANTA_ARGS) $(SCENARIO_ARGS)
	$(PYTHON) analysis/datacenter_plots.py $(ANANTA_DIR)
	$(PYTHON) analysis/ananta_plots.py $(ANANTA_DIR)

# The trace diagnostic on the shipped Figure 4 policy and event stream.
trace: build
	@mkdir -p $(RUN_DIR)
	$(BUILD_DIR)/bin/vfp-trace --policy examples/figure4/policy.json \
	    --events examples/figure4/events.jsonl | tee $(RUN_DIR)/trace.jsonl
	@echo "trace written to $(RUN_DIR)/trace.jsonl"

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# Benchmarks report figures (docs/performance.md); they are never a pass/fail test.
bench: build
	@mkdir -p results/bench
	$(BUILD_DIR)/bin/classifier-bench --benchmark_out=results/bench/classifier.json \
	    --benchmark_out_format=json $(BENCH_ARGS)
	$(BUILD_DIR)/bin/uft-bench --benchmark_out=results/bench/uft.json \
	    --benchmark_out_format=json $(BENCH_ARGS)
	$(PYTHON) analysis/bench_tables.py results/bench/classifier.json results/bench/uft.json

# The attribute and trace tables of docs/vfp-module.md, regenerated from the TypeIds.
doc-tables: build
	$(BUILD_DIR)/bin/vfp-doc-tables --update docs/vfp-module.md

format:
	find contrib scenarios tests bench -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
