#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""`ibpong report export`: one flat record per row, CSV (read back with
Python's csv module) and JSON Lines, the same records in both; absent
figures empty, never 0; pairs by host; bad usage exit 2.

usage: export_test.py IBPONG_REPORT DATA_DIR REAL_SAMPLES_DIR
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

EXE, DATA, REAL = sys.argv[1:4]


def run(*args, rc=0):
    p = subprocess.run([EXE, 'export'] + list(args), capture_output=True,
                       text=True)
    if p.returncode != rc:
        sys.exit('FAIL: export %s: exit %d\n%s' % (' '.join(args),
                                                   p.returncode, p.stderr))
    return p


def expect(cond, what):
    if not cond:
        sys.exit('FAIL: ' + what)


sweep = os.path.join(DATA, 'sweep-8.json')
rocm = os.path.join(REAL, 'osu-5.9-rocm-bw-device.txt')
sweep_doc = json.load(open(sweep))
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, 'perf.csv')
    run(sweep, rocm, '-o', out)
    rows = list(csv.DictReader(open(out, newline='')))
    expect(len(rows) == len(sweep_doc['results']) + 6, 'one record per row')
    first = sweep_doc['results'][0]
    r = rows[0]
    expect((r['host_a'], r['host_b']) == (first['pair']['host_a'],
                                          first['pair']['host_b']),
           'pair by host %r' % r)
    expect(float(r['lat_median_us']) == first['latency_us']['median'],
           'median as stored')
    expect(r['latency_kind'] == 'one-way' and r['test_kind'] == 'latency',
           'kinds')
    g = rows[-1]
    expect(g['buffers'] == 'device/device (rocm)' and g['lat_mean_us'] == ''
           and float(g['bandwidth_MBps']) == 135040.96,
           'GPU row, absent latency empty: %r' % g)
    jl = run(sweep, rocm, '--format', 'jsonl').stdout.splitlines()
    recs = [json.loads(l) for l in jl]
    expect(len(recs) == len(rows), 'same records in JSON Lines')
    expect(list(recs[0]) == list(rows[0]), 'same columns, same order')
    expect(recs[-1]['lat_mean_us'] is None and
           recs[-1]['bandwidth_MBps'] == 135040.96, 'null, not 0')
    p = run(sweep, '--format', 'xml', rc=2)
    expect('expected csv or jsonl' in p.stderr, p.stderr)
    run(rc=2)
    run(sweep, '-o', os.path.join(tmp, 'no', 'dir.csv'), rc=3)
print('ok')
