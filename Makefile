# The vfio-pci dmabuf series: patch queue and test harness.
# See README.md. Every target is a thin wrapper around scripts/.

SHELL := /bin/bash
S := scripts

.PHONY: all demo check check-base deps tree export kernel tests lint matrix bench stress clean help

all: demo

help:
	@sed -n '/^make /p' README.md

# Build the patched test kernel and boot it: BAR mappings end to end.
demo:
	@$(S)/demo.sh

# Every test: test and debug kernels, both guests, lint. Last line: N passed, N failed.
check:
	@$(S)/check.sh

# The same tests on the unpatched base kernel.
check-base:
	@VARIANT=base LINT=0 $(S)/check.sh

deps:
	@$(S)/deps.sh

tree:
	@$(S)/tree.sh

export:
	@$(S)/export.sh

kernel:
	@$(S)/tree.sh
	@$(S)/build-kernel.sh series $(or $(FLAVOR),test)

tests:
	@$(S)/build-tests.sh

lint:
	@$(S)/tree.sh
	@$(S)/lint.sh

# i386, modules, no ZONE_DEVICE (booted), and every patch building alone.
matrix:
	@$(S)/tree.sh
	@$(S)/build-tests.sh
	@$(S)/initramfs.sh build/initramfs.cpio.gz
	@$(S)/matrix.sh

bench:
	@$(S)/bench.sh

# The race stress (STRESS_S seconds, default 600) and the uAPI fuzzer
# (FUZZ_CALLS, default 100000) on the debug kernel, 4 vCPUs, QEMU 10.0.
stress:
	@$(S)/deps.sh
	@$(S)/tree.sh
	@$(S)/build-tests.sh
	@$(S)/initramfs.sh build/initramfs.cpio.gz
	@$(S)/build-kernel.sh series debug
	@$(S)/stress.sh

clean:
	rm -rf build
