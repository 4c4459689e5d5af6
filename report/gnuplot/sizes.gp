# Message size on a log2 x axis, for latency.gp and bandwidth.gp.
#   xtics      gnuplot tic list, e.g. ("0" 0.5, "1" 1, "4K" 4096)
#   zeronote   1 if a 0-byte message is drawn at the floor 0.5 B
#   xlo, xhi   the sizes at both ends (numbers)
if (zeronote == 1) {
	set xlabel 'message size (bytes; 0 B is drawn at 0.5 B)'
} else {
	set xlabel 'message size (bytes)'
}
set logscale x 2
set xrange [xlo / 1.25 : xhi * 1.25]
eval('set xtics '.xtics)
