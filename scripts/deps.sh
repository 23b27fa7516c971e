#!/bin/bash
# Install the Debian packages the harness needs (idempotent).
. "$(dirname "$0")/lib.sh"

pkgs=(build-essential bc bison flex libelf-dev libssl-dev dwarves cpio xz-utils
      ccache sparse rsync qemu-system-x86 busybox-static perl python3 python3-ply python3-git git file
      gcc-i686-linux-gnu gcc-aarch64-linux-gnu coccinelle ocaml-nox python3-sphinx python3-sphinx-rtd-theme
      python3-yaml)  # htmldocs generates the netlink pages with PyYAML
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ ! -f "$TARBALL" ]; then
	missing+=("$PKG")
fi
if [ ! -f "$DEBIAN_CONFIG" ]; then
	missing+=(linux-config-6.12)
fi

[ ${#missing[@]} -eq 0 ] && exit 0

sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
say "installing: ${missing[*]}"
$sudo apt-get update -q
# Prefer the exact base version the series was last tested on; fall back to
# the newest one (make tree then says which version it applies to).
want=$(tested_version || true)
for i in "${!missing[@]}"; do
	p=${missing[$i]}
	if { [ "$p" = "$PKG" ] || [ "$p" = linux-config-6.12 ]; } &&
	   [ -n "$want" ] && apt-cache madison "$p" | grep -qF " $want "; then
		missing[$i]="$p=$want"
	fi
done
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
	--no-install-recommends "${missing[@]}"
