#!/bin/bash
# lint.sh [OUTDIR]: checkpatch --strict on every patch of the series, and
# sparse (C=2) plus W=1 on the kernel directories the series touches,
# compared with the same build of the unpatched base: any new warning
# fails. Prints KTAP-style lines and writes "PASS FAIL 0" to OUTDIR/counts.
. "$(dirname "$0")/lib.sh"

out=${1:-$BUILD/results/lint}
mkdir -p "$out"
set +e	# failures below are check results
pass=0 fail=0 n=0
CHECK_PREFIX=lint

# 1. checkpatch on each patch as it will be mailed.
while read -r p; do
	case $p in ''|'#'*) continue ;; esac
	# Debian's python3 has ply and git for spdxcheck.py.
	(cd "$TREE" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --show-types --ignore FILE_PATH_CHANGES \
		"$SERIES_DIR/$p") >"$out/checkpatch.log" 2>&1 || true
	total=$(grep -E '^total: ' "$out/checkpatch.log" || echo 'total: ?')
	grep -E -A1 '^(ERROR|WARNING|CHECK):' "$out/checkpatch.log" | sed 's/^/# /'
	[ "${total#total: 0 errors, 0 warnings, 0 checks}" != "$total" ]
	check $? "checkpatch --strict $p (${total#total: })"
done < "$SERIES_DIR/series"

# checkpatch's FILE_PATH_CHANGES only asks whether MAINTAINERS needs an
# update; answer it: every file the series adds must have a maintainer.
unowned=
for f in $(git -C "$TREE" diff --name-only --diff-filter=A base HEAD); do
	m=$(cd "$TREE" && ./scripts/get_maintainer.pl --no-git --no-git-fallback \
		--nol --noroles --nomultiline -f "$f" 2>/dev/null | grep -v Torvalds || true)
	[ -n "$m" ] || unowned="$unowned $f"
done
[ -z "$unowned" ]
check $? "every file the series adds is covered by MAINTAINERS${unowned:+ (not:$unowned)}"

# kernel-doc of every C file and header the series touches outside tools/:
# no warning that the base does not have.
kdoc=0
for f in $(git -C "$TREE" diff --name-only base HEAD -- '*.c' '*.h' | grep -v '^tools/'); do
	b=0
	[ -f "$(src_dir)/$f" ] &&
		b=$("$TREE/scripts/kernel-doc" -none -Wall "$(src_dir)/$f" 2>&1 | grep -c warning)
	s=$("$TREE/scripts/kernel-doc" -none -Wall "$TREE/$f" 2>&1 | grep -c warning)
	if [ "$s" -gt "$b" ]; then
		"$TREE/scripts/kernel-doc" -none -Wall "$TREE/$f" 2>&1 | sed 's/^/# /'
		kdoc=1
	fi
done
check $kdoc "no new kernel-doc warnings in the files the series touches"

# 2. sparse and W=1 on the touched kernel directories, base vs series.
dirs=$(git -C "$TREE" diff --name-only base HEAD -- '*.c' '*.h' |
	grep -Ev '^(tools|Documentation|scripts|include|samples)/' |
	xargs -r -n1 dirname | sort -u)
dirs=$(printf '%s\n' drivers/vfio/pci $dirs | sort -u | sed 's|$|/|')
for v in base series; do
	# Recompile every object of the checked directories, in both builds,
	# so that W=1 warnings show alike (ccache replays them).
	for d in $dirs; do
		find "$BUILD/lint-$v/$d" -name '*.o' -delete 2>/dev/null || true
	done
	KOUT=$BUILD/lint-$v "$TOP/scripts/build-kernel.sh" "$v" test \
		W=1 C=2 $dirs >"$out/build-$v.log" 2>&1 || {
		tail -20 "$out/build-$v.log" | sed 's/^/# /'
		check 1 "$v builds $dirs with W=1 C=2"
		continue
	}
	warnings "$out/build-$v.log" > "$out/warnings-$v"
done
# A warning is new when the series has it more often than the base (line
# numbers are dropped, so moved code does not count as new).
new_warnings "$out/warnings-base" "$out/warnings-series" > "$out/warnings-new" 2>/dev/null || true
sed 's/^/# new: /' "$out/warnings-new"
[ ! -s "$out/warnings-new" ] && [ -f "$out/warnings-series" ]
check $? "no new sparse or W=1 warnings in $(echo $dirs) ($(wc -l < "$out/warnings-base") in base)"

