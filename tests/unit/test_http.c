/*  test_http.c — the actors' HTTP client (sb_http) against a small HTTP/1.1
    server on a socket inside the test: status, body and the headers asked
    for; the request as sent (method, body, bearer and basic auth, lines);
    a time-out; a refused connection; an answer over the bound; a dropped
    connection; and connections: a client reuses its own, no-resend POSTs
    included, and a request dropped on a reused connection is sent again
    by libcurl unless it is no-resend.                                    */

#include "sb_classes.h"
#include "sb_http.h"
#include <curl/curl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_CLIENTS     16
#define S_BUFFER      (64 * 1024)
#define S_BIG         4096          //  bytes of /big's body

//  --------------------------------------------------------------------------
//  The server: one thread polling the listener and its connections

typedef struct {
    int fd;                          //  -1: free
    char data [S_BUFFER];
    size_t size;
} s_client_t;

typedef struct {
    int listener;
    int port;
    int wake [2];                    //  a byte on wake [1] stops the thread
    pthread_t thread;
    pthread_mutex_t lock;
    int connections;                 //  accepted so far
    int drops;                       //  requests to /drop
    char head [S_BUFFER];            //  the last request's head and body
    char body [S_BUFFER];
    s_client_t clients [S_CLIENTS];
} s_server_t;

static void
s_send (int fd, const char *text, size_t size)
{
    while (size) {
        ssize_t sent = send (fd, text, size, MSG_NOSIGNAL);
        if (sent <= 0)
            return;
        text += sent;
        size -= (size_t) sent;
    }
}

static void
s_send_text (int fd, const char *text)
{
    s_send (fd, text, strlen (text));
}

//  Answers one request (head, body) on client; returns false to close it.
static bool
s_answer (s_server_t *self, s_client_t *client, const char *head, const char *body)
{
    pthread_mutex_lock (&self->lock);
    snprintf (self->head, sizeof self->head, "%s", head);
    snprintf (self->body, sizeof self->body, "%s", body);
    bool drop = strstr (head, " /drop ") != NULL;
    self->drops += drop;
    pthread_mutex_unlock (&self->lock);
    if (drop || strstr (head, " /stall "))
        return !drop;                //  no answer: closed, or left waiting
    if (strstr (head, " /hello "))
        s_send_text (client->fd, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                 "Retry-After:  7 \r\nX-Other: no\r\nContent-Length: 5\r\n\r\n"
                                 "hello");
    else
    if (strstr (head, " /continue ")) {
        s_send_text (client->fd, "HTTP/1.1 100 Continue\r\nX-Early: yes\r\n\r\n");
        s_send_text (client->fd, "HTTP/1.1 204 No Content\r\n\r\n");
    }
    else
    if (strstr (head, " /big ")) {
        char answer [S_BIG + 128];
        int length = snprintf (answer, sizeof answer, "HTTP/1.1 200 OK\r\nContent-Length: "
                               "%d\r\n\r\n", S_BIG);
        memset (answer + length, 'x', S_BIG);
        s_send (client->fd, answer, (size_t) length + S_BIG);
    }
    else {
        char answer [S_BUFFER + 128];
        snprintf (answer, sizeof answer, "HTTP/1.1 201 Created\r\nContent-Length: %zu\r\n\r\n%s",
                  strlen (body), body);
        s_send_text (client->fd, answer);
    }
    return true;
}

//  Answers every whole request in client's buffer; false: close it.
static bool
s_serve (s_server_t *self, s_client_t *client)
{
    client->data [client->size] = 0;
    char *end = strstr (client->data, "\r\n\r\n");
    while (end) {
        const char *length = strcasestr (client->data, "\r\nContent-Length:");
        size_t body = length && length < end? strtoul (length + 17, NULL, 10): 0;
        size_t whole = (size_t) (end + 4 - client->data) + body;
        if (client->size < whole)
            return true;
        char head [S_BUFFER], text [S_BUFFER];
        snprintf (head, sizeof head, "%.*s", (int) (end - client->data), client->data);
        snprintf (text, sizeof text, "%.*s", (int) body, end + 4);
        memmove (client->data, client->data + whole, client->size - whole + 1);
        client->size -= whole;
        if (!s_answer (self, client, head, text))
            return false;
        end = strstr (client->data, "\r\n\r\n");
    }
    return true;
}

