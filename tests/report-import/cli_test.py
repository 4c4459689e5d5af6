#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""`ibpong report import` and `ibpong report check` through the real
ibpong-report executable: exit codes, files written, messages, JUnit XML.

usage: cli_test.py IBPONG_REPORT SAMPLES_DIR CASE
CASE: import, check, junit, errors
"""
import glob
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

EXE, SAMPLES, CASE = sys.argv[1], sys.argv[2], sys.argv[3]
PINGPONG = os.path.join(SAMPLES, 'imb-2021-pingpong-shm.txt')
FIVE = os.path.join(SAMPLES,
                    'imb-2021-pingping-sendrecv-exchange-uniband-biband-shm.txt')
OSU_LAT = os.path.join(SAMPLES, 'osu-7.4-latency-shm.txt')
OSU_BW = os.path.join(SAMPLES, 'osu-7.4-bw-shm.txt')
READ_LAT_SERVER = os.path.join(SAMPLES,
                               'perftest-4.5-ib_read_lat-softroce.server.txt')


def run(*args, rc):
    p = subprocess.run([EXE] + list(args), capture_output=True, text=True)
    if p.returncode != rc:
        sys.exit('%s: exit %d, expected %d\nstdout:\n%s\nstderr:\n%s' %
                 (' '.join(args), p.returncode, rc, p.stdout, p.stderr))
    return p


def expect(cond, what):
    if not cond:
        sys.exit('FAIL: ' + what)


def one_line_error(p, *needles):
    lines = p.stderr.strip().splitlines()
    expect(len(lines) == 1, 'one error line, got %r' % p.stderr)
    for n in needles:
        expect(n in lines[0], '%r in %r' % (n, lines[0]))


def with_512(tmp, value):
    """The PingPong sample with the 512 B latency replaced."""
    text = open(PINGPONG).read()
    old = '          512         1000         0.25      2069.33'
    expect(old in text, 'sample row present')
    # Characters XML must escape, for the JUnit test.
    path = os.path.join(tmp, 'pp&<"%s">\'.txt' % value)
    with open(path, 'w') as f:
        f.write(text.replace(old, '          512         1000 %12s '
                             '     2069.33' % value))
    return path


def case_import(tmp):
    p = run('import', '--help', rc=0)
    for opt in ('--label', '--out', '--output', '--help'):
        expect(opt in p.stdout, 'import --help documents ' + opt)
    samples = sorted(glob.glob(os.path.join(SAMPLES, '*.txt')))
    expect(len(samples) >= 17, 'all samples present')
    for s in samples:
        out = os.path.join(tmp, 'each')
        os.makedirs(out, exist_ok=True)
        if s == READ_LAT_SERVER:
            p = run('import', '--out', out, s, rc=2)
            one_line_error(p, s, "client's output")
            continue
        p = run('import', '--out', out, '--label', 'cluster=hb120', s, rc=0)
        expect(p.stdout.count('\n') >= 1, 'import prints what it wrote')
    p = run('import', '-d', tmp, FIVE, rc=0)
    base = os.path.join(tmp, os.path.basename(FIVE)[:-4])
    for t in ('PingPing', 'Sendrecv', 'Exchange', 'Uniband', 'Biband'):
        path = '%s-%s.json' % (base, t)
        expect(path in p.stdout, path + ' reported')
        doc = json.load(open(path))
        expect(doc['format'] == 'ibpong/1', 'format')
        expect(doc['test']['name'] == t, 'test name')
        expect(doc['run']['transport'] == 'imported', 'transport')
    out = os.path.join(tmp, 'pp.json')
    run('import', PINGPONG, '-o', out, '--label', 'region=westeurope', rc=0)
    doc = json.load(open(out))
    expect(doc['run']['labels'] == {'region': 'westeurope'}, 'label')
    expect(doc['results'][-1]['latency_us'] == {'mean': 2430.14}, 'mean')
    expect(doc['results'][-1]['bandwidth_MBps'] == 1725.95, 'bw')
    src = doc['run']['source']
    expect(src['tool'] == 'IMB-MPI1' and src['file'] == PINGPONG, 'source')
    expect('latency_us.mean' in src['statistics'], 'statistics map')
    # JSON in, JSON out; the check reads it back.
    run('import', out, '-o', os.path.join(tmp, 'again.json'), rc=0)
    run('check', out, '--profile', 'azure-a8a9', rc=0)
    # Nothing is written when one input is bad.
    bad = os.path.join(tmp, 'bad.txt')
    open(bad, 'w').write('nothing to see\n')
    outdir = os.path.join(tmp, 'none')
    os.makedirs(outdir)
    p = run('import', '--out', outdir, PINGPONG, bad, rc=2)
    one_line_error(p, bad, 'not a format ibpong knows')
    expect(os.listdir(outdir) == [], 'nothing written on bad input')
    p = run('import', '-o', os.path.join(tmp, 'x.json'), FIVE, rc=2)
    one_line_error(p, 'exactly one result', '--out DIR')
    p = run('import', '--out', os.path.dirname(out), out, rc=2)
    one_line_error(p, 'would overwrite the input')


def case_check(tmp):
    p = run('check', '--help', rc=0)
    for opt in ('--profile', '--max-latency', '--min-bandwidth', '--stat',
                '--junit', '--help', 'azure-a8a9', 'max_latency_us',
                'min_bandwidth_MBps', 'statistic'):
        expect(opt in p.stdout, 'check --help documents ' + opt)
    p = run('check', PINGPONG, '--profile', 'azure-a8a9', rc=0)
    expect('PASS: all 11 checks passed' in p.stdout, p.stdout)
    expect('4194304' in p.stdout, 'every size listed')
    run('check', with_512(tmp, '3.00'), '-p', 'azure-a8a9', rc=0)
    p = run('check', with_512(tmp, '3.01'), '-p', 'azure-a8a9', rc=1)
    expect('FAIL <==' in p.stdout, 'failing row flagged')
    expect('FAIL: 1 of 11 checks failed' in p.stdout, p.stdout)
    p = run('check', with_512(tmp, 'time-out.'), '-p', 'azure-a8a9', rc=1)
    expect('time-out' in p.stdout and 'timed out' in p.stdout, p.stdout)
    # Command-line rules, several files, a bandwidth floor.
    run('check', OSU_LAT, PINGPONG, '--max-latency', '0-512:3', rc=0)
    run('check', OSU_LAT, '--max-latency', '0:512:0.30', rc=1)
    run('check', OSU_BW, '--min-bandwidth', '1M-2M:12000', rc=0)
    run('check', OSU_BW, '--min-bandwidth', '1M-4M:12000', rc=1)
    p = run('check', OSU_LAT, '-L', '0-512:3', '--stat', 'p99', rc=2)
    one_line_error(p, 'osu_latency gives only the mean; use --stat mean')
    # azure-a8a9 is IMB PingPong's (or ibpong's ping-pong) one-way latency.
    p = run('check', OSU_LAT, '-p', 'azure-a8a9', rc=2)
    one_line_error(p, 'not applicable', 'osu_latency')
    p = run('check', FIVE, PINGPONG, '-p', 'azure-a8a9', rc=0)
    expect(sum(l.startswith('not judged: ') for l in p.stdout.splitlines())
           == 5, p.stdout)
    expect('5 result(s) not judged' in p.stdout, p.stdout)
    expect('PASS: all 11 checks passed' in p.stdout, p.stdout)
    p = run('check', FIVE, '-p', 'azure-a8a9', rc=2)
    one_line_error(p, 'not applicable')
    p = run('check', OSU_BW, '-p', 'azure-a8a9', rc=2)
    one_line_error(p, 'not applicable', 'bw test')
    p = run('check', os.path.join(SAMPLES, 'perftest-4.5-ib_read_lat-'
                                  'softroce.client.txt'), '-p', 'azure-a8a9',
            rc=2)
    one_line_error(p, 'not applicable', 'round-trip')
    prof = os.path.join(tmp, 'p.json')
    json.dump({'name': 'mine', 'statistic': 'median',
               'rules': [{'sizes': '2-64', 'max_latency_us': 14.0},
                         {'sizes': '8M', 'min_bandwidth_MBps': 1}]},
              open(prof, 'w'))
    lat = os.path.join(SAMPLES, 'perftest-4.5-ib_send_lat-softroce.client.txt')
    bw = os.path.join(SAMPLES, 'perftest-4.5-ib_send_bw-softroce.client.txt')
    # Per-system limits (ReFrame's system:partition references) and
    # --calibrate from known-good runs.
    sysprof = os.path.join(tmp, 'sys.json')
    json.dump({'name': 'fleet', 'statistic': 'mean',
               'system_label': 'cluster',
               'applies_to': {'kinds': ['latency'], 'latency': ['one-way']},
               'rules': [{'sizes': '0-512', 'max_latency_us': 3.0},
                         {'sizes': '0-512', 'max_latency_us': 0.2,
                          'system': 'fast'}]}, open(sysprof, 'w'))
    hb = os.path.join(tmp, 'fast.json')
    run('import', '-o', hb, '--label', 'cluster=fast', PINGPONG, rc=0)
    run('check', PINGPONG, '-p', sysprof, rc=0)       # generic 3.00 us
    p = run('check', hb, '-p', sysprof, rc=1)         # its own 0.20 us
    expect('<=       0.20  FAIL' in p.stdout, p.stdout)
    cal = os.path.join(tmp, 'cal.json')
    p = run('check', '--calibrate', cal, '--margin', '20', '--system',
            'fast', '--stat', 'mean', hb, rc=0)
    prof_cal = json.load(open(cal))
    r512 = [r for r in prof_cal['rules'] if r['sizes'] == '512'][0]
    expect(r512 == {'sizes': '512', 'max_latency_us': 0.3,
                    'system': 'fast'}, 'calibrated 0.25 * 1.2: %r' % r512)
    expect(prof_cal['applies_to']['benchmarks'] == ['IMB-MPI1:PingPong'],
           'calibrated scope')
    run('check', hb, '-p', cal, rc=0)
    p = run('check', PINGPONG, '-p', cal, rc=2)       # no system: no rule
    one_line_error(p, 'not applicable', 'system none')
    # Calibrating into an existing profile keeps the other systems' rules.
    run('check', '--calibrate', cal, '-p', sysprof, '--system', 'fast', hb,
        rc=0)
    merged = json.load(open(cal))
    expect({'sizes': '0-512', 'max_latency_us': 3.0} in merged['rules'] and
           merged['system_label'] == 'cluster', 'merged %r' % merged)
    p = run('check', lat, bw, '--profile', prof, rc=0)
    expect('statistic: median' in p.stdout, 'profile statistic used')
    run('check', lat, bw, '--profile', prof, '--stat', 'p99', rc=1)
    expect('no interval available' in p.stdout, 'imports say so')
    case_check_intervals(tmp)


def ibpong_doc(tmp, name, rows):
    """An ibpong/1 result: (size, median, [lo, hi], stable) per row."""
    doc = {'format': 'ibpong/1',
           'tool': {'name': 'ibpong-mpi', 'version': '0.1.0'},
           'test': {'name': 'latency', 'kind': 'latency',
                    'latency': 'one-way'},
           'results': [{'size_bytes': s, 'iterations': 1000,
                        'latency_us': {'count': 1000, 'median': m},
                        'ci95_us': {'median': ci}, 'stable': st,
                        'stop': 'precision'}
                       for s, m, ci, st in rows]}
    path = os.path.join(tmp, name)
    json.dump(doc, open(path, 'w'))
    return path


def case_check_intervals(tmp):
    """PASS, FAIL, INCONCLUSIVE from the intervals; exit 0, 1, 4."""
    lim = ('--max-latency', '0-512:3', '--stat', 'median')
    ok = ibpong_doc(tmp, 'ok.json', [(8, 2.9, [2.8, 3.0], True),
                                     (512, 2.0, [1.9, 2.1], True)])
    p = run('check', ok, *lim, rc=0)
    expect('PASS: all 2 checks passed' in p.stdout, p.stdout)
    expect('[2.80, 3.00]' in p.stdout, 'the interval is printed')
    # the value is within, but the interval straddles the limit
    near = ibpong_doc(tmp, 'near.json', [(8, 2.9, [2.8, 3.1], True),
                                         (512, 2.0, [1.9, 2.1], True)])
    p = run('check', near, *lim, rc=4)
    expect('INCONCLUSIVE ??' in p.stdout and
           'interval straddles the limit' in p.stdout, p.stdout)
    expect('INCONCLUSIVE: 1 of 2 checks could not decide' in p.stdout,
           p.stdout)
    expect(near + ': INCONCLUSIVE' in p.stdout, 'document verdict')
    # an unstable row is never decided, however narrow
    shaky = ibpong_doc(tmp, 'shaky.json', [(8, 1.0, [0.99, 1.01], False)])
    p = run('check', shaky, *lim, rc=4)
    expect('unstable' in p.stdout, p.stdout)
    # wholly beyond: FAIL, and FAIL wins over INCONCLUSIVE
    bad = ibpong_doc(tmp, 'bad.json', [(8, 3.2, [3.1, 3.3], True)])
    p = run('check', near, bad, *lim, rc=1)
    expect('FAIL: 1 of 3 checks failed, 1 inconclusive' in p.stdout,
           p.stdout)
    expect(bad + ': FAIL' in p.stdout and near + ': INCONCLUSIVE'
           in p.stdout, 'a verdict per document')
    # JUnit: an inconclusive check is skipped, neither passed nor failed
    xml = os.path.join(tmp, 'near.xml')
    run('check', near, *lim, '--junit', xml, rc=4)
    root = ET.parse(xml).getroot()
    expect(root.get('skipped') == '1' and root.get('failures') == '0',
           'JUnit totals ' + str(root.attrib))
    skipped = root.findall('./testsuite/testcase/skipped')
    expect(len(skipped) == 1 and 'INCONCLUSIVE' in
           skipped[0].get('message'), 'JUnit skipped message')


def case_junit(tmp):
    xml = os.path.join(tmp, 'out & <junit>.xml')
    p = run('check', with_512(tmp, '3.01'), OSU_LAT, '-p', 'azure-a8a9',
            '--junit', xml, rc=1)
    expect('not judged: ' + OSU_LAT in p.stdout, 'OSU not judged by azure')
    root = ET.parse(xml).getroot()
    expect(root.tag == 'testsuites', 'root')
    cases = root.findall('./testsuite/testcase')
    fails = root.findall('./testsuite/testcase/failure')
    # 11 IMB sizes (0..512); OSU is outside the profile.
    expect(len(cases) == 11, 'testcases: %d' % len(cases))
    expect(len(fails) == 1, 'failures: %d' % len(fails))
    expect(root.get('tests') == '11' and root.get('failures') == '1',
           'totals')
    expect('3.01' in fails[0].get('message'), fails[0].get('message'))
    expect([c.get('name') for c in cases][-2:] ==
           ['256 B latency mean <= 3.00 us', '512 B latency mean <= 3.00 us'],
           'testcase names')
    suites = root.findall('testsuite')
    expect(len(suites) == 1, 'a suite per judged result')
    expect(suites[0].get('name').startswith(with_512(tmp, '3.01') + ': '),
           'escaped name ' + suites[0].get('name'))
    run('check', PINGPONG, '-p', 'azure-a8a9', '--junit', xml, rc=0)
    root = ET.parse(xml).getroot()
    expect(root.get('failures') == '0', 'rewritten')
    p = run('check', PINGPONG, '-p', 'azure-a8a9', '--junit',
            os.path.join(tmp, 'no', 'such', 'dir.xml'), rc=3)
    one_line_error(p, 'JUnit')


def case_errors(tmp):
    p = run('check', PINGPONG, rc=2)
    one_line_error(p, 'nothing to check')
    p = run('check', '-p', 'azure-a8a9', rc=2)
    one_line_error(p, 'no input file')
    p = run('check', PINGPONG, '--bogus', rc=2)
    one_line_error(p, "unknown option '--bogus'")
    p = run('check', PINGPONG, '--max-latency', rc=2)
    one_line_error(p, 'needs a value')
    p = run('check', PINGPONG, '--max-latency', '512', rc=2)
    one_line_error(p, 'SIZE_RANGE:USEC')
    p = run('check', PINGPONG, '-p', 'azure', rc=2)
    one_line_error(p, "unknown profile 'azure'")
    p = run('check', PINGPONG, '-p', 'azure-a8a9', '--stat', 'avg', rc=2)
    one_line_error(p, "--stat 'avg'")
    bad = os.path.join(tmp, 'bad.json')
    open(bad, 'w').write('{"statistic": "mean", "rules": [{"sizes": "0-512"}]}')
    p = run('check', PINGPONG, '-p', bad, rc=2)
    one_line_error(p, 'expected exactly one of max_latency_us')
    p = run('check', OSU_BW, '-L', '0-512:3', rc=2)
    one_line_error(p, 'matches no size')
    trunc = os.path.join(tmp, 'trunc.txt')
    text = open(PINGPONG).read()
    open(trunc, 'w').write(text[:text.index('       131072') + 20])
    p = run('check', trunc, '-p', 'azure-a8a9', rc=2)
    one_line_error(p, trunc + ':53:', '1 fields where the header has 4')
    empty = os.path.join(tmp, 'empty.txt')
    open(empty, 'w').close()
    p = run('import', empty, rc=2)
    one_line_error(p, empty + ': empty file')
    p = run('import', os.path.join(tmp, 'missing.txt'), rc=2)
    one_line_error(p, 'missing.txt: cannot open')
    p = run('import', PINGPONG, '--label', 'novalue', rc=2)
    one_line_error(p, 'expected KEY=VALUE')
    p = run('import', rc=2)
    one_line_error(p, 'no input file')


with tempfile.TemporaryDirectory() as d:
    {'import': case_import, 'check': case_check, 'junit': case_junit,
     'errors': case_errors}[CASE](d)
print('ok')
