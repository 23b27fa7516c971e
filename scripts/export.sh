#!/bin/bash
# make export: write the tree's commits (base..series) back as the series:
# one format-patch file per commit, the cover letter from series/cover.txt
# and the series file. Output is stable: no commit ids, dates or git
# version that change when nothing else did.
. "$(dirname "$0")/lib.sh"

cd "$TREE"
[ -z "$(git status --porcelain --untracked-files=no)" ] ||
	die "$TREE has uncommitted changes: commit them first"
[ "$(git rev-parse --abbrev-ref HEAD)" = series ] ||
	die "$TREE: not on branch series"
n=$(git rev-list --count base..series)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The cover letter's subject and text live in series/cover.txt: first line
# subject, then a blank line and the text.
git config branch.series.description "$(cat "$SERIES_DIR/cover.txt")"
git -c diff.noprefix=false -c format.signature= -c format.coverLetter=false \
	format-patch -q --zero-commit --no-signature --abbrev=12 \
	--cover-letter --cover-from-description=subject \
	--subject-prefix=PATCH -o "$tmp" base..series
# git dates the cover letter "now": use the newest commit's date instead.
date=$(git log -1 --format=%ad --date=rfc2822 series)
sed -i "s/^Date: .*/Date: $date/" "$tmp/0000-cover-letter.patch"

rm -f "$SERIES_DIR"/[0-9][0-9][0-9][0-9]-*.patch
cp "$tmp"/*.patch "$SERIES_DIR/"
{
	echo "# Patches in the order they apply; make export rewrites this file."
	(cd "$tmp" && ls [0-9][0-9][0-9][0-9]-*.patch | grep -v '^0000-cover-letter')
} > "$SERIES_DIR/series"
git update-ref refs/harness/applied HEAD
rm -f .git/harness-series	# make tree re-applies once and checks
say "exported $n patches to $SERIES_DIR"
git -C "$TOP" status --short -- series
