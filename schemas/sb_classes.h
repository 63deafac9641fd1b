/*  sb_classes.h — the one internal umbrella header: third-party includes,
    their version checks, and the project's own module headers.

    Every .c file of the project includes this and nothing else from outside
    the C library, so include chains and version requirements live here.   */

#ifndef SB_CLASSES_H_INCLUDED
#define SB_CLASSES_H_INCLUDED

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <czmq.h>
#include <jansson.h>
#include <msgpack.h>

#if CZMQ_VERSION < CZMQ_MAKE_VERSION (4, 2, 0)
#   error "Switchboard needs CZMQ 4.2 or newer"
#endif
#if JANSSON_VERSION_HEX < 0x020c00
#   error "Switchboard needs jansson 2.12 or newer"
#endif
#if MSGPACK_VERSION_MAJOR < 3
#   error "Switchboard needs msgpack-c 3.0 or newer"
#endif

#include "sb_error.h"
#include "sb_config.h"
#include "sb_limits.h"
#include "sb_id.h"
#include "sb_msgpack.h"
#include "sb_envelope.h"
#include "sb_schema.h"

#endif
