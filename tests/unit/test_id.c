/*  test_id.c — ULIDs: the spec's known answer, time round trip, monotonic
    generation, validation, and deterministic derivation.                 */

#include "sb_classes.h"
#include <setjmp.h>
#include <cmocka.h>

//  The ULID spec's example: 1469918176385 ms is "01ARYZ6S41" in its first
//  ten characters (github.com/ulid/spec)
#define S_SPEC_MS   1469918176385LL
#define S_SPEC_TIME "01ARYZ6S41"

static void
test_known_answer (void **state)
{
    (void) state;
    sb_idgen_t *gen = sb_idgen_new ();
    assert_non_null (gen);
    char id [SB_ID_LEN + 1];
    assert_int_equal (sb_idgen_next (gen, S_SPEC_MS, id), 0);
    assert_int_equal (strlen (id), SB_ID_LEN);
    assert_memory_equal (id, S_SPEC_TIME, 10);
    assert_true (sb_id_valid (id));
    assert_int_equal (sb_id_time_ms (id), S_SPEC_MS);
    sb_idgen_destroy (&gen);
    assert_null (gen);
    sb_idgen_destroy (&gen);   //  idempotent
    sb_idgen_destroy (NULL);
}

static void
test_time_round_trip (void **state)
{
    (void) state;
    sb_idgen_t *gen = sb_idgen_new ();
    assert_non_null (gen);
    const int64_t times [] = { 1, 2, 1000, S_SPEC_MS, 1700000000000LL,
                               ((int64_t) 1 << 48) - 1 };
    char id [SB_ID_LEN + 1];
    for (size_t index = 0; index < sizeof times / sizeof times [0]; index++) {
        assert_int_equal (sb_idgen_next (gen, times [index], id), 0);
        assert_true (sb_id_valid (id));
        assert_int_equal (sb_id_time_ms (id), times [index]);
    }
    //  The largest time a ULID holds
    assert_memory_equal (id, "7ZZZZZZZZZ", 10);
    //  Beyond 48 bits the generator refuses
    assert_int_equal (sb_idgen_next (gen, (int64_t) 1 << 48, id), -1);
    sb_idgen_destroy (&gen);

    //  now_ms 0 reads the wall clock
    gen = sb_idgen_new ();
    int64_t before = zclock_time ();
    assert_int_equal (sb_idgen_next (gen, 0, id), 0);
    int64_t after = zclock_time ();
    assert_true (sb_id_time_ms (id) >= before);
    assert_true (sb_id_time_ms (id) <= after);
    sb_idgen_destroy (&gen);

    assert_int_equal (sb_id_time_ms ("not an id"), -1);
    assert_int_equal (sb_id_time_ms (NULL), -1);
    assert_int_equal (sb_id_time_ms ("00000000000000000000000000"), 0);
}

static void
test_monotonic_same_ms (void **state)
{
    (void) state;
    sb_idgen_t *gen = sb_idgen_new ();
    assert_non_null (gen);
    char previous [SB_ID_LEN + 1];
    char id [SB_ID_LEN + 1];
    assert_int_equal (sb_idgen_next (gen, S_SPEC_MS, previous), 0);
    for (int count = 0; count < 1000; count++) {
        assert_int_equal (sb_idgen_next (gen, S_SPEC_MS, id), 0);
        if (strcmp (previous, id) >= 0)
            fail_msg ("id %d not increasing: %s then %s", count, previous, id);
        assert_int_equal (sb_id_time_ms (id), S_SPEC_MS);
        memcpy (previous, id, sizeof id);
    }
    //  A clock that steps back keeps the last timestamp and still increases
    assert_int_equal (sb_idgen_next (gen, S_SPEC_MS - 5000, id), 0);
    assert_true (strcmp (previous, id) < 0);
    assert_int_equal (sb_id_time_ms (id), S_SPEC_MS);
    sb_idgen_destroy (&gen);
}

static void
test_sorted_across_ms (void **state)
{
    (void) state;
    sb_idgen_t *gen = sb_idgen_new ();
    assert_non_null (gen);
    char previous [SB_ID_LEN + 1];
    char id [SB_ID_LEN + 1];
    assert_int_equal (sb_idgen_next (gen, S_SPEC_MS, previous), 0);
    for (int64_t step = 1; step <= 200; step++) {
        int64_t ms = S_SPEC_MS + step * step;
        assert_int_equal (sb_idgen_next (gen, ms, id), 0);
        if (strcmp (previous, id) >= 0)
            fail_msg ("id at %lld not after previous: %s then %s",
                      (long long) ms, previous, id);
        assert_int_equal (sb_id_time_ms (id), ms);
        memcpy (previous, id, sizeof id);
    }
    //  Two generators: the later millisecond sorts later whatever the
    //  random parts are
    sb_idgen_t *other = sb_idgen_new ();
    char early [SB_ID_LEN + 1];
    char late [SB_ID_LEN + 1];
    assert_int_equal (sb_idgen_next (other, 1000, early), 0);
    assert_int_equal (sb_idgen_next (gen, S_SPEC_MS + 100000, late), 0);
    assert_true (strcmp (early, late) < 0);
    sb_idgen_destroy (&other);
    sb_idgen_destroy (&gen);
}

