#   echo.reply: the sample echo actor's answer to an echo.request
type = echo.reply
summary = "The echo actor's answer: the request's text, unchanged."
emitted-by = echo
consumed-by = echo-sink
body
    text
        type = string
        required = 1
        max = 4096
        doc = "The request's text, unchanged."
        example = "hello, switchboard"
    echoed_at_ms
        type = int
        required = 1
        min = 0
        doc = "When the echo actor handled the request, Unix milliseconds."
        example = 1772787600420
