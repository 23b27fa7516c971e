#!/bin/bash
# make tree: unpack the Debian base once into the cache, make the git tree
# (first commit = pristine base, tag "base") and apply the series with git am.
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/deps.sh"

ver=$(installed_version)
want=$(tested_version)
src=$(src_dir)

if [ ! -d "$src" ]; then
	say "unpacking $TARBALL ($PKG $ver) into $src"
	tmp=$src.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	tar -C "$tmp" -xf "$TARBALL"
	mv "$tmp/$PKG" "$src"
	rmdir "$tmp"
	# The cache is the pristine base: keep it read-only.
	chmod -R a-w "$src"
fi

base_date='2026-01-01T00:00:00Z'
if [ ! -d "$TREE/.git" ]; then
	say "creating git tree $TREE from $PKG $ver"
	rm -rf "$TREE"
	git init -q -b series "$TREE"
	git -C "$TREE" config gc.auto 0
	git -C "$TREE" config core.abbrev 12
	if ! git -C "$TREE" config user.email >/dev/null; then
		git -C "$TREE" config user.name "VFIO dmabuf series"
		git -C "$TREE" config user.email "vfio-dmabuf@localhost"
	fi
	(cd "$src" && GIT_DIR=$TREE/.git GIT_WORK_TREE=$src git add -A -f)
	# Fixed identity and dates: the base commit is the same everywhere.
	export GIT_AUTHOR_NAME=Debian GIT_AUTHOR_EMAIL=debian-kernel@lists.debian.org
	export GIT_COMMITTER_NAME=Debian GIT_COMMITTER_EMAIL=debian-kernel@lists.debian.org
	GIT_AUTHOR_DATE=$base_date GIT_COMMITTER_DATE=$base_date \
		git -C "$TREE" commit -q -m "Base: $PKG $ver" \
		-m "Pristine /usr/src/$PKG.tar.xz from the Debian package, unpacked."
	GIT_COMMITTER_DATE=$base_date \
		git -C "$TREE" tag -a base -m "$PKG $ver"
	git -C "$TREE" checkout -q -f series
	git -C "$TREE" update-ref refs/harness/applied HEAD
	unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
fi

tree_ver=$(git -C "$TREE" for-each-ref --format='%(contents:subject)' refs/tags/base)
[ "$tree_ver" = "$PKG $ver" ] ||
	die "$TREE is based on '$tree_ver' but '$PKG $ver' is installed; export your work (make export), then remove $TREE and run make tree again"

cd "$TREE"
if [ -d .git/rebase-apply ]; then
	git am --abort
fi
[ -z "$(git status --porcelain --untracked-files=no)" ] ||
	die "$TREE has uncommitted changes: commit and export them (make export), or discard them"
if [ "${FORCE:-0}" != 1 ] &&
   [ "$(git rev-parse HEAD)" != "$(git rev-parse -q --verify refs/harness/applied || true)" ]; then
	die "$TREE has commits that were not applied from the series: run make export first (or FORCE=1 make tree to drop them; HEAD is kept as refs/harness/previous)"
fi

# Nothing to do when the tree already is the series as it stands.
sum=$(cat "$SERIES_DIR/series" $(grep -v '^#' "$SERIES_DIR/series" | sed "s|^|$SERIES_DIR/|") | sha256sum)
if [ "$(cat .git/harness-series 2>/dev/null)" = "$sum" ] &&
   [ "$(git rev-parse HEAD)" = "$(git rev-parse -q --verify refs/harness/applied || true)" ]; then
	say "$TREE is up to date with the series ($(git rev-list --count base..HEAD) patches on $PKG $ver)"
	exit 0
fi
git update-ref refs/harness/previous HEAD
rm -f .git/harness-series

[ "$ver" = "$want" ] ||
	say "warning: the series was last tested on $PKG $want; installed is $ver"

git checkout -q -B series base
n=0
while read -r p; do
	case $p in ''|'#'*) continue ;; esac
	if ! git am -q --committer-date-is-author-date "$SERIES_DIR/$p" >/tmp/am.$$ 2>&1; then
		grep -v -e 'git am --' -e 'When you have resolved' /tmp/am.$$ >&2
		rm -f /tmp/am.$$
		git am --abort
		git update-ref refs/harness/applied HEAD
		die "patch $p does not apply to $PKG $ver (series last tested on $want); the tree stops after the patches before it"
	fi
	n=$((n + 1))
done < "$SERIES_DIR/series"
rm -f /tmp/am.$$
git update-ref refs/harness/applied HEAD
echo "$sum" > .git/harness-series
say "$TREE: $n patches applied on $PKG $ver ($(git rev-parse --short HEAD))"
