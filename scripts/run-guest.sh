#!/bin/bash
# run-guest.sh KERNEL INITRAMFS PLAN IVSHMEM_SIZE OUTDIR [TOPOLOGY]
#
# Boot the guest under QEMU (TCG) with edu and ivshmem-plain, the latter
# backed by a fresh host file, and a pci-testdev for the test importer
# (the device it imports on behalf of), in one of three topologies:
#  rootport  edu alone behind a PCIe root port (so that it has a bus
#            reset), two more edus as the two functions of one slot behind
#            a second root port (so that a hot reset's device set has a
#            member nobody opened), ivshmem and pci-testdev on the root
#            bus: no P2P between them (the q35 host bridge is not on the
#            P2PDMA allow list);
#  switch    edu, ivshmem and pci-testdev behind one PCIe switch: P2P
#            allowed, with bus addresses;
#  hostbridge  as rootport, with an AMD EPYC CPU: the kernel allows P2P
#            through the host bridge of Zen CPUs, with IOMMU mappings.
# Print the tests' KTAP output, then the host-side checks as KTAP, and
# write "PASS FAIL SKIP" to OUTDIR/counts. Exit 0 when every check passed.
. "$(dirname "$0")/lib.sh"

kernel=${1:?kernel image}
initrd=${2:?initramfs}
plan=${3:?plan}
size=${4:?ivshmem size, e.g. 64M}
out=${5:?output directory}
topology=${6:-rootport}
timeout=${TIMEOUT:-600}
name=$(basename "$out")

mkdir -p "$out"
rm -f "$out"/{console.log,tests.log,counts,ivshmem.bin}
shm=$out/ivshmem.bin
truncate -s "$size" "$shm"

cpu=max
[ "$topology" = hostbridge ] && cpu=EPYC
# TCG_THREAD=multi|single: TCG threading; SMP: vCPUs (scripts/stress.sh).
# no_timer_check: under host load a TCG guest's IO-APIC timer check can
# miss its ticks and panic ("timer doesn't work through Interrupt-remapped
# IO-APIC"); the check proves nothing about our code, so skip it.
# QEMU_DIR: a QEMU unpacked there (scripts/qemu.sh), else the machine's.
qemu=(qemu-system-x86_64)
[ -n "${QEMU_DIR:-}" ] &&
	qemu=("$QEMU_DIR/usr/bin/qemu-system-x86_64" -L "$QEMU_DIR/usr/share/seabios"
	      -L "$QEMU_DIR/usr/share/qemu" -L /usr/lib/ipxe/qemu)
qemu+=(-accel "tcg${TCG_THREAD:+,thread=$TCG_THREAD}"
      -cpu "$cpu" -M q35,kernel-irqchip=split
      -m 1G -smp "${SMP:-2}" -display none -monitor none -no-reboot
      -device "intel-iommu,intremap=on,caching-mode=on${IOMMU_OPTS:+,$IOMMU_OPTS}"
      -object memory-backend-file,id=shm,share=on,mem-path="$shm",size="$size"
      -device pcie-root-port,id=rp1,chassis=1,slot=1
      -kernel "$kernel" -initrd "$initrd"
      -append "console=ttyS0 intel_iommu=on panic=-1 no_timer_check harness.plan=$plan ${APPEND:-}"
      -serial file:"$out/console.log" -serial file:"$out/tests.log")
# QEMU_EXTRA: more QEMU options, e.g. "-icount shift=0,sleep=off" for make bench.
# shellcheck disable=SC2206
qemu+=(${QEMU_EXTRA:-})
case $topology in
rootport|hostbridge)
	qemu+=(-device edu,bus=rp1
	       -device pcie-root-port,id=rp2,chassis=2,slot=2
	       -device edu,bus=rp2,addr=0.0,multifunction=on
	       -device edu,bus=rp2,addr=0.1
	       -device ivshmem-plain,memdev=shm -device pci-testdev) ;;
switch)
	qemu+=(-device x3130-upstream,id=up,bus=rp1
	       -device xio3130-downstream,id=dn1,bus=up,chassis=2,slot=1
	       -device xio3130-downstream,id=dn2,bus=up,chassis=3,slot=2
	       -device xio3130-downstream,id=dn3,bus=up,chassis=4,slot=3
	       -device edu,bus=dn1 -device ivshmem-plain,memdev=shm,bus=dn2
	       -device pci-testdev,bus=dn3) ;;
