/*  sb_error.c — formatting error reasons into a caller's buffer.          */

#include "sb_classes.h"

int
sb_error_set (char *err, size_t errlen, const char *format, ...)
{
    if (err && errlen) {
        va_list args;
        va_start (args, format);
        vsnprintf (err, errlen, format, args);
        va_end (args);
    }
    return -1;
}
