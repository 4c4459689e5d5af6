# The latency matrix of a sweep: one cell per pair of endpoints, drawn
# at (a, b) and (b, a); pairs not measured stay blank. Endpoints are
# named by host; suspect nodes are outlined (and marked "(!)"), suspect
# links circled. The colour scale is anchored to the cluster: pale at
# its median, red at the target (or twice the median), so that a healthy
# cluster is pale however small its spread.
# Variables: those of common.gp, and
#   datafile   lines "column row value" (0-based endpoint indices)
#   marksfile  '' or lines "column row" of the suspect links
#   n          the number of endpoints
#   tics       gnuplot tics list of the endpoints' labels (hosts)
#   cblabel    the colour bar's label
#   hmpalette  a gnuplot palette list; cblo, cbhi its range (numbers)
#   hmcbtics   colour-bar tics naming the median and the target
#   suspects   the suspect endpoints' indices, space-separated
load tpldir.'/common.gp'
unset key
set size ratio -1
set xrange [-0.5:n - 0.5]
set yrange [n - 0.5:-0.5]
eval('set xtics '.tics.' rotate by 90 right')
eval('set ytics '.tics)
set xlabel 'host'
set cblabel cblabel
set grid noxtics noytics
set border 15
set tics nomirror out
eval('set palette defined '.hmpalette)
set cbrange [cblo:cbhi]
eval('set cbtics add '.hmcbtics)
do for [i=1:words(suspects)] {
	k = word(suspects, i) + 0
	set object rectangle from -0.5, k - 0.5 to n - 0.5, k + 0.5 front fillstyle empty border lc rgb '#000000' lw 2.5
	set object rectangle from k - 0.5, -0.5 to k + 0.5, n - 0.5 front fillstyle empty border lc rgb '#000000' lw 2.5
}
note = 'outlined: suspect node'.(strlen(marksfile) > 0 ? '; circled: suspect link' : '')
if (words(suspects) > 0 || strlen(marksfile) > 0) {
	set label 1 note at screen 0.01, screen 0.02 left
}
cmd = "plot datafile using 1:2:(0.5):(0.5):3 with boxxyerror fillstyle solid 1.0 noborder lc palette"
if (strlen(marksfile) > 0) {
	cmd = cmd.", marksfile using 1:2 with points pt 6 ps 3 lw 2.5 lc rgb '#000000'"
}
eval(cmd)
