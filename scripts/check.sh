#!/bin/bash
# make check: build the series and run every test on the test and the debug
# kernel (guests: 64 MiB and 1 GiB ivshmem, a PCIe switch topology for P2P,
# P2P through an AMD host bridge, and a kernel booted with nopat), and on
# the distro kernel (Debian's PCI, VFIO, dma-buf, P2PDMA, PAT and PM
# options), then lint and the build matrix. Ends with "N passed,
# N failed". VARIANT=base runs the same tests on the unpatched base;
# FLAVORS, PLANS, LINT=0 and MATRIX=0 narrow the run.
. "$(dirname "$0")/lib.sh"

variant=${VARIANT:-series}
flavors=${FLAVORS:-test debug distro}
plans=${PLANS:-64m:64M 1g:1G p2p:64M:switch hostbridge:64M:hostbridge nopat:64M}
lint=${LINT:-1}
matrix=${MATRIX:-1}
[ "$variant" = series ] || { lint=0; matrix=0; }

t0=$SECONDS
stage() { say "[$((SECONDS - t0)) s] $*"; }
stage "deps"
"$TOP/scripts/deps.sh"
# Without a tree and built tests nothing else can run: one failure.
for step in tree.sh build-tests.sh "initramfs.sh $BUILD/initramfs.cpio.gz"; do
	stage "${step%% *}"
	# shellcheck disable=SC2086
	if ! "$TOP/scripts/"$step; then
		echo "not ok ${step%% *}"
		echo "0 passed, 1 failed"
		exit 1
	fi
done

pass=0 fail=0 skip=0
results=$BUILD/results/$variant
rm -rf "$results"
mkdir -p "$results"
add() {	# add COUNTS_FILE
	local p=0 f=1 s=0
	[ -f "$1" ] && read -r p f s < "$1"
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
}
for flavor in $flavors; do
	stage "kernel $variant-$flavor"
	if ! "$TOP/scripts/build-kernel.sh" "$variant" "$flavor"; then
		echo "not ok $variant-$flavor kernel builds"
		fail=$((fail + 1))
		continue
	fi
	kleak=0
	# The test importer comes with the series.
	importer=0
	[ "$variant" = series ] && importer=1
	[ "$flavor" = debug ] && kleak=1
	fplans=$plans
	# The kernel with Debian's own options (PCI_P2PDMA off) has plans of
	# its own: the feature works there, P2P through a switch is refused.
	[ "$flavor" = distro ] && [ -z "${PLANS:-}" ] &&
		fplans="distro:64M distro-switch:64M:switch distro-hostbridge:64M:hostbridge"
	for p in $fplans; do
		IFS=: read -r plan size topology <<< "$p"
		stage "guest $variant-$flavor-$plan"
		# The nopat guest boots without x86 PAT: no real WC there.
		append=
		[ "$plan" = nopat ] && append=nopat
		APPEND=$append \
		EXPECT_KMEMLEAK=$kleak EXPECT_IMPORTER=$importer \
			"$TOP/scripts/run-guest.sh" \
			"$BUILD/$variant-$flavor/arch/x86/boot/bzImage" \
			"$BUILD/initramfs.cpio.gz" "$plan" "$size" \
			"$results/$variant-$flavor-$plan" "${topology:-rootport}" || true
		add "$results/$variant-$flavor-$plan/counts"
	done
	# The race stress and the fuzzer run on the debug kernel (full
	# preemption, KASAN, lockdep), where they find the most, with 4
	# vCPUs. Here they take turns in one host thread: under
	# multi-threaded TCG an edu read returned 0 in 2 of about 85 rounds,
	# not yet explained (README); make stress runs them at once.
	if [ "$flavor" = debug ] && [ -z "${PLANS:-}" ]; then
		stage "guest $variant-$flavor-stress"
		STRESS_TCG=${STRESS_TCG:-single} \
		STRESS_S=${STRESS_S:-60} FUZZ_CALLS=${FUZZ_CALLS:-20000} \
			"$TOP/scripts/stress.sh" "$results/$variant-$flavor-stress" || true
		add "$results/$variant-$flavor-stress/counts"
	fi
done

# mm parity: the same program on the unpatched base and on the series;
# every operation must get the same answer from both kernels.
if [ "$variant" = series ] && [ "${PARITY:-1}" = 1 ]; then
	stage "mm parity (base and series)"
	"$TOP/scripts/parity.sh" "$results/parity" || true
	add "$results/parity/counts"
fi

if [ "$lint" = 1 ]; then
	stage "lint"
	"$TOP/scripts/lint.sh" "$results/lint" || true
	add "$results/lint/counts"
fi

if [ "$matrix" = 1 ]; then
	stage "matrix"
	"$TOP/scripts/matrix.sh" "$results/matrix" || true
	add "$results/matrix/counts"
fi

stage "done"
echo "# metrics"
for m in "$results"/*/metrics; do
	[ -s "$m" ] && sed "s/^# METRIC /# $(basename "$(dirname "$m")"): /" "$m"
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