static void
s_accept (s_server_t *self)
{
    int fd = accept (self->listener, NULL, NULL);
    for (int index = 0; fd >= 0 && index < S_CLIENTS; index++)
        if (self->clients [index].fd < 0) {
            self->clients [index].fd = fd;
            self->clients [index].size = 0;
            pthread_mutex_lock (&self->lock);
            self->connections++;
            pthread_mutex_unlock (&self->lock);
            return;
        }
    if (fd >= 0)
        close (fd);
}

static void
s_read (s_server_t *self, s_client_t *client)
{
    ssize_t bytes = recv (client->fd, client->data + client->size,
                          S_BUFFER - 1 - client->size, 0);
    if (bytes > 0)
        client->size += (size_t) bytes;
    if (bytes <= 0 || !s_serve (self, client)) {
        close (client->fd);
        client->fd = -1;
    }
}

static void *
s_run (void *arg)
{
    s_server_t *self = (s_server_t *) arg;
    while (true) {
        struct pollfd items [S_CLIENTS + 2] = {
            { self->wake [0], POLLIN, 0 }, { self->listener, POLLIN, 0 }
        };
        for (int index = 0; index < S_CLIENTS; index++)
            items [index + 2] = (struct pollfd) { self->clients [index].fd, POLLIN, 0 };
        if (poll (items, S_CLIENTS + 2, -1) < 0 || items [0].revents)
            break;
        if (items [1].revents)
            s_accept (self);
        for (int index = 0; index < S_CLIENTS; index++)
            if (items [index + 2].revents && self->clients [index].fd >= 0)
                s_read (self, &self->clients [index]);
    }
    return NULL;
}

//  A socket listening on 127.0.0.1, its port in *port; -1 on failure.
static int
s_listen (int *port)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = { .sin_family = AF_INET };
    address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (fd < 0 || bind (fd, (struct sockaddr *) &address, sizeof address)
    ||  listen (fd, 16) || getsockname (fd, (struct sockaddr *) &address, &size)) {
        if (fd >= 0)
            close (fd);
        return -1;
    }
    *port = ntohs (address.sin_port);
    return fd;
}

static int
s_setup (void **state)
{
    s_server_t *self = (s_server_t *) calloc (1, sizeof *self);
    assert_non_null (self);
    for (int index = 0; index < S_CLIENTS; index++)
        self->clients [index].fd = -1;
    pthread_mutex_init (&self->lock, NULL);
    self->listener = s_listen (&self->port);
    assert_true (self->listener >= 0);
    assert_int_equal (pipe (self->wake), 0);
    assert_int_equal (pthread_create (&self->thread, NULL, s_run, self), 0);
    *state = self;
    return 0;
}

static int
s_teardown (void **state)
{
    s_server_t *self = (s_server_t *) *state;
    assert_int_equal (write (self->wake [1], "x", 1), 1);
    pthread_join (self->thread, NULL);
    for (int index = 0; index < S_CLIENTS; index++)
        if (self->clients [index].fd >= 0)
            close (self->clients [index].fd);
    close (self->listener);
    close (self->wake [0]);
    close (self->wake [1]);
    pthread_mutex_destroy (&self->lock);
    free (self);
    return 0;
}

//  --------------------------------------------------------------------------
//  Helpers

static char *
s_url (s_server_t *self, const char *path)
{
    return zsys_sprintf ("http://127.0.0.1:%d%s", self->port, path);
}

//  One of the server's counters, read under its lock.
static int
s_count (s_server_t *self, const int *counter)
{
    pthread_mutex_lock (&self->lock);
    int count = *counter;
    pthread_mutex_unlock (&self->lock);
    return count;
}

//  Asserts that the last request's head has line.
static void
s_assert_sent (s_server_t *self, const char *line)
{
    pthread_mutex_lock (&self->lock);
    bool found = strstr (self->head, line) != NULL;
    pthread_mutex_unlock (&self->lock);
    if (!found)
        fail_msg ("'%s' is not in the request:\n%s", line, self->head);
}

//  One request of method to path with client (NULL: its own); the answer
//  in *answer, which the caller clears. Returns what sb_http_request does.
static int
s_request (s_server_t *self, sb_http_t *client, const char *method, const char *path,
           bool no_resend, sb_http_answer_t *answer)
{
    char *url = s_url (self, path);
    sb_http_request_t request = {
        .method = method, .url = url, .timeout_ms = 5000, .no_resend = no_resend,
        .body = method && streq (method, "POST")? "created=1": NULL
    };
    int rc = sb_http_request (client, &request, answer);
    zstr_free (&url);
    return rc;
}

