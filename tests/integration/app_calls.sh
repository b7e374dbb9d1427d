#!/usr/bin/env bash
# The app/ files call each other one way (issue 13 "done when": no call circle between app/
# files): tools/check-calls.sh over gbakd's objects passes, and the same script fails, naming the
# files, on a pair of objects built here that call each other (so the check can fail).
. "$(dirname "$0")/../common/lib.sh"
t_begin app_calls
CC=${CC:-gcc}

check "gbakd's app/ objects: no call circle" bash tools/check-calls.sh "$BUILD/obj/app"
out=$(bash tools/check-calls.sh "$BUILD/obj/app")
check_match "graph: the loop calls the stages" "worker -> forward" "$out"
check_match "graph: the sink calls dia_node" "answer -> dia_node" "$out"
check "graph: no stage calls the loop" bash -c "! grep -E -- '-> worker ' <<<\"\$1\" | grep -v '^main '" _ "$out"
check "graph: the sink calls no stage" bash -c "! grep -E '^answer -> (forward|worker)' <<<\"\$1\"" _ "$out"

# a circle a -> b -> a (a function each way) and a longer one through a variable: c -> d -> e -> c
mkdir -p "$T_TMP/obj"
printf 'int b1(void);\nint a1(void) { return b1(); }\n' >"$T_TMP/a.c"
printf 'int a1(void);\nint b1(void) { return 1; }\nint b2(void) { return a1(); }\n' >"$T_TMP/b.c"
printf 'int d1(void);\nint c_var = 1;\nint c1(void) { return d1(); }\n' >"$T_TMP/c.c"
printf 'int e1(void);\nint d1(void) { return e1(); }\n' >"$T_TMP/d.c"
printf 'extern int c_var;\nint e1(void) { return c_var; }\n' >"$T_TMP/e.c"
for f in a b c d e; do $CC -c -o "$T_TMP/obj/$f.o" "$T_TMP/$f.c"; done
bad=$(SRC=/nonexistent bash tools/check-calls.sh "$T_TMP/obj"); rc=$?
check_eq "a circle fails the check" 1 "$rc"
check_match "the circle a <-> b is named" "a"$'\n'"  b|b"$'\n'"  a" "$bad"
check_match "a circle through a variable (c -> d -> e -> c) is found" "e -> c  \(c_var\)" "$bad"
rm "$T_TMP/obj/a.o"
SRC=/nonexistent bash tools/check-calls.sh "$T_TMP/obj" >/dev/null; rc=$?
check_eq "c -> d -> e -> c alone still fails" 1 "$rc"
rm "$T_TMP/obj/e.o"
check "no circle left: passes" env SRC=/nonexistent bash tools/check-calls.sh "$T_TMP/obj"
check "--help" bash -c "bash tools/check-calls.sh --help | grep -q Usage"
t_end
