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

gcc -O2 -Wall -Werror -isystem "$hdr/include" \
	-I"$TREE/tools/testing/selftests/vfio" \
	-o "$BUILD/ivshmem-check" "$TOP/scripts/ivshmem-check.c" \
	"$TREE/tools/testing/selftests/vfio/vfio_pci_util.c"