//  --------------------------------------------------------------------------
//  The tests

static void
test_status_body_headers (void **state)
{
    s_server_t *self = (s_server_t *) *state;
    char *url = s_url (self, "/hello");
    sb_http_request_t request = {
        .url = url, .timeout_ms = 5000, .keep = { "Retry-After", "Content-Type", "X-Missing" }
    };
    sb_http_answer_t answer;
    assert_int_equal (sb_http_request (NULL, &request, &answer), 0);
    assert_int_equal (answer.outcome, SB_HTTP_ANSWERED);
    assert_int_equal (answer.status, 200);
    assert_int_equal (answer.size, 5);
    assert_string_equal (answer.body, "hello");
    assert_string_equal (sb_http_header (&answer, "retry-after"), "7");
    assert_string_equal (sb_http_header (&answer, "Content-Type"), "text/plain");
    assert_null (sb_http_header (&answer, "X-Missing"));
    assert_null (sb_http_header (&answer, "X-Other"));          //  not asked for
    assert_int_equal (sb_http_retry_after_ms (sb_http_header (&answer, "Retry-After"), 0),
                      7000);
    sb_http_answer_clear (&answer);
    s_assert_sent (self, "GET /hello HTTP/1.1");
    zstr_free (&url);

    //  An interim answer's headers are not the final one's
    url = s_url (self, "/continue");
    sb_http_request_t interim = { .url = url, .timeout_ms = 5000, .keep = { "X-Early" } };
    assert_int_equal (sb_http_request (NULL, &interim, &answer), 0);
    assert_int_equal (answer.status, 204);
    assert_null (answer.body);
    assert_null (sb_http_header (&answer, "X-Early"));
    sb_http_answer_clear (&answer);
    zstr_free (&url);
}

static void
test_request_as_sent (void **state)
{
    s_server_t *self = (s_server_t *) *state;
    char *url = s_url (self, "/things/1");
    sb_http_request_t request = {
        .method = "PATCH", .url = url, .lines = { "Idempotency-Key: k-1", "Accept: text/x" },
        .content_type = "application/json", .body = "{\"a\":1}", .bearer = "s3cret",
        .user_agent = "test/1", .timeout_ms = 5000
    };
    sb_http_answer_t answer;
    assert_int_equal (sb_http_request (NULL, &request, &answer), 0);
    assert_int_equal (answer.status, 201);
    assert_string_equal (answer.body, "{\"a\":1}");          //  the server echoes it
    sb_http_answer_clear (&answer);
    s_assert_sent (self, "PATCH /things/1 HTTP/1.1");
    s_assert_sent (self, "\r\nAuthorization: Bearer s3cret");
    s_assert_sent (self, "\r\nContent-Type: application/json");
    s_assert_sent (self, "\r\nIdempotency-Key: k-1");
    s_assert_sent (self, "\r\nAccept: text/x");
    s_assert_sent (self, "\r\nUser-Agent: test/1");
    pthread_mutex_lock (&self->lock);
    assert_null (strcasestr (self->head, "Expect:"));         //  the body went at once
    pthread_mutex_unlock (&self->lock);

    //  Basic auth; a body without a method is a POST, form-encoded
    sb_http_request_t basic = {
        .url = url, .body = "To=%2B1555", .user = "AC1", .password = "tok", .timeout_ms = 5000
    };
    assert_int_equal (sb_http_request (NULL, &basic, &answer), 0);
    sb_http_answer_clear (&answer);
    s_assert_sent (self, "POST /things/1 HTTP/1.1");
    s_assert_sent (self, "\r\nAuthorization: Basic QUMxOnRvaw==");      //  AC1:tok
    s_assert_sent (self, "\r\nContent-Type: application/x-www-form-urlencoded");
    zstr_free (&url);
}

static void
test_timeout (void **state)
{
    s_server_t *self = (s_server_t *) *state;
    char *url = s_url (self, "/stall");
    sb_http_request_t request = { .url = url, .timeout_ms = 300 };
    sb_http_answer_t answer;
    int64_t started = zclock_mono ();
    assert_int_equal (sb_http_request (NULL, &request, &answer), -1);
    int64_t took = zclock_mono () - started;
    assert_true (took >= 290 && took < 4000);
    assert_int_equal (answer.outcome, SB_HTTP_TIMED_OUT);   //  sent: it may have acted
    assert_true (answer.timed_out);
    assert_int_equal (answer.status, 0);
    assert_string_equal (answer.error, curl_easy_strerror (CURLE_OPERATION_TIMEDOUT));
    assert_non_null (strstr (answer.detail, "timed out"));
    sb_http_answer_clear (&answer);
    zstr_free (&url);
}

