#   fleet/default.zpl — the fleet `make run` starts on one machine: a private
#   Redis (AOF on, unix socket in ./run/redis), the broker, ingress on
#   http://127.0.0.1:8080 and the echo actor; the conversation actors join
#   as they land (uncomment their entries). Every key: docs/fleet.md.
#
#   build/bin/supervise fleet/default.zpl          run it (Ctrl-C stops it)
#   build/bin/supervise check fleet/default.zpl    preflight
#   build/bin/supervise ctl status                 from the repository root
#
#   SB_BUILD names the build folder (default build); SB_REDIS_APPENDFSYNC
#   is everysec (default) or always (fsync before every reply: see
#   docs/broker.md for what each survives).

supervise
    directory = ..                      # the repository root: paths below start there
    control = run/supervise.sock
    run-dir = run

defaults
    grace = 15s                         # the actors' own drain grace is 10 s
    env
        SB_BROKER = tcp://127.0.0.1:5555
        SB_REDIS_URL = unix:run/redis/redis.sock

#   The folder Redis keeps its AOF in: a job that must finish before Redis
#   starts (ready = exit: ready once it exited 0, then never run again)
run-folder
    command = mkdir
    args = -p run/redis
    ready = exit
    restart = transient

redis
    command = redis-server
    args = "--port 0 --dir run/redis --unixsocket redis.sock --unixsocketperm 700 --appendonly yes --appendfsync ${SB_REDIS_APPENDFSYNC:-everysec} --save '' --daemonize no --loglevel warning --supervised systemd"
    depends = run-folder
    ready = notify-socket               # redis-server --supervised systemd sends READY=1
    ready-timeout = 60s                 # a large AOF takes a while to load
    grace = 30s                         # it rewrites nothing on stop, but give it time

broker
    command = ${SB_BUILD:-build}/bin/broker
    args = --redis unix:run/redis/redis.sock --endpoint tcp://127.0.0.1:5555
    depends = redis
    ready = notify-fd                   # a newline on $NOTIFY_FD once bound and connected
    ports = 5555
    optional-secrets = REDIS_PASSWORD

ingress
    command = ${SB_BUILD:-build}/bin/ingress
    args = --listen 127.0.0.1 --port 8080 --broker tcp://127.0.0.1:5555
    depends = broker
    ready = notify-fd
    ports = 8080
    optional-secrets = TWILIO_AUTH_TOKEN INTERNAL_SECRET WORKSPACE_API_TOKEN

echo
    command = ${SB_BUILD:-build}/bin/echo
    args = --instance echo-${instance}
    depends = broker

#   The conversation actors, as they land (build/bin/<name>; every actor
#   takes -b/--broker, -r/--redis, -i/--instance, -c/--config):
#
# planner
#     command = ${SB_BUILD:-build}/bin/planner
#     args = --instance planner-${instance}
#     depends = broker
#     instances = 2
#     optional-secrets = OPENAI_API_KEY
#
# timesheet
#     command = ${SB_BUILD:-build}/bin/timesheet
#     args = --instance timesheet-${instance}
#     depends = broker
#
# branding
#     command = ${SB_BUILD:-build}/bin/branding
#     args = --instance branding-${instance}
#     depends = broker
#
# quality
#     command = ${SB_BUILD:-build}/bin/quality
#     args = --instance quality-${instance}
#     depends = broker
#
# sender                                # outbox mode (sb:outbox, run/outbox.jsonl)
#     command = ${SB_BUILD:-build}/bin/sender    # unless both Twilio secrets are set
#     args = --instance sender-${instance}
#     depends = broker
#     optional-secrets = TWILIO_ACCOUNT_SID TWILIO_AUTH_TOKEN
