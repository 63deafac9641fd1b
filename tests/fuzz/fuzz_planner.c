/*  fuzz_planner.c — the planner's readers of outside text: an employee's
    message (sb_intent_parse, in both date orders), an LLM's answer
    (sb_llm_read_answer), and entities read back from JSON (a follow-up's
    memory); each result resolved into a period.                          */

#include "sb_classes.h"
#include "sb_intent.h"
#include "sb_llm.h"
#include "sb_period.h"
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char *text = malloc (size + 1);
    memcpy (text, data, size);
    text [size] = 0;
    sb_intent_t intent;
    sb_intent_parse (text, size % 2? SB_DATE_ORDER_MDY: SB_DATE_ORDER_DMY, &intent);
    json_t *entities = sb_intent_entities (&intent);
    sb_intent_t back = intent;
    sb_intent_read_entities (&back, entities);
    sb_period_t period;
    sb_period_resolve (&back, 20517, &period);
    json_decref (entities);
    char err [256];
    if (sb_llm_read_answer (text, size, &intent, err, sizeof err) == 0) {
        sb_period_resolve (&intent, 20517, &period);
    }
    json_t *json = json_loadb ((const char *) data, size, 0, NULL);
    if (json) {
        memset (&back, 0, sizeof back);
        sb_intent_read_entities (&back, json);
        sb_period_resolve (&back, 20517, &period);
        json_decref (json);
    }
    free (text);
    return 0;
}
