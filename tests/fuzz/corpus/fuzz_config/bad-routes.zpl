routes
    echo.request = "@reply_to echo"
services
    echo
        jitter = 2
