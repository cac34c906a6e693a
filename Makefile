# ndiskit top-level driver: two CMake build trees from one source tree.
#
#   make          build everything: host tools into build/bin/, drivers into dist/
#   make check    build, then run every test (CTest); ends with CTest's summary
#   make fuzz     run the image-tool fuzzer for FUZZ_SECONDS (default 600)
#   make bench    build and run the benchmarks (ratios to in-run baselines)
#   make stress   the interleaving explorer over STRESS_SEEDS seeds (default 10000)
#   make clean    remove build/ and dist/
#
# Both first run scripts/deps, which installs missing Debian packages.

HOST_DIR   := build/host
KERNEL_DIR := build/kernel
BENCH_DIR  := build/bench-host
CMAKE      ?= cmake
CTEST      ?= ctest
JOBS       ?= $(shell nproc)
PYTHON     ?= /usr/bin/python3
FUZZ_SECONDS ?= 600
STRESS_SEEDS ?= 10000

.PHONY: all check deps host kernel fuzz bench stress clean

all: host kernel

deps:
	@scripts/deps

$(HOST_DIR)/build.ninja: | deps
	$(CMAKE) -S . -B $(HOST_DIR) -G Ninja -DCMAKE_C_COMPILER=clang-19 \
	    -DCMAKE_BUILD_TYPE=RelWithDebInfo

$(KERNEL_DIR)/build.ninja: | deps
	$(CMAKE) -S . -B $(KERNEL_DIR) -G Ninja \
	    -DCMAKE_TOOLCHAIN_FILE=cmake/windows-kernel.cmake

host: $(HOST_DIR)/build.ninja
	$(CMAKE) --build $(HOST_DIR) -j $(JOBS)

# Kernel images are fixed and checked by build/bin/ndiskit, a host tool.
kernel: $(KERNEL_DIR)/build.ninja host
	$(CMAKE) --build $(KERNEL_DIR) -j $(JOBS)

check: all
	cd $(HOST_DIR) && $(CTEST) --output-on-failure -j $(JOBS)

# The explorer's scenarios (tests/host/test_explore.c, test_binding.c, test_ndisprot.c,
# test_miniport.c, test_im.c, test_mux_explore.c) over more seeds
# than make check's 48, under ASan/UBSan and under TSan.  A failure names
# the seed; NDISKIT_SEED=S replays it.
stress: host
	cd $(HOST_DIR) && NDISKIT_SEEDS=$(STRESS_SEEDS) $(CTEST) --output-on-failure \
	    -R '^(host\.explore|tsan\.test_explore|host\.binding|tsan\.test_binding|host\.ndisprot|tsan\.test_ndisprot|host\.miniport|tsan\.test_miniport|host\.im|tsan\.test_im|host\.mux_explore|tsan\.test_mux_explore)$$'

# Longer fuzzing than make check's 30 s; the corpus persists in build/fuzz.
fuzz: host
	$(PYTHON) tests/image/build_images.py tests/image build/fuzz/images
	$(PYTHON) tests/fuzz/run_fuzz.py build/bin/fuzz_image build/fuzz/images build/fuzz/corpus \
	    $(FUZZ_SECONDS) --max-len 1048576

# Not part of make check: timings are reported, never asserted in CI.  A
# third tree without sanitizers (the host tree's ASan/UBSan would be measured
# otherwise), its programs in build/bench-host/bin.  bench_ndisprot needs
# root for its veth pair; without it, it says so and is skipped (77).
$(BENCH_DIR)/build.ninja: | deps
	$(CMAKE) -S . -B $(BENCH_DIR) -G Ninja -DCMAKE_C_COMPILER=clang-19 \
	    -DCMAKE_BUILD_TYPE=Release -DNDISKIT_SANITIZE=OFF -DNDISKIT_BIN_DIR=$(abspath $(BENCH_DIR))/bin

bench: $(BENCH_DIR)/build.ninja
	$(CMAKE) --build $(BENCH_DIR) -j $(JOBS) --target bench_nbl_mdl bench_ndisprot ndiskit ndisprot_host mux_host
	$(BENCH_DIR)/bin/bench_nbl_mdl
	$(BENCH_DIR)/bin/bench_ndisprot $(BENCH_DIR)/bin/ndiskit $(BENCH_DIR)/bin/drivers/ndisprot.so \
	    $(BENCH_DIR)/bin/drivers/mux.so || test $$? -eq 77

clean:
	rm -rf build dist
