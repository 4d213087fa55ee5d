/*
 * main.c -- tldwatch: is a country's Internet reachable, from DNS alone?
 *
 * Everything happens in cli.c; main only hands over and returns its code.
 */
#include "tldwatch/cli.h"

int
main(int argc, char **argv)
{
	return tw_cli_main(argc, argv);
}
