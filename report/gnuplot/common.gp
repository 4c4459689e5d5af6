# Shared settings, loaded by every ibpong plot template.
# Variables (gnuplot -e "name='value'"), set by ibpong report:
#   fmt        'png' or 'svg'
#   outfile    the image to write
#   plottitle  the title
#   ylabel     the y axis label
if (fmt eq 'svg') {
	set terminal svg size 1000,560 font 'Helvetica,13' background '#ffffff'
} else {
	set terminal pngcairo size 1000,600 font 'Sans,10' background '#ffffff'
}
set termoption noenhanced
set output outfile
set title plottitle
set ylabel ylabel
set grid xtics ytics lc rgb '#d8d8d8' lw 1 dt 1
set border 3 lc rgb '#444444'
set tics nomirror
set key outside right top vertical Left reverse noautotitle
set datafile commentschars '#'
set datafile separator whitespace
set linetype 1 lc rgb '#1f77b4' lw 2 pt 7 ps 0.7
set linetype 2 lc rgb '#ff7f0e' lw 2 pt 5 ps 0.7
set linetype 3 lc rgb '#2ca02c' lw 2 pt 9 ps 0.8
set linetype 4 lc rgb '#9467bd' lw 2 pt 11 ps 0.8
set linetype 5 lc rgb '#8c564b' lw 2 pt 13 ps 0.8
set linetype 6 lc rgb '#e377c2' lw 2 pt 3 ps 0.8
set linetype 7 lc rgb '#7f7f7f' lw 2 pt 1 ps 0.8
set linetype 8 lc rgb '#bcbd22' lw 2 pt 15 ps 0.8
set linetype cycle 8
