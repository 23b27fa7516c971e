#!/bin/bash
# make / make demo: the main job. Install what is missing, build the
# patched test kernel and the selftests, boot the guest once and play the
# vending story (guest/plans/demo: a primary process hands two workers one
# BAR range each as dma-bufs, revokes one, hands the range to a third),
# then today's BAR mmap tests; the host checks the ivshmem backing file
# and gives its verdict.
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/deps.sh"
"$TOP/scripts/tree.sh"
"$TOP/scripts/build-tests.sh"
"$TOP/scripts/initramfs.sh" "$BUILD/initramfs.cpio.gz"
"$TOP/scripts/build-kernel.sh" series test
out=$BUILD/results/demo
"$TOP/scripts/run-guest.sh" "$BUILD/series-test/arch/x86/boot/bzImage" \
	"$BUILD/initramfs.cpio.gz" demo 64M "$out"
echo "# guest logs: $out/console.txt (kernel), $out/tests.txt (tests)"
