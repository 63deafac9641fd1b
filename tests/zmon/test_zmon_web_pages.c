/*  test_zmon_web_pages.c — the web console's pages in a real headless
    Chromium (bin/zmon/web, docs/zmon.md, Web console; issue 12): the
    world of test_zmon_web (a real Redis, broker and test workers on the
    known flow of sb_testzmon, plus a dead letter whose body is
    <script>alert(1)</script>), zmon-web on a free port, and Debian's
    chromium run once per page with --dump-dom (then once more with
    --screenshot, kept in the build folder as SHOTS/zmon-web-PAGE.png).

    Asserted on the DOM the page built: Fleet shows echo and echo-sink
    with one worker each; Dead letters lists the failed message and the
    <script> one; a dead letter's detail shows the <script> body as text
    (&lt;script&gt; inside an element, no <script>alert element on any
    page); the retried conversation's timeline lists its hops in order;
    searched by phone number, the Conversation page lists the SMS and the
    WhatsApp conversation of +15551230001, newest first, and the link of
    one opens its timeline (published to planner);
    after a replay through the API, with the token, the replayed message
    is gone from the Dead letters page (its workers stopped first, so that
    it waits in its queue instead of failing again).

    Usage: test_zmon_web_pages BROKER TESTWORKER ZMON-WEB SHOTS [TEST]
    (CTest passes them; SB_CHROMIUM names another chromium). Exits 77
    (skipped), saying so on stderr, only without chromium; without
    redis-server it fails.                                                 */

#include "sb_classes.h"
#include "sb_testecho.h"
#include "sb_testhttp.h"
#include "sb_testworld.h"
#include "sb_testzmon.h"
#include <setjmp.h>
#include <cmocka.h>

#define S_WORKER    1            //  testworker's path in the world's programs
#define S_WEB       2
#define S_SHOTS     3            //  the folder the screenshots are kept in
#define S_TOKEN     "t0ken-for-the-page-test"
#define S_SCRIPT    "<script>alert(1)</script>"
#define S_CHROME_MS 60000        //  for one chromium run

static const char *s_chromium = "chromium";

//  GET path, which must answer 200 with JSON: returns it parsed.
static json_t *
s_get_json (int port, const char *path)
{
    sb_testhttp_answer_t answer;
    assert_int_equal (sb_testhttp_get (port, path, SB_TESTWORLD_REPLY_MS, &answer), 0);
    assert_int_equal (sb_testhttp_expect (&answer, 200, NULL), 0);
    json_t *value = json_loads (answer.body, 0, NULL);
    if (!value)
        fprintf (stderr, "test_zmon_web_pages: GET %s: not JSON (or cut): %s\n", path, answer.body);
    assert_non_null (value);
    return value;
}

//  The entry id (a new string) of the dead letter whose envelope id is id
//  on the first broker, or NULL if it is not in the list.
static char *
s_dead_entry (int port, const char *id)
{
    json_t *results = s_get_json (port, "/api/dlq");
    char *found = NULL;
    size_t index;
    json_t *entry;
    json_array_foreach (json_object_get (json_array_get (results, 0), "reply"), index, entry)
        if (streq (json_string_value (json_object_get (entry, "id")), id))
            found = strdup (json_string_value (json_object_get (entry, "entry")));
    json_decref (results);
    return found;
}

//  Polls GET /api/dlq until id's presence is present.
static void
s_wait_dead_letter (int port, const char *id, bool present)
{
    int64_t deadline = zclock_mono () + SB_TESTWORLD_WAIT_MS;
    while (true) {
        char *entry = s_dead_entry (port, id);
        bool found = entry != NULL;
        free (entry);
        if (found == present)
            return;
        assert_true (zclock_mono () < deadline);
        zclock_sleep (50);       //  polling interval, not a synchronisation
    }
}

