# Common settings for the harness scripts; sourced, not run.
# shellcheck shell=bash
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${CACHE:-$TOP/.cache}
BUILD=${BUILD:-$TOP/build}
TREE=${TREE:-$TOP/linux}
SERIES_DIR=$TOP/series
PKG=linux-source-6.12
TARBALL=/usr/src/$PKG.tar.xz
# Debian's own kernel config (package linux-config-6.12), for the matrix.
DEBIAN_CONFIG=/usr/src/linux-config-6.12/config.amd64_none_amd64.xz
JOBS=${JOBS:-$(nproc)}

# Reproducible kernel builds: no timestamps or host names in the image,
# so ccache hits across runs.
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026'
export KBUILD_BUILD_USER=vfio
export KBUILD_BUILD_HOST=harness
export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccache}
export CCACHE_BASEDIR=$TOP
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}

say() { printf '>>> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The Debian package version the series was last tested on.
tested_version() { sed -n 's/^debian-package: *//p' "$SERIES_DIR/BASE"; }
installed_version() { dpkg-query -W -f='${Version}' "$PKG" 2>/dev/null || true; }

# Unpacked pristine source for the installed package version.
src_dir() {
	local v
	v=$(installed_version)
	[ -n "$v" ] || die "$PKG is not installed (run: make deps)"
	echo "$CACHE/src/${v//\~/_}"
}

# Kernel source tree for a variant: "series" (patched git tree) or "base".
variant_src() {
	case $1 in
	series) echo "$TREE" ;;
	base) src_dir ;;
	*) die "unknown variant '$1' (series or base)" ;;
	esac
}

# warnings LOG: the compiler warnings and errors of a build log, with file
# paths relative to the source tree and no line numbers (so that moved
# code does not count as new), sorted.
warnings() {
	grep -E '(warning|error):' "$1" |
		sed -E "s#^$TOP/##; s#^(\.\./)+##; s#^linux/##; s#^\.cache/src/[^/]+/##" |
		sed -E 's#:[0-9]+:[0-9]+:#:#; s#:[0-9]+:#:#' | sort
}

# new_warnings BASE SERIES: the lines of SERIES that BASE does not have as
# often (both from warnings()).
new_warnings() {
	awk 'NR == FNR { base[$0]++; next } { if (base[$0] > 0) base[$0]--; else print }' \
		"$1" "$2"
}

# check STATUS DESCRIPTION: print one KTAP result line, "$CHECK_PREFIX:"
# before the description, and count it in $pass or $fail (and $n).
check() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $CHECK_PREFIX: $2"
		pass=$((pass + 1))
	else
		echo "not ok $n $CHECK_PREFIX: $2"
		fail=$((fail + 1))
	fi
}
