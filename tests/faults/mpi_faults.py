#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Fault campaign of ibpong-mpi under a real mpirun (Open MPI, shared
memory): peers stopped (SIGSTOP) and killed at random points, rank 0 and
mpirun interrupted, sweeps losing a rank, and a rank that stops itself
(stop_at.c, preloaded) in the bootstrap's set-up or the sweep's.

Usage: mpi_faults.py MPIRUN IBPONG_MPI [--trials N] [--timeout S]
       [--areas a,b] [--seed N] [--stop-lib LIB]

Every trial is bounded; a trial fails on a hang (the job still running
at --timeout + 1 s after the fault, plus Open MPI's own teardown, see
JOB_SLACK_S; rank 0 itself, which holds the result, must have left by
--timeout + 1 s), a crash (a rank dying of a signal it did not get from us,
a sanitizer report), a lost finished size (a row printed on stdout that
the JSON lacks), or a wrong exit code. Prints one line per area:
"AREA trials N failures F worst-exit S s (limit L s)", then exits 1 if
any trial failed.
"""
import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

MPI_ENV = {
    "OMPI_ALLOW_RUN_AS_ROOT": "1",
    "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
    "OMPI_MCA_btl": "self,vader",
    "OMPI_MCA_pml": "ob1",
    "OMPI_MCA_rmaps_base_oversubscribe": "1",
    "OMPI_MCA_btl_base_warn_component_unused": "0",
}
# After the watchdog's rank has left, mpirun ends the others: SIGCONT,
# SIGTERM, then odls_base_sigkill_timeout (1 s) before it exits itself.
JOB_SLACK_S = 1.5
CRASH_NEEDLES = ("AddressSanitizer", "runtime error:", "Segmentation fault",
                 "signal 11", "signal 6", "SIGSEGV", "SIGABRT", "core dumped",
                 "LeakSanitizer")


class Trial:
    def __init__(self, args, tmp, n):
        self.args = args
        self.dir = os.path.join(tmp, f"t{n}")
        os.makedirs(self.dir)
        self.json = os.path.join(self.dir, "r.json")

    def pid(self, rank, deadline=20.0):
        path = os.path.join(self.dir, f"pid.{rank}")
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            try:
                with open(path) as f:
                    return int(f.read())
            except (OSError, ValueError):
                time.sleep(0.01)
        return None

    def started(self, deadline=30.0):
        """Wait until rank 0 prints: MPI is up and measuring."""
        end = time.monotonic() + deadline
        path = os.path.join(self.dir, "out")
        while time.monotonic() < end and self.p.poll() is None:
            if os.path.getsize(path) > 0:
                return True
            time.sleep(0.01)
        return False

    def inject(self, pid, sig, rnd, lo, hi):
        self.started()
        time.sleep(rnd.uniform(lo, hi))
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass

    def start(self, np, opts, preload=""):
        env = dict(os.environ)
        env.update(MPI_ENV)
        opts_env = env.get("ASAN_OPTIONS", "")
        env["ASAN_OPTIONS"] = ":".join(
            o for o in (opts_env, "fast_unwind_on_malloc=0",
                        # the stop library is preloaded before libasan
                        "verify_asan_link_order=0" if preload else "")
            if o)
        wrap = (f'echo $$ > {self.dir}/pid.$OMPI_COMM_WORLD_RANK; '
                f'{preload} exec "$0" "$@"')
        cmd = [self.args.mpirun, "-np", str(np), "sh", "-c", wrap,
               self.args.exe, "--timeout", str(self.args.timeout),
               "--json", self.json] + opts
        self.cmd = cmd
        self.out = open(os.path.join(self.dir, "out"), "w+")
        self.err = open(os.path.join(self.dir, "err"), "w+")
        self.p = subprocess.Popen(cmd, env=env, stdout=self.out,
                                  stderr=self.err, start_new_session=True)

    def wait(self, limit, after_done=None):
        """rc, seconds; rc None when still running at limit (then killed).
        Also notes when rank 0, which holds the result, has exited
        (rank0_t): the job's end adds mpirun's own teardown. With
        after_done, a job that outlives a rank 0 whose result is complete
        by JOB_SLACK_S is ended here and rc is after_done: the fault came
        after the run (a rank stopped once rank 0 had left holds the job
        for ever; no launcher can tell it from a slow exit)."""
        t0 = time.monotonic()
        pid0 = self.pid(0, deadline=5)
        self.rank0_t = None
        rc = None
        while time.monotonic() - t0 < limit:
            rc = self.p.poll()
            if self.rank0_t is None and pid0 and exited(pid0):
                self.rank0_t = time.monotonic()
            if rc is not None:
                break
            if (after_done is not None and self.rank0_t and
                    time.monotonic() - self.rank0_t > JOB_SLACK_S and
                    complete(self.json)):
                os.killpg(self.p.pid, signal.SIGKILL)
                self.p.wait()
                rc = after_done
                break
            time.sleep(0.005)
        self.end_t = time.monotonic()
        if rc is None:
            os.killpg(self.p.pid, signal.SIGKILL)
            self.p.wait()
        if self.rank0_t is None:
            self.rank0_t = self.end_t
        return rc, self.end_t - t0

    def cleanup(self):
        for r in range(8):
            path = os.path.join(self.dir, f"pid.{r}")
            try:
                with open(path) as f:
                    pid = int(f.read())
                os.kill(pid, signal.SIGKILL)
            except (OSError, ValueError):
                pass

    def texts(self):
        self.out.seek(0)
        self.err.seek(0)
        return self.out.read(), self.err.read()


def exited(pid):
    """pid is gone or a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (OSError, IndexError):
        return True