//  Starts zmon-web with the token on a free port, its output in DIR/name;
//  returns the port it listens on.
static int
s_web_start (sb_testworld_t *world, const char *name)
{
    int port = sb_testzmon_web_start (world, world->programs [S_WEB], name, S_TOKEN,
                                      "--port 0 --timeout 1000");
    assert_true (port > 0);
    return port;
}

//  Runs chromium headless on http://127.0.0.1:port/#fragment with a fresh
//  profile: with --dump-dom, whose DOM it returns (a new string), then
//  with --screenshot into SHOTS/zmon-web-shot.png. Chromium's own chatter
//  goes to DIR/chromium-shot.log.
static char *
s_chromium_page (sb_testworld_t *world, int port, const char *fragment, const char *shot)
{
    char profile [SB_TESTWORLD_PATH_MAX], log [SB_TESTWORLD_PATH_MAX], dom [SB_TESTWORLD_PATH_MAX];
    char name [96];
    snprintf (name, sizeof name, "chromium-%s.log", shot);
    assert_int_equal (sb_testworld_path (world, name, log, sizeof log), 0);
    snprintf (name, sizeof name, "dom-%s.html", shot);
    assert_int_equal (sb_testworld_path (world, name, dom, sizeof dom), 0);
    char *url = zsys_sprintf ("http://127.0.0.1:%d/#%s", port, fragment);
    char *png = zsys_sprintf ("--screenshot=%s/zmon-web-%s.png", world->programs [S_SHOTS], shot);
    for (int run = 0; run < 2; run++) {
        snprintf (name, sizeof name, "chromium-profile-%s-%d", shot, run);
        assert_int_equal (sb_testworld_path (world, name, profile, sizeof profile), 0);
        char *profile_arg = zsys_sprintf ("--user-data-dir=%s", profile);
        char *command = zsys_sprintf ("exec '%s' --headless --no-sandbox --disable-gpu %s "
                                      "--virtual-time-budget=5000 %s --window-size=1280,900 "
                                      "'%s' 2>> '%s'", s_chromium, profile_arg,
                                      run == 0? "--dump-dom": png, url, log);
        char *argv [] = { "/bin/sh", "-c", command, NULL };
        char output [256];
        int status = sb_testproc_run (argv, run == 0? dom: "/dev/null", output, sizeof output,
                                      S_CHROME_MS);
        if (status != 0)
            fprintf (stderr, "test_zmon_web_pages: chromium on %s exited %d (its log: %s)\n",
                     url, status, log);
        assert_int_equal (status, 0);
        zstr_free (&command);
        zstr_free (&profile_arg);
    }
    printf ("test_zmon_web_pages: %s: screenshot %s\n", url, png + strlen ("--screenshot="));
    zstr_free (&url);
    zstr_free (&png);
    snprintf (name, sizeof name, "dom-%s.html", shot);
    char *text = sb_testzmon_read (world, name);
    //  No page ever holds the body as markup
    assert_null (strstr (text, "<script>alert"));
    assert_non_null (strstr (text, "<main id=\"main\">"));
    return text;
}

//  The row (a new string, "<tr ...>...</tr>") whose attribute is
//  name="value" in dom, or NULL.
static char *
s_row (const char *dom, const char *name, const char *value)
{
    char *attribute = zsys_sprintf (" %s=\"%s\"", name, value);
    const char *at = strstr (dom, attribute);
    zstr_free (&attribute);
    if (!at)
        return NULL;
    const char *start = at;
    while (start > dom && strncmp (start, "<tr", 3))
        start--;
    const char *end = strstr (at, "</tr>");
    assert_non_null (end);
    return strndup (start, (size_t) (end - start) + strlen ("</tr>"));
}

