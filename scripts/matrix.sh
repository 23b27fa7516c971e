#!/bin/bash
# matrix.sh [OUTDIR]: the builds distributions and reviewers care about,
# as KTAP checks; writes "PASS FAIL SKIP" to OUTDIR/counts.
#  - i386 (no 64BIT, so no ZONE_DEVICE or PCI_P2PDMA): drivers/vfio and
#    drivers/pci build, with PCI_P2PDMA_CORE and the dma-buf export;
#  - arm64 (cross, gcc-aarch64-linux-gnu) with huge PFN maps and P2PDMA:
#    drivers/vfio, drivers/pci and drivers/dma-buf build without warnings;
#  - Debian's own amd64 config (vfio and vfio-pci as modules, PCI_P2PDMA
#    off), and the same with PCI_P2PDMA on (the export and the test
#    importer as modules): the directories the series touches build, with
#    no warning the base does not have under the same config;
#  - x86_64 without ZONE_DEVICE, the export turned off: the kernel
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
	[ -f "$BUILD/series-i386/drivers/vfio/pci/vfio_pci_core.o" ] &&
	grep -q '^CONFIG_VFIO_PCI_DMABUF=y' "$BUILD/series-i386/.config"
check $? "i386 builds drivers/vfio/ and drivers/pci/ (PCI_P2PDMA_CORE without ZONE_DEVICE, with the export)"

build arm64 series arm64 drivers/vfio/ drivers/pci/ drivers/dma-buf/ &&
	[ -f "$BUILD/series-arm64/drivers/pci/p2pdma.o" ] &&
	[ -f "$BUILD/series-arm64/drivers/vfio/pci/vfio_pci_dmabuf.o" ] &&
	grep -q '^CONFIG_ARCH_SUPPORTS_PMD_PFNMAP=y' "$BUILD/series-arm64/.config" &&
	grep -q '^CONFIG_VFIO_PCI_DMABUF=y' "$BUILD/series-arm64/.config" &&
	! grep -q 'warning:' "$out/arm64.log"
check $? "arm64 builds drivers/vfio/, drivers/pci/ and drivers/dma-buf/ (huge PFN maps, P2PDMA, the export) without warnings"

# Debian's config: only what the series touches is built, for the base and
# the series; every object is compiled again (ccache replays warnings) so
# that the comparison sees every warning.
ddirs="drivers/vfio/ drivers/pci/ drivers/dma-buf/ kernel/dma/ drivers/iommu/dma-iommu.o"
debian() {	# debian FLAVOR DESCRIPTION [OBJECTS THE SERIES MUST BUILD]
	local flavor=$1 desc=$2 v o ok=0
	shift 2
	for v in base series; do
		find "$BUILD/$v-$flavor" -name '*.o' \( -path '*/drivers/*' -o \
			-path '*/kernel/dma/*' \) -delete 2>/dev/null
		# shellcheck disable=SC2086
		build "$flavor-$v" "$v" "$flavor" $ddirs || ok=1
		warnings "$out/$flavor-$v.log" > "$out/$flavor-$v.warnings"
	done
	for o in "$@"; do
		[ -f "$BUILD/series-$flavor/$o" ] || { echo "# missing $o"; ok=1; }
	done
	# The export is on by default, with or without PCI_P2PDMA.
	grep -q '^CONFIG_VFIO_PCI_DMABUF=y' "$BUILD/series-$flavor/.config" ||
		{ echo "# CONFIG_VFIO_PCI_DMABUF is not y"; ok=1; }
	check $ok "$desc builds $ddirs"
	new_warnings "$out/$flavor-base.warnings" "$out/$flavor-series.warnings" \
		> "$out/$flavor-new"
	sed 's/^/# new: /' "$out/$flavor-new"
	[ ! -s "$out/$flavor-new" ]
	check $? "$desc: no new warnings ($(wc -l < "$out/$flavor-base.warnings") in base)"
}
debian debian "Debian's amd64 config (vfio modules, no PCI_P2PDMA)" \
	drivers/vfio/pci/vfio_pci_core.o drivers/pci/p2pdma.o
debian debian-p2pdma "Debian's config with PCI_P2PDMA (export, test importer as modules)" \
	drivers/vfio/pci/vfio_pci_dmabuf.o drivers/vfio/pci/vfio_pci_dmabuf_test.o

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
