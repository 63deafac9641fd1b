services
    a$b
