#!/usr/bin/env bash
# Fails when the objects of app/ call each other in a circle (README "Architecture": calls go one
# way). An edge A -> B means an undefined symbol of A.o (a function or a variable) is defined in
# B.o; any cycle of such edges (A -> B -> A, or longer) is reported with its members. Not seen:
# calls through function pointers (A hands B a pointer to its own function); the rule that keeps
# this exact is that no app/ file passes another a function pointer (callbacks are registered
# only with libraries: fdpeer, av (the vector sources), telemetry, libmicrohttpd).
# Usage: tools/check-calls.sh [OBJ_DIR]   (default build/obj/app; SRC=app: objects without a
#        source there are skipped; needs nm and tsort)
#        tools/check-calls.sh --help
set -u
case "${1:-}" in
-h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
dir=${1:-${BUILD:-build}/obj/app}
shopt -s nullglob
objs=("$dir"/*.o)
[ ${#objs[@]} -gt 0 ] || { echo "check-calls: no objects in $dir (build first)" >&2; exit 2; }
defs=$(mktemp); edges=$(mktemp); trap 'rm -f "$defs" "$edges"' EXIT
# objects of sources that no longer exist (a renamed file) are stale: skip them
live=()
for o in "${objs[@]}"; do
	[ -d "${SRC:-app}" ] && [ ! -e "${SRC:-app}/$(basename "$o" .o).c" ] && continue
	live+=("$o")
done
objs=("${live[@]}")
for o in "${objs[@]}"; do
	f=$(basename "$o" .o)
	nm --defined-only -g "$o" | awk -v f="$f" 'NF == 3 { print $3, f }'
done | sort -u >"$defs"
[ -s "$defs" ] || { echo "check-calls: the objects in $dir define no global symbol (stripped?)" >&2; exit 2; }
for o in "${objs[@]}"; do
	f=$(basename "$o" .o)
	nm -u "$o" | awk '{ print $NF }' | sort -u | join - "$defs" | awk -v f="$f" '$2 != f { print f, $2, $1 }'
done | sort -u >"$edges"
# the file graph (one line per edge, with one symbol that makes it)
awk '{ k = $1 " -> " $2; if (!(k in s)) s[k] = $3 } END { for (k in s) print k "  (" s[k] ")" }' "$edges" | sort
# tsort reports a loop on stderr ("input contains a loop:" then the members)
loops=$(awk '{ print $1, $2 }' "$edges" | sort -u | tsort 2>&1 >/dev/null)
if [ -n "$loops" ]; then
	echo "check-calls: call circle between app/ files:"
	echo "$loops" | grep -v 'input contains a loop' | sed 's/^tsort: //; s/^/  /'
	exit 1
fi
echo "check-calls: no call circle between the ${#objs[@]} app/ files"
