#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""`ibpong report import` on real outputs collected from public
repositories and runs made here (samples/real, origins in its README):
every table with its kind, rows and values; what was skipped, with its
line; errors with FILE:LINE.

usage: real_test.py IBPONG_REPORT REAL_SAMPLES_DIR CASE
CASE: osu, imb, perftest, ibpong, errors, apart
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

EXE, REAL, CASE = sys.argv[1], sys.argv[2], sys.argv[3]


def expect(cond, what):
    if not cond:
        sys.exit('FAIL: ' + what)


def run(*args, rc=0):
    p = subprocess.run([EXE] + list(args), capture_output=True, text=True)
    if p.returncode != rc:
        sys.exit('%s: exit %d, expected %d\nstdout:\n%s\nstderr:\n%s' %
                 (' '.join(args), p.returncode, rc, p.stdout, p.stderr))
    return p


def imported(tmp, name, sub='out'):
    """Import REAL/name into a directory that does not exist yet."""
    out = os.path.join(tmp, sub, 'deeper')
    expect(not os.path.exists(out), 'fresh output directory')
    p = run('import', '--out', out, os.path.join(REAL, name))
    docs = {}
    for f in sorted(glob.glob(os.path.join(out, '*.json'))):
        docs[os.path.basename(f)] = json.load(open(f))
    return docs, p


def row(doc, size, pair=None):
    for r in doc['results']:
        if r['size_bytes'] == size and (pair is None or
                                        (r['pair']['rank_a'],
                                         r['pair']['rank_b']) == pair):
            return r
    sys.exit('FAIL: no %d B row in %s' % (size, doc['test']['name']))


def by_test(docs):
    return {d['test']['name']: d for d in docs.values()}


def case_osu(tmp):
    name = 'osu-5.8-gke-16-tests.log'
    docs, p = imported(tmp, name)
    t = by_test(docs)
    kinds = {n: (d['tool']['name'], d['test']['kind'], d['test']['latency'])
             for n, d in t.items()}
    want = {
        'latency': ('osu_latency', 'latency', 'one-way'),
        'bw': ('osu_bw', 'bw', 'one-way'),
        'bibw': ('osu_bibw', 'bibw', 'one-way'),
        'put_latency': ('osu_put_latency', 'rma-latency', 'one-message'),
        'get_latency': ('osu_get_latency', 'rma-latency', 'one-message'),
        'acc_latency': ('osu_acc_latency', 'rma-latency', 'one-message'),
        'get_acc_latency': ('osu_get_acc_latency', 'rma-latency',
                            'one-message'),
        'fop_latency': ('osu_fop_latency', 'rma-latency', 'one-message'),
        'cas_latency': ('osu_cas_latency', 'rma-latency', 'one-message'),
        'put_bw': ('osu_put_bw', 'rma-bw', 'one-way'),
        'get_bw': ('osu_get_bw', 'rma-bw', 'one-way'),
        'put_bibw': ('osu_put_bibw', 'rma-bibw', 'one-way'),
    }
    expect(kinds == want, 'OSU tests and kinds: %r' % kinds)
    # Values as printed in the log.
    text = open(os.path.join(REAL, name)).read().splitlines()

    def printed(title, size):
        i = next(k for k, l in enumerate(text) if l.startswith(title))
        for l in text[i + 1:]:
            f = l.split()
            if len(f) == 2 and f[0] == str(size):
                return float(f[1])
        sys.exit('FAIL: %s %d not in the log' % (title, size))
    expect(row(t['put_latency'], 1)['latency_us']['mean'] ==
           printed('# OSU MPI_Put Latency Test', 1), 'put 1 B')
    expect(row(t['get_bw'], 4194304)['bandwidth_MBps'] ==
           printed('# OSU MPI_Get Bandwidth Test', 4194304), 'get_bw 4 MiB')
    expect(row(t['latency'], 8192)['latency_us']['mean'] ==
           printed('# OSU MPI Latency Test', 8192), 'latency 8 KiB')
    expect(t['put_latency']['run']['source']['synchronization'] ==
           'MPI_Win_flush', 'one-sided synchronisation recorded')
    # Ten tests skipped, each with its line, in the JSON and on stderr.
    sk = t['latency']['run']['source']['skipped']
    lines = [s['line'] for s in sk]
    expect(lines == [289, 356, 398, 422, 454, 463, 472, 504, 537, 567],
           'skipped lines %r' % lines)
    for s in sk:
        expect(text[s['line'] - 1].startswith('# ' + s['test']),
               'line %d is %r' % (s['line'], s['test']))
    err = p.stderr.strip().splitlines()
    expect(len(err) == 10 and all(': skipped OSU MPI ' in e for e in err),
           'one stderr line per skipped test: %r' % err)
    expect(err[0].startswith(os.path.join(REAL, name) + ':289: skipped '
                             'OSU MPI Multi-process Latency Test'), err[0])

    # GPU buffers: recorded, and the run is kept apart from host runs.
    docs, _ = imported(tmp, 'osu-5.9-rocm-bw-device.txt', 'rocm')
    (d,) = docs.values()
    expect(d['run']['buffers'] == {'send': 'device', 'recv': 'device',
                                   'accelerator': 'rocm'},
           'buffers %r' % d['run'].get('buffers'))
    expect(row(d, 131072)['bandwidth_MBps'] == 14848.95, 'rocm bw')
    expect(d['tool']['name'] == 'osu_bw' and d['test']['kind'] == 'bw',
           'rocm test')