# coccinelle (make coccicheck, Debian's spatch, every semantic patch) on
# what the series touches, base vs series: no report the base does not
# have. A directory where it touches three C files or more is checked
# whole (subdirectories included); elsewhere the touched files alone:
# each run costs about 25 s of spatch start-up whatever its size.
ctargets=$(git -C "$TREE" diff --name-only base HEAD -- '*.c' '*.h' |
	grep -Ev '^(tools|Documentation|scripts|include|samples)/' |
	awk -F/ '{ d = $0; sub("/[^/]*$", "", d); n[d]++; f[d] = f[d] " " $0 }
		END { for (d in n) print (n[d] >= 3 ? d : f[d]) }' |
	tr ' ' '\n' | sed '/^$/d' | sort -u)
# Drop targets inside a directory that is a target itself.
ctargets=$(for t in $ctargets; do
		inner=0
		for u in $ctargets; do
			[ "$t" != "$u" ] && [ "${t#"$u"/}" != "$t" ] && inner=1
		done
		[ $inner = 0 ] && echo "$t"
	done)
for v in base series; do
	src=$(variant_src $v)
	: > "$out/cocci-$v.log"
	for t in $ctargets; do
		[ -e "$src/$t" ] || continue	# a file the series adds
		# coccigrep: spatch would ask git which files to read, and
		# the base tree lies in this repository, untracked.
		make -s -C "$src" coccicheck MODE=report M="$t" J="$JOBS" \
			SPFLAGS=--use-coccigrep >>"$out/cocci-$v.log" 2>&1
	done
	# Reports name a file and line: keep the file and the message.
	grep -E '^(\./)?[a-z].*:[0-9]+:[0-9]+-[0-9]+: ' "$out/cocci-$v.log" |
		sed -E 's#^(\./)?##; s#:[0-9]+:[0-9]+-[0-9]+:#:#' | sort > "$out/cocci-$v"
done
new_warnings "$out/cocci-base" "$out/cocci-series" > "$out/cocci-new" 2>/dev/null || true
sed 's/^/# new: /' "$out/cocci-new"
ran=$(grep -c -- '--cocci-file' "$out/cocci-series.log")
[ ! -s "$out/cocci-new" ] && [ "$ran" -gt 0 ] &&
	grep -q '^[1-9][0-9]* files match' "$out/cocci-base.log" &&
	grep -q '^[1-9][0-9]* files match' "$out/cocci-series.log" &&
	! grep -q 'coccicheck failed' "$out/cocci-base.log" "$out/cocci-series.log"
check $? "no new coccicheck reports in $(echo $ctargets) ($ran semantic patch runs, $(wc -l < "$out/cocci-base") reports in base)"

# 3. The documentation the series writes builds with Sphinx (make
# htmldocs of Documentation/driver-api, where its pages are): every page
# it touches is built, and no warning names a file it touches.
docs=$(git -C "$TREE" diff --name-only base HEAD -- 'Documentation/driver-api/*.rst')
if [ -n "$docs" ]; then
	# From scratch: Sphinx does not repeat warnings of pages it skips.
	rm -rf "$BUILD/htmldocs"
	make -s -C "$TREE" O="$BUILD/htmldocs" SPHINXDIRS=driver-api htmldocs \
		>"$out/htmldocs.log" 2>&1
	rc=$?
	missing=
	for d in $docs; do
		h=${d#Documentation/}
		[ -s "$BUILD/htmldocs/Documentation/output/${h%.rst}.html" ] ||
			missing="$missing $d"
	done
	touched=$(git -C "$TREE" diff --name-only base HEAD | grep -v '^tools/')
	grep -iE 'warning|error' "$out/htmldocs.log" |
		grep -F "$touched" > "$out/htmldocs-ours" || true
	sed 's/^/# /' "$out/htmldocs-ours"
	[ $rc = 0 ] && [ -z "$missing" ] && [ ! -s "$out/htmldocs-ours" ]
	check $? "make htmldocs builds$(printf ' %s' $docs | sed 's|Documentation/driver-api/||g') without warnings${missing:+ (not built:$missing)}"
fi

echo "$pass $fail 0" > "$out/counts"
echo "# lint: $pass passed, $fail failed"
[ "$fail" = 0 ]
