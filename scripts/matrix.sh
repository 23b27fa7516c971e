#!/bin/bash
# matrix.sh [OUTDIR]: the builds distributions and reviewers care about,
# as KTAP checks; writes "PASS FAIL SKIP" to OUTDIR/counts.
#  - i386 (no 64BIT, so no ZONE_DEVICE or PCI_P2PDMA): drivers/vfio and
#    drivers/pci build, with PCI_P2PDMA_CORE;
#  - x86_64 with vfio and vfio-pci as modules;
#  - x86_64 without ZONE_DEVICE: the export is compiled out, the kernel
#    boots, BAR mmap tests pass and the feature is unknown (ENOTTY);
#  - every patch of the series that touches the kernel builds on its own
#    (the test config, incrementally).
. "$(dirname "$0")/lib.sh"

out=${1:-$BUILD/results/matrix}
mkdir -p "$out"
set +e	# failures below are check results
pass=0 fail=0 skip=0 n=0
CHECK_PREFIX=matrix
build() {	# build LOG VARIANT FLAVOR [TARGETS]
	local log=$1
	shift
	"$TOP/scripts/build-kernel.sh" "$@" >"$out/$log.log" 2>&1
	local r=$?
	[ $r = 0 ] || grep -E 'error|Error|warning:|config:' "$out/$log.log" | head -20 | sed 's/^/# /'
	return $r
}

build i386 series i386 drivers/vfio/ drivers/pci/ &&
	[ -f "$BUILD/series-i386/drivers/pci/p2pdma.o" ] &&
	[ -f "$BUILD/series-i386/drivers/vfio/pci/vfio_pci_core.o" ]
check $? "i386 builds drivers/vfio/ and drivers/pci/ (PCI_P2PDMA_CORE without ZONE_DEVICE)"

build module series module bzImage modules &&
	[ -f "$BUILD/series-module/drivers/vfio/pci/vfio-pci.ko" ] &&
	[ -f "$BUILD/series-module/drivers/vfio/pci/vfio-pci-core.ko" ] &&
	[ -f "$BUILD/series-module/drivers/vfio/pci/vfio_pci_dmabuf_test.ko" ]
check $? "x86_64 builds vfio, vfio-pci and the test importer as modules"

if build nodmabuf series nodmabuf; then
	check 0 "x86_64 without ZONE_DEVICE builds (dma-buf export compiled out)"
	EXPECT_IMPORTER=0 "$TOP/scripts/run-guest.sh" \
		"$BUILD/series-nodmabuf/arch/x86/boot/bzImage" \
		"$BUILD/initramfs.cpio.gz" nodmabuf 64M "$out/nodmabuf"
	if [ -f "$out/nodmabuf/counts" ]; then
		read -r p f s < "$out/nodmabuf/counts"
		pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	else
		check 1 "guest without ZONE_DEVICE ran"
	fi
else
	check 1 "x86_64 without ZONE_DEVICE builds (dma-buf export compiled out)"
fi

# Bisection: each kernel-touching patch, in order, builds on its own. The
# commits are checked out in linux/ itself and built into the test kernel's
# build directory, so each step is an incremental build with ccache hits;
# linux/ goes back to the series branch afterwards.
[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] ||
	die "$TREE has uncommitted changes"
trap 'git -C "$TREE" checkout -q series' EXIT
for c in $(git -C "$TREE" rev-list --reverse base..series); do
	subject=$(git -C "$TREE" log -1 --format=%s "$c")
	if ! git -C "$TREE" diff --name-only "$c^" "$c" |
	     grep -qvE '^(tools|Documentation)/|^MAINTAINERS$'; then
		continue
	fi
	git -C "$TREE" checkout -q --detach "$c"
	build "bisect-$(git -C "$TREE" rev-parse --short "$c")" series test
	check $? "builds at: $subject"
done
git -C "$TREE" checkout -q series
trap - EXIT

echo "$pass $fail $skip" > "$out/counts"
echo "# matrix: $pass passed, $fail failed"
[ "$fail" = 0 ]