def complete(path):
    """The result at path is written and not marked incomplete."""
    doc = load(path)
    return bool(doc) and not doc.get("run", {}).get("incomplete")


def printed_sizes(out):
    sizes = []
    for ln in out.splitlines():
        f = ln.split()
        if f and not ln.lstrip().startswith("#") and f[0].isdigit():
            sizes.append(int(f[0]))
    return sizes


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def check_common(t, rc, out, err, problems):
    for needle in CRASH_NEEDLES:
        if needle in err or needle in out:
            problems.append(f"crash: {needle!r} in the output")
            break
    if rc is None:
        problems.append("hang: still running at the limit")


def check_sizes(t, out, problems, want_incomplete):
    """Every size printed is in the JSON; a cut run says it is (a run cut
    after its result was written is complete)."""
    doc = load(t.json)
    _, err = t.texts()
    if "the result was already written" in err:
        want_incomplete = False
    printed = printed_sizes(out)
    if doc is None:
        if printed:
            problems.append(f"lost sizes: no JSON, {len(printed)} printed")
        return None
    have = [r["size_bytes"] for r in doc.get("results", [])]
    if have[:len(printed)] != printed:
        problems.append(f"lost sizes: printed {printed}, JSON {have}")
    inc = doc.get("run", {}).get("incomplete")
    if want_incomplete and not inc:
        problems.append("a cut run's JSON is not marked incomplete")
    ranks = doc.get("run", {}).get("env", {}).get("ranks") or [{}]
    if inc and have and "during" not in ranks[0]:
        problems.append("a cut run's JSON has no run.env.ranks[0].during")
    if inc and inc.get("sizes_done") != len(have):
        problems.append(f"incomplete.sizes_done {inc.get('sizes_done')} "
                        f"!= {len(have)} rows")
    return doc


# One area: start, wait a random time, inject; returns (problems, time to
# exit after the fault, limit).
# Long enough (about 4 s of measuring on an idle 2-core machine) that a
# fault 0 - 1.5 s after the first line lands inside the run; a fault ends
# the run early, so the length costs nothing otherwise.
RUN_OPTS = ["--sizes", "1:256K", "--iters", "20000"]
DONE = "done before the fault"


def area_stop_peer(t, rnd):
    t.start(2, RUN_OPTS)
    t.inject(t.pid(1), signal.SIGSTOP, rnd, 0, 1.5)
    limit = t.args.timeout + 1 + JOB_SLACK_S
    rc, dt = t.wait(limit + 10, after_done=DONE)
    out, err = t.texts()
    problems = []
    if rc == DONE:  # rank 0 finished and left; its part is what counts
        check_sizes(t, out, problems, want_incomplete=False)
        return problems, dt - (t.end_t - t.rank0_t), limit
    check_common(t, rc, out, err, problems)
    ended = "stopped answering" in err
    if rc not in (0, 3):
        problems.append(f"exit {rc}, expected 3 (or 0: done before)")
    if rc == 3 and not ended:
        problems.append("no line naming the rank that stopped answering")
    if ended and "rank 1 (host " not in err:
        problems.append("the line does not name rank 1 and its host")
    check_sizes(t, out, problems, want_incomplete=rc == 3 and
                "MPI_Finalize" not in err and "exit code" not in err)
    return problems, dt, limit


