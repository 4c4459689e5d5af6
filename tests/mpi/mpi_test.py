#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Integration tests of ibpong-mpi under a real mpirun (Open MPI, shared
memory).

Usage: mpi_test.py MPIRUN IBPONG_MPI CASE
Runs one case (see CASES) and exits 0 on success, 1 on failure with the
reason and the command's output. Run as root, Open MPI needs
OMPI_ALLOW_RUN_AS_ROOT*; the environment below sets it.
"""
import csv
import json
import io
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import check_result  # noqa: E402

# Shared memory only, two ranks on however many cores there are.
MPI_ENV = {
    "OMPI_ALLOW_RUN_AS_ROOT": "1",
    "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
    "OMPI_MCA_btl": "self,vader",
    "OMPI_MCA_pml": "ob1",
    "OMPI_MCA_rmaps_base_oversubscribe": "1",
    "OMPI_MCA_btl_base_warn_component_unused": "0",
}
RUN_TIMEOUT_S = 120


class Failure(Exception):
    pass


def asan_env(extra=""):
    """Open MPI's allocations that live until exit come from its libraries,
    which keep no frame pointers: LeakSanitizer's fast unwinder stops in
    libc before reaching them and the suppressions (ci/lsan.supp) cannot
    match, so unwind the slow way."""
    opts = os.environ.get("ASAN_OPTIONS", "")
    opts = ":".join(o for o in (opts, "fast_unwind_on_malloc=0", extra) if o)
    return {"ASAN_OPTIONS": opts}


class Ctx:
    def __init__(self, mpirun, exe, tmp):
        self.mpirun = mpirun
        self.exe = exe
        self.tmp = tmp
        with open(exe, "rb") as f:
            self.asan = b"__asan_init" in f.read()

    def run(self, args, np=2, env=None, wrap=None):
        """Run ibpong-mpi under mpirun; returns (rc, stdout, stderr)."""
        e = dict(os.environ)
        e.update(MPI_ENV)
        e.update(asan_env())
        e.update(env or {})
        prog = [self.exe] + args
        if wrap:
            prog = ["/bin/sh", "-c", wrap + ' && exec "$0" "$@"'] + prog
        cmd = [self.mpirun, "-np", str(np)] + prog
        print("+", " ".join(cmd), flush=True)
        p = subprocess.run(cmd, env=e, capture_output=True, text=True,
                           timeout=RUN_TIMEOUT_S)
        self.last = (cmd, p.returncode, p.stdout, p.stderr)
        return p.returncode, p.stdout, p.stderr

    def run_ranks(self, args, launcher=(), np=2):
        """Run ibpong-mpi with launcher options before -np; returns (rc,
        stdout, stderr, {rank: exit code}) from a shell around each rank
        (hydra-mpirun.sh gives each rank OMPI_COMM_WORLD_RANK too)."""
        e = dict(os.environ)
        e.update(MPI_ENV)
        e.update(asan_env())
        codes = os.path.join(self.tmp, "rc")
        os.makedirs(codes, exist_ok=True)
        for f in os.listdir(codes):
            os.unlink(os.path.join(codes, f))
        rec = ('"$0" "$@"; rc=$?; echo $rc >"' + codes +
               '/$OMPI_COMM_WORLD_RANK"; exit $rc')
        cmd = ([self.mpirun] + list(launcher) + ["-np", str(np), "/bin/sh",
               "-c", rec, self.exe] + args)
        print("+", " ".join(cmd), flush=True)
        p = subprocess.run(cmd, env=e, capture_output=True, text=True,
                           timeout=RUN_TIMEOUT_S)
        self.last = (cmd, p.returncode, p.stdout, p.stderr)
        ranks = {int(f): int(open(os.path.join(codes, f)).read())
                 for f in os.listdir(codes)}
        return p.returncode, p.stdout, p.stderr, ranks

    def expect(self, cond, what):
        if not cond:
            cmd, rc, out, err = self.last
            raise Failure(f"{what}\ncommand: {' '.join(cmd)}\nexit: {rc}\n"
                          f"--- stdout\n{out}--- stderr\n{err}")

    def json_path(self, name="result.json"):
        return os.path.join(self.tmp, name)

    def check_json(self, path, **kw):
        argv = [path, "--tool", "ibpong-mpi", "--transport", "mpi"]
        for k, v in kw.items():
            if v is None:
                continue
            if k == "label":
                for lv in v:
                    argv += ["--label", lv]
                continue
            if k == "sizes":
                v = ",".join(str(s) for s in v)
            argv += ["--" + k, str(v)]
        args = check_result.parse_args(argv)
        try:
            with open(path, encoding="utf-8") as f:
                doc = check_result.json.load(f)
        except (OSError, ValueError) as e:
            self.expect(False, f"{path}: {e}")
        problems = check_result.check(doc, args)
        self.expect(not problems, "JSON check failed:\n" + "\n".join(problems))
        return doc


def table_rows(out):
    """Data lines of the human table: those not starting with '#'."""
    return [ln.split() for ln in out.splitlines()
            if ln.strip() and not ln.lstrip().startswith("#")]


def pow2_sizes(lo, hi, zero=True):
    s = [0] if zero else []
    v = max(lo, 1)
    while v <= hi:
        s.append(v)
        v *= 2
    return s


def run_test_kind(ctx, kind, sizes_spec, sizes, iters, extra=()):
    path = ctx.json_path(f"{kind}.json")
    rc, out, err = ctx.run(["--test", kind, "--sizes", sizes_spec,
                            "--iters", str(iters), "--json", path,
                            "--label", "suite=mpi"] + list(extra))
    ctx.expect(rc == 0, f"--test {kind}: exit 0 expected")
    doc = ctx.check_json(path, kind=kind, sizes=sizes, iters=iters, hosts=2,
                         label=["suite=mpi"])
    rows = table_rows(out)
    ctx.expect([int(r[0]) for r in rows] == sizes,
               f"table sizes {[r[0] for r in rows]} != {sizes}")
    for r, row in zip(rows, doc["results"]):
        ctx.expect(int(r[1]) == row["iterations"], "table iterations differ "
                   "from the JSON")
    return doc


def case_latency(ctx):
    doc = run_test_kind(ctx, "latency", "0:512", pow2_sizes(1, 512), 500)
    lat0 = doc["results"][0]["latency_us"]
    # Shared memory: a 0-byte one-way latency is well under a millisecond.
    ctx.expect(0 < lat0["median"] < 1000,
               f"0 B median {lat0['median']} us is not plausible")
    # The MPI the build is for (IBPONG_TEST_MPI: tests/mpi/meson.build),
    # the launcher that started it and, from hydra's -env, its environment.
    mpi = doc["run"]["mpi"]
    want = os.environ.get("IBPONG_TEST_MPI", "Open MPI")
    ctx.expect(mpi["library"] == want,
               f"run.mpi.library is not {want}: {mpi!r}")
    launcher = os.environ.get("IBPONG_TEST_LAUNCHER", "mpirun")
    ctx.expect(mpi.get("launcher") == launcher,
               f"run.mpi.launcher is not {launcher}: {mpi!r}")
    if launcher == "hydra":
        ctx.expect(mpi.get("env", {}).get("MPIR_CVAR_IBPONG_TEST_LAUNCH")
                   == "hydra", f"-env not in run.mpi.env: {mpi!r}")


def case_pingping(ctx):
    run_test_kind(ctx, "pingping", "0:4K", pow2_sizes(1, 4096), 200)


def case_bw(ctx):
    run_test_kind(ctx, "bw", "1:64K", pow2_sizes(1, 65536, False), 20,
                  ["--window", "16"])


def case_bibw(ctx):
    run_test_kind(ctx, "bibw", "1:64K", pow2_sizes(1, 65536, False), 20,
                  ["--window", "16"])


def run_validate(ctx, kind, sizes):
    path = ctx.json_path(f"validate-{kind}.json")
    spec = ",".join(str(s) for s in sizes)
    extra = ["--window", "4"] if kind in ("bw", "bibw") else []
    rc, out, err = ctx.run(["--test", kind, "--validate", "--sizes", spec,
                            "--iters", "8", "--warmup", "2", "--json",
                            path] + extra)
    ctx.expect(rc == 0, f"--validate --test {kind}: exit 0 expected")
    ctx.check_json(path, kind=kind, sizes=sizes, iters=8)


def case_validate(ctx):
    # Eager and rendezvous (single copy) sizes, odd ones included.
    for kind in ("latency", "pingping"):
        run_validate(ctx, kind, [0, 1, 3, 4096, 65537, 1 << 20])
    for kind in ("bw", "bibw"):
        run_validate(ctx, kind, [1, 3, 4096, 65537, 1 << 20])


def case_corrupt(ctx):
    # The testing hook flips one byte of iteration 3 on rank 0.
    rc, out, err = ctx.run(["--validate", "--sizes", "4K", "--iters", "10",
                            "--warmup", "0", "--timeout", "5"],
                           env={"IBPONG_MPI_CORRUPT_ITER": "3"})
    ctx.expect(rc == 3, "a corrupted payload must exit 3")
    ctx.expect(re.search(r"validation failed.*size 4096 B, iteration 3, "
                         r"offset 2048", err),
               "the message names size, iteration and offset")
    ctx.expect("MPI_ABORT" not in err, "both ranks see it: no abort needed")


def case_corrupt_bw(ctx):
    # Only the receiver (osu_bw) or only rank 1 (PingPing: rank 0's payload
    # is corrupted, rank 0's own check passes) sees it: the verdict each
    # iteration carries tells the other rank, so both end with 3 and no
    # rank is left blocked for the watchdog or the launcher to kill.
    for kind in ("bw", "pingping"):
        window = ["--window", "4"] if kind == "bw" else []
        rc, out, err = ctx.run(["--test", kind, "--validate",
                                "--sizes", "64K", "--iters", "10",
                                "--warmup", "0", "--timeout", "2"] + window,
                               env={"IBPONG_MPI_CORRUPT_ITER": "3"})
        ctx.expect(rc == 3, f"--test {kind}: a corrupted payload exits 3")
        ctx.expect(re.search(r"validation failed on rank 1: size 65536 B, "
                             r"iteration 3, offset 32768", err),
                   f"--test {kind}: the message names rank, size, "
                   "iteration and offset")
        ctx.expect("stopped answering" not in err and
                   "BAD TERMINATION" not in out + err,
                   f"--test {kind}: both ranks learn of it; none is killed")


def case_format_imb(ctx):
    rc, out, err = ctx.run(["--format", "imb", "--sizes", "0:1K",
                            "--iters", "100"])
    ctx.expect(rc == 0, "--format imb: exit 0 expected")
    lines = out.splitlines()
    ctx.expect("# Benchmarking PingPong " in lines, "IMB benchmark title")
    ctx.expect("# #processes = 2 " in lines, "IMB #processes line")
    head = [i for i, ln in enumerate(lines)
            if ln.split() == ["#bytes", "#repetitions", "t[usec]",
                              "Mbytes/sec"]]
    ctx.expect(len(head) == 1, "one IMB column header")
    rows = []
    for ln in lines[head[0] + 1:]:
        if not ln.strip():
            break
        ctx.expect(re.match(r"^( {0,12}\d+){2}( {0,12}\d+\.\d\d){2}$", ln)
                   and len(ln) == 52, f"IMB row layout: {ln!r}")
        f = ln.split()
        rows.append((int(f[0]), int(f[1]), float(f[2]), float(f[3])))
    ctx.expect([r[0] for r in rows] == pow2_sizes(1, 1024), "IMB sizes")
    for size, reps, t, mbs in rows:
        ctx.expect(reps == 100 and t > 0, f"IMB row {size}")
        # Both columns come from the unrounded mean: size / (t +- 0.005).
        if size:
            lo, hi = size / (t + 0.005), size / max(t - 0.005, 1e-9)
            ctx.expect(lo - 0.005 <= mbs <= hi + 0.005,
                       f"IMB Mbytes/sec of {size}: {mbs} not in "
                       f"[{lo}, {hi}]")


def case_format_csv(ctx):
    rc, out, err = ctx.run(["--format", "csv", "--test", "pingping",
                            "--sizes", "0,8,100", "--iters", "200"])
    ctx.expect(rc == 0, "--format csv: exit 0 expected")
    rows = list(csv.DictReader(io.StringIO(out)))
    ctx.expect([int(r["size_bytes"]) for r in rows] == [0, 8, 100],
               "CSV sizes")
    for r in rows:
        stats = {k: float(r[f"latency_{k}_us"])
                 for k in check_result.STATS if k != "p999"}
        ctx.expect(int(r["iterations"]) == 200, "CSV iterations")
        ctx.expect(int(r["samples"]) == 200, "CSV sample count")
        # 200 samples: a p99, no p99.9 (it needs 1000)
        ctx.expect(r["latency_p999_us"] == "", f"CSV p99.9 absent {r}")
        ctx.expect(stats["min"] <= stats["median"] <= stats["max"]
                   and stats["p99"] <= stats["max"], f"CSV order {r}")
        ctx.expect(float(r["median_ci95_lo_us"]) <= stats["median"]
                   <= float(r["median_ci95_hi_us"]), f"CSV interval {r}")
        ctx.expect(r["stop"] == "fixed", f"CSV stop {r}")
        ctx.expect(float(r["message_rate_per_s"]) > 0, "CSV message rate")


def case_precision(ctx):
    """The default run is adaptive; --samples holds every raw sample."""
    path = ctx.json_path("precision.json")
    samples = os.path.join(ctx.tmp, "samples.csv")
    rc, out, err = ctx.run(["--sizes", "0:1K", "--json", path,
                            "--samples", samples])
    ctx.expect(rc == 0, "default (adaptive) run: exit 0 expected")
    doc = ctx.check_json(path, kind="latency", sizes=pow2_sizes(1, 1024))
    counts = {}
    with open(samples, encoding="utf-8") as f:
        lines = [ln for ln in f if not ln.startswith("#")]
    ctx.expect(lines[0].strip() == "size_bytes,latency_us", "CSV header")
    for ln in lines[1:]:
        size, us = ln.split(",")
        ctx.expect(float(us) > 0, f"sample {ln!r}")
        counts[int(size)] = counts.get(int(size), 0) + 1
    for row in doc["results"]:
        ctx.expect(row["stop"] in ("precision", "time-cap", "iteration-cap"),
                   f"adaptive stop reason {row['stop']}")
        # the cap is checked between batches: bounded, not exact (load)
        ctx.expect(row["time_s"] < 5, f"--max-time-per-size: {row}")
        # the default cap: 0.1 s below 64 KiB, 0.25 s from 64 KiB on
        cap = 0.1 if row["size_bytes"] < 65536 else 0.25
        if row["stop"] == "time-cap":
            ctx.expect(row["time_s"] >= cap, f"time-cap before {cap} s {row}")
        if row["stop"] == "precision":
            ctx.expect(row["iterations"] >= 32, f"precision before 32 {row}")
        ctx.expect(counts.get(row["size_bytes"]) == row["iterations"]
                   == row["latency_us"]["count"],
                   f"{row['size_bytes']} B: every sample in --samples")
        if row["stop"] == "precision":
            lo, hi = row["ci95_us"]["median"]
            ctx.expect((hi - lo) / 2 <= 0.01 * row["latency_us"]["median"]
                       * 1.0001, f"precision reached: {row}")
    # a fixed count excludes an explicit --precision
    rc, out, err = ctx.run(["--iters", "10", "--precision", "1%"])
    ctx.expect(rc == 2 and "--precision excludes --iters" in err,
               "--precision with --iters: exit 2, one line")


def case_check(ctx):
    """--check: the verdict is the exit code, retests in run.check."""
    path = ctx.json_path("check.json")
    rc, out, err = ctx.run(["--sizes", "0:64", "--check", "0-64:100000",
                            "--json", path])
    # a stall on a loaded machine makes a row unstable: INCONCLUSIVE (4)
    # is honest then; FAIL never
    ctx.expect((rc == 0 and "--check verdict: PASS" in out) or
               (rc == 4 and "--check verdict: INCONCLUSIVE" in out),
               "every size far below the ceiling: exit 0 (or 4 if unstable)")
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    ctx.expect(isinstance(doc["run"]["check"]["retests"], list)
               and doc["run"]["check"]["retest_budget"] == 64,
               "run.check records the retests")
    rc, out, err = ctx.run(["--sizes", "0:64", "--check", "0-64:0.001",
                            "--retest-budget", "2"])
    ctx.expect(rc == 1 and "--check verdict: FAIL" in out,
               "a ceiling no size can meet: exit 1")
    rc, out, err = ctx.run(["--sizes", "0:64", "--check", "no-such-prof"])
    ctx.expect(rc == 2 and err.count("--check no-such-prof") == 1,
               "an unknown profile: exit 2, one line")


def case_np1(ctx):
    rc, out, err = ctx.run(["--sizes", "0:8"], np=1)
    ctx.expect(rc == 2, "one rank must exit 2")
    ctx.expect(err.count("needs 2 MPI ranks, got 1") == 1,
               "one clear line, once")
    ctx.expect("MPI_ABORT" not in err, "no MPI_Abort for a usage error")


def case_np3(ctx):
    path = ctx.json_path("np3.json")
    rc, out, err = ctx.run(["--sizes", "0:64", "--iters", "50",
                            "--json", path], np=3)
    ctx.expect(rc == 0, "three ranks: exit 0 expected")
    ctx.check_json(path, kind="latency", sizes=pow2_sizes(1, 64), hosts=3)


BAD_OPTIONS = [
    (["--sizes", "abc"], "--sizes 'abc'"),
    (["--bogus"], "bogus"),
    (["--iters", "0"], "--iters '0'"),
    (["--test", "latency", "--window", "8"], "--window"),
    (["--format", "xml"], "--format 'xml'"),
    (["stray"], "unexpected argument 'stray'"),
    (["--sizes", "2G"], "above MPI's largest count"),
]


def expect_refused(ctx, cases):
    """Each command line exits 2 with its one line, printed by rank 0."""
    for args, needle in cases:
        rc, out, err = ctx.run(args)
        ctx.expect(rc == 2, f"{args}: exit 2 expected")
        ctx.expect(err.count(needle) == 1,
                   f"{args}: {needle!r} printed once (rank 0 only)")
        ctx.expect(out == "", f"{args}: nothing measured")
        ctx.expect("MPI_ABORT" not in err, "no MPI_Abort for a usage error")


def case_bad_options(ctx):
    expect_refused(ctx, BAD_OPTIONS)


def case_json_unwritable(ctx):
    for path, needle in (("/nonexistent-dir/x.json", "cannot create"),
                         (ctx.tmp, "is a directory")):
        rc, out, err = ctx.run(["--sizes", "0:8", "--json", path])
        ctx.expect(rc == 2, f"--json {path}: exit 2 expected")
        ctx.expect(err.count(needle) == 1, f"{needle!r} printed once")
        ctx.expect(out == "", "checked before measuring")


def case_huge_size(ctx):
    # 2 x 2000 MiB of buffers under a 3 GiB address-space limit per rank:
    # MPI_Init fits whatever the rank's baseline, the buffers never do.
    # AddressSanitizer reserves terabytes of address space and cannot run
    # under ulimit -v: there, its allocator refuses more than 1 GiB.
    if ctx.asan:
        rc, out, err = ctx.run(["--sizes", "2000M", "--iters", "1"],
                               env=asan_env("allocator_may_return_null=1:"
                                            "max_allocation_size_mb=1024"))
    else:
        rc, out, err = ctx.run(["--sizes", "2000M", "--iters", "1"],
                               wrap="ulimit -v 3145728")
    ctx.expect(rc == 3, "an allocation failure must exit 3")
    ctx.expect("cannot allocate the buffers of the largest size, "
               "2 x 2097152000 B: posix_memalign: Cannot allocate memory"
               in err, "a clear line naming the allocation")
    ctx.expect("MPI_ABORT" not in err, "all ranks agree: no abort")


# Options that do not apply: refused with one line naming the option and
# why, never silently ignored (issue 9).
REFUSED = [
    (["--mtu", "1024"],
     "--mtu is an option of --transport verbs; it does not apply to "
     "--transport mpi"),
    (["-d", "mlx5_0"], "--device is an option of --transport verbs"),
    (["--gid-index", "3"], "--gid-index is an option of --transport verbs"),
    (["--per-node", "2"],
     "--per-node is a sweep option: it needs --pairs ring|all|neighbors"),
    (["--matrix-dir", "/tmp"], "--matrix-dir is a sweep option"),
    (["--inject-hang", "1:1"], "--inject-hang is a sweep option"),
    (["--transport", "verbs"], "--transport is a sweep option"),
    (["--pairs", "all", "--transport", "cm"],
     "the cm engine cannot run over the mpi bootstrap"),
    (["--pairs", "all", "--transport", "nope"],
     "--transport 'nope': expected one of mpi"),
    (["-W", "8"], "--window applies to --test bw and bibw only"),
    (["--iters", "+5"], "--iters '+5'"),
    (["--iters", " 5"], "--iters ' 5'"),
    (["--timeout", "+5"], "--timeout '+5'"),
    (["--timeout", "inf"], "--timeout 'inf'"),
    (["-m", "abc"], "-m 'abc'"),
]


def case_refused(ctx):
    expect_refused(ctx, REFUSED)


def late_refusals(ctx):
    """Refusals that need the bootstrap up (MPI_Init done): each one exits
    2 on every rank, after one line from rank 0, before measuring."""
    sweep = ["--pairs", "ring", "--node-id-from", "env:OMPI_COMM_WORLD_RANK"]
    return [
        (["--samples", "/nonexistent-dir/s.csv"], "--samples"),
        (["--samples", ctx.tmp], "is a directory"),
        # a missing --matrix-dir is created; one that cannot be is refused
        (sweep + ["--matrix-dir", ctx.json_path() + "/m"],
         "cannot create the directory"),
        (sweep + ["--matrix-dir", ctx.json_path()],
         "cannot create the directory"),
        (["--test", "bw", "--format", "imb"], "--window 256"),
        (["--json", "/nonexistent-dir/r.json"], "cannot create"),
        (["--check", "no-such-profile"], "unknown profile"),
    ]


def case_late_refused(ctx):
    with open(ctx.json_path(), "w") as f:
        f.write("{}")
    for args, needle in late_refusals(ctx):
        rc, out, err, ranks = ctx.run_ranks(args + ["--sizes", "0:8"])
        ctx.expect(rc == 2, f"{args}: exit 2 expected")
        ctx.expect(ranks == {0: 2, 1: 2},
                   f"{args}: every rank exits 2, got {ranks}")
        ctx.expect(err.count(needle) == 1,
                   f"{args}: {needle!r} printed once (rank 0 only)")
        ctx.expect(out == "", f"{args}: nothing measured")


def launcher_binding(ctx, pin):
    """mpirun's own binding (Open MPI's --bind-to); MPICH's hydra, which
    binds nothing by default, pins each rank with taskset instead."""
    if os.environ.get("IBPONG_TEST_LAUNCHER") != "hydra":
        return ["--bind-to", "core" if pin else "none"], None
    if not pin:
        return [], None
    n = os.cpu_count() or 1
    return [], f"taskset -cp $((OMPI_COMM_WORLD_RANK % {n})) $$ >/dev/null"


def fingerprint_run(ctx, pin):
    path = ctx.json_path(f"env-{pin}.json")
    launcher, wrap = launcher_binding(ctx, pin)
    args = ["--sizes", "0:64", "--iters", "200", "--json", path]
    if launcher:
        rc, out, err, _ = ctx.run_ranks(args, launcher=launcher)
    else:
        rc, out, err = ctx.run(args, wrap=wrap)
    ctx.expect(rc == 0, f"pinned={pin}: exit 0 expected")
    doc = ctx.check_json(path, kind="latency", sizes=pow2_sizes(1, 64),
                         iters=200, hosts=2)
    return doc, err


def fingerprint_fields(ctx, doc):
    env = doc["run"]["env"]
    ctx.expect(len(env["ranks"]) == 2, "run.env.ranks: one per rank")
    online = os.cpu_count()
    source = "/sys/devices/system/clocksource/clocksource0/" \
        "current_clocksource"
    for i, rk in enumerate(env["ranks"]):
        d = rk.get("during", {})
        for key in ("voluntary_context_switches",
                    "involuntary_context_switches", "seconds", "cpu_end"):
            ctx.expect(isinstance(d.get(key), (int, float)) and d[key] >= 0,
                       f"rank {i}: run.env.ranks[].during.{key}: {d}")
        ctx.expect(rk.get("cpus_online_count") == online,
                   f"rank {i}: {online} CPUs online, said {rk}")
        ctx.expect(0 <= rk.get("cpu", -1) < online, f"rank {i}: cpu {rk}")
        if os.path.exists(source):
            ctx.expect(rk.get("clocksource") == open(source).read().strip(),
                       f"rank {i}: clocksource {rk.get('clocksource')}")
    thr = doc["run"]["mpi"].get("thresholds")
    ctx.expect(isinstance(thr, dict), "run.mpi.thresholds is an object")
    want = ("MPIR_CVAR_CH3_EAGER_MAX_MSG_SIZE"
            if os.environ.get("IBPONG_TEST_MPI") == "MPICH"
            else "btl_vader_eager_limit")
    ctx.expect(isinstance(thr.get(want), int) and thr[want] > 0,
               f"run.mpi.thresholds.{want}: {thr}")
    try:
        import jsonschema
    except ImportError:
        return
    schema = json.load(open(os.path.join(HERE, "..", "..", "doc",
                                         "ibpong-1.schema.json")))
    errs = list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
    ctx.expect(not errs, f"schema: {errs[0].message if errs else ''}")


def case_fingerprint(ctx):
    """run.env under a real mpirun: pinned ranks (--bind-to core) say so
    and are not warned about; unpinned ones (--bind-to none) are, once."""
    doc, err = fingerprint_run(ctx, True)
    env = doc["run"]["env"]
    ctx.expect(env["pinned"] is True, f"--bind-to core: pinned, got {env}")
    for rk in env["ranks"]:
        ctx.expect(rk["pinned"] and rk["cpus_allowed_count"] == 1,
                   f"--bind-to core: one CPU per rank, got {rk}")
    ctx.expect(env["ranks"][0]["cpu"] != env["ranks"][1]["cpu"] or
               os.cpu_count() == 1, "two ranks bound to two cores")
    ctx.expect("not pinned" not in err, "no warning for pinned ranks")
    fingerprint_fields(ctx, doc)
    doc, err = fingerprint_run(ctx, False)
    env = doc["run"]["env"]
    if (os.cpu_count() or 1) < 2:  # one CPU: nowhere else to run
        ctx.expect(env["pinned"] is True, "one CPU counts as pinned")
        return
    ctx.expect(env["pinned"] is False, f"--bind-to none: unpinned, {env}")
    for rk in env["ranks"]:
        ctx.expect(not rk["pinned"] and
                   rk["cpus_allowed_count"] == os.cpu_count(),
                   f"--bind-to none: every CPU allowed, got {rk}")
    ctx.expect(err.count("not pinned to CPUs") == 1 and
               err.count("results on unpinned ranks are noisy") == 1,
               "unpinned ranks: one warning, from rank 0")
    fingerprint_fields(ctx, doc)
    tuning_env_differs(ctx)


def tuning_env_differs(ctx):
    """Ranks launched alike have one tuning_env digest; a rank with a UCX_
    variable more is named in run.env.tuning_env_differs, once on stderr."""
    path = ctx.json_path("env-same.json")
    rc, out, err = ctx.run(["--sizes", "0", "--iters", "100", "--json", path])
    env = ctx.check_json(path, kind="latency", sizes=[0], iters=100,
                         hosts=2)["run"]["env"]
    tun = [rk.get("tuning_env") for rk in env["ranks"]]
    ctx.expect(rc == 0 and tun[0] and tun[0] == tun[1] and
               "tuning_env_differs" not in env and
               "tuning environment" not in err,
               f"ranks launched alike: one digest, no warning: {tun}")
    path = ctx.json_path("env-odd.json")
    rc, out, err = ctx.run(
        ["--sizes", "0", "--iters", "100", "--json", path],
        wrap='if [ "$OMPI_COMM_WORLD_RANK" = 1 ]; then '
             'export UCX_IBPONG_TEST=1; fi; true')
    env = ctx.check_json(path, kind="latency", sizes=[0], iters=100,
                         hosts=2)["run"]["env"]
    tun = [rk.get("tuning_env") for rk in env["ranks"]]
    ctx.expect(rc == 0 and env.get("tuning_env_differs") == [1] and
               tun[1]["count"] == tun[0]["count"] + 1,
               f"rank 1 with UCX_IBPONG_TEST: named, one more: {env}")
    ctx.expect(err.count("rank 1 has a different tuning environment") == 1,
               "one warning from rank 0")


def case_osu_habits(ctx):
    """OSU's -m, -i, -x, -W: nothing reinterpreted (-x is the warm-up)."""
    path = ctx.json_path("osu.json")
    rc, out, err = ctx.run(["-m", "64", "-i", "20", "-x", "7", "--json",
                            path])
    ctx.expect(rc == 0, "-m 64 -i 20 -x 7: exit 0 expected")
    doc = ctx.check_json(path, kind="latency", sizes=pow2_sizes(1, 64),
                         iters=20, hosts=2)
    ctx.expect(all(r["warmup"] == 7 for r in doc["results"]),
               "-x 7 is 7 warm-up iterations per size")
    rc, out, err = ctx.run(["--test", "bw", "-m", "8:16", "-W", "4", "-i",
                            "5", "--json", path])
    ctx.expect(rc == 0, "--test bw -m 8:16 -W 4: exit 0 expected")
    doc = ctx.check_json(path, kind="bw", sizes=[8, 16], iters=5, hosts=2)


