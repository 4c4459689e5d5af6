#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Fault campaign without MPI and without an RDMA device: hostile TCP
bootstrap peers against `ibpong verbs` (client and server; `ibpong cm`
meets its peer over rdma_cm, which only the lab has), interrupts of a
waiting server, malformed result files against
every reporter command, concurrent and killed SQLite writers, and random
command lines (meaningful under ASan/UBSan: run it from that build).

Usage: local_faults.py BUILD_ROOT [--trials N] [--areas a,b] [--seed N]

Every process is bounded; a trial fails on a hang (past --timeout + 1 s),
a crash (a signal, a sanitizer report), a wrong exit code, a lost stored
row or a damaged database. Prints "AREA trials N failures F worst-exit S
s (limit L s)" per area and exits 1 on any failure.
"""
import argparse
import json
import os
import random
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time

TIMEOUT = 2  # --timeout of the benchmark commands
CRASH_NEEDLES = ("AddressSanitizer", "runtime error:", "LeakSanitizer",
                 "Segmentation fault", "core dumped")
ENV = dict(os.environ)
# the ends check their device before the network (issue 12); without one
# here, skip that check so that the hostile peers meet the bootstrap
ENV["IBPONG_PREFLIGHT"] = "0"
ENV["ASAN_OPTIONS"] = ":".join(o for o in (
    ENV.get("ASAN_OPTIONS", ""), "detect_leaks=1") if o)


def run(cmd, limit, **kw):
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True,
                           timeout=limit, env=ENV, errors="replace", **kw)
        return p.returncode, p.stdout, p.stderr, time.monotonic() - t0
    except subprocess.TimeoutExpired as e:
        return None, e.stdout or "", e.stderr or "", time.monotonic() - t0


def crashed(rc, out, err):
    if rc is not None and rc < 0:
        return f"killed by signal {-rc}"
    for n in CRASH_NEEDLES:
        if n in (out or "") + (err or ""):
            return f"{n!r} in the output"
    return None


def tcp_msg(t, payload=b""):
    return struct.pack(">IHHI", 0x49425047, 1, t, len(payload)) + payload


HOSTILE = {
    "junk": lambda r: bytes(r.randrange(256) for _ in range(r.randrange(1, 64))),
    "huge-length": lambda r: struct.pack(">IHHI", 0x49425047, 1, 1,
                                         0xFFFFFFFF),
    "other-version": lambda r: struct.pack(">IHHI", 0x49425047, 9, 1, 0),
    "half-header": lambda r: tcp_msg(1)[:r.randrange(1, 12)],
    "hello-then-junk": lambda r: tcp_msg(1) + bytes(
        r.randrange(256) for _ in range(r.randrange(1, 40))),
    "hello-then-half": lambda r: tcp_msg(1) + tcp_msg(2, b"x" * 64)[:20],
    "wrong-type": lambda r: tcp_msg(1) + tcp_msg(3) + tcp_msg(3),
    "silence": lambda r: b"",
    "flood": lambda r: bytes(r.randrange(256) for _ in range(1 << 16)),
}


def hostile_server(sock, data, hold):
    try:
        c, _ = sock.accept()
    except OSError:
        return
    try:
        c.sendall(data)
        time.sleep(hold)
    except OSError:
        pass
    c.close()


def area_hostile_server(a, rnd):
    """ibpong verbs / cm as the client of a hostile server."""
    exe = os.path.join(a.build, "ibpong-verbs")
    kind = rnd.choice(sorted(HOSTILE))
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    s.settimeout(TIMEOUT + 3)
    port = s.getsockname()[1]
    hold = TIMEOUT + 1.5 if kind == "silence" else rnd.uniform(0, 0.3)
    th = threading.Thread(target=hostile_server,
                          args=(s, HOSTILE[kind](rnd), hold))
    th.start()
    limit = TIMEOUT + 1
    rc, out, err, dt = run([exe, "127.0.0.1", "-p", str(port), "--timeout",
                            str(TIMEOUT)], limit + 5)
    s.close()
    th.join()
    problems = []
    c = crashed(rc, out, err)
    if c:
        problems.append(c)
    if rc not in (2, 3):
        problems.append(f"{kind}: exit {rc}, expected 2 or 3: {err[:300]}")
    lines = [ln for ln in err.splitlines() if "error:" in ln]
    if not lines:
        problems.append(f"{kind}: no error line")
    return problems, dt, limit


def area_hostile_client(a, rnd):
    """ibpong verbs / cm as the server of a hostile client."""
    exe = os.path.join(a.build, "ibpong-verbs")
    kind = rnd.choice(sorted(HOSTILE))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    t0 = time.monotonic()
    p = subprocess.Popen([exe, "--bind", "127.0.0.1", "-p", str(port),
                          "--timeout", str(TIMEOUT)], env=ENV,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, errors="replace")
    c = None
    while time.monotonic() - t0 < 5 and c is None:
        try:
            c = socket.create_connection(("127.0.0.1", port), timeout=1)
        except OSError:
            time.sleep(0.02)
    t1 = time.monotonic()
    if c:
        try:
            c.sendall(HOSTILE[kind](rnd))
        except OSError:
            pass
    limit = TIMEOUT + 1
    try:
        out, err = p.communicate(timeout=limit + 5)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        rc = None
    dt = time.monotonic() - t1
    if c:
        c.close()
    problems = []
    cr = crashed(rc, out, err)
    if cr:
        problems.append(cr)
    if rc not in (2, 3):
        problems.append(f"{kind}: exit {rc}, expected 2 or 3")
    if c is None:
        problems.append("could not connect to the server")
    return problems, dt, limit


def area_interrupt_server(a, rnd):
    """SIGINT/SIGTERM/SIGHUP to a server waiting for its client: exit 5."""
    exe = os.path.join(a.build, "ibpong-verbs")
    sig = rnd.choice([signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    p = subprocess.Popen([exe, "--bind", "127.0.0.1", "-p", str(port),
                          "--timeout", "30", "--json",
                          os.path.join(a.tmp, "srv.json")],
                         env=ENV, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    time.sleep(rnd.uniform(0.05, 0.5))
    p.send_signal(sig)
    t0 = time.monotonic()
    limit = 1.0
    try:
        out, err = p.communicate(timeout=limit + 5)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        rc = None
    dt = time.monotonic() - t0
    problems = []
    cr = crashed(rc if rc != -sig else 0, out, err)
    if cr:
        problems.append(cr)
    if rc != 5:
        problems.append(f"{signal.Signals(sig).name}: exit {rc}, "
                        f"expected 5: {err.strip()[:300]}")
    return problems, dt, limit


def mutate(text, rnd):
    doc = json.loads(text)
    how = rnd.randrange(6)
    rows = doc.get("results", [])
    if how == 0 and rows:
        r = rnd.choice(rows)
        k = rnd.choice(list(r.get("latency_us", {"mean": 0}).keys()))
        r.setdefault("latency_us", {})[k] = rnd.choice(
            [0, 0.0, 1e308, -1, 1e16, "1", None, [], {}])
        return json.dumps(doc)
    if how == 1 and rows:
        r = rnd.choice(rows)
        r["size_bytes"] = rnd.choice([-1, 2**64, 1.5, "8", None, 2**62])
        return json.dumps(doc)
    if how == 2:
        return text[:rnd.randrange(len(text))]
    if how == 3:
        b = bytearray(text.encode())
        for _ in range(rnd.randrange(1, 8)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        return b.decode("latin-1")
    if how == 4 and rows:
        r = rnd.choice(rows)
        r["bandwidth_MBps"] = rnd.choice([0, 1e308, -5, float("nan")])
        return json.dumps(doc, allow_nan=True)
    doc.setdefault("run", {})["hosts"] = rnd.choice(
        [["\udcff"], [1, 2], "x", None])
    return json.dumps(doc, ensure_ascii=rnd.random() < 0.5)


def area_malformed_results(a, rnd):
    """A damaged result against check, compare, store, plot and render."""
    base = os.path.join(a.src, "tests", "report-output", "data",
                        "lat-base.json")
    with open(base) as f:
        text = f.read()
    bad = os.path.join(a.tmp, f"bad{rnd.randrange(1 << 30)}.json")
    with open(bad, "w", errors="surrogateescape") as f:
        f.write(mutate(text, rnd))
    exe = os.path.join(a.build, "ibpong-report")
    sub = rnd.choice(["check", "compare", "store", "plot", "render"])
    out_dir = os.path.join(a.tmp, "out")
    args = {
        "check": ["check", bad, "--max-latency", "0-1M:100"],
        "compare": ["compare", base, bad],
        "store": ["store", "--db", os.path.join(a.tmp, "m.db"), bad],
        "plot": ["plot", "--out", out_dir, bad],
        "render": ["render", "--out", out_dir, bad],
    }[sub]
    limit = 20.0
    rc, out, err, dt = run([exe] + args, limit + 5)
    problems = []
    cr = crashed(rc, out, err)
    if cr:
        problems.append(cr)
    if rc is None:
        problems.append(f"{sub}: hang")
    elif rc not in (0, 1, 2, 4):
        problems.append(f"{sub}: exit {rc} on bad input (expected 0, 1, "
                        f"2 or 4): {err.strip()[:300]}")
    elif rc == 2 and len([ln for ln in err.splitlines() if ln]) != 1:
        problems.append(f"{sub}: {len(err.splitlines())} lines, not one: "
                        f"{err[:300]}")
    return problems, dt, limit


def area_sqlite_writers(a, rnd):
    """Two stores at once, one killed at a random point: nothing lost."""
    exe = os.path.join(a.build, "ibpong-report")
    base = os.path.join(a.src, "tests", "report-output", "data",
                        "lat-base.json")
    with open(base) as f:
        text = f.read()
    d = tempfile.mkdtemp(dir=a.tmp)
    files = []
    for i in range(30):
        p = os.path.join(d, f"r{i}.json")
        with open(p, "w") as f:
            f.write(text.replace('"westeurope"', f'"r{i}-{rnd.random()}"'))
        files.append(p)
    db = os.path.join(d, "h.db")
    t0 = time.monotonic()
    pa = subprocess.Popen([exe, "store", "--db", db] + files[:20], env=ENV,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    pb = subprocess.Popen([exe, "store", "--db", db] + files[10:], env=ENV,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    time.sleep(rnd.uniform(0, 0.3))
    pb.kill()
    limit = 60.0
    problems = []
    try:
        out, err = pa.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        pa.kill()
        out, err = pa.communicate()
        problems.append("the surviving store hung")
    pb.communicate()
    if pa.returncode != 0:
        problems.append(f"surviving store exit {pa.returncode}: {err[:300]}")
    cr = crashed(pa.returncode, out, err)
    if cr:
        problems.append(cr)
    # everything again: what the first reported stored is there, and the
    # rest goes in now
    rc, out2, err2, _ = run([exe, "store", "--db", db] + files, limit)
    if rc != 0:
        problems.append(f"re-store exit {rc}: {err2[:300]}")
    con = sqlite3.connect(db)
    if con.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
        problems.append("integrity_check failed")
    n = con.execute("SELECT count(*) FROM runs").fetchone()[0]
    con.close()
    if n != len(files):
        problems.append(f"{n} runs in the database, expected {len(files)}")
    for ln in out.splitlines():
        if ": stored (run" in ln:
            name = ln.split(":")[0]
            if f"{name}: already stored" not in out2:
                problems.append(f"{name} reported stored, then missing")
    return problems, time.monotonic() - t0, limit


def options_of(exe):
    rc, out, err, _ = run([exe, "--help"], 10)
    opts = set()
    for w in out.split():
        w = w.strip(",[]")
        if w.startswith("--") and len(w) > 2 and "=" not in w:
            opts.add(w)
    return sorted(opts - {"--help", "--version"})


VALUES = ["0", "1", "-1", "8", "4K", "1:4M", "0-512:3", "9999999999999999999",
          "1e308", "nan", "", "x", "..", "/", "/nonexistent/x", "a=b", "0:0",
          "2:1", "rc", "ud", "send", "read", "all", "latency", "bw"]


def area_random_cmdline(a, rnd):
    """Random options and values: a clear exit, never a crash or hang."""
    name = rnd.choice([n for n in ("ibpong-verbs", "ibpong-cm",
                                   "ibpong-report")
                       if os.path.exists(os.path.join(a.build, n))])
    exe = os.path.join(a.build, name)
    pre = []
    if name == "ibpong-report":
        pre = [rnd.choice(["import", "check", "compare", "store", "history",
                           "plot", "render"])]
    key = (name, tuple(pre))
    if key not in a.opts:
        a.opts[key] = options_of(exe) if not pre else \
            options_of_sub(exe, pre[0])
    opts = a.opts[key]
    args = list(pre)
    for _ in range(rnd.randrange(1, 6)):
        if opts and rnd.random() < 0.8:
            args.append(rnd.choice(opts))
        if rnd.random() < 0.7:
            args.append(rnd.choice(VALUES))
    if name != "ibpong-report":
        args += ["--timeout", "1", "--bind", "127.0.0.1", "-p",
                 str(rnd.randrange(20000, 60000))]
    limit = 15.0
    rc, out, err, dt = run([exe] + args, limit + 5, cwd=a.tmp,
                           stdin=subprocess.DEVNULL)
    problems = []
    cr = crashed(rc, out, err)
    if cr:
        problems.append(f"{cr}: {' '.join(args)}")
    if rc is None:
        problems.append(f"hang: {' '.join(args)}")
    elif rc not in (0, 1, 2, 3, 4):
        problems.append(f"exit {rc}: {' '.join(args)}")
    return problems, dt, limit


def options_of_sub(exe, sub):
    rc, out, err, _ = run([exe, sub, "--help"], 10)
    return sorted({w.strip(",[]") for w in out.split()
                   if w.startswith("--") and len(w) > 2 and "=" not in w}
                  - {"--help"})


AREAS = {
    "bootstrap-hostile-server": area_hostile_server,
    "bootstrap-hostile-client": area_hostile_client,
    "interrupt-waiting-server": area_interrupt_server,
    "malformed-results": area_malformed_results,
    "sqlite-killed-writer": area_sqlite_writers,
    "random-command-lines": area_random_cmdline,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--src", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    ap.add_argument("--trials", type=int, default=3)
    ap.add_argument("--areas", default=",".join(AREAS))
    ap.add_argument("--seed", type=int, default=None)
    a = ap.parse_args()
    a.build = os.path.abspath(a.build)
    a.src = os.path.abspath(a.src)
    seed = a.seed if a.seed is not None else int(time.time())
    rnd = random.Random(seed)
    a.opts = {}
    print(f"# seed {seed}, {a.trials} trial(s) per area", flush=True)
    need = {"bootstrap-hostile-server": "ibpong-verbs",
            "bootstrap-hostile-client": "ibpong-verbs",
            "interrupt-waiting-server": "ibpong-verbs",
            "malformed-results": "ibpong-report",
            "sqlite-killed-writer": "ibpong-report"}
    areas = [n for n in a.areas.split(",")
             if os.path.exists(os.path.join(a.build, need.get(n, "ibpong")))]
    bad = 0
    with tempfile.TemporaryDirectory(prefix="ibpong-lfaults-") as tmp:
        a.tmp = tmp
        for name in areas:
            fails, worst, lim = 0, 0.0, 0.0
            for n in range(a.trials):
                problems, dt, lim = AREAS[name](a, rnd)
                worst = max(worst, dt)
                if dt > lim:
                    problems.append(f"hang: {dt:.2f} s > {lim} s")
                if problems:
                    fails += 1
                    print(f"FAIL {name} trial {n + 1}: " +
                          "; ".join(problems), flush=True)
            bad += fails
            print(f"{name} trials {a.trials} failures {fails} "
                  f"worst-exit {worst:.2f} s (limit {lim:.1f} s)",
                  flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
