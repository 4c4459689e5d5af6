#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The Spack recipe (packaging/spack/package.py) agrees with the build.

Spack is not in Debian and cannot be fetched here, so the recipe runs
against a stand-in of the few names of spack.package it uses (variant,
version, depends_on, MesonPackage, ...), recorded as it declares them.
Checked: it is a MesonPackage named Ibpong; every variant is a feature
option of meson_options.txt; meson_args(), for every combination of the
variants, gives only options meson_options.txt defines, with values their
type allows, and disables the unit tests; every feature option that needs
a dependency is either a variant or set by meson_args; each variant's
dependency is declared only when the variant is on; the install check
runs `ibpong --version`. What this cannot check: that Spack itself
concretizes and builds the recipe (`spack install ibpong` was never run).

usage: spack-recipe.py SOURCE_ROOT
"""
import ast
import itertools
import os
import re
import sys
import types

DECL = {"variants": {}, "versions": {}, "depends": [], "other": []}


def variant(name, default=None, description="", **kw):
    DECL["variants"][name] = default


def version(name, **kw):
    DECL["versions"][name] = kw


def depends_on(spec, when=None, type=None):
    DECL["depends"].append((spec, when))


def _record(name):
    def f(*a, **kw):
        DECL["other"].append(name)
        if a and callable(a[0]) and not kw and len(a) == 1:
            return a[0]
        return lambda fn: fn
    return f


class MesonPackage:
    pass


class Spec:
    def __init__(self, on):
        self.on = on

    def satisfies(self, s):
        m = re.fullmatch(r"([+~])(\w+)", s)
        if not m:
            raise AssertionError(f"spec.satisfies({s!r}) not understood")
        return (m.group(2) in self.on) == (m.group(1) == "+")


def stub_spack():
    pkg = types.ModuleType("spack.package")
    for n, v in {"variant": variant, "version": version,
                 "depends_on": depends_on, "MesonPackage": MesonPackage,
                 "maintainers": _record("maintainers"),
                 "license": _record("license"),
                 "run_after": _record("run_after"),
                 "on_package_attributes": _record("on_package_attributes"),
                 "Executable": _record("Executable")}.items():
        setattr(pkg, n, v)
    pkg.__all__ = list(vars(pkg).keys())
    spack = types.ModuleType("spack")
    spack.package = pkg
    sys.modules["spack"] = spack
    sys.modules["spack.package"] = pkg


def meson_options(src):
    """name -> (type, allowed values or None)"""
    opts = {}
    text = open(os.path.join(src, "meson_options.txt")).read()
    for m in re.finditer(r"option\('(\w+)',\s*type:\s*'(\w+)'(.*?)\)\n",
                         text, re.S):
        name, typ, rest = m.groups()
        allowed = None
        if typ == "feature":
            allowed = {"enabled", "disabled", "auto"}
        elif typ == "boolean":
            allowed = {"true", "false"}
        elif typ == "combo":
            c = re.search(r"choices:\s*\[(.*?)\]", rest, re.S)
            allowed = set(re.findall(r"'([^']*)'", c.group(1)))
        opts[name] = (typ, allowed)
    return opts


def main(argv):
    src = argv[1]
    path = os.path.join(src, "packaging", "spack", "package.py")
    code = open(path).read()
    ast.parse(code, path)  # syntax, before anything runs
    stub_spack()
    ns = {}
    exec(compile(code, path, "exec"), ns)
    errs = []
    cls = ns.get("Ibpong")
    if not isinstance(cls, type) or not issubclass(cls, MesonPackage):
        errs.append("no class Ibpong(MesonPackage)")
        cls = None
    opts = meson_options(src)
    variants = DECL["variants"]
    for v in variants:
        if v not in opts or opts[v][0] != "feature":
            errs.append(f"variant '{v}' is not a feature option of "
                        "meson_options.txt")
    if not DECL["versions"]:
        errs.append("no version()")
    seen = set()
    for combo in itertools.product([False, True], repeat=len(variants)):
        on = {v for v, x in zip(variants, combo) if x}
        pkg = cls.__new__(cls) if cls else None
        if pkg is None:
            break
        pkg.spec = Spec(on)
        args = pkg.meson_args()
        given = {}
        for a in args:
            m = re.fullmatch(r"-D(\w+)=(.*)", a)
            if not m:
                errs.append(f"meson_args gives {a!r}, not -DNAME=VALUE")
                continue
            name, val = m.groups()
            given[name] = val
            if name not in opts:
                errs.append(f"meson_args sets -D{name}: no such option")
            elif opts[name][1] and val not in opts[name][1]:
                errs.append(f"-D{name}={val}: not one of "
                            f"{sorted(opts[name][1])}")
        for v in variants:
            want = "enabled" if v in on else "disabled"
            if given.get(v) != want:
                errs.append(f"variants {sorted(on)}: -D{v}="
                            f"{given.get(v)}, want {want}")
        if given.get("tests") != "disabled":
            errs.append("meson_args does not give -Dtests=disabled")
        seen |= set(given)
    for name, (typ, _) in opts.items():
        if typ == "feature" and name not in seen:
            errs.append(f"feature option {name} is neither a variant nor "
                        "set by meson_args (auto would pick up whatever "
                        "the build machine has)")
    for spec, when in DECL["depends"]:
        if when and not re.fullmatch(r"\+(\w+)", when):
            errs.append(f"depends_on({spec!r}, when={when!r}): not +VARIANT")
        elif when and when[1:] not in variants:
            errs.append(f"depends_on({spec!r}) when {when}: no such variant")
    for dep, var in (("mpi", "mpi"), ("rdma-core", "verbs"),
                     ("sqlite", "report")):
        if (dep, "+" + var) not in DECL["depends"]:
            errs.append(f"no depends_on({dep!r}, when='+{var}')")
    if "--version" not in code:
        errs.append("the install check does not run ibpong --version")
    for e in errs:
        print("FAIL: " + e)
    if errs:
        return 1
    print(f"PASS: {len(variants)} variants ({', '.join(variants)}), "
          f"{2 ** len(variants)} combinations of meson_args, "
          f"{len(DECL['depends'])} dependencies, versions "
          f"{', '.join(DECL['versions'])}; Spack itself was not run")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
