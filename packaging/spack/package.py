# Spack package recipe for ibpong. To use it, copy this directory into a
# Spack repository as packages/ibpong/ (or `spack repo create myrepo`, then
# packages/ibpong/package.py) and:
#   spack install ibpong ^openmpi          # or ^mpich, ^intel-oneapi-mpi
#   spack install ibpong ~verbs ~report    # MPI only
# Copyright ibpong developers. SPDX-License-Identifier: BSD-2-Clause

from spack.package import *


class Ibpong(MesonPackage):
    """RDMA and MPI ping-pong benchmarks and their reporter: ibpong-mpi
    (IMB/OSU-style ping-pong, bandwidth and cluster sweeps), raw verbs and
    rdma_cm tests (perftest-like), and a reporter that imports IMB, OSU
    and perftest output, checks targets, compares runs, keeps an SQLite
    history and draws gnuplot plots."""

    homepage = "https://github.com/ibpong/ibpong"
    git = "https://github.com/ibpong/ibpong.git"

    maintainers("ibpong")
    license("BSD-2-Clause")

    version("main", branch="main")

    variant("mpi", default=True, description="Build ibpong-mpi")
    variant("verbs", default=True,
            description="Build ibpong verbs and ibpong cm (rdma-core)")
    variant("report", default=True,
            description="Build ibpong report (SQLite, gnuplot at run time)")
    variant("man", default=False, description="Build the man pages (scdoc)")

    depends_on("c", type="build")
    depends_on("meson@0.63:", type="build")
    depends_on("ninja", type="build")
    depends_on("pkgconfig", type="build")
    depends_on("jansson")
    depends_on("openssl")
    depends_on("mpi", when="+mpi")
    depends_on("rdma-core", when="+verbs")
    depends_on("sqlite", when="+report")
    depends_on("gnuplot", when="+report", type="run")
    depends_on("scdoc", when="+man", type="build")

    def meson_args(self):
        spec = self.spec

        def feature(name):
            return "-D{0}={1}".format(
                name, "enabled" if spec.satisfies("+" + name) else "disabled")

        # the lab cluster's delayer is a test tool, not for an install
        args = [feature("mpi"), feature("report"), feature("man"),
                "-Dtests=disabled", "-Dlab_delay=disabled"]
        verbs = "enabled" if spec.satisfies("+verbs") else "disabled"
        args += ["-Dverbs=" + verbs, "-Drdmacm=" + verbs]
        return args

    def setup_build_environment(self, env):
        # meson's dependency('mpi') asks pkg-config, then the compiler
        # wrapper named by $MPICC: the MPI Spack chose (Open MPI, MPICH, or
        # Intel MPI, which shares MPICH's ABI).
        if self.spec.satisfies("+mpi"):
            env.set("MPICC", self.spec["mpi"].mpicc)

    @run_after("install")
    @on_package_attributes(run_tests=True)
    def check_install(self):
        ibpong = Executable(self.prefix.bin.ibpong)
        ibpong("--version")
