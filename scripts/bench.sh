#!/bin/bash
# make bench: the unpatched base and the series side by side in one run.
# Boots base-test and series-test kernels alternately (ROUNDS times, 64 MiB
# and 1 GiB ivshmem) running guest/bench/vfio_bar_bench, and prints the
# median of every metric for each with the ratio series/base. Numbers
# only: nothing here passes or fails on a measurement.
. "$(dirname "$0")/lib.sh"

rounds=${ROUNDS:-3}
"$TOP/scripts/deps.sh"
"$TOP/scripts/tree.sh"
"$TOP/scripts/build-tests.sh"
"$TOP/scripts/initramfs.sh" "$BUILD/initramfs.cpio.gz"
for v in base series; do
	"$TOP/scripts/build-kernel.sh" "$v" test
done

res=$BUILD/results/bench
rm -rf "$res"
mkdir -p "$res"
for r in $(seq "$rounds"); do
	for size in 64M 1G; do
		for v in base series; do
			TIMEOUT=600 EXPECT_IMPORTER=$([ $v = series ] && echo 1 || echo 0) \
				"$TOP/scripts/run-guest.sh" \
				"$BUILD/$v-test/arch/x86/boot/bzImage" \
				"$BUILD/initramfs.cpio.gz" bench "$size" \
				"$res/$v-$size-$r" >"$res/$v-$size-$r.log" 2>&1 ||
				die "bench guest $v-$size-$r failed: see $res/$v-$size-$r.log"
			sed -n "s/^# METRIC \([^=]*\)=\(.*\)/$v \1 \2/p" \
				"$res/$v-$size-$r/tests.txt" >> "$res/all"
		done
	done
done

echo "# medians over $rounds boots x 5 rounds each (TCG guest; compare ratios, not absolute values)"
printf '%-36s %12s %12s %8s\n' metric base series ratio
sort -k2,2 -k1,1 -k3,3n "$res/all" | awk '
	function median(a, n) { return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
	{ key = $2; v = $1; n[key, v]++; val[key, v, n[key, v]] = $3; keys[key] = 1 }
	END {
		for (k in keys) {
			for (i = 1; i <= n[k, "base"]; i++) b[i] = val[k, "base", i]
			for (i = 1; i <= n[k, "series"]; i++) s[i] = val[k, "series", i]
			mb = median(b, n[k, "base"]); ms = median(s, n[k, "series"])
			printf "%-36s %12.1f %12.1f %8s\n", k, mb, ms, mb ? sprintf("%.2f", ms / mb) : "-"
		}
	}' | sort