def case_help(ctx):
    for args, needle in ((["--help"], "Usage: mpirun -np 2 ibpong-mpi"),
                         (["-h"], "Verbs options (with --transport verbs)"),
                         (["--version"], "ibpong-mpi "),
                         (["-V"], "ibpong-mpi ")):
        rc, out, err = ctx.run(args)
        ctx.expect(rc == 0, f"{args}: exit 0 expected")
        ctx.expect(out.count(needle) == 1, f"{needle!r} once (rank 0 only)")


CASES = {name[5:]: fn for name, fn in globals().items()
         if name.startswith("case_")}


def main(argv):
    if len(argv) != 3 or argv[2] not in CASES:
        print(f"usage: mpi_test.py MPIRUN IBPONG_MPI "
              f"{{{','.join(sorted(CASES))}}}", file=sys.stderr)
        return 2
    mpirun, exe, case = argv
    with tempfile.TemporaryDirectory(prefix="ibpong-mpi-test-") as tmp:
        try:
            CASES[case](Ctx(mpirun, os.path.abspath(exe), tmp))
        except Failure as e:
            print(f"FAIL {case}: {e}")
            return 1
        except subprocess.TimeoutExpired as e:
            print(f"FAIL {case}: timed out: {e}")
            return 1
    print(f"PASS {case}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
