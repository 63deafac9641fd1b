broker
    curve
        certificate = /x
