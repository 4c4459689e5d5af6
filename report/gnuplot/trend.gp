# History: one line per message size across the stored runs (x: run).
# Variables: those of common.gp, and
#   files      data files, one per size: "run-index value" under a header
#              whose second column is the size
#   xlabel     the x axis label
#   xtics      gnuplot tic list naming the runs
load tpldir.'/common.gp'
set xlabel xlabel
set logscale y 10
set format y '%g'
set ytics add (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000, 1e6)
set offsets 0.3, 0.3, 0, 0
if (strlen(xtics) > 0) {
	eval('set xtics '.xtics.' rotate by -30')
}
plot for [i=1:words(files)] word(files, i) using 1:2 with linespoints lt i title columnheader(2)
