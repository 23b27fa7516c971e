#!/bin/bash
# parity.sh OUTDIR: run guest/parity/vfio_mm_parity on the unpatched base
# and on the series (test kernels, 64 MiB ivshmem) and compare what the
# two kernels answered to every mm operation on a BAR mapping. KTAP out,
# "PASS FAIL SKIP" in OUTDIR/counts.
. "$(dirname "$0")/lib.sh"

out=${1:?output directory}
rm -rf "$out"
mkdir -p "$out"
pass=0 fail=0 n=0
CHECK_PREFIX=parity
set +e

"$TOP/scripts/build-kernel.sh" base test >"$out/base-build.log" 2>&1
check $? "base test kernel builds"
for v in base series; do
	EXPECT_IMPORTER=$([ $v = series ] && echo 1 || echo 0) \
		"$TOP/scripts/run-guest.sh" "$BUILD/$v-test/arch/x86/boot/bzImage" \
		"$BUILD/initramfs.cpio.gz" parity 64M "$out/$v" >"$out/$v.log" 2>&1
	check $? "parity guest on $v ran ($(tail -1 "$out/$v.log"))"
	sed -n 's/^# PARITY //p' "$out/$v/tests.txt" > "$out/$v.txt"
done
grep -q '^done$' "$out/base.txt" && grep -q '^done$' "$out/series.txt"
check $? "the parity program ran to the end on both kernels"
while IFS= read -r line; do
	op=${line%%:*}
	want=${line#*: }
	got=$(sed -n "s/^$op: //p" "$out/series.txt")
	[ "$got" = "$want" ]
	check $? "$op: base '$want', series '${got:-nothing}'"
done < <(grep -v '^done$' "$out/base.txt")
# The mapping of an exported buffer (series only) answers as the base's
# BAR mapping of the same 2 MiB does.
nbuf=0
while IFS= read -r line; do
	op=${line%%:*}
	got=${line#*: }
	want=$(sed -n "s/^pmd_${op#buf_}: //p" "$out/base.txt")
	! grep -q "^$op:" "$out/base.txt" && [ -n "$want" ] && [ "$got" = "$want" ]
	check $? "$op (series only): base BAR PMD mapping '${want:-nothing}', series dma-buf mapping '$got'"
	nbuf=$((nbuf + 1))
done < <(grep '^buf_' "$out/series.txt")
[ "$nbuf" = 13 ]
check $? "the dma-buf mapping went every route ($nbuf answers)"
# What the base cannot do at all (no dma-buf export): the series' answers
# are fixed by the uAPI, and the base must not have printed them.
while read -r op want; do
	got=$(sed -n "s/^$op: //p" "$out/series.txt")
	! grep -q "^$op:" "$out/base.txt" && [ "$got" = "$want" ]
	check $? "$op (series only): want '$want', series '${got:-nothing}'"
done <<'EOF'
peer_dma_dmabuf_mmap_map EPERM
peer_dma_dmabuf_mmap_revoked ok ret=0 landed=0/256
EOF
echo "$pass $fail 0" > "$out/counts"
echo "# parity: $pass passed, $fail failed"
[ "$fail" = 0 ]
