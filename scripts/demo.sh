#!/bin/bash
# make / make demo: the main job. Install what is missing, build the
# patched test kernel and the selftests, boot the guest once and show the
# vfio-pci BAR mappings working end to end (guest KTAP, then the host's
# check of the ivshmem backing file).
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/deps.sh"
"$TOP/scripts/tree.sh"
"$TOP/scripts/build-tests.sh"
"$TOP/scripts/initramfs.sh" "$BUILD/initramfs.cpio.gz"
"$TOP/scripts/build-kernel.sh" series test
out=$BUILD/results/demo
"$TOP/scripts/run-guest.sh" "$BUILD/series-test/arch/x86/boot/bzImage" \
	"$BUILD/initramfs.cpio.gz" 64m 64M "$out"
echo "# guest logs: $out/console.txt (kernel), $out/tests.txt (tests)"
