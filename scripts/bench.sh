#!/bin/bash
# make bench: the unpatched base and the series side by side in one run.
# Boots base-bench and series-bench kernels alternately (ROUNDS times, 64
# MiB and 1 GiB ivshmem) running guest/bench/vfio_bar_bench, and prints
# the median of every metric for each with the ratio series/base. Numbers
# only: nothing here passes or fails on a measurement.
# The bench kernels (configs/bench.config) are the test kernel without
# lockdep, with SLUB and memory cgroups, as users run it: lockdep alone
# made each lock taken cost microseconds, and the series takes more locks.
. "$(dirname "$0")/lib.sh"

rounds=${ROUNDS:-3}
"$TOP/scripts/deps.sh"
"$TOP/scripts/tree.sh"
"$TOP/scripts/build-tests.sh"
"$TOP/scripts/initramfs.sh" "$BUILD/initramfs.cpio.gz"
for v in base series; do
	"$TOP/scripts/build-kernel.sh" "$v" bench
done

res=$BUILD/results/bench
rm -rf "$res"
mkdir -p "$res"
# Two clocks: TCG wall time (noisy, about +-10 %), and -icount, where guest
# time counts instructions, so that the figures repeat from run to run.
for mode in tcg icount; do
	extra=
	[ $mode = icount ] && extra="-icount shift=0,sleep=off"
	for r in $(seq "$rounds"); do
		for size in 64M 1G; do
			for v in base series; do
				o=$res/$mode-$v-$size-$r
				QEMU_EXTRA=$extra TIMEOUT=1200 \
				EXPECT_IMPORTER=$([ $v = series ] && echo 1 || echo 0) \
					"$TOP/scripts/run-guest.sh" \
					"$BUILD/$v-bench/arch/x86/boot/bzImage" \
					"$BUILD/initramfs.cpio.gz" bench "$size" \
					"$o" >"$o.log" 2>&1 ||
					die "bench guest $o failed: see $o.log"
				sed -n "s/^# METRIC \([^=]*\)=\(.*\)/$v \1 \2/p" \
					"$o/tests.txt" >> "$res/$mode"
			done
		done
	done
done

for mode in tcg icount; do
	echo
	echo "# $mode: medians over $rounds boots x 3 rounds each, base and series alternating"
	printf '%-40s %12s %12s %8s\n' metric base series ratio
	sort -k2,2 -k1,1 -k3,3n "$res/$mode" | awk '
		function median(a, n) { return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
		{ key = $2; v = $1; n[key, v]++; val[key, v, n[key, v]] = $3; keys[key] = 1 }
		END {
			for (k in keys) {
				delete b; delete s
				for (i = 1; i <= n[k, "base"]; i++) b[i] = val[k, "base", i]
				for (i = 1; i <= n[k, "series"]; i++) s[i] = val[k, "series", i]
				mb = n[k, "base"] ? median(b, n[k, "base"]) : 0
				ms = n[k, "series"] ? median(s, n[k, "series"]) : 0
				printf "%-40s %12s %12.1f %8s\n", k, n[k, "base"] ? sprintf("%.1f", mb) : "-", ms, mb ? sprintf("%.2f", ms / mb) : "-"
			}
		}' | sort
done | tee "$res/table"
