# gnuplot script for bench/gbakd.sh: gnuplot -e "dir='RESULTS'" bench/plot.gp
# Reads RESULTS/plot/<system>-open.dat (offered/s, ok/s, p50, p90, p99, p99.9 in us; open-loop
# runs sorted by offered load) and <system>-sat.dat (closed-loop saturation, ok/s), written by
# b_plot (bench/lib.sh) from gbakd.json. Writes gbakd-latency.{png,svg} (latency percentiles vs
# offered load) and gbakd-throughput.{png,svg} (answers/s vs offered load), reference runs
# (testpmd 5tswap reflector) on the same plots.
if (!exists("dir")) dir = "."
d(s) = sprintf("%s/plot/%s", dir, s)
systems = "reflector hot cold"
title(s) = (s eq "reflector") ? "reflector (testpmd 5tswap)" : ("gbakd " . s)
col(i) = (i == 1) ? "#1b9e77" : (i == 2) ? "#d95f02" : "#7570b3"

do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngcairo size 1100,700 font ",10" } else { set terminal svg size 1100,700 dynamic font ",10" }

	set output sprintf("%s/gbakd-latency.%s", dir, fmt)
	set title "gbakd end to end: latency percentiles vs offered load (open loop, from the scheduled send time)"
	set xlabel "offered load (queries/s)"
	set ylabel "latency (us)"
	set logscale y
	set grid
	set key outside bottom center horizontal maxrows 3 font ",9"
	set arrow 1 from graph 0, first 1000 to graph 1, first 1000 nohead dt 3 lc "red"
	set label 1 "1 ms target" at graph 0.01, first 1150 tc "red"
	plot for [i=1:3] d(word(systems, i) . "-open.dat") using 1:5 with linespoints lw 2 pt 7 lc rgb col(i) title title(word(systems, i)) . " p99", \
	     for [i=1:3] d(word(systems, i) . "-open.dat") using 1:3 with linespoints lw 1 dt 2 pt 6 lc rgb col(i) title title(word(systems, i)) . " p50", \
	     for [i=1:3] d(word(systems, i) . "-open.dat") using 1:6 with linespoints lw 1 dt 3 pt 4 lc rgb col(i) title title(word(systems, i)) . " p99.9"
	unset arrow 1
	unset label 1
	unset logscale y

	set output sprintf("%s/gbakd-throughput.%s", dir, fmt)
	set title "gbakd end to end: correct answers/s vs offered load (reflector = I/O ceiling)"
	set xlabel "offered load (queries/s)"
	set ylabel "answers/s (verified)"
	set key inside left top box opaque font ",9"
	set yrange [0:*]
	set xrange [0:*]
	plot x with lines dt 3 lc "grey" title "answered = offered", \
	     for [i=1:3] d(word(systems, i) . "-open.dat") using 1:2 with linespoints lw 2 pt 7 lc rgb col(i) title title(word(systems, i)) . " (open loop)", \
	     for [i=1:3] d(word(systems, i) . "-sat.dat") using 1:2 with points pt 9 ps 2 lc rgb col(i) title title(word(systems, i)) . " saturation (closed loop)"
	unset yrange
	unset xrange
}
