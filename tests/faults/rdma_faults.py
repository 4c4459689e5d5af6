#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Fault campaign of `ibpong verbs` and `ibpong cm` on a real RDMA device
(run inside the Soft-RoCE lab guest: tests/faults/rdma-faults.sh boots
it): one end killed (SIGKILL) or stopped (SIGSTOP) at a random point of
the run, or interrupted (SIGINT, SIGTERM).

Usage: rdma_faults.py VERBS_EXE CM_EXE [--trials N] [--timeout S]
       [--areas a,b] [--seed N] [--host IP] [--slack S] [--cm-stop-lib SO]

Area cm-kill-setup (with --cm-stop-lib, the cm_stop_at.c preload): the
server stops itself as it enters rdma_create_qp or rdma_accept of the
control or the data connection, the client is killed, the server goes
on; it must exit 3 with "the client went away during connection set-up".

A first clean run of each command measures how long a run takes; the
faults then land uniformly in it, connection set-up included. Every
trial is bounded. The end that is not hit (and an interrupted end
itself) must exit within --timeout + 1 s of the fault, with the right
code (3: peer lost; 5: interrupted; 0 when the fault came after the
run), with one line naming the cause, and its --json must hold every
size it printed, marked incomplete unless the run was complete (an end
that had already given up, e.g. on a peer that started too slowly, is
judged by its own line; a signal before main() blocks it kills the
process by the default action, with nothing printed or measured). Prints
"AREA trials N failures F worst-exit S s (limit L s)" per area and
exits 1 if any trial failed.
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SLACK_S = 1.0  # beyond --timeout: the bound (--slack)
CRASH_NEEDLES = ("AddressSanitizer", "runtime error:", "LeakSanitizer",
                 "Segmentation fault", "core dumped")
# What a survivor says when its peer went away or stopped answering.
LOST_RE = re.compile(
    r"nothing from the peer|no message from the peer|completion error|"
    r"closed the connection|"
    r"lost the connection|peer disconnected|timed out|did not answer|"
    r"stopped answering|no client connected|nobody listened|nothing within|"
    r"connection refused|rejected|reset by peer|disconnect|went away", re.I)
SETUP_LINE = "the client went away during connection set-up"
# where cm-kill-setup stops the server: the control connection's QP and
# accept, the data connection's accept (cm_stop_at.c counts the calls)
SETUP_STOPS = ("rdma_create_qp:1", "rdma_accept:1", "rdma_accept:2")
SIZES = "1:4K"
MIN_RUN_S = 3.0  # a clean run shorter than this gets more iterations


def pin(cpu):
    if shutil.which("taskset") and (os.cpu_count() or 1) >= 2:
        return ["taskset", "-c", str(cpu)]
    return []


def printed_sizes(out):
    sizes = []
    for ln in out.splitlines():
        f = ln.split()
        if f and not ln.lstrip().startswith("#") and f[0].isdigit():
            sizes.append(int(f[0]))
    return sizes


def listening(pid, port):
    """pid listens on TCP port (the bootstrap of ibpong verbs) or holds
    an rdma_cm id (ibpong cm listens at once after opening it)."""
    try:
        with open("/proc/net/tcp") as f:
            for ln in f.readlines()[1:]:
                loc, st = ln.split()[1], ln.split()[3]
                if st == "0A" and int(loc.split(":")[1], 16) == port:
                    return True
        fdd = f"/proc/{pid}/fd"
        for fd in os.listdir(fdd):
            if "rdma_cm" in os.readlink(os.path.join(fdd, fd)):
                time.sleep(0.3)
                return True
    except OSError:
        pass
    return False


