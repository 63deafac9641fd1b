supervise
    directory = /srv/fleet
    control = run/ctl.sock
    run-dir = run
defaults
    grace = 2s
    backoff = 50ms
    backoff-max = 10s
    backoff-jitter = 10%
    backoff-reset = 30s
    env
        SB_BROKER = tcp://127.0.0.1:5555
job
    command = /bin/mkdir
    args = -p "run/a b" 'run/$x' \$y
    ready = exit
    restart = transient
svc
    command = ./bin/svc
    args = --instance ${program}-${instance} --opt ${HOME:-/root}
    instances = 3
    depends = job
    ready = http http://127.0.0.1:8080/ready
    ready-timeout = 1m
    probe-interval = 100ms
    restart = permanent
    intensity = 5
    period = 60s
    on-failure = keep
    stop-signal = INT
    no-restart = 78, 65
    ports = 8080 8081
    secrets = TOKEN
    optional-secrets = OTHER
    config
        svc
            capacity = 8
            name = "it's"
probe
    command = sleep
    args = 100
    depends = svc, job
    ready = command /bin/sh -c 'test -e x'
    config-file = conf/probe.zpl
    config-option = --config
tcp
    command = x
    ready = tcp [::1]:6379
unix
    command = x
    ready = unix run/x.sock
    restart = temporary
