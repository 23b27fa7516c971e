#!/bin/bash
# fresh-chroot.sh DIR: run the README's two commands as a new user would on
# a brand-new Debian 12. Makes a minimal bookworm in DIR with debootstrap
# (once; git, make and ca-certificates only), clones this repository's HEAD
# into it and runs `make` and then `make check` there, from scratch (an
# empty ccache, no unpacked source), printing how long each took and its
# last lines. Needs root on the host; not part of `make check`.
. "$(dirname "$0")/lib.sh"

dir=${1:?directory for the chroot}
[ "$(id -u)" = 0 ] || die "run as root"
if [ ! -x "$dir/usr/bin/git" ]; then
	command -v debootstrap >/dev/null ||
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap
	mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources | head -1)
	debootstrap --variant=minbase --include=git,make,ca-certificates \
		bookworm "$dir" "${mirror:-http://deb.debian.org/debian}"
fi
# The host's apt sources (with security and updates, where linux-source-6.12
# comes from) and name resolution.
cp /etc/apt/sources.list.d/debian.sources "$dir/etc/apt/sources.list.d/"
rm -f "$dir/etc/apt/sources.list"
cp /etc/resolv.conf "$dir/etc/resolv.conf"

for m in proc sys dev dev/pts; do
	mountpoint -q "$dir/$m" || mount --bind "/$m" "$dir/$m"
done
trap 'for m in dev/pts dev sys proc; do umount "$dir/$m" 2>/dev/null; done' EXIT

rm -rf "$dir/root/vfio" "$dir/root/.cache"
git clone -q "$TOP" "$dir/root/vfio"
run() {	# run NAME COMMAND: in the chroot, as a fresh login would
	local start=$SECONDS
	chroot "$dir" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		TERM=dumb bash -c "cd /root/vfio && $2" >"$dir/root/$1.log" 2>&1
	local rc=$?
	tail -3 "$dir/root/$1.log"
	say "$1: exit $rc after $(((SECONDS - start) / 60)) min $(((SECONDS - start) % 60)) s (log: $dir/root/$1.log)"
	return $rc
}
run make make
run make-check "make check"
