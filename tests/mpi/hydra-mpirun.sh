#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# "mpirun -np N PROG ARGS..." (how the mpi suite's scripts start ranks) as
# the Azure guide starts Intel MPI on a cluster, with MPICH's hydra:
#   mpiexec -hosts localhost -ppn N -n N -env VAR VALUE PROG ARGS...
# $IBPONG_MPIEXEC is the hydra mpiexec (default mpiexec.mpich). The -env
# pair marks the launch, so a test can see the variable reached the ranks
# (run.mpi.env records MPIR_CVAR_*). Each rank also gets hydra's PMI_RANK
# as OMPI_COMM_WORLD_RANK, the node identity the sweep tests give
# --node-id-from (env:VAR takes any variable).
set -euo pipefail
if [ "${1:-}" = --as-rank ]; then
	shift
	export OMPI_COMM_WORLD_RANK=${PMI_RANK:?not started by hydra}
	exec "$@"
fi
mpiexec=${IBPONG_MPIEXEC:-mpiexec.mpich}
if [ "${1:-}" != -np ] || [ $# -lt 3 ]; then
	echo "hydra-mpirun: usage: hydra-mpirun.sh -np N PROG [ARGS...]" >&2
	exit 2
fi
n=$2
shift 2
exec "$mpiexec" -hosts localhost -ppn "$n" -n "$n" \
	-env MPIR_CVAR_IBPONG_TEST_LAUNCH hydra "$0" --as-rank "$@"
