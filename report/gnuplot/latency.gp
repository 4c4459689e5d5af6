# Latency against message size, log-log, one line per run or group.
# Variables: those of common.gp and sizes.gp, and
#   files       data files, one per line: "size value" under a header
#               whose second column is the line's title
#   targetfile  '' or the target line (segments "size usec")
#   failfile    '' or the points over the target ("size usec")
load tpldir.'/common.gp'
load tpldir.'/sizes.gp'
set logscale y 10
set format y '%g'
set ytics add (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000, 1e6)
cmd = "plot for [i=1:words(files)] word(files, i) using 1:2 with linespoints lt i title columnheader(2)"
if (strlen(targetfile) > 0) {
	cmd = cmd.", targetfile using 1:2 with lines lw 2 dt 2 lc rgb '#d62728' title 'target'"
}
if (strlen(failfile) > 0) {
	cmd = cmd.", failfile using 1:2 with points pt 6 ps 2.2 lw 2 lc rgb '#d62728' title 'over target'"
}
eval(cmd)
