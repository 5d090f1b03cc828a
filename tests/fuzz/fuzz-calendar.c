/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for the schedules of converters/calendar.c: the
 * bytes (up to the first NUL) as an OnCalendar= expression, or, when
 * they start with a newline, as a crontab schedule.  A schedule either
 * side accepts must be 5 valid cron fields.
 */
#include "fuzz.h"

#include <stdlib.h>

#include "converter-util.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char out[V2C_CRON_MAX];
  const char *why;
  char *s;
  int r;

  if (size > 4096)
    return 0;
  s = malloc (size + 1);
  if (s == NULL)
    return 0;
  memcpy (s, data, size);
  s[size] = '\0';
  if (s[0] == '\n')
    r = v2c_cron_schedule (s + 1, out, sizeof out, &why);
  else
    r = v2c_calendar_to_cron (s, out, sizeof out, &why);
  if (r == 0 && !v2c_cron_valid (out))
    abort ();
  if (r == -1 && (why == NULL || *why == '\0'))
    abort ();
  /* a small output buffer must be refused, never overrun */
  if (s[0] != '\n')
    v2c_calendar_to_cron (s, out, 8, &why);
  else
    v2c_cron_schedule (s + 1, out, 8, &why);
  free (s);
  return 0;
}
