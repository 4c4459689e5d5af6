# Latency against message size, log-log, one line per run or group.
# Variables: those of common.gp and sizes.gp, and
#   files        data files, one per line: "size value" under a header
#                whose second column is the line's title
#   basefile     '' or the baseline run (same format), drawn dashed
#   targetfile   '' or the target line (segments "size usec")
#   targettitle  its legend: the target's values and ranges
#   failfile     '' or the points over the target ("size usec")
#   failtitle    their legend
load tpldir.'/common.gp'
load tpldir.'/sizes.gp'
# The legend under the plot: the plot keeps the page's width.
set key outside bottom center horizontal Left reverse maxrows 4 width 2 height 1
set logscale y 10
set format y '%g'
set ytics add (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000, 1e6)
# The range of the data (and the target), a little room around it.
set autoscale yfix
set offsets 0, 0, graph 0.06, graph 0.06
cmd = "plot for [i=1:words(files)] word(files, i) using 1:2 with linespoints lt i title columnheader(2)"
if (strlen(basefile) > 0) {
	cmd = cmd.", basefile using 1:2 with linespoints lw 2 dt 3 pt 1 ps 0.6 lc rgb '#555555' title columnheader(2)"
}
if (strlen(targetfile) > 0) {
	cmd = cmd.", targetfile using 1:2 with lines lw 2 dt 2 lc rgb '#d62728' title targettitle"
}
if (strlen(failfile) > 0) {
	cmd = cmd.", failfile using 1:2 with points pt 6 ps 2.2 lw 2 lc rgb '#d62728' title failtitle"
}
eval(cmd)
