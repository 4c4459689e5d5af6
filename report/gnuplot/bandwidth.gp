# Bandwidth against message size (log2 x, linear y), one line per run
# or group. Variables: those of common.gp and sizes.gp, and
#   files      data files, one per line, as in latency.gp
#   basefile   '' or the baseline run, drawn dashed
load tpldir.'/common.gp'
load tpldir.'/sizes.gp'
# The legend under the plot: the plot keeps the page's width.
set key outside bottom center horizontal Left reverse maxrows 4 width 2 height 1
set yrange [0:*]
set format y '%g'
cmd = "plot for [i=1:words(files)] word(files, i) using 1:2 with linespoints lt i title columnheader(2)"
if (strlen(basefile) > 0) {
	cmd = cmd.", basefile using 1:2 with linespoints lw 2 dt 3 pt 1 ps 0.6 lc rgb '#555555' title columnheader(2)"
}
eval(cmd)
