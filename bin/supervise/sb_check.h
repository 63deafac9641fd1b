/*  sb_check.h — `supervise check`: what can go wrong before a fleet starts,
    found before it starts: programs that are missing or not executable,
    config files that are not ZPL, secrets not in the environment (named,
    never printed), ports already taken, a supervise already running, a run
    folder that cannot be written. Each problem comes with what to do.      */

#ifndef SB_CHECK_H_INCLUDED
#define SB_CHECK_H_INCLUDED

#include <stdio.h>
#include "sb_fleet.h"

//  Checks the fleet and prints each problem, and each note (an optional
//  secret unset), with what to do about it, to out. Returns the number of
//  problems.
int sb_check_fleet (sb_fleet_t *fleet, FILE *out);

//  True if command (a path, or a name looked up in PATH) names an
//  executable file; found gets where (a path) when found is not NULL.
bool sb_check_executable (const char *command, char *found, size_t size);

#endif
