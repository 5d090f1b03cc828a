/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Schedules: crontab lines and systemd OnCalendar= expressions
 * (systemd.time(7)) as the 5-field schedule of a Kubernetes CronJob.
 * Both come from the guest: hostile input, bounded and checked; what
 * cron can't express is refused with the reason, never approximated.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "converter-util.h"

static int
field_char (char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
         || (c >= 'A' && c <= 'Z') || c == '*' || c == ',' || c == '-'
         || c == '/';
}

int
v2c_cron_valid (const char *s)
{
  int fields = 0;
  size_t len = strlen (s);

  if (len == 0 || len >= V2C_CRON_MAX)
    return 0;
  while (*s) {
    if (!field_char (*s))
      return 0;
    fields++;
    while (field_char (*s))
      s++;
    if (*s == ' ' && s[1] != '\0' && s[1] != ' ')
      s++;
    else if (*s != '\0')
      return 0;
  }
  return fields == 5;
}

int
v2c_cron_schedule (const char *in, char *out, size_t outlen, const char **why)
{
  static const struct {
    const char *at, *cron;
  } nick[] = {
    { "@hourly", "0 * * * *" },   { "@daily", "0 0 * * *" },
    { "@midnight", "0 0 * * *" }, { "@weekly", "0 0 * * 0" },
    { "@monthly", "0 0 1 * *" },  { "@yearly", "0 0 1 1 *" },
    { "@annually", "0 0 1 1 *" },
  };
  char buf[V2C_CRON_MAX];
  const char *p = in;
  size_t i, n = 0;
  int fields = 0;

  if (strcmp (in, "@reboot") == 0) {
    *why = "runs once at boot (@reboot): no schedule for a CronJob";
    return -1;
  }
  for (i = 0; i < sizeof nick / sizeof nick[0]; i++)
    if (strcmp (in, nick[i].at) == 0) {
      if (strlen (nick[i].cron) >= outlen)
        goto bad;
      memcpy (out, nick[i].cron, strlen (nick[i].cron) + 1);
      return 0;
    }
  /* normalise blanks to one space */
  while (*p) {
    while (*p == ' ' || *p == '\t')
      p++;
    if (*p == '\0')
      break;
    if (fields++ > 0) {
      if (n + 1 >= sizeof buf)
        goto bad;
      buf[n++] = ' ';
    }
    while (*p && *p != ' ' && *p != '\t') {
      if (!field_char (*p) || n + 1 >= sizeof buf)
        goto bad;
      buf[n++] = *p++;
    }
  }
  buf[n] = '\0';
  if (fields != 5)
    goto bad;
  /* Kubernetes takes 0-6 for the day of the week; cron's 7 is Sunday */
  {
    char *dow = strrchr (buf, ' ') + 1;
    if (strcmp (dow, "7") == 0)
      *dow = '0';
  }
  if (strlen (buf) >= outlen)
    goto bad;
  memcpy (out, buf, strlen (buf) + 1);
  return 0;
bad:
  *why = "not a 5-field cron schedule";
  return -1;
}

/* ---- OnCalendar= ---- */

static const char *const days[]
    = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

/* Day of the week (its first three letters, any case, or the full
 * name) at s, length n: 0..6, or -1. */
static int
weekday (const char *s, size_t n)
{
  static const char *const full[]
      = { "sunday",   "monday", "tuesday", "wednesday",
          "thursday", "friday", "saturday" };
  size_t i, k;

  for (i = 0; i < 7; i++) {
    const char *want = n == 3 ? days[i] : full[i];
    if (strlen (want) != n)
      continue;
    for (k = 0; k < n; k++)
      if ((s[k] | 0x20) != want[k])
        break;
    if (k == n)
      return (int) i;
  }
  return -1;
}

