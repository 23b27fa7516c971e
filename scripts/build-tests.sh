#!/bin/bash
# Build the series' selftests (tools/testing/selftests/vfio) statically
# against the series' uAPI headers, and the host-side checker.
. "$(dirname "$0")/lib.sh"

[ -f "$TREE/Makefile" ] || die "no tree in $TREE (run make tree)"
hdr=$BUILD/headers
make -s -C "$TREE" O="$BUILD/headers-build" ARCH=x86_64 \
	INSTALL_HDR_PATH="$hdr" headers_install

out=$BUILD/selftests
mkdir -p "$out"
make -s -C "$TREE/tools/testing/selftests/vfio" OUTPUT="$out" \
	KHDR_INCLUDES="-isystem $hdr/include" LDFLAGS=-static CC="ccache gcc"

# Harness programs use the selftests' helpers.
util=$TREE/tools/testing/selftests/vfio
gcc -O2 -Wall -Werror -static -isystem "$hdr/include" -I"$util" \
	-o "$out/vfio_bar_bench" "$TOP/guest/bench/vfio_bar_bench.c" "$util/vfio_pci_util.c"
gcc -O2 -Wall -Werror -static -o "$out/ipi_storm" "$TOP/guest/ipi/ipi_storm.c" -lpthread
gcc -O2 -Wall -Werror -static -isystem "$hdr/include" -I"$util" \
	-o "$out/mmio_stale" "$TOP/guest/qemu/mmio_stale.c" "$util/vfio_pci_util.c" -lpthread
gcc -O2 -Wall -Werror -static -isystem "$hdr/include" -I"$util" \
	-o "$out/vfio_mm_parity" "$TOP/guest/parity/vfio_mm_parity.c" "$util/vfio_pci_util.c"
gcc -O2 -Wall -Werror -isystem "$hdr/include" -I"$util" \
	-o "$BUILD/ivshmem-check" "$TOP/scripts/ivshmem-check.c" \
	"$util/vfio_pci_util.c"
