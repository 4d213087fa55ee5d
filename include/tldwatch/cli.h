/*
 * cli.h -- the command line: parse, run, and map results to exit codes.
 *
 * The only place besides main.c that decides an exit code:
 *   0 up, 1 degraded/unstable, 2 partial/down, 3 unknown or a usage or
 *   config error (the Nagios plugin convention, in every output format).
 * Invoked as "check_tldwatch", the program is "tldwatch check --format nagios".
 */
#ifndef TLDWATCH_CLI_H
#define TLDWATCH_CLI_H

#define TW_EXIT_USAGE 3

/* tw_cli_main(argc, argv): run the program; returns the exit code. */
int tw_cli_main(int argc, char **argv);

#endif