def stopped(pid):
    """True when pid is stopped (state T), False running, None gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in "Tt"
    except (OSError, IndexError):
        return None


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


class End:
    """One end of a pair: server (no HOST) or client."""

    def __init__(self, d, role, exe, port, args, host, iters, env=None):
        self.role = role
        self.json = os.path.join(d, f"{role}.json")
        self.out = open(os.path.join(d, f"{role}.out"), "w+")
        self.err = open(os.path.join(d, f"{role}.err"), "w+")
        cmd = pin(0 if role == "server" else 1) + [
            exe, "-p", str(port), "--timeout", str(args.timeout),
            "--sizes", SIZES, "--iters", str(iters),
            "--json", self.json]
        if role == "client":
            cmd.append(args.host)
        self.cmd = cmd
        self.p = subprocess.Popen(cmd, stdout=self.out, stderr=self.err,
                                  env=env)
        self.rc = None
        self.t_exit = None

    def poll(self):
        if self.rc is None:
            rc = self.p.poll()
            if rc is not None:
                self.rc, self.t_exit = rc, time.monotonic()
        return self.rc

    def wait_until(self, deadline):
        while self.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.rc

    def kill(self):
        if self.poll() is None:
            try:
                self.p.send_signal(signal.SIGCONT)
                self.p.kill()
            except ProcessLookupError:
                pass
            self.p.wait()
            self.poll()

    def texts(self):
        self.out.seek(0)
        self.err.seek(0)
        return self.out.read(), self.err.read()


def check_end(e, want, problems, fault_t, limit):
    """e's exit code in want, its time, its line, its JSON."""
    out, err = e.texts()
    tag = e.role
    for n in CRASH_NEEDLES:
        if n in out + err:
            problems.append(f"{tag}: crash: {n!r} in the output")
    if e.rc is None:
        problems.append(f"{tag}: hang: still running {limit + 10:.0f} s "
                        "after the fault")
        return None
    dt = max(0.0, e.t_exit - fault_t)
    if e.rc < 0 and -e.rc in (signal.SIGINT, signal.SIGTERM) and \
            not out and not err and load(e.json) is None:
        return dt  # interrupted before main() blocked the signal
    if e.rc < 0:
        problems.append(f"{tag}: killed by signal {-e.rc}")
    if e.t_exit <= fault_t:
        want = want | {3}  # done before the fault (a slow start's timeout)
    if e.rc not in want:
        problems.append(f"{tag}: exit {e.rc}, expected {sorted(want)}")
    if e.rc == 3 and not LOST_RE.search(err):
        problems.append(f"{tag}: exit 3 without a line naming the cause")
    if e.rc == 5 and "interrupted by SIG" not in err:
        problems.append(f"{tag}: exit 5 without the 'interrupted' line")
    if e.rc != 0 and not err.strip():
        problems.append(f"{tag}: exit {e.rc} without a word")
    printed = printed_sizes(out)
    doc = load(e.json)
    if doc is None:
        if printed:
            problems.append(f"{tag}: lost sizes: no JSON, "
                            f"{len(printed)} printed")
        return dt
    have = [r["size_bytes"] for r in doc.get("results", [])]
    if have[:len(printed)] != printed:
        problems.append(f"{tag}: lost sizes: printed {printed}, JSON {have}")
    inc = doc.get("run", {}).get("incomplete")
    if e.rc != 0 and not inc and "already written" not in err:
        problems.append(f"{tag}: exit {e.rc}, JSON not marked incomplete")
    if e.rc == 0 and inc:
        problems.append(f"{tag}: exit 0 with an incomplete JSON")
    if inc and inc.get("sizes_done") != len(have):
        problems.append(f"{tag}: incomplete.sizes_done "
                        f"{inc.get('sizes_done')} != {len(have)} rows")
    return dt


