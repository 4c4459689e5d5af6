# History: one line per message size across the stored runs, by date.
# Variables: those of common.gp, and
#   files        data files, one per size: "x value" under a header whose
#                second column is the size; x is the run's time (seconds
#                since the epoch) when xtime is 1, else its index
#   xlabel       the x axis label
#   xtics        '' or a gnuplot tic list naming the runs
#   timeformat   the dates' format (xtime 1)
#   targetfile   '' or the rolling baseline per size (dashed segments)
#   targettitle  its legend
#   failfile     '' or the regressed points of the latest run (circled)
#   failtitle    their legend
load tpldir.'/common.gp'
set xlabel xlabel
set logscale y 10
set format y '%g'
set ytics add (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000, 1e6)
# The legend under the plot: the lines span the whole width.
set key outside bottom center horizontal Left reverse maxrows 3 width 2 height 1
set autoscale yfix
if (xtime == 1) {
	set xdata time
	set timefmt '%s'
	set format x timeformat
	set xtics rotate by -30
	set offsets graph 0.04, graph 0.04, graph 0.06, graph 0.06
} else {
	set offsets 0.3, 0.3, graph 0.06, graph 0.06
}
if (strlen(xtics) > 0) {
	eval('set xtics '.xtics.' rotate by -30')
}
cmd = "plot for [i=1:words(files)] word(files, i) using 1:2 with linespoints lt i title columnheader(2)"
if (strlen(targetfile) > 0) {
	cmd = cmd.", targetfile using 1:2 with lines lw 1.5 dt 2 lc rgb '#555555' title targettitle"
}
if (strlen(failfile) > 0) {
	cmd = cmd.", failfile using 1:2 with points pt 6 ps 2.4 lw 2 lc rgb '#d62728' title failtitle"
}
eval(cmd)
