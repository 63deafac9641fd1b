a
    command = x
    depends = b
b
    command = x
    depends = a
