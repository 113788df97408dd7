/*
 * err.c - the one helper the engine's error messages go through.  A
 * gl_config and a gl_net each keep a code and a message of GL_ERRMSG_LEN
 * bytes (SQLite's errcode/errmsg); the file that finds the error writes the
 * message here, and the handle's own *_result call records the code.  It sits in a file of its own so that the files that report
 * errors (settings.c, data.c, net.c, step.c, api.c) depend on it and not on
 * one another: data.c used to reach settings.c for it while settings.c calls
 * data.c's gl_digits_scan, a cycle at link level.
 */
#include <stdarg.h>
#include <stdio.h>

#include "gl_internal.h"

void gl_seterr(char *dst, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(dst, GL_ERRMSG_LEN, fmt, ap);
  va_end(ap);
}
