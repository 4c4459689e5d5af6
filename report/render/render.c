/* SPDX-License-Identifier: BSD-2-Clause */
#include "report.h"

int report_cmd_plot(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 3;
}

int report_cmd_render(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 3;
}
