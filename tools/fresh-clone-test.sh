#!/usr/bin/env bash
# fresh-clone-test.sh: runs CI's command (.ci/run, i.e. `make test`) on a fresh clone of this
# repository, optionally with a CPU hog on one core for the whole run, and records one result line.
# It is how issue 11's "N consecutive fresh runs, M of them with a hog" is measured.
set -uo pipefail
# the whole body is one compound command, so that editing this file during a run cannot change it
{

usage() {
	cat <<EOF
usage: tools/fresh-clone-test.sh [--hog | --hog-pid PID] [--rev REV] [--log FILE] TAG

Clones this repository at REV (default: HEAD) into /tmp/fresh-TAG (removed first), then runs
\`CI=true bash .ci/run </dev/null\` there, as CI does (root, no hugepages, no NIC needed).
  --hog        run \`sh -c 'while :; do :; done'\` for the whole run (one core busy)
  --hog-pid P  a hog started by the caller (one hog shared by runs made side by side): the line
               says hog=yes only when P is alive at the start and at the end of the run
  --rev REV    the commit to test
  --log FILE   where the result line goes (default: /tmp/fresh-runs.txt)
The run's output is /tmp/fresh-TAG/ci.log. The result line reads:
  run=TAG rev=SHORT hog=yes|no rc=N result="P passed, F failed" seconds=S load_start=L load_end=L
Exit status: the status of .ci/run.
EOF
}

hog=no rev=HEAD log=/tmp/fresh-runs.txt tag= extpid=
while [ $# -gt 0 ]; do
	case "$1" in
	--hog) hog=yes ;;
	--hog-pid) extpid=${2:?--hog-pid needs a pid}; shift ;;
	--rev) rev=${2:?--rev needs a commit}; shift ;;
	--log) log=${2:?--log needs a file}; shift ;;
	-h | --help) usage; exit 0 ;;
	-*) echo "fresh-clone-test.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
	*) tag=$1 ;;
	esac
	shift
done
[ -n "$tag" ] || { usage >&2; exit 2; }
src=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel) || exit 2
sha=$(git -C "$src" rev-parse --verify "$rev^{commit}") || { echo "fresh-clone-test.sh: no commit $rev" >&2; exit 2; }
dir=/tmp/fresh-$tag
rm -rf "$dir"
git clone -q "$src" "$dir" && git -C "$dir" checkout -q "$sha" || exit 2

hogpid=
if [ "$hog" = yes ]; then
	sh -c 'while :; do :; done' &
	hogpid=$!
fi
ext_alive=no
[ -n "$extpid" ] && kill -0 "$extpid" 2>/dev/null && ext_alive=yes
load() { cut -d' ' -f1 /proc/loadavg; }
l0=$(load) t0=$SECONDS
(cd "$dir" && CI=true bash .ci/run </dev/null >"$dir/ci.log" 2>&1)
rc=$?
[ -n "$hogpid" ] && kill "$hogpid" 2>/dev/null
if [ -n "$extpid" ]; then
	hog=no
	[ "$ext_alive" = yes ] && kill -0 "$extpid" 2>/dev/null && hog=yes
fi
result=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$dir/ci.log" | tail -1)
echo "run=$tag rev=${sha:0:7} hog=$hog rc=$rc result=\"${result:-none}\" seconds=$((SECONDS - t0))" \
	"load_start=$l0 load_end=$(load)" | tee -a "$log"
exit "$rc"
}
