# Message size on a log2 x axis, for latency.gp and bandwidth.gp.
#   xtics      gnuplot tic list, e.g. ("0" 0.5, "1" 1, "4K" 4096)
#   zeronote   1 if a 0-byte message is drawn at the floor 0.5 B
set xlabel 'message size (bytes)'
set logscale x 2
eval('set xtics '.xtics)
if (zeronote == 1) {
	set label 1 '0 B is drawn at 0.5 B' at graph 0, graph -0.13 font ',9' tc rgb '#666666'
}
