#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Run the command blocks of README.md, so that no example fails as written.

usage: readme-blocks.py README BUILD_ROOT host|slurm|lab|list

Every ```sh block of README.md is preceded by one marker line that says
how it is tested:

  <!-- readme-test: host [exit=0,1,4] -->   run here, against the build
  <!-- readme-test: slurm [exit=...] -->    run on the private test cluster
                                            (ci/slurm-local; srun works)
  <!-- readme-test: lab [exit=...] -->      run here, needs the Soft-RoCE
                                            lab (it boots the guest itself)
  <!-- readme-test: skip REASON -->         not run; REASON says why and
                                            what tests the same instead

A block without a marker, a skip without a reason or an unknown kind fails
every mode. exit= lists the exit codes each command of the block may end
with (default 0): a verdict (check, compare, history) may PASS, FAIL or be
INCONCLUSIVE on a given machine, but never exit 2 or 3, and a command
that exits 1 or 4 while printing an error ("PROG: error: ...") fails the
block.

Each block runs as one bash script (pipefail): a command that exits with
a code not in exit= ends it, failed. The blocks of one
README section (the nearest ## or ### heading) and one kind run in order
in one fresh temporary directory, so a recipe's later blocks read what its
earlier ones wrote. That directory holds, before the first block:
  build -> the build tree (for examples that say build/ibpong-mpi);
  the inputs examples name but a user brings (IMB-pingpong.txt,
  osu_latency.txt, baseline.json, candidate.json, runs/*.json, ...): the
  real tool outputs of tests/report-import/samples, imported as needed.
PATH starts with the build tree (ibpong, ibpong-mpi, the sub-commands);
Open MPI is allowed to run as root and to oversubscribe (the examples
leave --allow-run-as-root and --oversubscribe out, as a user's would).

Exit: 0 every block of the mode passed, 1 one failed or a marker is wrong,
77 (meson's skip) the mode cannot run here (no test cluster, no lab).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

MARK = re.compile(r"^<!-- readme-test: (\w+)(.*?) -->$")
KINDS = ("host", "slurm", "lab", "skip")
BLOCK_TIMEOUT = {"host": 300, "slurm": 300, "lab": 900}

# name in the example -> (sample, labels for an import to JSON, or None
# to copy the text as it is)
FIXTURES = {
    "IMB-pingpong.txt": ("imb-2021-pingpong-shm.txt", None),
    "osu_latency.txt": ("osu-7.4-latency-shm.txt", None),
    "osu_bw.txt": ("osu-7.4-bw-shm.txt", None),
    "ib_write_lat.txt": ("perftest-4.5-ib_write_lat-softroce.client.txt",
                         None),
    "baseline.json": ("imb-2021-pingpong-shm.txt", ["cluster=hb120"]),
    "candidate.json": ("osu-7.4-latency-shm.txt", ["cluster=hb120"]),
    "runs/eastus-1.json": ("imb-2021-pingpong-shm.txt", ["region=eastus"]),
    "runs/eastus-2.json": ("osu-7.4-latency-shm.txt", ["region=eastus"]),
    "runs/westeurope-1.json": ("imb-2021-pingpong-shm.txt",
                               ["region=westeurope"]),
    "runs/westeurope-2.json": ("osu-7.4-latency-shm.txt",
                               ["region=westeurope"]),
}


class Block:
    def __init__(self, line, section, kind, args, text):
        self.line, self.section, self.kind = line, section, kind
        self.args, self.text = args.strip(), text
        self.exits = {0}
        m = re.search(r"\bexit=([\d,]+)", self.args)
        if m:
            self.exits = {int(x) for x in m.group(1).split(",")}


def parse(readme):
    """The blocks of README, and the marker errors found."""
    lines = open(readme, encoding="utf-8").read().split("\n")
    blocks, errors, section, i = [], [], "", 0
    while i < len(lines):
        ln = lines[i]
        if re.match(r"^#{2,3} ", ln):
            section = ln.lstrip("#").strip()
        if ln.startswith("```"):
            lang = ln[3:].strip()
            start = i
            i += 1
            body = []
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            if lang == "sh":
                m = MARK.match(lines[start - 1]) if start else None
                where = f"{readme}:{start + 1}"
                if not m:
                    errors.append(f"{where}: a ```sh block without a "
                                  "<!-- readme-test: KIND --> line before it")
                elif m.group(1) not in KINDS:
                    errors.append(f"{where}: unknown kind '{m.group(1)}' "
                                  f"(one of {', '.join(KINDS)})")
                elif m.group(1) == "skip" and not m.group(2).strip():
                    errors.append(f"{where}: a skip needs a reason")
                else:
                    blocks.append(Block(start + 1, section, m.group(1),
                                        m.group(2), "\n".join(body) + "\n"))
        i += 1
    return blocks, errors


def make_fixtures(src, build, env, where):
    samples = os.path.join(src, "tests", "report-import", "samples")
    for name, (sample, labels) in FIXTURES.items():
        dst = os.path.join(where, name)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if labels is None:
            shutil.copy(os.path.join(samples, sample), dst)
            continue
        cmd = [os.path.join(build, "ibpong"), "report", "import",
               os.path.join(samples, sample), "-o", dst]
        for lab in labels:
            cmd += ["--label", lab]
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)