*)
	die "unknown topology '$topology'" ;;
esac
echo "${qemu[*]}" > "$out/qemu.cmd"

say "$name: booting ${kernel#"$TOP/"} plan=$plan ivshmem=$size topology=$topology"
start=$SECONDS
# From here on every failure is a check result, not a reason to stop.
set +e
timeout --foreground -k 10 "$timeout" "${qemu[@]}" </dev/null >"$out/qemu.out" 2>&1
rc=$?
elapsed=$((SECONDS - start))
tr -d '\r' < "$out/tests.log" > "$out/tests.txt" || true
tr -d '\r' < "$out/console.log" > "$out/console.txt" || true

# The guest's own output: KTAP from each test program.
sed -n '/^harness: start/,$p' "$out/tests.txt"

pass=0 fail=0 skip=0 n=0
CHECK_PREFIX=$name

echo "# host checks for $name (${elapsed} s)"
if [ $rc = 124 ] || [ $rc = 137 ]; then
	check 1 "guest finished within ${timeout} s"
else
	grep -q '^harness: done' "$out/tests.txt"
	check $? "guest ran the plan and powered off (qemu exit $rc)"
fi
! grep -q '^harness: bind-failed' "$out/tests.txt" &&
	grep -q '^harness: bound .* (1234:11e8) .* vfio-pci$' "$out/tests.txt" &&
	grep -q '^harness: bound .* (1af4:1110) .* vfio-pci$' "$out/tests.txt"
check $? "edu and ivshmem bound to vfio-pci"
if [ "${EXPECT_IMPORTER:-1}" = 1 ]; then
	grep -q '^harness: bound .* (1b36:0005) .* vfio-pci-dmabuf-test$' "$out/tests.txt"
	check $? "pci-testdev bound to the test importer"
fi

# Every program must exit 0 and print its totals; add them up.
while read -r _ _ code prog; do
	[ "$code" = 0 ]
	check $? "$prog exited with status $code"
done < <(grep '^harness: exit ' "$out/tests.txt")
grep -q '^harness: run ' "$out/tests.txt"
check $? "the plan ran at least one test program"
while read -r p f xf xp s e; do
	pass=$((pass + p + xf))
	fail=$((fail + f + xp + e))
	skip=$((skip + s))
done < <(sed -n 's/^# Totals: pass:\([0-9]*\) fail:\([0-9]*\) xfail:\([0-9]*\) xpass:\([0-9]*\) skip:\([0-9]*\) error:\([0-9]*\)$/\1 \2 \3 \4 \5 \6/p' "$out/tests.txt")
[ "$(grep -c '^# Totals: pass:[0-9]* fail:[0-9]* xfail:' "$out/tests.txt")" = "$(grep -c '^harness: run [^ ]*_test' "$out/tests.txt")" ]
check $? "every test program printed its totals"

