#!/bin/bash
# build-kernel.sh VARIANT FLAVOR [MAKE ARGS]: configure VARIANT (series|base,
# or the tree in $SRC) with configs/test.config plus configs/FLAVOR.config
# (none for FLAVOR=test) merged onto tinyconfig, and build it (default
# target bzImage) in build/VARIANT-FLAVOR, or in $KOUT. FLAVOR i386 is a
# 32-bit build from configs/i386.config alone, FLAVOR arm64 a cross build
# from configs/arm64.config alone; FLAVOR debian and
# debian-NAME start from Debian's own amd64 config (linux-config-6.12)
# instead of tinyconfig, with configs/debian.config (and NAME.config).
# FLAVOR distro is the test kernel with Debian's own values of the options
# in configs/distro.list (PCI_P2PDMA off among them), plus
# configs/distro.config.
. "$(dirname "$0")/lib.sh"

variant=${1:?variant: series or base}
flavor=${2:?flavor: test, debug, nodmabuf, distro, i386, arm64, debian or debian-p2pdma}
src=${SRC:-$(variant_src "$variant")}
shift 2
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(bzImage)
out=${KOUT:-$BUILD/$variant-$flavor}
arch=x86_64
cross=
start_config=tinyconfig
mkdir -p "$out"
case $flavor in
test) frags=("$TOP/configs/test.config") ;;
distro)
	[ -f "$DEBIAN_CONFIG" ] || die "no $DEBIAN_CONFIG (run make deps)"
	xzcat "$DEBIAN_CONFIG" > "$out/.debian.config"
	while read -r sym; do
		case $sym in ''|'#'*) continue ;; esac
		line=$(grep -E "^CONFIG_$sym=" "$out/.debian.config" |
		       sed 's/=m$/=y/' || true)
		echo "${line:-# CONFIG_$sym is not set}"
	done < "$TOP/configs/distro.list" > "$out/debian-options.config"
	rm -f "$out/.debian.config"
	frags=("$TOP/configs/test.config" "$out/debian-options.config"
	       "$TOP/configs/distro.config") ;;
i386) frags=("$TOP/configs/i386.config"); arch=i386 ;;
arm64) frags=("$TOP/configs/arm64.config"); arch=arm64
	cross=aarch64-linux-gnu- ;;
debian) frags=("$TOP/configs/debian.config"); start_config=debian ;;
debian-*) frags=("$TOP/configs/debian.config" "$TOP/configs/$flavor.config")
	start_config=debian ;;
*) frags=("$TOP/configs/test.config" "$TOP/configs/$flavor.config") ;;
esac
for f in "${frags[@]}"; do [ -f "$f" ] || die "no config fragment $f"; done
[ -f "$src/Makefile" ] || die "no kernel source in $src (run make tree)"

kmake() { make -s -C "$src" O="$out" ARCH=$arch ${cross:+CROSS_COMPILE=$cross} \
	CC="ccache ${cross}gcc" HOSTCC="ccache gcc" "$@"; }

# Configure from scratch every time into a scratch file; replace .config
# only when it changes so that an unchanged config rebuilds nothing.
if [ $start_config = debian ]; then
	[ -f "$DEBIAN_CONFIG" ] || die "no $DEBIAN_CONFIG (run make deps)"
	xzcat "$DEBIAN_CONFIG" > "$out/.config.new"
else
	kmake KCONFIG_CONFIG=.config.new tinyconfig >/dev/null
fi
(cd "$out" && KCONFIG_CONFIG=.config.new \
	"$src/scripts/kconfig/merge_config.sh" -m -Q .config.new "${frags[@]}" >/dev/null)
kmake KCONFIG_CONFIG=.config.new olddefconfig >/dev/null
# Every option in the fragments must hold in the final .config; where
# fragments disagree the later one wins, as in merge_config.sh.
declare -A want
while read -r line; do
	case $line in
	CONFIG_*=*) sym=${line%%=*} ;;
	'# CONFIG_'*' is not set') sym=${line#\# }; sym=${sym%% *}; line="# $sym is not set" ;;
	*) continue ;;
	esac
	want[$sym]=$line
done < <(cat "${frags[@]}")
bad=0
for sym in "${!want[@]}"; do
	line=${want[$sym]}
	got=$(grep -E "^($sym=|# $sym is not set)" "$out/.config.new" || echo "# $sym is not set")
	[ "$got" = "$line" ] && continue
	# Options the series adds do not exist in the base (or before the
	# patch that adds them, in a bisection build).
	if ! grep -rqE "^(menu)?config ${sym#CONFIG_}\b" "$src" --include='Kconfig*'; then
		echo "config: $sym does not exist in this tree, ignored" >&2
		continue
	fi
	echo "config: wanted '$line', got '$got'" >&2
	bad=1
done
[ $bad = 0 ] || die "$variant-$flavor: the config fragments do not hold (missing dependencies?)"
if ! cmp -s "$out/.config.new" "$out/.config"; then
	mv "$out/.config.new" "$out/.config"
else
	rm -f "$out/.config.new"
fi

say "building $variant-$flavor: ${targets[*]} in $out"
start=$SECONDS
kmake -j"$JOBS" "${targets[@]}"
say "$variant-$flavor built in $((SECONDS - start)) s"
