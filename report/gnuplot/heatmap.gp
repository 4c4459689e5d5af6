# The latency matrix of a sweep: one cell per pair of ranks, drawn at
# (a, b) and (b, a); pairs not measured stay blank.
# Variables: those of common.gp, and
#   datafile  lines "column row value" (0-based endpoint indices)
#   n         the number of endpoints
#   tics      gnuplot tics list of the endpoints' labels
#   cblabel   the colour bar's label
load tpldir.'/common.gp'
unset key
set size ratio -1
set xrange [-0.5:n - 0.5]
set yrange [n - 0.5:-0.5]
eval('set xtics '.tics.' rotate by 90 right')
eval('set ytics '.tics)
set xlabel 'rank'
set cblabel cblabel
set grid noxtics noytics
set border 15
set tics nomirror out
set palette defined (0 '#ffffcc', 0.35 '#fed976', 0.6 '#fd8d3c', 0.8 '#e31a1c', 1 '#800026')
plot datafile using 1:2:(0.5):(0.5):3 with boxxyerror fillstyle solid 1.0 noborder lc palette
