/*  sb_teststream.h — test support: what the broker stored, read back from
    its Redis streams (sb:q:SERVICE, sb:dlq) as an operator would: each
    entry's envelope, decoded from its field "e".                         */

#ifndef SB_TESTSTREAM_H_INCLUDED
#define SB_TESTSTREAM_H_INCLUDED

#include "sb_classes.h"
#include "sb_testredis.h"

//  The envelopes of stream's entries, oldest first, in a new list that
//  destroys them with itself (caller destroys it with zlistx_destroy).
//  Returns NULL, with the reason on stderr, if Redis did not answer or an
//  entry holds no decodable envelope. A missing stream is an empty list.
zlistx_t *sb_teststream_read (sb_testredis_t *redis, const char *stream);

//  How many entries stream holds (XLEN), or -1 with the reason on stderr.
long long sb_teststream_length (sb_testredis_t *redis, const char *stream);

//  How many envelopes of stream have idempotency key key, or -1 as
//  sb_teststream_read fails. When env_p is not NULL, *env_p is the last
//  of them (caller destroys; NULL when none).
long sb_teststream_count_key (sb_testredis_t *redis, const char *stream, const char *key,
                              sb_envelope_t **env_p);

#endif
