a
    command = x
    restrat = permanent
    instances = 99
