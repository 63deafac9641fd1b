/*  test_reply_arena.c — the broker's arena for hiredis replies (sb_reply_arena):
    every shape of RESP reply it is given reads exactly as hiredis's own
    objects read it, whole or fed a byte at a time, one after another
    with resets between them, strings larger than a chunk included; a
    protocol error fails as hiredis fails, without a leak (ASan).        */

#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "sb_reply_arena_compare.h"

//  Reads size bytes of text both ways, whole and byte by byte; expects
//  count replies, or the readers' failure (-1 from neither: count is
//  what came before it)
static void
s_agree (const char *text, size_t size, long count)
{
    sb_reply_arena_t *replies = sb_reply_arena_new ();
    assert_non_null (replies);
    char why [128] = "";
    long whole = sb_reply_arena_compare (replies, text, size, 0, why, sizeof why);
    if (whole != count)
        fail_msg ("whole: %ld replies (%s), expected %ld", whole, why, count);
    long bytes = sb_reply_arena_compare (replies, text, size, 1, why, sizeof why);
    if (bytes != count)
        fail_msg ("byte by byte: %ld replies (%s), expected %ld", bytes, why, count);
    sb_reply_arena_destroy (&replies);
    assert_null (replies);
}

//  What the store reads: an EXEC's answer holding an XREADGROUP reply (an
//  envelope with a NUL in it) and a nil, statuses, integers, empty and
//  nil arrays, an empty string, an error
static const char s_shapes [] =
    "+OK\r\n+QUEUED\r\n:42\r\n:-7\r\n"
    "*2\r\n*1\r\n*2\r\n$7\r\nsb:q:sv\r\n*1\r\n*2\r\n$15\r\n1700000000000-0\r\n"
    "*6\r\n$1\r\ne\r\n$5\r\nab\0cd\r\n$1\r\na\r\n$1\r\n0\r\n$1\r\ni\r\n$3\r\nid1\r\n$-1\r\n"
    "*3\r\n+A\r\n$2\r\nD7\r\n+O\r\n"
    "*0\r\n*-1\r\n$-1\r\n$0\r\n\r\n-NOSCRIPT No matching script\r\n";

static void
test_shapes (void **state)
{
    (void) state;
    s_agree (s_shapes, sizeof s_shapes - 1, 11);
}

//  A string bigger than a chunk, between small replies, many times over
//  (resets reuse and let go of chunks)
static void
test_big_strings (void **state)
{
    (void) state;
    size_t big = 300 * 1024;
    size_t room = 4 * (big + 64);
    char *text = (char *) malloc (room);
    assert_non_null (text);
    size_t at = 0;
    for (int round = 0; round < 3; round++) {
        at += (size_t) snprintf (text + at, room - at, "*2\r\n:%d\r\n$%zu\r\n", round, big);
        memset (text + at, 'a' + round, big);
        at += big;
        at += (size_t) snprintf (text + at, room - at, "\r\n+OK\r\n");
    }
    sb_reply_arena_t *replies = sb_reply_arena_new ();
    char why [128] = "";
    assert_int_equal (sb_reply_arena_compare (replies, text, at, 0, why, sizeof why), 6);
    assert_int_equal (sb_reply_arena_compare (replies, text, at, 4093, why, sizeof why), 6);
    sb_reply_arena_destroy (&replies);
    free (text);
}

//  Bytes that are no RESP, at the start or in the middle of an array:
//  both readers fail at the same reply, nothing leaks
static void
test_protocol_errors (void **state)
{
    (void) state;
    s_agree ("?what\r\n", 7, 0);
    static const char half [] = ":1\r\n*3\r\n$1\r\nx\r\n!oops\r\n";
    s_agree (half, sizeof half - 1, 1);
    static const char length [] = "$abc\r\n";
    s_agree (length, sizeof length - 1, 0);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_shapes),
        cmocka_unit_test (test_big_strings),
        cmocka_unit_test (test_protocol_errors),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