static void
test_valid (void **state)
{
    (void) state;
    assert_true (sb_id_valid ("01ARYZ6S41TSV4RRFFQ69G5FAV"));
    assert_true (sb_id_valid ("00000000000000000000000000"));
    assert_true (sb_id_valid ("7ZZZZZZZZZZZZZZZZZZZZZZZZZ"));
    //  Wrong length
    assert_false (sb_id_valid (""));
    assert_false (sb_id_valid ("01ARYZ6S41TSV4RRFFQ69G5FA"));
    assert_false (sb_id_valid ("01ARYZ6S41TSV4RRFFQ69G5FAVX"));
    //  Lower case
    assert_false (sb_id_valid ("01aryz6s41tsv4rrffq69g5fav"));
    assert_false (sb_id_valid ("01ARYZ6S41TSV4RRFFQ69G5FAv"));
    //  Letters Crockford base32 leaves out
    assert_false (sb_id_valid ("01ARYZ6S41TSV4RRFFQ69G5FAI"));
    assert_false (sb_id_valid ("01ARYZ6S41TSV4RRFFQ69G5FAL"));
    assert_false (sb_id_valid ("01ARYZ6S41TSV4RRFFQ69G5FAO"));
    assert_false (sb_id_valid ("01ARYZ6S41TSV4RRFFQ69G5FAU"));
    //  Other characters
    assert_false (sb_id_valid ("01ARYZ6S41TSV4RRFFQ69G5FA-"));
    assert_false (sb_id_valid ("01ARYZ6S41 SV4RRFFQ69G5FAV"));
    //  First character beyond '7': more than 128 bits
    assert_false (sb_id_valid ("81ARYZ6S41TSV4RRFFQ69G5FAV"));
    assert_false (sb_id_valid ("Z1ARYZ6S41TSV4RRFFQ69G5FAV"));
    assert_false (sb_id_valid (NULL));
    //  An embedded NUL makes it short
    const char embedded [] = "01ARYZ6S41\0SV4RRFFQ69G5FAV";
    assert_false (sb_id_valid (embedded));
}

static void
test_derive (void **state)
{
    (void) state;
    const char *parent = "01ARYZ6S41TSV4RRFFQ69G5FAV";
    char first [SB_ID_LEN + 1];
    char again [SB_ID_LEN + 1];
    char second [SB_ID_LEN + 1];
    assert_int_equal (sb_id_derive (parent, 0, first), 0);
    assert_int_equal (sb_id_derive (parent, 0, again), 0);
    assert_string_equal (first, again);
    assert_int_equal (sb_id_derive (parent, 1, second), 0);
    assert_string_not_equal (first, second);
    assert_true (sb_id_valid (first));
    assert_true (sb_id_valid (second));
    assert_string_not_equal (first, parent);
    assert_int_equal (sb_id_time_ms (first), sb_id_time_ms (parent));
    assert_int_equal (sb_id_time_ms (second), sb_id_time_ms (parent));
    assert_memory_equal (first, parent, 10);

    //  Every index of a parent gives a different id; other parents too
    char ids [64][SB_ID_LEN + 1];
    for (uint32_t index = 0; index < 64; index++) {
        assert_int_equal (sb_id_derive (parent, index, ids [index]), 0);
        for (uint32_t earlier = 0; earlier < index; earlier++)
            assert_string_not_equal (ids [earlier], ids [index]);
    }
    assert_int_equal (sb_id_derive ("01ARYZ6S41TSV4RRFFQ69G5FAW", 0, again), 0);
    assert_string_not_equal (first, again);
    assert_int_equal (sb_id_derive (parent, UINT32_MAX, again), 0);
    assert_true (sb_id_valid (again));

    //  Known answers: the parent's time, then the first 10 bytes of
    //  SHA-256 (parent's 26 characters, index big-endian in 4 bytes).
    //  Stored ids and dedup keys depend on these never changing.
    assert_int_equal (sb_id_derive ("01ARZ3NDEKTSV4RRFFQ69G5FAV", 0, again), 0);
    assert_string_equal (again, "01ARZ3NDEKAV5WH11JQSTG2M5Z");
    assert_int_equal (sb_id_derive ("01ARZ3NDEKTSV4RRFFQ69G5FAV", 7, again), 0);
    assert_string_equal (again, "01ARZ3NDEK624QS71GJ1HP2079");

    //  Invalid parents
    assert_int_equal (sb_id_derive (NULL, 0, again), -1);
    assert_int_equal (sb_id_derive ("", 0, again), -1);
    assert_int_equal (sb_id_derive ("01aryz6s41tsv4rrffq69g5fav", 0, again), -1);
    assert_int_equal (sb_id_derive ("81ARYZ6S41TSV4RRFFQ69G5FAV", 0, again), -1);
    assert_int_equal (sb_id_derive ("01ARYZ6S41TSV4RRFFQ69G5FA", 0, again), -1);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_known_answer),
        cmocka_unit_test (test_time_round_trip),
        cmocka_unit_test (test_monotonic_same_ms),
        cmocka_unit_test (test_sorted_across_ms),
        cmocka_unit_test (test_valid),
        cmocka_unit_test (test_derive),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
