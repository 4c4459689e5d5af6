// SPDX-License-Identifier: BSD-2-Clause
/*
 * Opening and closing a bootstrap, whatever its implementation.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bootstrap.h"
#include "log.h"

int bench_bootstrap_open(struct bench_bootstrap *bs,
			 const struct bench_bootstrap_ops *ops,
			 const struct bench_bootstrap_cfg *cfg)
{
	int ret;

	memset(bs, 0, sizeof(*bs));
	bs->ops = ops;
	bs->timeout_s = cfg->timeout_s;
	if (ops->priv_size) {
		bs->priv = calloc(1, ops->priv_size);
		if (!bs->priv) {
			bench_err("bootstrap %s: out of memory", ops->name);
			return -ENOMEM;
		}
	}
	ret = ops->setup(bs, cfg);
	if (ret) {
		bench_bootstrap_close(bs);
		return ret;
	}
	return 0;
}

void bench_bootstrap_close(struct bench_bootstrap *bs)
{
	if (bs->ops && bs->ops->cleanup)
		bs->ops->cleanup(bs);
	free(bs->priv);
	memset(bs, 0, sizeof(*bs));
}
