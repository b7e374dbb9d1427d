#!/usr/bin/env bash
# make install / uninstall with PREFIX and DESTDIR put exactly the expected files in place.
. "$(dirname "$0")/../common/lib.sh"
t_begin make_install
cd "$T_ROOT"
D=$T_TMP/root
check "make install DESTDIR PREFIX" make --no-print-directory install DESTDIR="$D" PREFIX=/opt/gbk BUILD="$BUILD"
for f in bin/gbakd bin/gbactl etc/gbakd/gbakd.ini etc/gbakd/freediameter/bsf.conf share/gbakd/README.md; do
	check "installed: $f" test -s "$D/opt/gbk/$f"
done
check_match "installed gbakd runs" '^gbakd [0-9]' "$("$D/opt/gbk/bin/gbakd" --version)"
check_match "installed gbactl runs" 'usage: gbactl' "$("$D/opt/gbk/bin/gbactl" --help)"
check "make uninstall" make --no-print-directory uninstall DESTDIR="$D" PREFIX=/opt/gbk BUILD="$BUILD"
check_eq "uninstall leaves no file" 0 "$(find "$D" -type f | wc -l)"
t_end
