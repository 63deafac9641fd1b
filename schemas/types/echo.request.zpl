#   echo.request: a text for the sample echo actor to send back
type = echo.request
summary = "A text the sample echo actor should echo back (tests and the actor tutorial)."
emitted-by = tests
consumed-by = echo
body
    text
        type = string
        required = 1
        max = 4096
        doc = "The text to echo."
        example = "hello, switchboard"
    delay_ms
        type = int
        min = 0
        max = 60000
        doc = "Wait this long before answering: stands in for slow I/O in tests."
        example = 0