def area_kill_peer(t, rnd):
    t.start(2, RUN_OPTS)
    t.inject(t.pid(1), signal.SIGKILL, rnd, 0, 1.5)
    limit = t.args.timeout + 1 + JOB_SLACK_S
    rc, dt = t.wait(limit + 10)
    out, err = t.texts()
    problems = []
    check_common(t, rc, out, err, problems)
    # mpirun reports the first rank to fail: the killed one (128 + 9),
    # or ours (3 stall, 5 SIGTERM from mpirun) when it came first
    if rc not in (0, 3, 5, 137):
        problems.append(f"exit {rc}, expected 3, 5 or 137")
    check_sizes(t, out, problems, want_incomplete=rc not in (0,))
    return problems, dt, limit


def interrupt(t, rnd, target, sig):
    t.start(2, RUN_OPTS)
    pid = t.pid(0)
    t.inject(pid if target == "rank0" else t.p.pid, sig, rnd, 0, 1.5)
    limit = t.args.timeout + 1 + JOB_SLACK_S
    rc, dt = t.wait(limit + 10)
    out, err = t.texts()
    problems = []
    check_common(t, rc, out, err, problems)
    if target == "rank0" and rc not in (0, 5):
        problems.append(f"exit {rc}, expected 5 (interrupted)")
    if target == "mpirun" and rc == 0 and printed_sizes(out) != []:
        doc = load(t.json)
        if doc and doc.get("run", {}).get("incomplete"):
            problems.append("exit 0 with an incomplete result")
    check_sizes(t, out, problems, want_incomplete=rc not in (0,))
    return problems, dt, limit


