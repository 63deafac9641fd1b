/*  fuzz_ingress_json.c — ingress's readers of JSON bodies from outside: a
    WhatsApp gateway's messages (every envelope built must encode) and a
    workspace save (the body agent-sync gets).                           */

#include "sb_classes.h"
#include "sb_ingress_private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char err [512];
    zlistx_t *envelopes = sb_ingress_whatsapp_envelopes ((const char *) data, size, err, sizeof err);
    for (sb_envelope_t *env = envelopes? (sb_envelope_t *) zlistx_first (envelopes): NULL; env;
         env = (sb_envelope_t *) zlistx_next (envelopes)) {
        uint8_t *bytes = NULL;
        size_t length = 0;
        sb_envelope_set_id (env, "01KK1602M0YMBBCJKNMNYN8R0J");
        if (sb_envelope_encode (env, &bytes, &length, err, sizeof err) == 0) {
            //  What ingress publishes decodes back
            sb_envelope_t *back = sb_envelope_decode (bytes, length, NULL, err, sizeof err);
            assert (back);
            sb_envelope_destroy (&back);
        }
        free (bytes);
    }
    zlistx_destroy (&envelopes);
    json_t *json = json_loadb ((const char *) data, size, JSON_REJECT_DUPLICATES, NULL);
    if (json_is_object (json))
        json_decref (sb_ingress_saved_body (json, err, sizeof err));
    json_decref (json);
    return 0;
}