def case_imb(tmp):
    docs, _ = imported(tmp, 'imb-2021-multi1.txt', 'm1')
    (d,) = docs.values()
    expect(d['test'] == {'name': 'Multi-PingPong', 'kind': 'latency',
                         'latency': 'one-way'}, 'multi test %r' % d['test'])
    expect(len(d['results']) == 16, '8 sizes x 2 groups')
    expect(row(d, 8, (2, 3))['latency_us']['mean'] == 23.90, 'group 1 8 B')
    expect(row(d, 8, (0, 1))['latency_us']['mean'] == 4.14, 'group 0 8 B')
    expect(d['run']['source']['processes'] == '2 groups of 2', 'groups')

    docs, _ = imported(tmp, 'imb-2021-multi0.txt', 'm0')
    (d,) = docs.values()
    expect(d['test']['name'] == 'Multi-PingPong' and
           len(d['results']) == 8 and 'pair' not in d['results'][0],
           'multi 0: the slowest group per size')
    expect(row(d, 64)['latency_us']['mean'] == 6.20, 't_avg of -multi 0')

    docs, _ = imported(tmp, 'imb-2021-npmin.txt', 'np')
    got = sorted((d['test']['name'], d['test']['kind'],
                  d['run']['source']['processes'],
                  row(d, 0)['latency_us']['mean']) for d in docs.values())
    expect(got == [('Exchange', 'exchange', '2', 24.13),
                   ('Exchange', 'exchange', '4', 8.01),
                   ('Sendrecv', 'sendrecv', '2', 2.61),
                   ('Sendrecv', 'sendrecv', '4', 8.41)],
           'one result per #processes block, own kinds: %r' % got)

    name = 'imb-2021-np2-pt2pt-and-collectives.txt'
    docs, p = imported(tmp, name, 'mix')
    t = by_test(docs)
    expect(sorted(t) == ['Exchange', 'PingPing', 'PingPong', 'Sendrecv'],
           'point-to-point tables %r' % sorted(t))
    expect(t['PingPing']['test']['kind'] == 'pingping' and
           t['Sendrecv']['test']['kind'] != 'pingping' and
           t['Exchange']['test']['kind'] != 'pingping',
           'Sendrecv and Exchange are not ping-ping')
    text = open(os.path.join(REAL, name)).read().splitlines()
    sk = t['PingPong']['run']['source']['skipped']
    expect([s['test'] for s in sk] == ['Allreduce', 'Barrier', 'Bcast'],
           'collectives skipped %r' % sk)
    for s in sk:
        expect(text[s['line'] - 1].strip() ==
               '# Benchmarking %s' % s['test'], 'line of %r' % s)
    expect(len(p.stderr.strip().splitlines()) == 3, 'three skipped lines')

    docs, _ = imported(tmp, 'imb-2021-timeout.txt', 'to')
    (d,) = docs.values()
    expect(d['results'] == [{'size_bytes': 0, 'timed_out': True}],
           'time-out row %r' % d['results'])

    # int-overflow as IMB_output.c prints it, in a real file: no figures.
    src = open(os.path.join(REAL, name)).read()
    old = '         1024         1000'
    i = src.index('# Benchmarking Sendrecv')
    j = src.index(old, i)
    k = src.index('\n', j)
    bad = src[:j] + ('         1024 int-overflow; The production rank*size '
                     'caused int overflow; use "-data_type double"') + src[k:]
    path = os.path.join(tmp, 'overflow.txt')
    open(path, 'w').write(bad)
    out = os.path.join(tmp, 'of')
    run('import', '--out', out, path)
    d = json.load(open(os.path.join(out, 'overflow-Sendrecv.json')))
    expect(all(r['size_bytes'] != 1024 for r in d['results']),
           'no 1024 B row')
    expect(any('int-overflow' in n and '1024 B' in n
               for n in d['run']['source']['notes']), 'int-overflow noted')