static void
test_refused (void **state)
{
    (void) state;
    int port;
    int closed = s_listen (&port);
    assert_true (closed >= 0);
    close (closed);                                          //  nobody listens there now
    char *url = zsys_sprintf ("http://127.0.0.1:%d/hello", port);
    sb_http_request_t request = { .method = "POST", .url = url, .timeout_ms = 5000 };
    sb_http_answer_t answer;
    assert_int_equal (sb_http_request (NULL, &request, &answer), -1);
    assert_int_equal (answer.outcome, SB_HTTP_NOT_SENT);    //  certainly not acted on
    assert_false (answer.timed_out);
    assert_int_equal (answer.status, 0);
    assert_string_equal (answer.error, "Couldn't connect to server");
    assert_non_null (strstr (answer.detail, "127.0.0.1"));
    sb_http_answer_clear (&answer);
    zstr_free (&url);

    //  Another scheme is never sent, nor a request without a time-out
    sb_http_request_t file = { .url = "file:///etc/passwd", .timeout_ms = 5000 };
    assert_int_equal (sb_http_request (NULL, &file, &answer), -1);
    assert_int_equal (answer.outcome, SB_HTTP_NOT_SENT);
    assert_null (answer.body);
    sb_http_answer_clear (&answer);
    sb_http_request_t forever = { .url = "http://127.0.0.1:1/" };
    assert_int_equal (sb_http_request (NULL, &forever, &answer), -1);
    assert_int_equal (answer.outcome, SB_HTTP_NOT_SENT);
    assert_string_equal (answer.error, "no time-out given");
    sb_http_answer_clear (&answer);
    sb_http_request_t smuggled = {
        .url = "http://127.0.0.1:1/", .timeout_ms = 5000, .bearer = "k\r\nX-Admin: 1"
    };
    assert_int_equal (sb_http_request (NULL, &smuggled, &answer), -1);
    assert_int_equal (answer.outcome, SB_HTTP_NOT_SENT);
    assert_string_equal (answer.error, "a header line holds a line break");
    sb_http_answer_clear (&answer);
}

static void
test_answer_over_the_bound (void **state)
{
    s_server_t *self = (s_server_t *) *state;
    char *url = s_url (self, "/big");
    sb_http_request_t request = { .url = url, .timeout_ms = 5000, .answer_max = 1000 };
    sb_http_answer_t answer;
    assert_int_equal (sb_http_request (NULL, &request, &answer), -1);
    assert_int_equal (answer.outcome, SB_HTTP_TOO_LARGE);
    assert_int_equal (answer.status, 200);                  //  the status line came
    assert_true (answer.size <= 1000);
    sb_http_answer_clear (&answer);

    //  At the bound, it reads
    request.answer_max = S_BIG;
    assert_int_equal (sb_http_request (NULL, &request, &answer), 0);
    assert_int_equal (answer.size, S_BIG);
    sb_http_answer_clear (&answer);
    zstr_free (&url);
}

static void
test_dropped (void **state)
{
    s_server_t *self = (s_server_t *) *state;
    sb_http_answer_t answer;
    int drops = s_count (self, &self->drops);
    assert_int_equal (s_request (self, NULL, "POST", "/drop", false, &answer), -1);
    assert_int_equal (answer.outcome, SB_HTTP_DROPPED);     //  sent: it may have acted
    assert_false (answer.timed_out);
    assert_string_equal (answer.error, curl_easy_strerror (CURLE_GOT_NOTHING));
    sb_http_answer_clear (&answer);
    assert_int_equal (s_count (self, &self->drops), drops + 1);
}

