"""rqchain -- the stack Switchboard replaces, for bench/compare: one SMS
conversation as a chain of five RQ jobs, each enqueueing the next, as the
old service did.

    receive    parse the inbound Twilio form, look the sender up (Redis HGET)
    plan       read the intent and the period from the text
    timesheet  read the employee's entries (Redis LRANGE) and sum the period
    compose    the reply, branded (sign-off) and checked (length, GSM-7)
    send       the outbound Twilio form; records completion (Redis HSET)

Each step's work is small and of the same kind as the matching actor's
(no HTTP: the chain starts with an enqueue and ends with a record).
`seed` writes the data the chain reads. Imported by the `rq worker`
processes (`rq worker --path bench/rq`) and by bench/rq/bench_rq.
"""

import datetime
import time
import urllib.parse

from rq import Queue, get_current_job

QUEUE = "chain"
DONE = "rqbench:done"           # hash: chain id -> completion time, us
DIRECTORY = "rqbench:directory"  # hash: phone -> employee id
TENANT_NUMBER = "+15557654321"
PHONES = ["+15551234567", "+15551234568", "+15551234569", "+15551234570"]
NAMES = ["Dana", "Priya", "Sam", "Lee"]
TEXTS = ["how many hours this week?", "what am I missing?",
         "how many hours yesterday?", "hello"]
GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
           "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")


def entries_key(employee):
    return f"rqbench:entries:{employee}"


def seed(redis):
    """Writes the directory and 30 days of entries per employee (about
    what timesheet-demo writes for the Switchboard side)."""
    today = datetime.date.today()
    pipe = redis.pipeline()
    for index, phone in enumerate(PHONES):
        employee = f"e{index + 1}"
        pipe.hset(DIRECTORY, phone, f"{employee}|{NAMES[index]}")
        pipe.delete(entries_key(employee))
        for back in range(30):
            day = today - datetime.timedelta(days=back)
            if day.weekday() < 5:
                pipe.rpush(entries_key(employee), f"{day.isoformat()}|8|Acme Portal")
    pipe.delete(DONE)
    pipe.execute()


def form(chain, start_us):
    """The inbound webhook's form, as Twilio posts it, for chain number."""
    return urllib.parse.urlencode({
        "MessageSid": f"SM{chain:032x}", "From": PHONES[chain % 4],
        "To": TENANT_NUMBER, "Body": TEXTS[(chain // 4) % 4], "NumMedia": "0",
        "StartUs": str(start_us)})


def _next(step, context):
    job = get_current_job()
    Queue(QUEUE, connection=job.connection).enqueue(step, context)


def receive(body):
    fields = urllib.parse.parse_qs(body, strict_parsing=True)
    phone = fields["From"][0]
    found = get_current_job().connection.hget(DIRECTORY, phone)
    employee, name = found.decode().split("|") if found else ("", "")
    _next(plan, {"sid": fields["MessageSid"][0], "start_us": int(fields["StartUs"][0]),
                 "from": phone, "to": fields["To"][0], "text": fields["Body"][0],
                 "employee": employee, "name": name})


def plan(context):
    words = context["text"].lower().replace("?", " ").split()
    today = datetime.date.today()
    if "yesterday" in words:
        intent, first = "hours", today - datetime.timedelta(days=1)
        last = first
    elif "missing" in words:
        intent, first, last = "missing", today - datetime.timedelta(days=today.weekday()), today
    elif "hours" in words:
        intent, first, last = "hours", today - datetime.timedelta(days=today.weekday()), today
    else:
        intent, first, last = "greeting", today, today
    context.update(intent=intent, first=first.isoformat(), last=last.isoformat())
    _next(timesheet, context)


def timesheet(context):
    entries = get_current_job().connection.lrange(entries_key(context["employee"]), 0, -1)
    hours, days, projects = 0.0, set(), set()
    for entry in entries:
        day, amount, project = entry.decode().split("|")
        if context["first"] <= day <= context["last"]:
            hours += float(amount)
            days.add(day)
            projects.add(project)
    context.update(hours=hours, days=len(days), projects=sorted(projects))
    _next(compose, context)


def compose(context):
    name = context["name"]
    if not context["employee"]:
        text = "This number is not registered."
    elif context["intent"] == "greeting":
        text = f"Hi {name}! Ask me about your hours this week or yesterday."
    elif context["intent"] == "missing":
        text = f"Hi {name}, you have {context['hours']:g} hours logged on {context['days']} days."
    else:
        text = (f"Hi {name}, you have {context['hours']:g} hours logged. "
                f"All on {', '.join(context['projects']) or 'nothing'}.")
    if context["employee"]:
        text += "\nThanks, Acme HR"                    # branding: the tenant's sign-off
    encoding = "GSM-7" if set(text) <= GSM7 else "UCS-2"   # quality: encoding, segments
    context.update(body=text, segments=1 + len(text) // (153 if encoding == "GSM-7" else 67))
    _next(send, context)


def send(context):
    """The Twilio create request's form, then the chain's completion: when,
    in us of the wall clock (the driver's clock too, same machine)."""
    urllib.parse.urlencode({"To": context["from"], "From": context["to"],
                            "Body": context["body"]})
    get_current_job().connection.hset(DONE, context["sid"], int(time.time() * 1e6))
