/*  sb_intent.h — the rule-based reading of an employee's text: what they
    want (intent) and what they named (period, hours, project, note).

    Pure: no clock, no zone, no I/O. Periods stay relative here ("last
    friday", "march 5" without a year); sb_period turns them into dates at
    the conversation's "now" in the tenant's zone. Case- and
    punctuation-insensitive; UTF-8 passes through untouched (only ASCII is
    folded), and what is copied out (project, note) is cut on character
    boundaries.                                                            */

#ifndef SB_INTENT_H_INCLUDED
#define SB_INTENT_H_INCLUDED

#include "sb_classes.h"

typedef enum {
    SB_INTENT_UNKNOWN,
    SB_INTENT_CHECK_HOURS,
    SB_INTENT_MISSING_HOURS,
    SB_INTENT_LOG_HOURS,
    SB_INTENT_SUBMIT_WEEK,
    SB_INTENT_HELP,
    SB_INTENT_GREETING,
    SB_INTENT_REMINDER           //  never read from text: reminder.due's
} sb_intent_kind_t;

typedef enum {
    SB_PERIOD_NONE,
    SB_PERIOD_TODAY,
    SB_PERIOD_YESTERDAY,
    SB_PERIOD_THIS_WEEK,
    SB_PERIOD_LAST_WEEK,
    SB_PERIOD_WEEKDAY,           //  "on monday": the latest such day up to today
    SB_PERIOD_LAST_WEEKDAY,      //  "last friday": that day of the previous week
    SB_PERIOD_DATE,              //  "march 5", "2026-03-05", "5/3"
    SB_PERIOD_MONTH,             //  "in february"
    SB_PERIOD_THIS_MONTH,
    SB_PERIOD_LAST_MONTH,
    SB_PERIOD_RANGE              //  explicit from/to dates (the LLM backend's)
} sb_period_kind_t;

//  How "5/3" reads: day first (5 March) or month first (May 3).
typedef enum { SB_DATE_ORDER_DMY, SB_DATE_ORDER_MDY } sb_date_order_t;

#define SB_INTENT_PROJECT_MAX 128    /* bytes, as plan.tool_call allows     */
#define SB_INTENT_NOTE_MAX    512

typedef struct {
    sb_intent_kind_t intent;
    bool follow_up;              //  no intent of its own, only entities
    sb_period_kind_t period;
    int weekday;                 //  0 Sunday .. 6 Saturday (WEEKDAY kinds)
    int year, month, day;        //  DATE (year 0: the latest one up to today),
                                 //  MONTH (month; year 0 likewise)
    bool has_hours;
    double hours;                //  0 < hours <= 24
    bool bad_hours;              //  a quantity of hours not in (0, 24]
    char from_date [11];         //  RANGE: YYYY-MM-DD, inclusive
    char to_date [11];
    char project [SB_INTENT_PROJECT_MAX + 1];
    char note [SB_INTENT_NOTE_MAX + 1];
} sb_intent_t;

//  Reads text into *intent (all fields set). Never fails: text that says
//  nothing it knows is SB_INTENT_UNKNOWN with no entities.
void sb_intent_parse (const char *text, sb_date_order_t order, sb_intent_t *intent);

//  The intent's name as the schemas spell it ("check_hours", ...), and back
//  (-1 for a name it does not know).
const char *sb_intent_name (sb_intent_kind_t kind);
int sb_intent_from_name (const char *name);

//  The entities as the conversation carries them, a new JSON object:
//  {"period":"last_weekday","weekday":"friday"}, {"period":"date",
//  "month":3,"day":5}, {"hours":7.5,"project":"Acme","note":"workshop"}...
json_t *sb_intent_entities (const sb_intent_t *intent);

//  A number as JSON: an integer when it is whole (8, not 8.0), so that
//  figures read the same in every message.
json_t *sb_intent_number (double value);

//  Reads entities (as written by sb_intent_entities) back into the
//  entity fields of *intent, leaving the others alone. Unknown or
//  ill-typed values are ignored: they come from Redis or a model.
void sb_intent_read_entities (sb_intent_t *intent, const json_t *entities);

//  A follow-up inherits: what it names replaces the earlier turn's value
//  of the same kind (a period replaces the period, a project the project),
//  the rest is kept. previous is updated in place; its intent is kept.
void sb_intent_merge (sb_intent_t *previous, const sb_intent_t *follow_up);

#endif