def area_int_rank0(t, rnd):
    sig = rnd.choice([signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
    return interrupt(t, rnd, "rank0", sig)


def area_int_mpirun(t, rnd):
    return interrupt(t, rnd, "mpirun", signal.SIGINT)


SWEEP_OPTS = ["--pairs", "all", "--sizes", "1:16K", "--iters", "3000",
              "--node-id-from", "env:OMPI_COMM_WORLD_RANK"]


def sweep_summary(t, problems):
    """run of the sweep's summary and the ranks of run.failed_ranks, or
    (None, None) after noting that there is no JSON."""
    doc = load(t.json)
    if doc is None:
        problems.append("no JSON")
        return None, None
    run = doc.get("run", {})
    return run, {r.get("rank") for r in run.get("failed_ranks", [])}


def sweep_fault(t, rnd, sig):
    t.start(4, SWEEP_OPTS)
    victim = rnd.choice([1, 2, 3])
    t.inject(t.pid(victim), sig, rnd, 0, 1.0)
    # the rest of the sweep goes on: bounded by its rounds
    limit = 3 * (t.args.timeout + 1) + JOB_SLACK_S + 6
    # a stop after rank 0 left, its result complete, holds mpirun for
    # ever (CI saw it): judged on rank 0's part, as in area_stop_peer
    rc, dt = t.wait(limit + 10,
                    after_done=DONE if sig == signal.SIGSTOP else None)
    out, err = t.texts()
    problems = []
    if rc == DONE:
        run, failed = sweep_summary(t, problems)
        if failed:
            problems.append(f"done before the fault, failed_ranks {failed}")
        return problems, dt - (t.end_t - t.rank0_t), limit
    check_common(t, rc, out, err, problems)
    run, failed = sweep_summary(t, problems)
    if run is None:
        return problems, dt, limit
    if rc == 0 and (failed or run.get("failed_pairs")):
        problems.append("exit 0 with a failed rank or pair")
    if rc not in (0, 3, 137):
        problems.append(f"exit {rc}, expected 3 (or 137 for mpirun's "
                        "report of the killed rank)")
    held = {r.get("rank") for r in run.get("held_ranks", [])}
    if sig == signal.SIGSTOP and rc == 3 and failed and failed != {victim}:
        # its partner, held in the transfer, answers rank 0's probe
        problems.append(f"rank {victim} stopped, failed_ranks {failed}")
    if victim in held:
        problems.append(f"rank {victim} stopped, but held_ranks {held}")
    return problems, dt, limit


def area_sweep_stop(t, rnd):
    return sweep_fault(t, rnd, signal.SIGSTOP)


def area_sweep_kill(t, rnd):
    return sweep_fault(t, rnd, signal.SIGKILL)


def stopped_at(pid):
    """When pid is seen stopped (state T), or None if it never is."""
    end = time.monotonic() + 30
    while time.monotonic() < end:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "T":
                    return time.monotonic()
        except (OSError, IndexError):
            return None
        time.sleep(0.005)
    return None


# Where a rank stops itself in the sweep's set-up (stop_at.c): the
# communicator's duplicate (the bootstrap's two come first), the node
# names' exchange.
SETUP_POINTS = ["MPI_Comm_idup:3", "MPI_Iallgather:1"]
# ... and in the bootstrap's, right after MPI_Init: its two duplicates.
BOOTSTRAP_POINTS = ["MPI_Comm_idup:1", "MPI_Comm_idup:2"]


def stop_itself(t, np, opts, victim, point):
    """Start a job whose rank victim stops itself at point; (rc, dt from
    the stop to the job's end, out, err, problems so far)."""
    limit = t.args.timeout + 1 + JOB_SLACK_S
    t.start(np, opts, preload=f"IBPONG_FAULT_STOP={victim}:{point} "
            f"LD_PRELOAD={t.args.stop_lib}")
    pid = t.pid(victim)
    t_stop = stopped_at(pid) if pid else None
    rc, dt = t.wait(limit + 10)
    if t_stop:
        dt = time.monotonic() - t_stop if rc is None else \
            max(0.0, t.end_t - t_stop)
    out, err = t.texts()
    problems = []
    check_common(t, rc, out, err, problems)
    if t_stop is None:
        problems.append(f"rank {victim} never stopped at {point}")
    if rc != 3:
        problems.append(f"exit {rc}, expected 3")
    return rc, dt, out, err, problems


def area_stop_bootstrap(t, rnd):
    """A rank stopped between MPI_Init and the bootstrap's communicator:
    rank 0 names it in one line and the job is over within --timeout +
    1 s; nothing was measured, so there is no result file."""
    limit = t.args.timeout + 1 + JOB_SLACK_S
    if not t.args.stop_lib:
        return ["no --stop-lib"], 0.0, limit
    victim = rnd.choice([1, 2, 3])
    point = rnd.choice(BOOTSTRAP_POINTS)
    rc, dt, out, err, problems = stop_itself(t, 4, RUN_OPTS, victim, point)
    said = f"rank {victim} stopped answering before the bootstrap's"
    if err.count(said) != 1:
        problems.append(f"not one line {said!r}")
    if "no answer from every rank" in err:
        problems.append("a nameless timeout line besides it")
    if printed_sizes(out):
        problems.append("sizes measured with a rank missing")
    return problems, dt, limit


def area_sweep_stop_setup(t, rnd):
    """A rank stopped before the sweep starts: named in run.failed_ranks
    and the job over within --timeout + 1 s (rank 0's part)."""
    victim = rnd.choice([1, 2, 3])
    point = rnd.choice(SETUP_POINTS)
    limit = t.args.timeout + 1 + JOB_SLACK_S
    if not t.args.stop_lib:
        return ["no --stop-lib"], 0.0, limit
    rc, dt, out, err, problems = stop_itself(t, 4, SWEEP_OPTS, victim,
                                             point)
    run, failed = sweep_summary(t, problems)
    if run is None:
        return problems, dt, limit
    if failed != {victim}:
        problems.append(f"rank {victim} stopped at {point}, failed_ranks "
                        f"{sorted(failed)}")
    if not run.get("incomplete"):
        problems.append("the JSON is not marked incomplete")
    if f"rank {victim} stopped answering" not in err:
        problems.append("no line naming the stopped rank")
    # one line from rank 0, not a nameless timeout before it (rank 0's
    # roll call waits 0.9 x --timeout, the others the whole of it)
    early = f"no answer from every rank after {0.9 * t.args.timeout:g} s"
    if early in err:
        problems.append(f"rank 0 printed {early!r} besides naming rank "
                        f"{victim}")
    return problems, dt, limit


# Where a rank stops itself in its first pair (stop_at.c), before its part
# of a non-blocking collective that the partner then gives up on: the
# pair's parameter exchange, the engine's communicator, its buffers.
RESUME_POINTS = ["MPI_Iallgather:4", "MPI_Comm_idup:6", "MPI_Iallreduce:2"]


def area_sweep_stop_resume(t, rnd):
    """A rank stopped in its first pair, and woken after its partner gave
    up on it: the collective it then joins completes on the partner long
    after, into memory the partner must still hold (CI saw a write into
    freed memory under ASan). No crash, no hang, a result, exit 0 or 3."""
    limit = 4 * (t.args.timeout + 1) + JOB_SLACK_S + 6
    if not t.args.stop_lib:
        return ["no --stop-lib"], 0.0, limit
    victim = rnd.choice([1, 2, 3])
    point = rnd.choice(RESUME_POINTS)
    t.start(4, SWEEP_OPTS, preload=f"IBPONG_FAULT_STOP={victim}:{point} "
            f"LD_PRELOAD={t.args.stop_lib}")
    pid = t.pid(victim)
    t_stop = stopped_at(pid) if pid else None
    problems = []
    if t_stop is None:
        problems.append(f"rank {victim} never stopped at {point}")
    else:
        # the partner's wait ends after --timeout: wake the rank after it
        time.sleep(t.args.timeout + 0.5)
        try:
            os.kill(pid, signal.SIGCONT)
        except ProcessLookupError:
            pass
    rc, dt = t.wait(limit + 10)
    out, err = t.texts()
    check_common(t, rc, out, err, problems)
    if rc not in (0, 3, None):
        problems.append(f"exit {rc}, expected 0 or 3")
    sweep_summary(t, problems)
    return problems, dt, limit


AREAS = {
    "mpi-stop-peer": area_stop_peer,
    "mpi-kill-peer": area_kill_peer,
    "mpi-interrupt-rank0": area_int_rank0,
    "mpi-interrupt-mpirun": area_int_mpirun,
    "sweep-stop-rank": area_sweep_stop,
    "sweep-kill-rank": area_sweep_kill,
    "sweep-stop-setup": area_sweep_stop_setup,
    "mpi-stop-bootstrap": area_stop_bootstrap,
    "sweep-stop-resume": area_sweep_stop_resume,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mpirun")
    ap.add_argument("exe")
    ap.add_argument("--trials", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=2)
    ap.add_argument("--areas", default=",".join(AREAS))
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--stop-lib", default=None,
                    help="stop_at.c's library (area sweep-stop-setup)")
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else int(time.time())
    rnd = random.Random(seed)
    print(f"# seed {seed}, {args.trials} trial(s) per area, --timeout "
          f"{args.timeout} s", flush=True)
    bad = 0
    n = 0
    with tempfile.TemporaryDirectory(prefix="ibpong-faults-") as tmp:
        for name in args.areas.split(","):
            fails, worst, worst0, lim = 0, 0.0, 0.0, 0.0
            for _ in range(args.trials):
                n += 1
                t = Trial(args, tmp, n)
                try:
                    problems, dt, lim = AREAS[name](t, rnd)
                finally:
                    t.cleanup()
                worst = max(worst, dt)
                dt0 = None
                if getattr(t, "rank0_t", None):
                    dt0 = dt - (t.end_t - t.rank0_t)
                    worst0 = max(worst0, dt0)
                # rank 0 holds the result and is ibpong's to bound; the
                # job's end adds mpirun's kill sequence (JOB_SLACK_S)
                bound0 = args.timeout + 1
                if (dt0 is not None and lim == bound0 + JOB_SLACK_S and
                        dt0 > bound0):
                    problems.append(f"rank 0 left {dt0:.2f} s after the "
                                    f"fault > --timeout + 1 = {bound0} s")
                if dt > lim:
                    problems.append(f"hang: exit after {dt:.2f} s > {lim} s")
                if problems:
                    fails += 1
                    out, err = t.texts()
                    print(f"FAIL {name} trial {n}: " + "; ".join(problems))
                    print("  command: " + " ".join(t.cmd))
                    print("  stderr: " + err[-1500:].replace("\n", "\n  "))
            bad += fails
            print(f"{name} trials {args.trials} failures {fails} "
                  f"worst-exit {worst:.2f} s (limit {lim:.1f} s; rank 0 "
                  f"{worst0:.2f} s)", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
