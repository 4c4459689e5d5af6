#!/bin/bash
# compare: verdicts, the noise rule, tolerance, bandwidth, groups, errors.
. "$(dirname "$0")/common.sh"
R="$EXE compare"
O=$WORK/out

# A clear regression (+30 % at 4K and above): exit 1, those sizes flagged.
expect_rc 1 $O $R "$DATA/lat-base.json" "$DATA/lat-regress.json"
expect_grep '^ +4096 .* 1\.300 .*REGRESSION$' $O
expect_grep '^ +2048 .*no significant change$' $O
expect_grep 'summary: 5 regression' $O

# An improvement (-20 % everywhere): exit 0, no regression.
expect_rc 0 $O $R "$DATA/lat-base.json" "$DATA/lat-improve.json"
expect_grep 'summary: 0 regression\(s\), 18 improvement' $O

# Noise: +3 % is within the 5 % tolerance; +12 % at 1K-4K where the
# candidate's p90 is 30 % above its median is within the noise: same.
expect_rc 0 $O $R "$DATA/lat-base.json" "$DATA/lat-noise.json"
expect_grep '^ +2048 .* 1\.120 +30\.0% +none +no significant change$' $O
expect_grep 'summary: 0 regression\(s\), 0 improvement\(s\), 0 inconclusive, 18 no significant change' $O
# Without the noise term the same +12 % is a regression.
expect_rc 1 $O $R --noise 0 "$DATA/lat-base.json" "$DATA/lat-noise.json"
expect_grep 'summary: 3 regression' $O
# A tolerance below 3 % flags every size.
expect_rc 1 $O $R --tolerance 2% --noise 0 "$DATA/lat-base.json" \
	"$DATA/lat-noise.json"
expect_grep 'summary: 18 regression' $O

# Imported results (means only): the plain tolerance.
expect_rc 1 $O $R "$DATA/imb-base.json" "$DATA/imb-cand.json"
expect_grep 'mean latency' $O
expect_grep '^ +65536 .*REGRESSION$' $O
expect_grep 'summary: 1 regression' $O
expect_grep 'note: 18 size\(s\) without a 95 % interval' $O
expect_rc 0 $O $R --tolerance 15 "$DATA/imb-base.json" "$DATA/imb-cand.json"

# Bandwidth: lower is worse.
expect_rc 1 $O $R "$DATA/bw-base.json" "$DATA/bw-regress.json"
expect_grep 'bandwidth \(MB/s\)' $O
expect_grep '^ +16384 .* 0\.700 .*REGRESSION$' $O
expect_rc 0 $O $R "$DATA/bw-regress.json" "$DATA/bw-base.json"

# --stat p99: the regressed run is also worse at p99.
expect_rc 1 $O $R --stat p99 "$DATA/lat-base.json" "$DATA/lat-regress.json"
expect_grep 'p99 latency' $O

# Groups: eastus is 1.5x westeurope; the first file's group is the baseline.
expect_rc 1 $O $R --group-by region "$DATA/region-westeurope-1.json" \
	"$DATA/region-westeurope-2.json" "$DATA/region-eastus-1.json" \
	"$DATA/region-eastus-2.json"
expect_grep "baseline group 'westeurope'" $O
expect_grep "group 'eastus': 2 run" $O
expect_grep '^ +1024 +1\.102 \| +1\.654 +1\.500 none +REGRESSION' $O
expect_rc 0 $O $R --group-by region "$DATA/region-eastus-1.json" \
	"$DATA/region-westeurope-1.json" "$DATA/region-eastus-2.json" \
	"$DATA/region-westeurope-2.json"
expect_grep '0\.667 none +improvement' $O

# Intervals (ci95_us). The baseline is +-15 % wide from 4 KiB on. A
# candidate 10 % slower there, inside the baseline's interval, is past
# the 5 % threshold but not a regression: inconclusive, exit 4.
expect_rc 4 $O $R "$DATA/ci-base.json" "$DATA/ci-within.json"
expect_grep '^ +4096 +1\.410 +1\.551 +1\.100 +5\.0% overlap +inconclusive$' $O
expect_grep '^ +2048 .* overlap +no significant change$' $O
expect_grep 'summary: 0 regression\(s\), 0 improvement\(s\), 5 inconclusive, 13 no significant change' $O
expect_no_grep 'REGRESSION|without a 95 % interval' $O
# 30 % slower, the intervals disjoint: a regression, exit 1; at 64 KiB the
# candidate's row is unstable: inconclusive there.
expect_rc 1 $O $R "$DATA/ci-base.json" "$DATA/ci-regress.json"
expect_grep '^ +4096 .* 1\.300 +5\.0% disjoint +REGRESSION$' $O
expect_grep '^ +65536 .* 1\.300 +5\.0% unstable +inconclusive$' $O
expect_grep 'summary: 4 regression\(s\), 0 improvement\(s\), 1 inconclusive' $O
# Reversed, the same intervals make improvements (64 KiB inconclusive).
expect_rc 4 $O $R "$DATA/ci-regress.json" "$DATA/ci-base.json"
expect_grep '^ +4096 .* disjoint +improvement$' $O
# The same run against itself: nothing significant.
expect_rc 0 $O $R "$DATA/ci-base.json" "$DATA/ci-base.json"
expect_grep 'summary: 0 regression\(s\), 0 improvement\(s\), 0 inconclusive, 18 no significant change' $O
# p99 has no interval: the threshold alone, and the output says so.
expect_rc 1 $O $R --stat p99 "$DATA/ci-base.json" "$DATA/ci-within.json"
expect_grep '^ +4096 .* none +REGRESSION$' $O
expect_grep 'note: 18 size\(s\) without a 95 % interval' $O
# Groups carry the intervals too (the hull of their runs' below 6 runs):
# the "within" run as region eastus is inconclusive against westeurope,
# the "regress" run a regression.
sed 's/"westeurope"/"eastus"/' "$DATA/ci-within.json" >"$WORK/east-within.json"
sed 's/"westeurope"/"eastus"/' "$DATA/ci-regress.json" >"$WORK/east-regress.json"
expect_rc 4 $O $R --group-by region "$DATA/ci-base.json" "$DATA/ci-base.json" \
	"$WORK/east-within.json"
expect_grep '^ +4096 +1\.410 \| +1\.551 +1\.100 overlap +inconclusive' $O
expect_grep 'summary: 0 regression\(s\), 5 inconclusive across groups' $O
expect_rc 1 $O $R --group-by region "$DATA/ci-base.json" \
	"$WORK/east-regress.json"
expect_grep '^ +4096 .* disjoint +REGRESSION' $O

# Bad input: one line, exit 2.
expect_rc 2 $O $R "$DATA/lat-base.json"
expect_rc 2 $O $R "$DATA/lat-base.json" "$WORK/missing.json"
expect_grep 'missing.json' $O
expect_rc 2 $O $R --stat p42 "$DATA/lat-base.json" "$DATA/lat-regress.json"
expect_rc 2 $O $R --tolerance x "$DATA/lat-base.json" "$DATA/lat-regress.json"
expect_rc 2 $O $R "$DATA/lat-base.json" "$DATA/bw-base.json"
echo '{"format": "ibpong/9"}' >"$WORK/bad.json"
expect_rc 2 $O $R "$DATA/lat-base.json" "$WORK/bad.json"
[ "$(wc -l <$O)" -eq 1 ] || fail "bad input gives more than one line"
expect_rc 0 $O $R --help
expect_grep 'max\(tolerance' $O
expect_grep 'Exit: 0 no regression and none inconclusive, 1 a regression' $O
expect_grep 'threshold is inconclusive' $O
finish
