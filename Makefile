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

.PHONY: all deps configure build run run-ananta run-offload run-qos trace test bench fuzz sanitize format doc-tables clean

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

# The default datacenter with the programmable NIC (--nic offload) and without, and
# offload.png comparing them (docs/nic.md).
OFFLOAD_DIR ?= results/offload
run-offload: build
	@mkdir -p $(OFFLOAD_DIR)/offload $(OFFLOAD_DIR)/none
	$(BUILD_DIR)/bin/datacenter --nic offload --out $(OFFLOAD_DIR)/offload $(SCENARIO_ARGS)
	$(BUILD_DIR)/bin/datacenter --nic none --out $(OFFLOAD_DIR)/none $(SCENARIO_ARGS)
	$(PYTHON) analysis/offload_plots.py $(OFFLOAD_DIR)/offload $(OFFLOAD_DIR)/none

# QoS on a small datacenter (examples/qos/README.md): every VM capped at 2 Gbit/s, long TCP
# transfers from four VMs, one VM's cap changed mid-run and two with reservations; qos.png.
QOS_DIR ?= results/qos
QOS_ARGS ?= --hosts 4 --hosts-per-rack 2 --vms-per-host 2 --tenants 1 --duration 0.3 \
    --vm-tx-cap 2Gbps --traffic examples/qos/traffic.jsonl --traffic-mode replace \
    --events examples/qos/events.jsonl
run-qos: build
	@mkdir -p $(QOS_DIR)
	$(BUILD_DIR)/bin/datacenter --out $(QOS_DIR) $(QOS_ARGS) $(SCENARIO_ARGS)
	$(PYTHON) analysis/qos_plots.py $(QOS_DIR)

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
	$(BUILD_DIR)/bin/offload-table-bench --benchmark_out=results/bench/offload-table.json \
	    --benchmark_out_format=json $(BENCH_ARGS)
	$(BUILD_DIR)/bin/qos-bench --benchmark_out=results/bench/qos.json \
	    --benchmark_out_format=json $(BENCH_ARGS)
	$(PYTHON) analysis/bench_tables.py results/bench/classifier.json results/bench/uft.json

# Fuzzing (docs/reliability.md): clang's libFuzzer with ASan and UBSan, in its own build
# folder; each target runs FUZZ_SECONDS and the executions per second are printed.
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= policy events port-state packet-codec traffic-file event-file
FUZZ_FLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
    -fno-omit-frame-pointer -g
fuzz:
	@scripts/ensure-deps.sh sanitizers
	cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DVFP_FUZZ=ON \
	    -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_CXX_FLAGS="$(FUZZ_FLAGS)"
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target $(addprefix fuzz-,$(FUZZ_TARGETS))
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    tests/fuzz/run-fuzz.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The whole CTest suite under g++'s AddressSanitizer and UndefinedBehaviorSanitizer, in its
# own build folder; the first report stops the test (suppressions: tests/sanitizers/).
SANITIZE_DIR ?= build-asan
SANITIZE_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g1
SANITIZER_ENV := ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:strict_string_checks=1 \
    LSAN_OPTIONS=suppressions=$(CURDIR)/tests/sanitizers/lsan.supp:print_suppressions=0 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=$(CURDIR)/tests/sanitizers/ubsan.supp
sanitize: deps
	cmake -S . -B $(SANITIZE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release \
	    -DCMAKE_CXX_FLAGS="$(SANITIZE_FLAGS)"
	cmake --build $(SANITIZE_DIR) -j $(JOBS)
	cd $(SANITIZE_DIR) && $(SANITIZER_ENV) ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

# The attribute and trace tables of docs/vfp-module.md, regenerated from the TypeIds.
doc-tables: build
	$(BUILD_DIR)/bin/vfp-doc-tables --update docs/vfp-module.md

format:
	find contrib scenarios tests bench -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) $(FUZZ_DIR) $(SANITIZE_DIR)