/* "Mon", "Mon,Fri", "Mon..Fri" as cron's day-of-week field. */
static int
weekdays (const char *s, size_t n, char *out, size_t outlen)
{
  size_t i = 0, o = 0;

  out[0] = '\0';
  while (i < n) {
    size_t j = i;
    int a, b = -1;
    while (j < n && s[j] != ',' && s[j] != '.')
      j++;
    a = weekday (s + i, j - i);
    if (a < 0)
      return -1;
    if (j + 1 < n && s[j] == '.' && s[j + 1] == '.') {
      size_t k = j + 2;
      while (k < n && s[k] != ',')
        k++;
      b = weekday (s + j + 2, k - j - 2);
      if (b < 0)
        return -1;
      j = k;
    } else if (j < n && s[j] == '.')
      return -1;
    if (o + 8 >= outlen)
      return -1;
    if (o > 0)
      out[o++] = ',';
    if (b >= 0 && b != a) {
      /* a range through Sunday wraps: Fri..Sun is 5-6,0 */
      if (b > a)
        o += (size_t) snprintf (out + o, outlen - o, "%d-%d", a, b);
      else
        o += (size_t) snprintf (out + o, outlen - o, "%d-6,0-%d", a, b);
    } else
      o += (size_t) snprintf (out + o, outlen - o, "%d", a);
    if (o >= outlen)
      return -1;
    i = j < n ? j + 1 : j;
    if (j < n && i == n)
      return -1; /* trailing ',' */
  }
  return o > 0 ? 0 : -1;
}

