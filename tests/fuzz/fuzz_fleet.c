/*  fuzz_fleet.c — libFuzzer target: arbitrary bytes as a fleet file
    (bin/supervise/sb_fleet). A refusal names the file (and the line when
    it has one) and says why; an accepted fleet has a command for every
    program, counts and durations within their ranges, every dependency
    before its dependent, and per-instance expansion of its words works.
    Aborts otherwise.                                                      */

#include "sb_classes.h"
#include "sb_fleet.h"
#include "sb_fleetvalue.h"

#define S_MAX_INPUT 65536

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

//  Every dependency of program index comes earlier in the fleet.
static void
s_check_order (sb_fleet_t *fleet, size_t index)
{
    for (char **name = fleet->programs [index]->depends; *name; name++) {
        size_t other = 0;
        while (other < index && !streq (fleet->programs [other]->name, *name))
            other++;
        if (other == index)
            abort ();
    }
}

static void
s_check_program (sb_program_def_t *program)
{
    if (!program->argv || !program->argv [0] || !program->fingerprint
    ||  !sb_fleetvalue_is_name (program->name)
    ||  program->instances < 0 || program->instances > SB_FLEET_MAX_INSTANCES
    ||  program->backoff_max_ms < program->backoff_initial_ms
    ||  program->backoff_jitter < 0 || program->backoff_jitter > 100
    ||  program->period_ms < 1000 || program->port_count > SB_FLEET_MAX_PORTS
    ||  (program->ready == SB_READY_COMMAND && (!program->ready_argv || !program->ready_argv [0]))
    ||  (program->ready >= SB_READY_TCP && program->ready != SB_READY_COMMAND
         && !program->ready_target))
        abort ();
    for (char **word = program->argv; *word; word++) {
        char *expanded = sb_fleetvalue_instance (*word, program->name, 64);
        if (!expanded || strstr (expanded, "${instance}"))
            abort ();
        free (expanded);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (size > S_MAX_INPUT)
        return 0;
    char *text = (char *) malloc (size + 1);
    if (!text)
        return 0;
    memcpy (text, data, size);
    text [size] = 0;
    char err [1024] = "";
    sb_fleet_t *fleet = sb_fleet_parse (text, "fuzz.zpl", "/fleet", "/cwd", err, sizeof err);
    free (text);
    if (!fleet) {
        if (strncmp (err, "fuzz.zpl:", 9) || strlen (err) < 12)
            abort ();       //  every refusal names the file and says why
        return 0;
    }
    if (fleet->count == 0 || fleet->count > SB_FLEET_MAX_PROGRAMS || !fleet->control
    ||  !fleet->directory || !fleet->run_dir)
        abort ();
    for (size_t index = 0; index < fleet->count; index++) {
        s_check_program (fleet->programs [index]);
        s_check_order (fleet, index);
    }
    sb_fleet_destroy (&fleet);
    return 0;
}