static void
test_connections (void **state)
{
    s_server_t *self = (s_server_t *) *state;
    sb_http_t *client = sb_http_new ();
    assert_non_null (client);
    sb_http_answer_t answer;

    //  A client's requests share its connection
    int before = s_count (self, &self->connections);
    for (int count = 0; count < 3; count++) {
        assert_int_equal (s_request (self, client, "GET", "/hello", false, &answer), 0);
        sb_http_answer_clear (&answer);
    }
    assert_int_equal (s_count (self, &self->connections), before + 1);

    //  So do no-resend POSTs, their bodies whole
    for (int count = 0; count < 2; count++) {
        assert_int_equal (s_request (self, client, "POST", "/created", true, &answer), 0);
        assert_int_equal (answer.status, 201);
        sb_http_answer_clear (&answer);
        pthread_mutex_lock (&self->lock);
        assert_string_equal (self->body, "created=1");
        pthread_mutex_unlock (&self->lock);
    }
    assert_int_equal (s_count (self, &self->connections), before + 1);

    //  Without a client, every request has a connection of its own
    for (int count = 0; count < 2; count++) {
        assert_int_equal (s_request (self, NULL, "GET", "/hello", false, &answer), 0);
        sb_http_answer_clear (&answer);
    }
    assert_int_equal (s_count (self, &self->connections), before + 3);
    sb_http_destroy (&client);
    assert_null (client);
    sb_http_destroy (&client);
}

//  Why no_resend exists: a POST whose reused connection closes without an
//  answer is sent again by libcurl, on its own, on a new connection (the
//  server saw it twice); a no-resend one is sent once, and the caller hears
//  of the failure as DROPPED (the server may have acted on it).
static void
test_no_resend_never_sent_twice (void **state)
{
    s_server_t *self = (s_server_t *) *state;
    sb_http_t *client = sb_http_new ();
    sb_http_answer_t answer;
    assert_int_equal (s_request (self, client, "GET", "/hello", false, &answer), 0);
    sb_http_answer_clear (&answer);
    int drops = s_count (self, &self->drops);
    assert_int_equal (s_request (self, client, "POST", "/drop", false, &answer), -1);
    sb_http_answer_clear (&answer);
    assert_int_equal (s_count (self, &self->drops), drops + 2);      //  libcurl re-sent it

    assert_int_equal (s_request (self, client, "GET", "/hello", false, &answer), 0);
    sb_http_answer_clear (&answer);
    drops = s_count (self, &self->drops);
    assert_int_equal (s_request (self, client, "POST", "/drop", true, &answer), -1);
    assert_int_equal (answer.outcome, SB_HTTP_DROPPED);
    assert_non_null (strstr (answer.detail, "not sent again"));
    sb_http_answer_clear (&answer);
    assert_int_equal (s_count (self, &self->drops), drops + 1);      //  once

    //  The client carries on
    assert_int_equal (s_request (self, client, "POST", "/created", true, &answer), 0);
    assert_int_equal (answer.status, 201);
    sb_http_answer_clear (&answer);
    sb_http_destroy (&client);
}

static void
test_escape_dates_urls (void **state)
{
    (void) state;
    char *escaped = sb_http_escape ("+1 555/a~b_c.d-e&é");
    assert_string_equal (escaped, "%2B1%20555%2Fa~b_c.d-e%26%C3%A9");
    free (escaped);
    assert_int_equal (sb_http_date ("Thu, 05 Mar 2026 09:01:30 GMT"), 1772701290);
    assert_int_equal (sb_http_date ("Thu, 05 Mar 2026 09:01:30 +0000"), 1772701290);
    assert_int_equal (sb_http_date ("soon"), -1);
    assert_int_equal (sb_http_retry_after_ms ("Thu, 05 Mar 2026 09:01:30 GMT", 1772701200),
                      90000);
    assert_int_equal (sb_http_retry_after_ms ("7x", 0), -1);
    char *base = sb_http_base_url ("https://api.example.com//");
    assert_string_equal (base, "https://api.example.com");
    free (base);
    assert_null (sb_http_base_url ("ftp://example.com"));
    assert_null (sb_http_base_url (NULL));
}

int
main (void)
{
    curl_global_init (CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_status_body_headers),
        cmocka_unit_test (test_request_as_sent),
        cmocka_unit_test (test_timeout),
        cmocka_unit_test (test_refused),
        cmocka_unit_test (test_answer_over_the_bound),
        cmocka_unit_test (test_dropped),
        cmocka_unit_test (test_connections),
        cmocka_unit_test (test_no_resend_never_sent_twice),
        cmocka_unit_test (test_escape_dates_urls),
    };
    int rc = cmocka_run_group_tests (tests, s_setup, s_teardown);
    curl_global_cleanup ();
    return rc;
}
