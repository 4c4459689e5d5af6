/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What launched this MPI job and the environment that tunes the MPI
 * library, for run.mpi of the result (doc/result-format.md).
 */
#ifndef MPI_ENV_H
#define MPI_ENV_H

#include <stdbool.h>

#include <jansson.h>

/*
 * Adds to the run.mpi object:
 *   "launcher": "srun", "mpirun" (Open MPI), "hydra" (MPICH's or Intel
 *               MPI's mpiexec) or "none" (a singleton);
 *   "pmi":      the process-management interface: srun's --mpi plugin
 *               (SLURM_MPI_TYPE), "pmix" or "pmi" (the PMI-1 wire protocol
 *               of hydra), or absent;
 *   "env":      every variable set in this process that tunes the MPI
 *               library or its transport (OMPI_MCA_*, PMIX_MCA_*, I_MPI_*,
 *               MPIR_CVAR_*, MPICH_*, UCX_*, FI_*, PSM2_*, HCOLL_*), less
 *               what a launcher sets for its own bookkeeping (Open MPI's
 *               orte/ess/pmix entries, its transport key), name -> value.
 * Returns 0 or -ENOMEM.
 */
int mpi_env_describe(json_t *mpi);

/*
 * Whether entry ("NAME=VALUE" of environ) tunes the MPI library: what
 * run.mpi.env lists, and what every rank fingerprints (bench_opts'
 * tuning_env).
 */
bool mpi_env_tunes(const char *entry);

/*
 * Adds run.mpi.thresholds: every integer MPI_T control variable of the
 * library whose name says eager or rendezvous (Open MPI's
 * btl_vader_eager_limit, btl_*_rndv_eager_limit; MPICH's
 * CH3_EAGER_MAX_MSG_SIZE...), name -> value as the library reads it
 * (bytes; MPICH's -1 is "the device's default"). Empty where the
 * library exposes none. Call between MPI_Init and MPI_Finalize. Returns
 * 0 or -ENOMEM.
 */
int mpi_thresholds_describe(json_t *mpi);

#endif
