#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""doc/ibpong-1.schema.json, checked with a real validator (python3-
jsonschema, Draft 2020-12) on every importer's output (every sample, the
real-world ones included) and every writer's: ibpong-mpi --json under a
real mpirun (latency, bw, bibw, pingping). The schema must also refuse broken documents.

usage: schema_test.py SCHEMA IBPONG_REPORT SAMPLES... [--mpi MPIRUN IBPONG_MPI]
Exit 77 (skip) when the jsonschema module is missing.
"""
import copy
import glob
import json
import os
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    print('python3-jsonschema is not installed: skipped')
    sys.exit(77)

args = sys.argv[1:]
mpi = None
if '--mpi' in args:
    i = args.index('--mpi')
    mpi = args[i + 1:i + 3]
    args = args[:i]
SCHEMA, EXE, SAMPLE_DIRS = args[0], args[1], args[2:]
MPI_ENV = {
    'OMPI_ALLOW_RUN_AS_ROOT': '1', 'OMPI_ALLOW_RUN_AS_ROOT_CONFIRM': '1',
    'OMPI_MCA_btl': 'self,vader', 'OMPI_MCA_pml': 'ob1',
    'OMPI_MCA_rmaps_base_oversubscribe': '1',
    'OMPI_MCA_btl_base_warn_component_unused': '0',
    # Open MPI's own allocations live until exit (the ASan build).
    'ASAN_OPTIONS': (os.environ.get('ASAN_OPTIONS', '') +
                     ':detect_leaks=0').lstrip(':'),
}

schema = json.load(open(SCHEMA))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)


def fail(msg):
    sys.exit('FAIL: ' + msg)


def check(path):
    doc = json.load(open(path))
    errors = sorted(validator.iter_errors(doc), key=lambda e: e.path)
    if errors:
        e = errors[0]
        fail('%s: %s at /%s' % (path, e.message,
                                '/'.join(str(p) for p in e.path)))
    return doc


def run(cmd, env=None):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run(cmd, capture_output=True, text=True, env=e,
                       timeout=240)
    if p.returncode:
        fail('%s: exit %d\n%s%s' % (' '.join(cmd), p.returncode, p.stdout,
                                    p.stderr))
    return p


with tempfile.TemporaryDirectory() as tmp:
    n = 0
    kinds = set()
    for d in SAMPLE_DIRS:
        for f in sorted(glob.glob(os.path.join(d, '*.txt')) +
                        glob.glob(os.path.join(d, '*.log'))):
            out = os.path.join(tmp, 'imp', os.path.basename(f))
            p = subprocess.run([EXE, 'import', '--out', out, f],
                               capture_output=True, text=True)
            if p.returncode == 2 and 'server side' in p.stderr:
                continue  # ib_read_lat's server prints no table
            if p.returncode:
                fail('import %s: %s' % (f, p.stderr))
            for j in sorted(glob.glob(os.path.join(out, '*.json'))):
                kinds.add(check(j)['test']['kind'])
                n += 1
    for k in ('latency', 'bw', 'bibw', 'pingping', 'sendrecv', 'exchange',
              'rma-latency', 'rma-bw', 'rma-bibw'):
        if k not in kinds:
            fail('no imported %s result was validated' % k)
    print('%d imported results valid' % n)
    if mpi:
        for test in ('latency', 'bw', 'bibw', 'pingping'):
            j = os.path.join(tmp, 'mpi-%s.json' % test)
            run([mpi[0], '-np', '2', mpi[1], '--test', test, '--sizes',
                 '0:4K', '--json', j, '--label', 'cluster=schema'],
                MPI_ENV)
            check(j)
        print('ibpong-mpi --json valid (latency, bw, bibw, pingping)')
    # The schema refuses what readers refuse.
    good = check(glob.glob(os.path.join(tmp, 'imp', '*', '*.json'))[0])
    for what, mutate in (
            ('format', lambda d: d.update(format='ibpong/2')),
            ('kind', lambda d: d['test'].update(kind='ping')),
            ('unit', lambda d: d['units'].update(bandwidth='MiB/s')),
            ('negative', lambda d: d['results'][0].update(size_bytes=-1)),
            ('stat', lambda d: d['results'][0].setdefault(
                'latency_us', {}).update(p95=1.0)),
            ('row key', lambda d: d['results'][0].update(extra=1))):
        bad = copy.deepcopy(good)
        mutate(bad)
        if validator.is_valid(bad):
            fail('schema accepts a broken %s' % what)
print('ok')
