#!/bin/bash
# initramfs.sh OUT: busybox-static guest with /init, the plans and the tests.
. "$(dirname "$0")/lib.sh"

out=${1:?output cpio.gz}
stage=$BUILD/initramfs
busybox=$(command -v busybox || echo /bin/busybox)
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' ||
	die "$busybox is not static (apt-get install busybox-static)"
ls "$BUILD"/selftests/*_test >/dev/null 2>&1 || die "no tests built (scripts/build-tests.sh)"

rm -rf "$stage"
mkdir -p "$stage"/{bin,dev,proc,sys,tmp,tests,etc/plans}
cp "$busybox" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
cp "$TOP/guest/init" "$stage/init"
cp "$TOP"/guest/plans/* "$stage/etc/plans/"
cp "$BUILD"/selftests/*_test "$BUILD"/selftests/vfio_bar_bench \
	"$BUILD"/selftests/vfio_mm_parity "$BUILD"/selftests/ipi_storm "$BUILD"/selftests/mmio_stale "$stage/tests/"
# The vending story (make demo) comes with the series' selftests.
if [ -f "$BUILD"/selftests/vfio_pci_dmabuf_vend ]; then
	cp "$BUILD"/selftests/vfio_pci_dmabuf_vend "$stage/tests/"
fi
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 > "$out"