# KUnit suites the plan asked for: every case counts, and the suite must
# have run some and reported its own result.
while read -r suite; do
	r=$(awk -v s="$suite" '
		$0 == "harness: kunit-begin " s { k = 1; next }
		$0 == "harness: kunit-end " s { k = 0 }
		k && /^    (not )?ok [0-9]+ / {
			if ($0 ~ /# SKIP/) sk++; else if ($1 == "not") f++; else p++
		}
		k && $0 ~ "^(not )?ok [0-9]+ " s "$" { done = 1 }
		END { printf "%d %d %d %d", p, f, sk, done }' "$out/tests.txt")
	read -r p f s done <<< "$r"
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	[ "$done" = 1 ] && [ $((p + f + s)) -gt 0 ]
	check $? "KUnit suite $suite ran ($p passed, $f failed)"
done < <(sed -n 's/^harness: kunit-begin //p' "$out/tests.txt")

# Counted plans: each program line of guest/plans/PLAN starts with the
# number of tests the program must run ("-": no KTAP plan). Compare it with
# the program's KTAP plan line and its results (a KUnit suite: its cases),
# so a filter that matches nothing or a suite that loses cases fails.
planfile=$TOP/guest/plans/$plan
if [ -f "$planfile" ]; then
	awk '
		/^harness: run / { n++; prog[n] = $3; if ($3 == "kunit") prog[n] = "kunit " $4
			plan[n] = "none"; res[n] = 0; next }
		/^harness: kunit-begin / { k = 1; next }
		/^harness: kunit-end / { k = 0; next }
		k && /^    1\.\.[0-9]+$/ { sub(/^ +1\.\./, ""); plan[n] = $0; next }
		k && /^    (not )?ok [0-9]+ / { res[n]++; next }
		!k && n && plan[n] == "none" && /^1\.\.[0-9]+$/ { plan[n] = substr($0, 4); next }
		!k && n && /^(not )?ok [0-9]+ / { res[n]++ }
		END { for (i = 1; i <= n; i++) print prog[i] "|" plan[i] "|" res[i] }
	' "$out/tests.txt" > "$out/ran.txt"
	i=0
	while read -r want p1 p2 _; do
		case $want in ''|'#'*|hostchecks) continue ;; esac
		i=$((i + 1))
		name=$p1
		[ "$p1" = kunit ] && name="kunit $p2"
		IFS='|' read -r got gplan gres < <(sed -n "${i}p" "$out/ran.txt")
		if [ "$want" = - ]; then
			[ "$got" = "$name" ]
			check $? "plan entry $i ran: $name"
		else
			[ "$got" = "$name" ] && [ "$gplan" = "$want" ] && [ "$gres" = "$want" ]
			check $? "$name ran $want tests (plan ${gplan:-none}, ${gres:-0} results)"
		fi
	done < "$planfile"
	[ "$(wc -l < "$out/ran.txt")" = "$i" ]
	check $? "the guest ran exactly the $i programs of plan $plan"
	want=$(sed -n 's/^hostchecks \([0-9]*\)$/\1/p' "$planfile")
	if [ -n "$want" ]; then
		got=$(grep -Ec '^# HOSTCHECK(-ABSENT)? ' "$out/tests.txt")
		[ "$got" = "$want" ]
		check $? "the plan asked for $want host checks of data ($got)"
	fi
fi

# Data written through the guest mappings must be in the host file.
# A line may place the pattern at an offset, starting at word INDEX.
while read -r seed length offset index; do
	"$BUILD/ivshmem-check" "$shm" "$seed" "$length" ${offset:+"$offset" "$index"} \
		>"$out/ivshmem-check.log" 2>&1
	r=$?
	sed 's/^/# /' "$out/ivshmem-check.log"
	check $r "ivshmem backing file holds the pattern (seed $seed, $length bytes at ${offset:-0})"
done < <(sed -n -E 's/^# HOSTCHECK ivshmem seed=(0x[0-9a-f]+) length=(0x[0-9a-f]+)( offset=(0x[0-9a-f]+) index=(0x[0-9a-f]+))?$/\1 \2 \4 \5/p' "$out/tests.txt")
# ...and data that must not have landed (a DMA after a revocation) must not.
while read -r seed length offset index; do
	"$BUILD/ivshmem-check" -n "$shm" "$seed" "$length" "$offset" "$index" \
		>"$out/ivshmem-check.log" 2>&1
	r=$?
	sed 's/^/# /' "$out/ivshmem-check.log"
	check $r "ivshmem backing file lacks the pattern (seed $seed, $length bytes at $offset)"
done < <(sed -n -E 's/^# HOSTCHECK-ABSENT ivshmem seed=(0x[0-9a-f]+) length=(0x[0-9a-f]+) offset=(0x[0-9a-f]+) index=(0x[0-9a-f]+)$/\1 \2 \3 \4/p' "$out/tests.txt")

# Any kernel splat fails the run, whatever the tests printed.
splat='WARNING:|BUG:|Oops|Kernel panic|general protection fault|Call Trace:|UBSAN:|KASAN:|unreferenced object|suspected memory leak|possible (recursive|circular) locking|inconsistent lock state|suspicious RCU usage|rcu: INFO:|detected stall|blocked for more than|soft lockup|hard LOCKUP|kernel BUG'
if grep -Eq "$splat" "$out/console.txt"; then
	grep -En -B2 -A25 "$splat" "$out/console.txt" | head -80 | sed 's/^/# /'
	check 1 "no kernel splat in the guest log"
else
	check 0 "no kernel splat in the guest log"
fi
if [ "${EXPECT_KMEMLEAK:-0}" = 1 ]; then
	grep -q '^harness: kmemleak scanned' "$out/tests.txt"
	check $? "kmemleak scanned after the tests"
fi
[ "$skip" = 0 ]
check $? "no test skipped ($skip skipped)"
grep '^# METRIC ' "$out/tests.txt" > "$out/metrics" || true

echo "$pass $fail $skip" > "$out/counts"
echo "# $name: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