def base_env(build):
    env = dict(os.environ)
    env["PATH"] = build + os.pathsep + env.get("PATH", "")
    env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
    env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
    env["OMPI_MCA_rmaps_base_oversubscribe"] = "1"
    env.pop("IBPONG_GNUPLOT_DIR", None)
    return env


def mode_env(mode, src, env):
    """The environment of a mode, or a reason it cannot run here."""
    if mode == "slurm":
        sl = os.path.join(src, "ci", "slurm-local")
        if subprocess.run([sl, "check"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode != 0:
            return None, "the test cluster is not running (ci/slurm-local start)"
        out = subprocess.run([sl, "env"], capture_output=True, text=True,
                             check=True).stdout
        for m in re.finditer(r"export (\w+)=(\S+)", out):
            env[m.group(1)] = m.group(2).strip("'\"")
        # one node: every task on it, as many as the example asks
        env["SLURM_OVERCOMMIT"] = "1"
    if mode == "lab":
        r = subprocess.run(["ibpong", "lab", "check"], env=env,
                           capture_output=True, text=True)
        if r.returncode != 0:
            last = (r.stdout + r.stderr).strip().splitlines() or ["?"]
            return None, "the lab cannot run here: " + last[-1]
    return env, None


def run_blocks(blocks, mode, src, build, env):
    fails = 0
    groups = {}
    for b in blocks:
        if b.kind == mode:
            groups.setdefault(b.section, []).append(b)
    fixtures = tempfile.mkdtemp(prefix="ibpong-readme-fixtures.")
    try:
        make_fixtures(src, build, env, fixtures)
        for section, bl in groups.items():
            wd = tempfile.mkdtemp(prefix="ibpong-readme.")
            try:
                shutil.copytree(fixtures, wd, dirs_exist_ok=True)
                os.symlink(build, os.path.join(wd, "build"))
                for b in bl:
                    fails += run_one(b, wd, env)
            finally:
                shutil.rmtree(wd, ignore_errors=True)
    finally:
        shutil.rmtree(fixtures, ignore_errors=True)
    return fails


def run_one(b, wd, env):
    t0 = time.monotonic()
    # each command may end with one of b.exits; any other ends the block
    ok = "|".join(str(x) for x in sorted(b.exits))
    script = ("set -o pipefail -E\n"
              f"trap 'rc=$?; case $rc in {ok}) echo \"readme-blocks: a "
              f"verdict exit $rc\" >&2 ;; *) exit $rc ;; esac' ERR\n"
              + b.text + "\nexit 0\n")
    try:
        r = subprocess.run(["bash", "-c", script],
                           cwd=wd, env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True,
                           timeout=BLOCK_TIMEOUT[b.kind])
        rc, out = r.returncode, r.stdout + r.stderr
    except subprocess.TimeoutExpired as e:
        rc = "timeout"
        out = (e.stdout or b"").decode(errors="replace") + \
            (e.stderr or b"").decode(errors="replace")
    dt = time.monotonic() - t0
    where = f"README.md:{b.line} ({b.section})"
    # a verdict (1, 4) is allowed; an error that exits so is not: ibpong's
    # "prog: error:" lines (mpirun's banner comes with any non-zero rank)
    verdicts = out.count("readme-blocks: a verdict exit")
    if rc == 0 and verdicts and re.search(r"^[\w -]+: error: ", out, re.M):
        rc = "a verdict exit code with an error message"
    if rc == 0:
        if verdicts:
            dt_note = f", {verdicts} verdict exit(s)"
            print(f"ok: {where}: exit 0{dt_note}, {dt:.1f} s")
            return 0
        print(f"ok: {where}: exit {rc}, {dt:.1f} s")
        return 0
    print(f"FAIL: {where}: a command exited {rc}, want one of "
          f"{sorted(b.exits)}, {dt:.1f} s")
    print("  block:\n" + "".join("    " + ln + "\n"
                                 for ln in b.text.splitlines()))
    print("  output (last 40 lines):")
    for ln in out.splitlines()[-40:]:
        print("    " + ln)
    return 1


def main(argv):
    if len(argv) != 4 or argv[3] not in ("host", "slurm", "lab", "list"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    readme, build, mode = argv[1], os.path.realpath(argv[2]), argv[3]
    src = os.path.dirname(os.path.realpath(readme))
    blocks, errors = parse(readme)
    for e in errors:
        print("FAIL: " + e)
    if mode == "list":
        for b in blocks:
            print(f"{b.line}\t{b.kind}\t{b.section}\t{b.args}")
        return 1 if errors else 0
    env, why = mode_env(mode, src, base_env(build))
    if env is None:
        print("SKIP: " + why)
        return 1 if errors else 77
    n = sum(1 for b in blocks if b.kind == mode)
    if not n:
        print(f"FAIL: no {mode} block in {readme}")
        return 1
    fails = run_blocks(blocks, mode, src, build, env)
    skipped = sum(1 for b in blocks if b.kind == "skip")
    print(f"{n} {mode} blocks, {fails} failed ({len(blocks)} blocks in "
          f"all, {skipped} skipped with a reason)")
    return 1 if fails or errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
