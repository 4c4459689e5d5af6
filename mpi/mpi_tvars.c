// SPDX-License-Identifier: BSD-2-Clause
/*
 * The MPI library's eager and rendezvous thresholds, read through its
 * MPI_T control variables (mpi_env.h): Open MPI's btl_*_eager_limit and
 * btl_*_rndv_eager_limit, MPICH's CH3/CH4 EAGER_MAX_MSG_SIZE. A library
 * that exposes none (or no MPI_T) leaves the object empty.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <mpi.h>

#include "mpi_env.h"

/* A threshold by its name: "eager" or "rndv"/"rendezvous", not MPICH's
 * context-id cache (CTXID_EAGER_SIZE), which is no message size. */
static int tvars_is_threshold(const char *name)
{
	return (strcasestr(name, "eager") || strcasestr(name, "rndv") ||
		strcasestr(name, "rendezvous")) &&
	       !strcasestr(name, "ctxid");
}

/* The value of an integer variable bound to no object: 0, or -ENOENT. */
static int tvars_read(int i, MPI_Datatype dt, long long *v)
{
	MPI_T_cvar_handle h;
	union {
		int i;
		unsigned u;
		long l;
		unsigned long ul;
		long long ll;
		unsigned long long ull;
		MPI_Count c;
		char pad[64];
	} buf = { 0 };
	int count, ret = -ENOENT;

	if (MPI_T_cvar_handle_alloc(i, NULL, &h, &count) != MPI_SUCCESS)
		return -ENOENT;
	if (count == 1 && MPI_T_cvar_read(h, &buf) == MPI_SUCCESS) {
		ret = 0;
		if (dt == MPI_INT)
			*v = buf.i;
		else if (dt == MPI_UNSIGNED)
			*v = buf.u;
		else if (dt == MPI_LONG)
			*v = buf.l;
		else if (dt == MPI_UNSIGNED_LONG)
			*v = (long long)buf.ul;
		else if (dt == MPI_LONG_LONG)
			*v = buf.ll;
		else if (dt == MPI_UNSIGNED_LONG_LONG)
			*v = (long long)buf.ull;
		else if (dt == MPI_COUNT)
			*v = (long long)buf.c;
		else
			ret = -ENOENT;
	}
	MPI_T_cvar_handle_free(&h);
	return ret;
}

static int tvars_add(json_t *out, int i)
{
	char name[256], desc[8];
	int name_len = sizeof(name), desc_len = sizeof(desc);
	int verbosity, bind, scope;
	MPI_Datatype dt;
	MPI_T_enum en;
	long long v;

	if (MPI_T_cvar_get_info(i, name, &name_len, &verbosity, &dt, &en, desc,
				&desc_len, &bind, &scope) != MPI_SUCCESS ||
	    bind != MPI_T_BIND_NO_OBJECT || !tvars_is_threshold(name) ||
	    tvars_read(i, dt, &v))
		return 0;
	return json_object_set_new(out, name, json_integer(v)) ? -ENOMEM : 0;
}

int mpi_thresholds_describe(json_t *mpi)
{
	json_t *out = json_object();
	int provided, n = 0, i, ret = 0;

	if (!out)
		return -ENOMEM;
	if (MPI_T_init_thread(MPI_THREAD_SINGLE, &provided) == MPI_SUCCESS) {
		if (MPI_T_cvar_get_num(&n) != MPI_SUCCESS)
			n = 0;
		for (i = 0; i < n && !ret; i++)
			ret = tvars_add(out, i);
		/*
		 * No MPI_T_finalize: MPICH 4.0 frees its variables at the
		 * last one and crashes in the next MPI_T_cvar_get_num (a
		 * sweep describes twice); MPI_Finalize ends the session.
		 */
	}
	if (!ret && json_object_set_new(mpi, "thresholds", out))
		return -ENOMEM;
	if (ret)
		json_decref(out);
	return ret;
}