/* A number 0..max of at most 4 digits at s[0..n). */
static int
number (const char *s, size_t n, int max)
{
  int v = 0;
  size_t i;

  if (n == 0 || n > 4)
    return -1;
  for (i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v <= max ? v : -1;
}

/* One calendar component ("*", "5", "6,18", "0/15", "1..5") as a cron
 * field; min is the lowest value (0 for times, 1 for dates). */
static int
component (const char *s, size_t n, int min, int max, char *out, size_t outlen)
{
  size_t i = 0, o = 0;

  if (n == 1 && s[0] == '*') {
    snprintf (out, outlen, "*");
    return 0;
  }
  while (i < n) {
    size_t j = i, dots;
    int a, b = -1, step = -1;
    while (j < n && s[j] != ',')
      j++;
    /* j: end of this item */
    dots = i;
    while (dots < j && s[dots] != '.' && s[dots] != '/')
      dots++;
    if (dots - i == 1 && s[i] == '*')
      a = -2;
    else
      a = number (s + i, dots - i, max);
    if (a == -1 || (a >= 0 && a < min))
      return -1;
    if (dots < j && s[dots] == '/') {
      step = number (s + dots + 1, j - dots - 1, max);
      if (step <= 0)
        return -1;
    } else if (dots + 1 < j && s[dots] == '.' && s[dots + 1] == '.') {
      b = number (s + dots + 2, j - dots - 2, max);
      if (b < 0 || a < 0 || b < a)
        return -1;
    } else if (dots < j)
      return -1;
    if (o + 16 >= outlen)
      return -1;
    if (o > 0)
      out[o++] = ',';
    if (a == min && step > 0)
      a = -2; /* 0/15 is every 15 from the start: cron's star step */
    if (a == -2 && step > 0)
      o += (size_t) snprintf (out + o, outlen - o, "*/%d", step);
    else if (a == -2)
      return -1;
    else if (step > 0)
      o += (size_t) snprintf (out + o, outlen - o, "%d-%d/%d", a, max, step);
    else if (b >= 0)
      o += (size_t) snprintf (out + o, outlen - o, "%d-%d", a, b);
    else
      o += (size_t) snprintf (out + o, outlen - o, "%d", a);
    if (o >= outlen)
      return -1;
    i = j + 1;
    if (j < n && i == n)
      return -1;
  }
  return o > 0 ? 0 : -1;
}

int
v2c_calendar_to_cron (const char *in, char *out, size_t outlen,
                      const char **why)
{
  static const struct {
    const char *word, *cron;
  } nick[] = {
    { "minutely", "* * * * *" }, { "hourly", "0 * * * *" },
    { "daily", "0 0 * * *" },    { "weekly", "0 0 * * 1" },
    { "monthly", "0 0 1 * *" },  { "yearly", "0 0 1 1 *" },
    { "annually", "0 0 1 1 *" },
  };
  char dow[64] = "*", mon[48], dom[48], hour[48], min[48];
  const char *words[4], *p, *date = NULL, *time = NULL, *c1, *c2;
  size_t wl[4], nw = 0, i, dl = 0, tl = 0;

  *why = "cron can't express this OnCalendar= schedule";
  if (strlen (in) > 256)
    return -1;
  for (i = 0; i < sizeof nick / sizeof nick[0]; i++)
    if (strcmp (in, nick[i].word) == 0) {
      if (strlen (nick[i].cron) >= outlen)
        return -1;
      memcpy (out, nick[i].cron, strlen (nick[i].cron) + 1);
      return 0;
    }
  for (p = in; *p;) {
    while (*p == ' ' || *p == '\t')
      p++;
    if (*p == '\0')
      break;
    if (nw == 4)
      return -1;
    words[nw] = p;
    while (*p && *p != ' ' && *p != '\t')
      p++;
    wl[nw] = (size_t) (p - words[nw]);
    nw++;
  }
  if (nw == 0)
    return -1;
  i = 0;
  /* [weekdays] [date] [time], no time zone */
  if (memchr (words[0], '-', wl[0]) == NULL
      && memchr (words[0], ':', wl[0]) == NULL) {
    if (weekdays (words[0], wl[0], dow, sizeof dow) == -1) {
      *why = "OnCalendar= with a time zone or an unknown word: cron can't "
             "express it";
      return -1;
    }
    i = 1;
  }
  for (; i < nw; i++) {
    if (date == NULL && time == NULL && memchr (words[i], '-', wl[i])) {
      date = words[i];
      dl = wl[i];
    } else if (time == NULL && memchr (words[i], ':', wl[i])) {
      time = words[i];
      tl = wl[i];
    } else {
      *why = "OnCalendar= with a time zone or an unknown word: cron can't "
             "express it";
      return -1;
    }
  }
  /* date: [YYYY-]MM-DD, the year "*" */
  snprintf (mon, sizeof mon, "*");
  snprintf (dom, sizeof dom, "*");
  if (date) {
    const char *dend = date + dl;
    c1 = memchr (date, '-', dl);
    c2 = memchr (c1 + 1, '-', (size_t) (dend - c1 - 1));
    if (c2) {
      if (!(c1 - date == 1 && date[0] == '*')) {
        *why = "OnCalendar= names a year: cron can't express it";
        return -1;
      }
      date = c1 + 1;
      c1 = c2;
    }
    if (memchr (c1 + 1, '-', (size_t) (dend - c1 - 1))
        || memchr (date, '~', (size_t) (dend - date)))
      return -1;
    if (component (date, (size_t) (c1 - date), 1, 12, mon, sizeof mon) == -1
        || component (c1 + 1, (size_t) (dend - c1 - 1), 1, 31, dom, sizeof dom)
               == -1)
      return -1;
  }
  /* time: HH:MM[:SS], seconds 0 only; no time: midnight */
  snprintf (hour, sizeof hour, "0");
  snprintf (min, sizeof min, "0");
  if (time) {
    const char *tend = time + tl, *c3;
    c1 = memchr (time, ':', tl);
    c3 = memchr (c1 + 1, ':', (size_t) (tend - c1 - 1));
    if (c3) {
      size_t sl = (size_t) (tend - c3 - 1);
      if (!((sl == 1 && c3[1] == '0')
            || (sl == 2 && c3[1] == '0' && c3[2] == '0'))) {
        *why = "OnCalendar= fires on seconds other than 0: cron can't "
               "express it";
        return -1;
      }
      tend = c3;
    }
    if (component (time, (size_t) (c1 - time), 0, 23, hour, sizeof hour) == -1
        || component (c1 + 1, (size_t) (tend - c1 - 1), 0, 59, min, sizeof min)
               == -1)
      return -1;
  }
  if ((size_t) snprintf (out, outlen, "%s %s %s %s %s", min, hour, dom, mon,
                         dow)
          >= outlen
      || !v2c_cron_valid (out))
    return -1;
  return 0;
}
