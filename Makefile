# ndiskit top-level driver: two CMake build trees from one source tree.
#
#   make          build everything: host tools into build/bin/, drivers into dist/
#   make check    build, then run every test (CTest); ends with CTest's summary
#   make clean    remove build/ and dist/
#
# Both first run scripts/deps, which installs missing Debian packages.

HOST_DIR   := build/host
KERNEL_DIR := build/kernel
CMAKE      ?= cmake
CTEST      ?= ctest
JOBS       ?= $(shell nproc)

.PHONY: all check deps host kernel clean

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

kernel: $(KERNEL_DIR)/build.ninja
	$(CMAKE) --build $(KERNEL_DIR) -j $(JOBS)

check: all
	cd $(HOST_DIR) && $(CTEST) --output-on-failure -j $(JOBS)

clean:
	rm -rf build dist