def case_perftest(tmp):
    for name in sorted(glob.glob(os.path.join(REAL, 'perftest-*_bw-*'))):
        docs, _ = imported(tmp, os.path.basename(name),
                           os.path.basename(name))
        (d,) = docs.values()
        (r,) = d['results']
        expect('bandwidth_peak_MBps' not in r, '%s: no peak' % name)
        expect(r['bandwidth_MBps'] > 0, 'average kept')
        expect(d['run']['source']['statistics']['bandwidth_peak_MBps']
               .startswith('not measured'), 'peak said not measured')
    docs, _ = imported(tmp, 'perftest-4.5-ib_write_bw-D.client.txt', 'w')
    (d,) = docs.values()
    expect(abs(d['results'][0]['bandwidth_MBps'] - 23.46 * 1.048576) < 1e-9,
           'MB/sec (2^20) converted')
    docs, _ = imported(tmp, 'perftest-4.5-ib_send_bw-D-report_gbits.client.txt',
                       'g')
    (d,) = docs.values()
    expect(abs(d['results'][0]['bandwidth_MBps'] - 0.19 * 125) < 1e-9,
           'Gb/sec converted')
    for name, kind in (('ib_send_lat', 'one-way'), ('ib_write_lat', 'one-way'),
                       ('ib_read_lat', 'round-trip')):
        docs, _ = imported(tmp, 'perftest-4.5-%s-D.client.txt' % name, name)
        (d,) = docs.values()
        lat = d['results'][0]['latency_us']
        expect(list(lat) == ['mean'], '%s -D: only the mean' % name)
        expect(d['test']['latency'] == kind, '%s kind' % name)
        expect('duration mode' in
               d['run']['source']['statistics']['latency_us.mean'],
               '%s: duration mode said' % name)


def case_ibpong(tmp):
    name = 'ibpong-mpi-format-imb.txt'
    docs, _ = imported(tmp, name, 'bare')
    (d,) = docs.values()
    expect(d['tool']['name'] == 'ibpong' and
           d['test']['name'] == 'PingPong', 'bare: %r' % d['tool'])
    text = open(os.path.join(REAL, name)).read()
    first = [l.split() for l in text.splitlines() if l[:13].strip() == '64']
    expect(row(d, 64)['latency_us']['mean'] == float(first[0][2]),
           '64 B as printed')
    expect(row(d, 64)['bandwidth_MBps'] == float(first[0][3]),
           'Mbytes/sec as printed (10^6)')
    # With a banner (helper "method" adds one to the writer).
    path = os.path.join(tmp, 'banner.txt')
    open(path, 'w').write('#------------------------------------------\n'
                          '#    ibpong-mpi 0.1.0, IMB-MPI1 format '
                          '(Mbytes/sec = 10^6 B/s)\n'
                          '#------------------------------------------\n'
                          + text)
    out = os.path.join(tmp, 'banner')
    run('import', '--out', out, path)
    d = json.load(open(os.path.join(out, 'banner.json')))
    expect(d['tool'] == {'name': 'ibpong-mpi', 'version': '0.1.0'},
           'banner tool %r' % d['tool'])
    expect(row(d, 64)['bandwidth_MBps'] == float(first[0][3]), 'banner MB')