//  The values of every data-event attribute in dom, in order, joined by
//  spaces (a new string).
static char *
s_events (const char *dom)
{
    char *events = strdup ("");
    for (const char *at = strstr (dom, " data-event=\""); at;
         at = strstr (at + 1, " data-event=\"")) {
        const char *value = at + strlen (" data-event=\"");
        const char *end = strchr (value, '"');
        assert_non_null (end);
        char *joined = zsys_sprintf ("%s%s%.*s", events, *events? " ": "", (int) (end - value),
                                     value);
        free (events);
        events = joined;
    }
    return events;
}

static void
test_pages (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    assert_int_equal (sb_testzmon_broker_start (world), 0);
    char retry_id [SB_ID_LEN + 1], fail_id [SB_ID_LEN + 1], script_id [SB_ID_LEN + 1];
    assert_int_equal (sb_testzmon_flow (world, world->programs [S_WORKER], retry_id, fail_id), 0);
    int64_t now = zclock_time ();
    assert_int_equal (sb_testecho_publish (world, 0, "k-script", S_SCRIPT, now + 300, now + 100,
                                           script_id), 0);
    assert_int_equal (sb_testzmon_publish_phone (world, "+15551230001", NULL), 0);
    int port = s_web_start (world, "web.out");
    s_wait_dead_letter (port, script_id, true);
    s_wait_dead_letter (port, fail_id, true);

    //  Fleet: the test fleet's services with their worker counts
    char *dom = s_chromium_page (world, port, "fleet", "fleet");
    assert_non_null (strstr (dom, "storage: <span class=\"ok\">ok</span>"));
    const char *services [] = { "echo", "echo-sink" };
    for (size_t index = 0; index < 2; index++) {
        char *row = s_row (dom, "data-service", services [index]);
        if (!row)
            fprintf (stderr, "test_zmon_web_pages: no row for %s in:\n%s\n", services [index], dom);
        assert_non_null (row);
        char *cells = zsys_sprintf ("<td>%s</td><td class=\"number\">1</td>", services [index]);
        assert_non_null (strstr (row, cells));
        zstr_free (&cells);
        free (row);
    }
    free (dom);

    //  Dead letters: both, the failed one with its reason
    dom = s_chromium_page (world, port, "dlq", "dlq");
    char *row = s_row (dom, "data-id", fail_id);
    assert_non_null (row);
    assert_non_null (strstr (row, "<td>echo</td>"));
    assert_non_null (strstr (row, "asked to fail"));
    free (row);
    row = s_row (dom, "data-id", script_id);
    assert_non_null (row);
    free (row);
    free (dom);

    //  The <script> one's detail: its body shown as text, in the envelope
    char *fragment = zsys_sprintf ("dlq/%s", script_id);
    dom = s_chromium_page (world, port, fragment, "dlq-detail");
    zstr_free (&fragment);
    if (!strstr (dom, "&lt;script&gt;alert(1)&lt;/script&gt;"))
        fprintf (stderr, "test_zmon_web_pages: no escaped body in:\n%s\n", dom);
    const char *pre = strstr (dom, "<pre>");
    assert_non_null (pre);
    const char *text = strstr (pre, "&lt;script&gt;alert(1)&lt;/script&gt;");
    assert_non_null (text);
    assert_true (text < strstr (pre, "</pre>"));
    free (dom);

    //  The retried conversation: its hops in order
    dom = s_chromium_page (world, port, "conversation/k-retry", "conversation");
    assert_non_null (strstr (dom, "<h2>Conversation k-retry</h2>"));
    char *events = s_events (dom);
    if (!strstr (events, "published delivered retry delivered done"))
        fprintf (stderr, "test_zmon_web_pages: the timeline's events: %s\n", events);
    assert_non_null (strstr (events, "published delivered retry delivered done"));
    free (events);
    free (dom);

    //  Searched by phone number: both conversations, newest first, each a
    //  link to its timeline; following the first one's opens it
    dom = s_chromium_page (world, port, "conversation/%2B15551230001", "conversation-phone");
    if (!strstr (dom, "<h2>Conversations of +15551230001</h2>"))
        fprintf (stderr, "test_zmon_web_pages: no conversations list in:\n%s\n", dom);
    assert_non_null (strstr (dom, "<h2>Conversations of +15551230001</h2>"));
    const char *whatsapp = strstr (dom, " data-corr=\"k-whatsapp\"");
    const char *sms = strstr (dom, " data-corr=\"k-sms\"");
    assert_non_null (whatsapp);
    assert_non_null (sms);
    assert_true (whatsapp < sms);
    const char *link = "<a href=\"#conversation/k-whatsapp\">k-whatsapp</a>";
    assert_non_null (strstr (dom, link));
    free (dom);
    dom = s_chromium_page (world, port, "conversation/k-whatsapp", "conversation-phone-open");
    assert_non_null (strstr (dom, "<h2>Conversation k-whatsapp</h2>"));
    events = s_events (dom);
    assert_string_equal (events, "published");
    free (events);
    assert_non_null (strstr (dom, "<td>whatsapp.received</td><td>planner</td>"));
    free (dom);

    //  Replay the failed one through the API with the token, its workers
    //  stopped first (else it fails again at once, under a new entry):
    //  it waits in echo's queue and leaves the Dead letters page.
    //  Stopping them stops this console too: another is started.
    sb_testworld_kill_all (world);
    port = s_web_start (world, "web-2.out");
    char *entry = s_dead_entry (port, fail_id);
    assert_non_null (entry);
    char *body = zsys_sprintf ("{\"id\": \"%s\"}", entry);
    free (entry);
    const char *headers [] = { "Authorization: Bearer " S_TOKEN, NULL };
    sb_testhttp_request_t request = { "POST", "/api/dlq/replay", headers, body };
    sb_testhttp_answer_t answer;
    assert_int_equal (sb_testhttp_send (port, &request, SB_TESTWORLD_REPLY_MS, &answer), 0);
    assert_int_equal (sb_testhttp_expect (&answer, 200, NULL), 0);
    zstr_free (&body);
    json_t *replayed = json_loads (answer.body, 0, NULL);
    assert_int_equal (json_integer_value (json_object_get (json_array_get (replayed, 0), "reply")),
                      1);
    json_decref (replayed);
    s_wait_dead_letter (port, fail_id, false);
    dom = s_chromium_page (world, port, "dlq", "dlq-replayed");
    row = s_row (dom, "data-id", fail_id);
    if (row)
        fprintf (stderr, "test_zmon_web_pages: replayed, still shown: %s\n", row);
    assert_null (row);
    row = s_row (dom, "data-id", script_id);
    assert_non_null (row);                    //  the other one is still there
    free (row);
    free (dom);
}

