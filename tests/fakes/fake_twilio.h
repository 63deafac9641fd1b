/*  fake_twilio.h — fake_twilio's modules, shared among them only (not a
    library): the fake's state, a step of the script of faults, and what
    each module offers the others.

      fake_twilio.c           routing, auth, the Accounts resource, main
      fake_twilio_script.c    answers and Twilio's errors, the script of
                              faults, the fake's own /_fake endpoints
      fake_twilio_messages.c  the Messages resource: create, list, fetch

    What the fake does, its endpoints and its script: fake_twilio.c.       */

#ifndef FAKE_TWILIO_H
#define FAKE_TWILIO_H

#include "sb_date.h"
#include "sb_fakehttp.h"
#include "sb_form.h"
#include "sb_sms.h"
#include <pthread.h>
#include <sys/random.h>

#define FT_MAX_STEPS     256
#define FT_MAX_FIELDS    64
#define FT_MAX_MESSAGES  100000
#define FT_API           "/2010-04-01/Accounts/"
#define FT_MORE_INFO     "https://www.twilio.com/docs/errors/"

typedef enum { FT_ON_CREATE, FT_ON_LIST, FT_ON_ANY } ft_on_t;
typedef enum { FT_ERROR, FT_STALL, FT_DROP, FT_PASS } ft_kind_t;

//  One step of the script.
typedef struct {
    ft_kind_t kind;
    int status;              //  FT_ERROR: the HTTP status
    int code;                //  FT_ERROR: Twilio's code (0: the status's usual one)
    int retry_after;         //  seconds, -1: no header
    int ms;                  //  FT_STALL
    int count;               //  requests it still answers
    ft_on_t on;
    char message [256];      //  "" for the code's usual text
} ft_step_t;

typedef struct {
    const char *account;
    const char *token;
    const char *account_status;
    bool verbose;
    pthread_mutex_t lock;
    json_t *messages;        //  accepted, oldest first
    ft_step_t steps [FT_MAX_STEPS];
    size_t step_count;
    uint64_t requests, creates, lists, accounts, unauthorized;
} ft_fake_t;

typedef sb_fakehttp_request_t ft_request_t;
typedef sb_fakehttp_answer_t ft_answer_t;

//  --------------------------------------------------------------------------
//  Answers, the script, the fake's own endpoints (fake_twilio_script.c)

//  Sets the answer: status with json (ownership taken), Retry-After when
//  retry_after >= 0.
void ft_answer (ft_answer_t *answer, unsigned int status, json_t *json, int retry_after);

//  Answers Twilio's error JSON: {code, message, more_info, status}. The
//  message is message as given, else the code's usual text with argument
//  in place of its %s.
void ft_error (ft_answer_t *answer, int status, int code, const char *message, const char *argument,
               int retry_after);

//  Appends the steps of text (one per line). Returns how many, or -1 with
//  nothing appended if a line does not parse or the script is full.
int ft_script_add (ft_fake_t *self, const char *text);

//  Takes the first step that applies to a request of kind on (its count
//  goes down; gone at 0). Returns true with *step filled, false if none.
//  Called with the lock held.
bool ft_script_take (ft_fake_t *self, ft_on_t on, ft_step_t *step);

//  GET /_fake/counts, and GET /_fake/messages (with the messages).
void ft_fake_counts (ft_fake_t *self, bool with_messages, ft_answer_t *answer);

void ft_fake_reset (ft_fake_t *self, ft_answer_t *answer);

void ft_fake_script (ft_fake_t *self, const ft_request_t *request, ft_answer_t *answer);

//  --------------------------------------------------------------------------
//  Messages (fake_twilio_messages.c)

//  A copy of a stored message without the fake's own fields.
json_t *ft_public (const json_t *message);

void ft_create (ft_fake_t *self, const ft_request_t *request, ft_answer_t *answer);

void ft_list (ft_fake_t *self, const ft_request_t *request, ft_answer_t *answer);

//  GET .../Messages/{Sid}.json
void ft_fetch (ft_fake_t *self, const char *sid, size_t length, ft_answer_t *answer);

#endif