def case_errors(tmp):
    src = open(os.path.join(REAL, 'imb-2021-np2-pt2pt-and-collectives.txt'))
    lines = src.read().splitlines(True)
    n = next(i for i, l in enumerate(lines) if l.split()[:2] == ['512',
                                                                 '1000'])
    for bad, what in (('1.5', "message size '1.5' is not a whole number of "
                              "bytes"),
                      ('99999999999999999999999', 'does not fit in 64 bits'),
                      ('2199023255553', 'larger than 1 TiB')):
        mod = list(lines)
        mod[n] = mod[n].replace('512', bad, 1)
        path = os.path.join(tmp, 'bad.txt')
        open(path, 'w').write(''.join(mod))
        p = run('import', '--out', os.path.join(tmp, 'no'), path, rc=2)
        err = p.stderr.strip().splitlines()
        expect(len(err) == 1 and ('%s:%d: ' % (path, n + 1)) in err[0] and
               what in err[0], 'error %r lacks %r' % (err, what))
        expect(not os.path.exists(os.path.join(tmp, 'no')),
               'nothing created on bad input')
    # A zero latency is no measurement: refused at import, not written
    # as a file that every reader would then refuse (found by fuzz-imb).
    mod = list(lines)
    f = mod[n].split()
    mod[n] = mod[n].replace(f[2], '0.00', 1)
    path = os.path.join(tmp, 'zero.txt')
    open(path, 'w').write(''.join(mod))
    p = run('import', '--out', os.path.join(tmp, 'no'), path, rc=2)
    expect(('%s:%d: latency_us.mean of message size 512 is out of range'
            % (path, n + 1)) in p.stderr, 'zero latency: %r' % p.stderr)
    expect(not os.path.exists(os.path.join(tmp, 'no')),
           'nothing created on a zero latency')
    p = run('import', os.path.join(REAL,
                                   'perftest-4.5-ib_read_lat-D.server.txt'),
            rc=2)
    expect('server side' in p.stderr, 'read_lat server refused')


def case_apart(tmp):
    """One-sided, GPU, round-trip and other-process-count runs are kept
    apart: compare refuses them with one line, history gives them their
    own series."""
    out = os.path.join(tmp, 'all')
    for n in ('osu-5.8-gke-16-tests.log', 'osu-5.9-rocm-bw-device.txt',
              'imb-2021-npmin.txt', 'perftest-4.5-ib_read_lat-D.client.txt'):
        run('import', '--out', out, os.path.join(REAL, n))
    j = lambda n: os.path.join(out, n + '.json')
    lat = j('osu-5.8-gke-16-tests-latency')
    for base, cand, why in (
            (j('osu-5.8-gke-16-tests-bw'), j('osu-5.9-rocm-bw-device'),
             'buffers differ: host vs device/device (rocm)'),
            (lat, j('perftest-4.5-ib_read_lat-D.client'),
             'latency kinds differ: one-way vs round-trip'),
            (j('imb-2021-npmin-Sendrecv'), j('imb-2021-npmin-Sendrecv-2'),
             'MPI processes differ: 2 vs 4'),
            (lat, j('osu-5.8-gke-16-tests-put_latency'),
             'no rma-latency result in the baseline')):
        p = run('compare', base, cand, rc=2)
        err = p.stderr.strip().splitlines()
        expect(len(err) == 1 and why in err[0] and p.stdout == '',
               'compare refusal %r lacks %r' % (err, why))
    # Methods (run.method, from ibpong's own runs) differ: refused too.
    d = json.load(open(lat))
    d['run']['method'] = 'window-ack'
    a = os.path.join(tmp, 'a.json')
    json.dump(d, open(a, 'w'))
    d['run']['method'] = 'stream'
    b = os.path.join(tmp, 'b.json')
    json.dump(d, open(b, 'w'))
    p = run('compare', a, b, rc=2)
    expect('methods differ: window-ack vs stream' in p.stderr, p.stderr)
    run('compare', a, a)
    db = os.path.join(tmp, 'h.db')
    run('store', '--db', db, *sorted(glob.glob(os.path.join(out, '*.json'))))
    p = run('history', '--db', db)
    series = [l for l in p.stdout.splitlines() if l.startswith('series ')]
    expect(len(series) == len(glob.glob(os.path.join(out, '*.json'))),
           'one series per result: %r' % series)
    expect(any('osu_put_latency put_latency (rma-latency' in l
               for l in series), 'one-sided series of its own')
    expect(any('buffers device/device (rocm)' in l for l in series),
           'GPU series says so')


with tempfile.TemporaryDirectory() as d:
    {'osu': case_osu, 'imb': case_imb, 'perftest': case_perftest,
     'ibpong': case_ibpong, 'errors': case_errors,
     'apart': case_apart}[CASE](d)
print('ok')