static const struct CMUnitTest s_tests [] = {
    SB_TESTWORLD_CASE (test_pages),
};

int
main (int argc, char *argv [])
{
    unsetenv ("ZMON_WEB_TOKEN");
    const char *chromium = getenv ("SB_CHROMIUM");
    if (chromium && *chromium)
        s_chromium = chromium;
    char *command = zsys_sprintf ("command -v '%s' > /dev/null 2>&1", s_chromium);
    int found = system (command);
    zstr_free (&command);
    if (found != 0) {
        fprintf (stderr, "test_zmon_web_pages: SKIPPED: %s not found (apt-get install "
                 "chromium, or bin/install-deps): the console's pages were NOT tested\n",
                 s_chromium);
        return SB_TESTWORLD_SKIP;
    }
    //  Only chromium's absence skips: without redis-server (which
    //  bin/install-deps installs) this test fails rather than pass unseen
    if (system ("command -v redis-server > /dev/null 2>&1") != 0) {
        fprintf (stderr, "test_zmon_web_pages: redis-server not found (bin/install-deps)\n");
        return 1;
    }
    return sb_testhttp_run (argc, argv, 4, "BROKER TESTWORKER ZMON-WEB SHOTS [TEST]", s_tests,
                             sizeof s_tests / sizeof s_tests [0]);
}
