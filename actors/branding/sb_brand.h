/*  sb_brand.h — a tenant's brand applied to a reply for its channel.

    SMS is plain text: markdown markers are taken out (*bold* -> bold,
    "* item" -> "- item", "# Title" -> "Title"), typographic punctuation
    becomes its GSM-7 look-alike (’ -> ', – -> -, … -> ...) so that a reply
    does not go as UCS-2 for a quote mark. WhatsApp keeps its own markup
    (**bold** becomes WhatsApp's *bold*) and the total hours figure is put
    in bold. On both, emoji are dropped unless the tenant allows them, and
    the tone words the greeting and the sign-off:

      tone      greeting        sign-off for "- Acme HR"   contractions
      friendly  "Hi Dana,"      "Thanks, Acme HR"          kept
      formal    "Hello Dana,"   "Kind regards, Acme HR"    spelled out
      brief     (dropped)       "- Acme HR"                kept

    A sign_off that starts with a dash is a signature the tone words as
    above; any other is appended as written. Without a sign_off the
    tenant's name signs, when it has one other than its id.               */

#ifndef SB_BRAND_H_INCLUDED
#define SB_BRAND_H_INCLUDED

#include "sb_tenant.h"

typedef struct _sb_brand_t sb_brand_t;

//  The brand of tenant for a reply on channel ("sms" or "whatsapp").
//  Returns it (caller destroys), or NULL with the reason in err: the
//  tenant's tone is not friendly, formal or brief, or its sign_off or name
//  is not valid UTF-8.
sb_brand_t *sb_brand_new (const sb_tenant_t *tenant, const char *channel,
                          char *err, size_t errlen);

void sb_brand_destroy (sb_brand_t **self_p);

//  Formats draft for the channel, the emoji policy and the tone (above),
//  bolding on WhatsApp the figure that states timesheet's total_hours.
//  Returns a new string (caller frees), or NULL if draft is not UTF-8.
char *sb_brand_body (const sb_brand_t *self, const char *draft, const json_t *timesheet);

//  The sign-off to append, with its separator from the body ("\n" on SMS,
//  a blank line on WhatsApp), or "" for none (borrowed). short_form: the
//  shortest the brand allows, for condensing ("\n- Acme HR").
const char *sb_brand_sign_off (const sb_brand_t *self, bool short_form);

bool sb_brand_sms (const sb_brand_t *self);

//  True for the formal tone (condensing then uses no contractions).
bool sb_brand_formal (const sb_brand_t *self);

//  Drops the emoji from text (pictographs, dingbats, flags, keycaps,
//  skin tones, joiners and variation selectors) and the spaces they
//  leave doubled. Returns a new string (caller frees), or NULL if text is
//  not UTF-8.
char *sb_brand_drop_emoji (const char *text);

#endif
