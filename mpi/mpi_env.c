// SPDX-License-Identifier: BSD-2-Clause
/*
 * The launcher and the MPI environment of the run (mpi_env.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mpi_env.h"

static const char *const mpi_env_prefixes[] = {
	"OMPI_MCA_", "PMIX_MCA_", "I_MPI_", "MPIR_CVAR_", "MPICH_",
	"UCX_",	     "FI_",	  "PSM2_",  "HCOLL_",
};

/* Set by the launchers themselves: noise, and a key that must not leak. */
static const char *const mpi_env_skip[] = {
	"OMPI_MCA_orte_",
	"OMPI_MCA_ess",
	"OMPI_MCA_pmix",
	"OMPI_MCA_initial_wdir",
	"OMPI_MCA_shmem_RUNTIME_QUERY_hint",
	"OMPI_MCA_mpi_oversubscribe",
	"OMPI_MCA_prte_",
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static int mpi_env_has_prefix(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strncmp(s, list[i], strlen(list[i])))
			return 1;
	return 0;
}

bool mpi_env_tunes(const char *entry)
{
	return mpi_env_has_prefix(entry, mpi_env_prefixes,
				  N_OF(mpi_env_prefixes)) &&
	       !mpi_env_has_prefix(entry, mpi_env_skip, N_OF(mpi_env_skip));
}

static json_t *mpi_env_settings(void)
{
	json_t *env = json_object();
	char **e;

	for (e = environ; env && *e; e++) {
		const char *eq = strchr(*e, '=');
		char name[256];
		size_t len;

		if (!eq || !mpi_env_tunes(*e))
			continue;
		len = (size_t)(eq - *e);
		if (len >= sizeof(name))
			continue;
		memcpy(name, *e, len);
		name[len] = '\0';
		if (json_object_set_new(env, name, json_string(eq + 1))) {
			json_decref(env);
			return NULL;
		}
	}
	return env;
}

static void mpi_env_launcher(const char **launcher, const char **pmi)
{
	const char *slurm_mpi = getenv("SLURM_MPI_TYPE");

	*pmi = NULL;
	if (getenv("OMPI_MCA_orte_hnp_uri") || getenv("PRTE_LAUNCHED")) {
		*launcher = "mpirun";
		*pmi = "pmix";
	} else if (getenv("SLURM_STEP_ID") &&
		   (getenv("PMI_FD") || getenv("PMIX_RANK") ||
		    getenv("PMI_RANK") || getenv("OMPI_COMM_WORLD_SIZE"))) {
		*launcher = "srun";
		*pmi = slurm_mpi && *slurm_mpi ? slurm_mpi
		       : getenv("PMIX_RANK")   ? "pmix"
					       : "pmi2";
	} else if (getenv("PMI_FD") || getenv("PMI_RANK")) {
		*launcher = "hydra";
		*pmi = "pmi";
	} else if (getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK")) {
		*launcher = "mpirun";
		*pmi = "pmix";
	} else {
		*launcher = "none";
	}
}

int mpi_env_describe(json_t *mpi)
{
	const char *launcher, *pmi;
	json_t *env;

	mpi_env_launcher(&launcher, &pmi);
	if (json_object_set_new(mpi, "launcher", json_string(launcher)) ||
	    (pmi && json_object_set_new(mpi, "pmi", json_string(pmi))))
		return -ENOMEM;
	env = mpi_env_settings();
	if (!env || json_object_set_new(mpi, "env", env))
		return -ENOMEM;
	return 0;
}
