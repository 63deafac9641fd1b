planner
    broker = "tcp://127.0.0.1:5555, tcp://127.0.0.1:5556 tcp://127.0.0.1:5557"
    instance = planner-a
    capacity = 256
    grace = 0
    stats = tcp://127.0.0.1:*
    monitor = ipc:///tmp/planner-monitor
    redis = unix:/tmp/redis.sock
    backend = rules
sender
    broker = tcp://127.0.0.1:5555,,tcp://127.0.0.1:5556
    capacity = 1
    grace = 3600000
echo
    broker = "a,b,c,d,e,f,g,h,i"
