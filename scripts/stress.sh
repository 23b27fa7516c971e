#!/bin/bash
# stress.sh [OUTDIR]: the race stress and the uAPI fuzzer (guest/plans/stress)
# on the debug kernel, with 4 vCPUs under multi-threaded TCG on QEMU 10.0
# (scripts/qemu.sh). STRESS_S seconds of stress (default 600), FUZZ_CALLS
# fuzzed calls (default 100000); STRESS_SEED and FUZZ_SEED repeat a run.
# STRESS_PLAN=ipistorm runs the same guest with no device opened (an mm
# workload alone); STRESS_APPEND adds to the guest's command line.
# KTAP out; "PASS FAIL SKIP" in OUTDIR/counts, as run-guest.sh writes.
. "$(dirname "$0")/lib.sh"

out=${1:-$BUILD/results/stress}
stress_s=${STRESS_S:-600}
calls=${FUZZ_CALLS:-100000}
kernel=${KERNEL:-$BUILD/${VARIANT:-series}-debug/arch/x86/boot/bzImage}
[ -f "$kernel" ] || die "no debug kernel (scripts/build-kernel.sh series debug)"
qemu_dir=$("$TOP/scripts/qemu.sh")
env="VFIO_STRESS_SECONDS=$stress_s VFIO_FUZZ_CALLS=$calls IPI_STORM_SECONDS=$stress_s"
[ -n "${STRESS_SEED:-}" ] && env+=" VFIO_STRESS_SEED=$STRESS_SEED"
[ -n "${FUZZ_SEED:-}" ] && env+=" VFIO_FUZZ_SEED=$FUZZ_SEED"
# Under multi-threaded TCG, QEMU 10.0 serves an MMIO read from a stale
# memory map now and then while a vCPU changes the map: edu reads 0 once,
# and right at once again through the same page table entry (README). The
# stress tolerates exactly that there, counted as stale_mmio (ivshmem's
# RAM BAR is served right and tolerates nothing); single-threaded TCG
# (make check) never shows it and tolerates nothing.
[ "${STRESS_TCG:-multi}" = multi ] && env+=" VFIO_STRESS_MMIO_RETRY=1"
# The guest gets the VFIO_* words of its command line as environment.
# TIMEOUT: the stress, the fuzzer (a few ms a call on the debug kernel
# under TCG) and boot and kmemleak.
# eim=on: the guest runs its APICs in x2APIC mode. In xAPIC mode (no
# eim), 3 of 4 boots of this stress on QEMU 10.0.2 lost the wakeup of a
# halted vCPU: its timer and IPIs never came (NMIs did), the other vCPUs
# sat in soft lockups waiting in smp_call_function_many_cond() for a TLB
# flush, or the guest stopped; in x2APIC mode none did (README).
# STRESS_TCG=single: the 4 vCPUs take turns in one host thread (make
# check, see there); multi (the default): they run at once.
IOMMU_OPTS=${IOMMU_OPTS-eim=on} \
QEMU_DIR=$qemu_dir TCG_THREAD=${STRESS_TCG:-multi} SMP=4 APPEND="$env ${STRESS_APPEND:-}" \
TIMEOUT=$((stress_s + calls / 50 + 600)) EXPECT_KMEMLEAK=1 EXPECT_IMPORTER=1 \
	exec "$TOP/scripts/run-guest.sh" "$kernel" "$BUILD/initramfs.cpio.gz" \
	"${STRESS_PLAN:-stress}" 64M "$out" switch
