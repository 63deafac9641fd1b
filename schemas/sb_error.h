/*  sb_error.h — the one error convention: functions return 0 or -1 and
    write the reason, naming what and where, into a caller's buffer.      */

#ifndef SB_ERROR_H_INCLUDED
#define SB_ERROR_H_INCLUDED

#include <stddef.h>

#if defined (__GNUC__)
#   define SB_PRINTF(fmt, args) __attribute__ ((format (printf, fmt, args)))
#else
#   define SB_PRINTF(fmt, args)
#endif

//  Formats the reason into err (errlen bytes, always terminated; nothing
//  is written when err is NULL). Always returns -1, so a failing function
//  can end with: return sb_error_set (err, errlen, "...", ...);
int sb_error_set (char *err, size_t errlen, const char *format, ...) SB_PRINTF (3, 4);

#endif
