#   fleet/default.zpl — the fleet `make run` starts on one machine: a private
#   Redis (AOF on, unix socket in ./run/redis) with the demo data, the
#   broker, ingress on http://127.0.0.1:8080, the conversation actors, the
#   sender (outbox mode unless Twilio's credentials are in the environment
#   or stored for the tenant) and agent-sync; tenants' credentials are sealed
#   with a development key in ./run unless CREDENTIALS_KEY is set. Their config: fleet/switchboard.zpl. Every
#   key: docs/fleet.md.
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
        CREDENTIALS_KEY_FILE = run/credentials.key

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
    args = --config fleet/switchboard.zpl --redis unix:run/redis/redis.sock --endpoint tcp://127.0.0.1:5555
    depends = redis
    ready = notify-fd                   # a newline on $NOTIFY_FD once bound and connected
    ports = 5555 5556 5557              # SBP/1, socket events, tap (fleet/switchboard.zpl)
    optional-secrets = REDIS_PASSWORD

ingress
    command = ${SB_BUILD:-build}/bin/ingress
    args = --config fleet/switchboard.zpl --listen 127.0.0.1 --port 8080 --broker tcp://127.0.0.1:5555
    depends = broker dev-key             # reads tenants' stored Twilio tokens with the key
    ready = notify-fd
    ports = 8080
    optional-secrets = TWILIO_AUTH_TOKEN INTERNAL_SECRET WORKSPACE_API_TOKEN

echo
    command = ${SB_BUILD:-build}/bin/echo
    args = --instance echo-${instance}
    depends = broker

#   The demo data: tenant demo (Acme), four employees, a month of entries
#   with gaps; writes nothing the second time
demo-data
    command = ${SB_BUILD:-build}/bin/timesheet-demo
    args = --redis unix:run/redis/redis.sock
    depends = redis
    ready = exit
    restart = transient

#   The development key sealing tenants' credentials (agent-sync writes
#   them, ingress and the sender read them), unless CREDENTIALS_KEY is set
dev-key
    command = bin/dev-credentials-key
    args = run/credentials.key
    depends = run-folder
    ready = exit
    restart = transient

#   The conversation actors (every actor takes -b/--broker, -r/--redis from
#   SB_BROKER and SB_REDIS_URL above, -i/--instance, -c/--config)
planner
    command = ${SB_BUILD:-build}/bin/planner
    args = --config fleet/switchboard.zpl --instance planner-${instance}
    depends = broker
    instances = 2
    optional-secrets = OPENAI_API_KEY

timesheet
    command = ${SB_BUILD:-build}/bin/timesheet
    args = --config fleet/switchboard.zpl --instance timesheet-${instance}
    depends = broker demo-data

branding
    command = ${SB_BUILD:-build}/bin/branding
    args = --config fleet/switchboard.zpl --instance branding-${instance}
    depends = broker

quality
    command = ${SB_BUILD:-build}/bin/quality
    args = --config fleet/switchboard.zpl --instance quality-${instance}
    depends = broker

#   The sender: outbox mode (sb:outbox and run/outbox.jsonl) unless both
#   Twilio secrets are set
sender
    command = ${SB_BUILD:-build}/bin/sender
    args = --config fleet/switchboard.zpl --instance sender-${instance}
    depends = broker dev-key             # reads tenants' stored Twilio accounts with the key
    optional-secrets = TWILIO_ACCOUNT_SID TWILIO_AUTH_TOKEN TWILIO_PHONE_NUMBER

agent-sync
    command = ${SB_BUILD:-build}/bin/agent-sync
    args = --config fleet/switchboard.zpl --instance agent-sync-${instance}
    depends = broker dev-key
    optional-secrets = CREDENTIALS_KEY

#   zmon's web console, http://127.0.0.1:8081 (docs/zmon.md, Web console):
#   read-only unless ZMON_WEB_TOKEN is set
zmon-web
    command = ${SB_BUILD:-build}/bin/zmon-web
    args = --config fleet/switchboard.zpl --listen 127.0.0.1:8081 --broker tcp://127.0.0.1:5555 --supervise run/supervise.sock
    depends = broker
    ready = tcp 127.0.0.1:8081
    ports = 8081
    optional-secrets = ZMON_WEB_TOKEN
