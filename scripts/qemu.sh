#!/bin/bash
# qemu.sh: print the directory of Debian's QEMU 10.0 for Debian 12
# (bookworm-backports), unpacked under .cache/ without installing it, so
# that the rest of the harness keeps the machine's QEMU 7.2. The race
# stress runs on it with multi-threaded TCG: QEMU 7.2 segfaults there
# (memory_region_dispatch_write on a NULL region, 3 of 9 boots).
# The package list goes to a private apt state directory; the machine's
# apt sources are not touched.
. "$(dirname "$0")/lib.sh"

suite=bookworm-backports
want=${QEMU_VERSION:-1:10.0.2+ds-2+deb13u1~bpo12+1}
dir=$CACHE/qemu-${want//[:~]/_}
if [ -x "$dir/usr/bin/qemu-system-x86_64" ]; then
	echo "$dir"
	exit 0
fi

apt=$CACHE/apt-$suite
mkdir -p "$apt/lists/partial" "$apt/debs"
uri=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${uri:-http://deb.debian.org/debian} $suite main" > "$apt/sources.list"
opts=(-o Dir::Etc::sourcelist="$apt/sources.list" -o Dir::Etc::sourceparts=-
      -o Dir::State::Lists="$apt/lists" -o APT::Sandbox::User=root)
say "fetching QEMU $want from $suite"
apt-get "${opts[@]}" -q update >&2
# The libraries it links against are Debian 12's own: install those that
# are missing from the machine's sources (QEMU 7.2 already needs most).
libs=$(apt-cache "${opts[@]}" show "qemu-system-x86=$want" |
	sed -n 's/^Depends: //p' | head -1 | tr ',' '\n' |
	sed -E 's/^ *//; s/ .*//' | grep -E '^lib|^zlib')
missing=()
for p in $libs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	sudo=
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
		--no-install-recommends "${missing[@]}" >&2
fi
seabios=$(apt-cache "${opts[@]}" policy seabios | sed -n 's/^ *Candidate: //p')
(cd "$apt/debs" && rm -f ./*.deb &&
	apt-get "${opts[@]}" -q download "qemu-system-x86=$want" \
		"qemu-system-common=$want" "qemu-system-data=$want" \
		"seabios=$seabios") >&2
rm -rf "$dir.tmp"
mkdir -p "$dir.tmp"
for d in "$apt"/debs/*.deb; do
	dpkg-deb -x "$d" "$dir.tmp"
done
if ldd "$dir.tmp/usr/bin/qemu-system-x86_64" | grep -q 'not found'; then
	ldd "$dir.tmp/usr/bin/qemu-system-x86_64" | grep 'not found' >&2
	die "QEMU $want lacks libraries"
fi
mv "$dir.tmp" "$dir"
echo "$dir"
