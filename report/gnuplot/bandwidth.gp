# Bandwidth against message size (log2 x, linear y), one line per run
# or group. Variables: those of common.gp and sizes.gp, and
#   files      data files, one per line, as in latency.gp
load tpldir.'/common.gp'
load tpldir.'/sizes.gp'
set yrange [0:*]
set format y '%g'
plot for [i=1:words(files)] word(files, i) using 1:2 with linespoints lt i title columnheader(2)
