/* SPDX-License-Identifier: BSD-2-Clause */
#include "report.h"

int report_cmd_store(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 3;
}

int report_cmd_history(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 3;
}