class Campaign:
    def __init__(self, args, tmp):
        self.args = args
        self.tmp = tmp
        self.n = 0
        self.port = 19600 + os.getpid() % 200
        self.run_s = {}
        self.iters = {}

    def pair(self, exe, srv_env=None):
        """Server, then client once the server listens (a process starts
        slowly under TCG: --timeout would run out before it listens)."""
        self.n += 1
        self.port += 1
        d = os.path.join(self.tmp, f"t{self.n}")
        os.makedirs(d)
        it = self.iters.setdefault(exe, self.args.iters)
        srv = End(d, "server", exe, self.port, self.args, self.args.host, it,
                  srv_env)
        end = time.monotonic() + 30
        while (not listening(srv.p.pid, self.port) and srv.poll() is None
               and time.monotonic() < end):
            time.sleep(0.02)
        cli = End(d, "client", exe, self.port, self.args, self.args.host, it)
        return d, srv, cli

    def kill_setup(self, exe, rnd):
        """The server stopped inside the connection set-up (cm_stop_at.c),
        the client killed there, the server resumed."""
        stop = rnd.choice(SETUP_STOPS)
        d = os.path.join(self.tmp, f"t{self.n + 1}")
        mark = d + ".mark"
        env = dict(os.environ, LD_PRELOAD=self.args.cm_stop_lib,
                   IBPONG_FAULT_CM_STOP=stop, IBPONG_FAULT_CM_MARK=mark)
        _, srv, cli = self.pair(exe, env)
        limit = self.args.timeout + self.args.slack
        problems = []
        end = time.monotonic() + 60
        while (not os.path.exists(mark) and srv.poll() is None and
               time.monotonic() < end):
            time.sleep(0.01)
        while stopped(srv.p.pid) is False and time.monotonic() < end:
            time.sleep(0.01)
        if not stopped(srv.p.pid):
            _, err = srv.texts()
            problems.append(f"server never reached {stop} (exit {srv.rc}): "
                            f"{err.strip()[-300:]}")
            srv.kill()
            cli.kill()
            return problems, 0.0, limit, stop
        cli.kill()
        fault_t = time.monotonic()
        time.sleep(0.3)  # the client's kernel rejects the request
        srv.p.send_signal(signal.SIGCONT)
        srv.wait_until(fault_t + limit + 10)
        dt = check_end(srv, {3}, problems, fault_t, limit)
        _, err = srv.texts()
        if srv.rc == 3 and SETUP_LINE not in err:
            problems.append(f"server: exit 3 without {SETUP_LINE!r}")
        errs = [ln for ln in err.splitlines() if "error:" in ln]
        if srv.rc == 3 and len(errs) != 1:
            problems.append(f"server: {len(errs)} error lines for one "
                            "cause")
        srv.kill()
        return problems, dt or 0.0, limit, f"stop at {stop}, client killed"

    def calibrate(self, name, exe):
        """A clean run: both ends exit 0; its length places the faults."""
        _, srv, cli = self.pair(exe)
        t0 = time.monotonic()
        end = t0 + 120
        cli.wait_until(end)
        srv.wait_until(end)
        problems = []
        for e in (srv, cli):
            if e.rc != 0:
                _, err = e.texts()
                problems.append(f"clean run: {e.role} exit {e.rc}: "
                                f"{err.strip()[-300:]}")
            e.kill()
        self.run_s[exe] = max(0.5, time.monotonic() - t0)
        print(f"# {name}: a clean run takes {self.run_s[exe]:.1f} s "
              f"({self.iters[exe]} iterations)", flush=True)
        return problems

    def fault(self, exe, rnd, sig, victim_role):
        """Start a pair, hit victim_role with sig at a random point."""
        _, srv, cli = self.pair(exe)
        ends = {"server": srv, "client": cli}
        victim = ends[victim_role]
        other = cli if victim is srv else srv
        time.sleep(rnd.uniform(0, self.run_s[exe] * 0.9))
        fault_t = time.monotonic()
        if victim.poll() is None:
            victim.p.send_signal(sig)
        return fault_t, victim, other

    def stop_or_kill(self, exe, rnd, sig):
        role = rnd.choice(["server", "client"])
        fault_t, victim, other = self.fault(exe, rnd, sig, role)
        limit = self.args.timeout + self.args.slack
        other.wait_until(fault_t + limit + 10)
        problems = []
        dt = check_end(other, {0, 3}, problems, fault_t, limit)
        victim.kill()
        other.kill()
        return problems, dt or 0.0, limit, f"{sig.name} {role}"

    def interrupt(self, exe, rnd):
        sig = rnd.choice([signal.SIGINT, signal.SIGTERM])
        role = rnd.choice(["server", "client"])
        fault_t, victim, other = self.fault(exe, rnd, sig, role)
        limit = self.args.timeout + self.args.slack
        victim.wait_until(fault_t + limit + 10)
        other.wait_until(fault_t + limit + 10)
        problems = []
        dt1 = check_end(victim, {0, 5}, problems, fault_t, limit)
        # the peer of an interrupted end: 3 (peer gone), 0 if done
        dt2 = check_end(other, {0, 3}, problems, fault_t, limit)
        victim.kill()
        other.kill()
        return problems, max(dt1 or 0, dt2 or 0), limit, f"{sig.name} {role}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("verbs")
    ap.add_argument("cm")
    ap.add_argument("--trials", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=2)
    ap.add_argument("--iters", type=int, default=100)
    ap.add_argument("--slack", type=float, default=SLACK_S,
                    help="allowed beyond --timeout to exit (default 1 s)")
    ap.add_argument("--host", default=os.environ.get("IBPONG_LAB_IP",
                                                     "192.0.2.1"))
    ap.add_argument("--areas", default=None)
    ap.add_argument("--cm-stop-lib", default=None,
                    help="cm_stop_at.c's preload: adds area cm-kill-setup")
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else int(time.time())
    rnd = random.Random(seed)
    cmds = {"verbs": args.verbs, "cm": args.cm}
    areas = {}
    for c in cmds:
        areas[f"{c}-kill-peer"] = (c, lambda k, e, r: k.stop_or_kill(
            e, r, signal.SIGKILL))
        areas[f"{c}-stop-peer"] = (c, lambda k, e, r: k.stop_or_kill(
            e, r, signal.SIGSTOP))
        areas[f"{c}-interrupt"] = (c, lambda k, e, r: k.interrupt(e, r))
    if args.cm_stop_lib:
        areas["cm-kill-setup"] = ("cm", lambda k, e, r: k.kill_setup(e, r))
    names = args.areas.split(",") if args.areas else list(areas)
    print(f"# seed {seed}, {args.trials} trial(s) per area, --timeout "
          f"{args.timeout} s, sizes {SIZES}, {args.iters} iterations",
          flush=True)
    bad = 0
    with tempfile.TemporaryDirectory(prefix="ibpong-rdma-faults-") as tmp:
        k = Campaign(args, tmp)
        for c in sorted({areas[n][0] for n in names}):
            problems = k.calibrate(c, cmds[c])
            # faults land in the run: make it last MIN_RUN_S at least
            e = cmds[c]
            if not problems and k.run_s[e] < MIN_RUN_S:
                k.iters[e] = int(k.iters[e] * MIN_RUN_S / k.run_s[e]) + 1
                problems = k.calibrate(c, e)
            if problems:
                print(f"FAIL {c} clean run: " + "; ".join(problems))
                return 1
        for name in names:
            c, fn = areas[name]
            fails, worst, lim = 0, 0.0, 0.0
            for _ in range(args.trials):
                problems, dt, lim, what = fn(k, cmds[c], rnd)
                worst = max(worst, dt)
                if dt > lim:
                    problems.append(f"hang: exit {dt:.2f} s after the "
                                    f"fault > {lim} s")
                if problems:
                    fails += 1
                    d = os.path.join(tmp, f"t{k.n}")
                    print(f"FAIL {name} trial {k.n} ({what}): " +
                          "; ".join(problems))
                    for role in ("server", "client"):
                        with open(os.path.join(d, f"{role}.err")) as f:
                            err = f.read()[-800:]
                        print(f"  {role} stderr: " +
                              err.replace("\n", "\n    "))
            bad += fails
            print(f"{name} trials {args.trials} failures {fails} "
                  f"worst-exit {worst:.2f} s (limit {lim:.1f} s)",
                  flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
