/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * v2c-verify's checks and their evidence: a TCP connect, an HTTP GET
 * (libcurl: the status and the first 200 bytes of the body), the
 * readiness probes as the kubelet would run them, and whether a
 * container still runs (its log tail when not).
 */
#include <config.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "options.h"
#include "verify.h"

#define BODY_MAX 200

static json_t *
check_new (const char *check, const char *ip, long port)
{
  char target[128];
  snprintf (target, sizeof target, "%s:%ld", ip, port);
  return json_pack ("{s:s,s:s,s:b}", "check", check, "target", target,
                    "passed", 0);
}

static size_t
body_cb (char *p, size_t size, size_t n, void *opaque)
{
  struct v2c_strbuf *b = opaque;
  size_t len = size * n;
  if (b->len < BODY_MAX)
    v2c_strbuf_add (b, p, len < BODY_MAX - b->len ? len : BODY_MAX - b->len);
  return len;
}

json_t *
verify_check_http (const char *ip, long port, const char *path,
                   int must_be_http)
{
  json_t *r = check_new ("http", ip, port);
  struct v2c_strbuf body = V2C_STRBUF_INIT;
  char url[512], err[CURL_ERROR_SIZE] = "";
  CURL *h = curl_easy_init ();
  CURLcode rc;
  long status = 0;

  if (h == NULL)
    return r;
  snprintf (url, sizeof url, "http://%s:%ld%s", ip, port,
            path && *path == '/' ? path : "/");
  json_object_set_new (r, "url", json_string (url));
  curl_easy_setopt (h, CURLOPT_URL, url);
  curl_easy_setopt (h, CURLOPT_NOPROXY, "*");
  curl_easy_setopt (h, CURLOPT_TIMEOUT, 5L);
  curl_easy_setopt (h, CURLOPT_ERRORBUFFER, err);
  curl_easy_setopt (h, CURLOPT_WRITEFUNCTION, body_cb);
  curl_easy_setopt (h, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt (h, CURLOPT_PROTOCOLS_STR, "http");
  rc = curl_easy_perform (h);
  /* the body was cut short on purpose: not an error */
  if (rc == CURLE_OK || rc == CURLE_WRITE_ERROR)
    curl_easy_getinfo (h, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup (h);
  if (status > 0) {
    json_object_set_new (r, "http_status", json_integer (status));
    json_object_set_new (r, "body_prefix",
                         json_stringn_nocheck (body.s ? body.s : "", body.len));
    if (!json_is_string (json_object_get (r, "body_prefix")))
      json_object_set_new (r, "body_prefix", json_string (""));
    /* any answer below 500 shows a server that works */
    json_object_set_new (r, "passed", json_boolean (status < 500));
  } else {
    json_object_set_new (r, "detail", json_string (*err ? err : curl_easy_strerror (rc)));
    if (!must_be_http)
      json_object_set_new (r, "passed", json_null ());
  }
  v2c_strbuf_release (&body);
  return r;
}

json_t *
verify_check_tcp (const char *ip, long port)
{
  json_t *r = check_new ("tcp", ip, port);
  struct sockaddr_in a = { 0 };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int e = 0;
  socklen_t el = sizeof e;

  a.sin_family = AF_INET;
  a.sin_port = htons ((uint16_t) port);
  if (fd == -1 || inet_pton (AF_INET, ip, &a.sin_addr) != 1) {
    if (fd != -1)
      close (fd);
    return r;
  }
  if (connect (fd, (struct sockaddr *) &a, sizeof a) == -1) {
    struct pollfd p = { fd, POLLOUT, 0 };
    e = errno;
    if (e == EINPROGRESS) {
      e = ETIMEDOUT;
      if (poll (&p, 1, 3000) == 1)
        getsockopt (fd, SOL_SOCKET, SO_ERROR, &e, &el);
    }
  }
  close (fd);
  json_object_set_new (r, "passed", json_boolean (e == 0));
  json_object_set_new (r, "detail", json_string (e == 0 ? "connected"
                                                        : strerror (e)));
  return r;
}

/* podman inspect's state of a container: "running", "exited", ...;
 * *restarts its restart count */
static char *
state (const char *cname, long *restarts)
{
  struct v2c_strbuf out = V2C_STRBUF_INIT;
  char *s = NULL, *sp;

  *restarts = 0;
  if (verify_runl (&out, 30, "podman", "inspect", "--type", "container",
                   "--format", "{{.State.Status}} {{.RestartCount}}", cname,
                   NULL) == 0 && out.s) {
    out.s[strcspn (out.s, "\n")] = '\0';
    sp = strchr (out.s, ' ');
    if (sp) {
      *sp = '\0';
      *restarts = strtol (sp + 1, NULL, 10);
    }
    s = strdup (out.s);
  }
  v2c_strbuf_release (&out);
  return s ? s : strdup ("gone");
}

/* r failed: add the container's state, exit code and log tail */
static void
add_log (struct verify *v, json_t *r, const char *cname)
{
  struct v2c_strbuf out = V2C_STRBUF_INIT;
  char *tail, *red;

  verify_runl (&out, 30, "podman", "logs", "--tail", "20", cname, NULL);
  tail = verify_tail (out.s, 2000);
  red = verify_redact (v, tail);
  json_object_set_new (r, "log_tail", json_string (red));
  free (red);
  free (tail);
  v2c_strbuf_release (&out);
  if (verify_runl (&out, 30, "podman", "inspect", "--type", "container",
                   "--format", "{{.State.ExitCode}}", cname, NULL) == 0 && out.s)
    json_object_set_new (r, "exit_code", json_integer (atoi (out.s)));
  v2c_strbuf_release (&out);
}

json_t *
verify_check_running (struct verify *v, const char *cname)
{
  long restarts;
  char *st = state (cname, &restarts);
  int ok = strcmp (st, "running") == 0 && restarts == 0;
  json_t *r = json_pack ("{s:s,s:s,s:b,s:s}", "check", "running", "target",
                         cname, "passed", ok, "detail", st);

  if (restarts)
    json_object_set_new (r, "restarts", json_integer (restarts));
  if (!ok)
    add_log (v, r, cname);
  free (st);
  return r;
}

static void
sleep_s (double s)
{
  struct timespec ts = { (time_t) s, (long) ((s - (time_t) s) * 1e9) };
  while (!tool_interrupted && nanosleep (&ts, &ts) == -1 && errno == EINTR)
    ;
}

json_t *
verify_probe (struct verify *v, const char *cname, json_t *c, const char *ip)
{
  json_t *p = json_object_get (c, "readinessProbe"), *r = NULL, *how;
  double delay, period, end = tool_now () + v->timeout, start = tool_now ();
  long port;
  int tries = 0;

  if (p == NULL)
    return NULL;
  delay = (double) json_integer_value (json_object_get (p, "initialDelaySeconds"));
  period = (double) json_integer_value (json_object_get (p, "periodSeconds"));
  if (period <= 0)
    period = 10;
  sleep_s (delay);
  for (;;) {
    long restarts;
    char *st;

    json_decref (r);
    tries++;
    if ((how = json_object_get (p, "httpGet"))) {
      port = verify_port (c, json_object_get (how, "port"));
      r = verify_check_http (ip, port, json_string_value (json_object_get (how, "path")), 1);
      /* the kubelet takes 200-399 as ready */
      json_object_set_new (r, "passed", json_boolean (
          json_integer_value (json_object_get (r, "http_status")) >= 200
          && json_integer_value (json_object_get (r, "http_status")) < 400));
    } else if ((how = json_object_get (p, "tcpSocket"))) {
      port = verify_port (c, json_object_get (how, "port"));
      r = verify_check_tcp (ip, port);
    } else {
      struct v2c_strvec av = V2C_STRVEC_INIT;
      struct v2c_strbuf out = V2C_STRBUF_INIT;
      json_t *x;
      size_t i;
      int rc;
      char *tail, *red;

      v2c_strvec_push (&av, "podman");
      v2c_strvec_push (&av, "exec");
      v2c_strvec_push (&av, cname);
      json_array_foreach (json_object_get (json_object_get (p, "exec"), "command"), i, x)
        v2c_strvec_push (&av, json_string_value (x));
      rc = verify_run (av.v, &out, 30);
      tail = verify_tail (out.s, 500);
      red = verify_redact (v, tail);
      r = json_pack ("{s:s,s:s,s:b,s:i,s:s}", "check", "exec", "target", cname,
                     "passed", rc == 0, "exit_code", rc, "output_tail", red);
      free (red);
      free (tail);
      v2c_strbuf_release (&out);
      v2c_strvec_clear (&av);
    }
    json_object_set_new (r, "check", json_pack ("s", "readiness"));
    if (json_is_true (json_object_get (r, "passed")))
      break;
    st = state (cname, &restarts);
    if (strcmp (st, "running") != 0) {
      json_object_set_new (r, "detail", json_pack ("s+", "the container is ", st));
      add_log (v, r, cname);
      free (st);
      break;
    }
    free (st);
    if (tool_now () + period > end || tool_interrupted) {
      add_log (v, r, cname);
      break;
    }
    sleep_s (period);
  }
  json_object_set_new (r, "tries", json_integer (tries));
  json_object_set_new (r, "duration_s", json_real ((double) (long) ((tool_now () - start) * 10) / 10));
  return r;
}
