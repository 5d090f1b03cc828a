/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "options.h"
#include "plan.h"

const char *program_name = "v2c";
struct tool_opts opts;

static int progress_drawn;
/* "[2/6] " while a tool runs stages (tool_stage), else "" */
static char stage[24];
static int stderr_tty = -1;

void
tool_init (int argc, char **argv)
{
  const char *slash;

  (void) argc;
  if (argv[0]) {
    slash = strrchr (argv[0], '/');
    program_name = slash ? slash + 1 : argv[0];
    /* libtool's wrappers run the real binary as lt-NAME */
    if (strncmp (program_name, "lt-", 3) == 0)
      program_name += 3;
  }
  stderr_tty = isatty (STDERR_FILENO);
}

noreturn void
tool_try_help (void)
{
  fprintf (stderr, "Try '%s --help' for more information.\n", program_name);
  exit (EXIT_USAGE);
}

noreturn void
tool_help_end (const char *name)
{
  printf ("  -h, --help             show this help and exit\n"
          "  -V, --version          show the version and exit\n"
          "\n"
          "Exit status: 0 success, 1 failure, 2 bad usage.\n"
          "See %s(1).\n",
          name);
  exit (EXIT_OK);
}

int
tool_common_option (int c, const char *arg, void (*usage) (int))
{
  switch (c) {
  case 'o':
    opts.output = arg;
    return 1;
  case 'c':
    opts.uri = arg;
    return 1;
  case 'd':
    opts.domain = arg;
    return 1;
  case OPT_VM:
    opts.vm = arg;
    return 1;
  case OPT_NO_VERIFY:
    opts.no_verify = 1;
    return 1;
  case OPT_ALLOW_OUTSIDE:
    opts.allow_outside = 1;
    return 1;
  case 'v':
    opts.verbose++;
    return 1;
  case 'q':
    opts.quiet = 1;
    return 1;
  case OPT_TEMPLATES:
    opts.templates = arg;
    return 1;
  case 'h':
    usage (EXIT_OK);
    exit (EXIT_OK);
  case 'V':
    printf ("%s %s\n", program_name, PACKAGE_VERSION);
    exit (EXIT_OK);
  case '?':
    tool_try_help ();
  default:
    return 0;
  }
}

int
tool_getopt (int argc, char **argv, const char *short_opts,
             const struct option *long_opts, void (*usage) (int))
{
  int c;

  while ((c = getopt_long (argc, argv, short_opts, long_opts, NULL)) != -1)
    if (!tool_common_option (c, optarg, usage))
      break;
  return c;
}

void
tool_refuse_libvirt (const char *what)
{
  if (opts.uri || opts.domain) {
    tool_error ("-c and -d are for v2c-inspect: give the %s file", what);
    tool_try_help ();
  }
}

const char *
tool_file_arg (int argc, char **argv, const char *what)
{
  tool_refuse_libvirt (what);
  if (optind != argc - 1) {
    tool_error ("give exactly one %s", what);
    tool_try_help ();
  }
  return argv[optind];
}

void
tool_check_kube_name (const char *opt, enum v2c_kube_name_kind kind,
                      const char *value)
{
  struct v2c_err err = { 0, "" };

  if (v2c_kube_check_name (kind, value, &err) == -1) {
    tool_error ("%s: %s", opt, err.msg);
    tool_try_help ();
  }
}

int
tool_data_mode (const char *arg)
{
  static const char *const names[] = { "none", "seed", "archive", "both" };
  int i;

  for (i = 0; i < 4; i++)
    if (strcmp (arg, names[i]) == 0)
      return i;     /* the bits of V2C_DATA_SEED and V2C_DATA_ARCHIVE */
  tool_error ("--data '%s': give none, seed, archive or both", arg);
  tool_try_help ();
}

const char *
tool_target_arg (const char *arg)
{
  if (strcmp (arg, "auto") != 0 && strcmp (arg, "container") != 0
      && strcmp (arg, "vm") != 0) {
    tool_error ("--target '%s': give auto, container or vm", arg);
    tool_try_help ();
  }
  return arg;
}

static void
gpu_sharing_arg (const char *arg, struct v2c_gpu_opts *g)
{
  static char mode[16];
  const char *colon = strchr (arg, ':'), *p;
  size_t n = colon ? (size_t) (colon - arg) : strlen (arg);

  snprintf (mode, sizeof mode, "%.*s", (int) (n < 15 ? n : 15), arg);
  if (n >= sizeof mode
      || (strcmp (mode, "exclusive") != 0 && strcmp (mode, "time-slicing") != 0
          && strcmp (mode, "mig") != 0)
      || (colon && strcmp (mode, "mig") != 0)) {
    tool_error ("--gpu-sharing '%s': give exclusive, time-slicing or "
                "mig[:PROFILE]",
                arg);
    tool_try_help ();
  }
  g->sharing = mode;
  g->mig_profile = NULL;
  if (colon) {
    /* a MIG profile: 1g.10gb, 3g.40gb, 1g.10gb+me ... */
    for (p = colon + 1; *p; p++)
      if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.'
            || *p == '+' || *p == '-'))
        break;
    if (p == colon + 1 || *p || p - colon > 32) {
      tool_error ("--gpu-sharing '%s': '%s' is not a MIG profile like "
                  "1g.10gb",
                  arg, colon + 1);
      tool_try_help ();
    }
    g->mig_profile = colon + 1;
  }
}

int
tool_gpu_option (int c, const char *arg, struct v2c_gpu_opts *g)
{
  switch (c) {
  case OPT_GPU_SHARING:
    gpu_sharing_arg (arg, g);
    return 1;
  case OPT_GPU_RUNTIME_CLASS:
    if (!v2c_dns_label_ok (arg)) {
      tool_error ("--gpu-runtime-class '%s': not a DNS label", arg);
      tool_try_help ();
    }
    g->runtime_class = arg;
    return 1;
  case OPT_GPU_TOLERATE:
    g->tolerate = 1;
    return 1;
  case OPT_GPU_MODELS:
    if (strcmp (arg, "pvc") != 0 && strcmp (arg, "oci") != 0) {
      tool_error ("--models '%s': give pvc or oci", arg);
      tool_try_help ();
    }
    g->models = arg;
    return 1;
  default:
    return 0;
  }
}

uint64_t
tool_size_arg (const char *opt, const char *arg)
{
  char *end;
  unsigned long long n;
  int shift = 0;

  errno = 0;
  n = arg[0] >= '0' && arg[0] <= '9' ? strtoull (arg, &end, 10) : 0;
  if (arg[0] >= '0' && arg[0] <= '9' && errno == 0) {
    const char *u = strchr ("KMGT", end[0] & ~0x20);
    if (end[0] && u)
      shift = 10 * (int) (u - "KMGT" + 1), end++;
    if (shift && (end[0] & ~0x20) == 'I' && (end[1] & ~0x20) == 'B')
      end += 2;
    else if (shift && (end[0] & ~0x20) == 'B')
      end++;
    if (end[0] == '\0' && n <= (UINT64_MAX >> shift))
      return (uint64_t) n << shift;
  }
  tool_error ("%s '%s': give a size in bytes, or with K, M, G or T (512M, "
              "2G)", opt, arg);
  tool_try_help ();
}

void
tool_need_output_dir (void)
{
  if (opts.output == NULL || opts.output[0] == '\0') {
    tool_error ("give the output directory with -o DIR");
    tool_try_help ();
  }
}

const char *
tool_input_name (const char *path)
{
  return strcmp (path, "-") == 0 ? "stdin" : path;
}

json_t *
tool_load_json (const char *path, json_error_t *jerr)
{
  if (strcmp (path, "-") == 0)
    return json_loadf (stdin, JSON_REJECT_DUPLICATES, jerr);
  return json_load_file (path, JSON_REJECT_DUPLICATES, jerr);
}

json_t *
tool_read_json (const char *path, const char *what)
{
  json_error_t jerr;
  json_t *j = tool_load_json (path, &jerr);

  if (j == NULL)
    tool_error ("can't read the %s '%s': line %d: %s", what,
                tool_input_name (path), jerr.line, jerr.text);
  return j;
}

static const char *
file_kind (mode_t m)
{
  return S_ISLNK (m) ? "a symbolic link" : S_ISCHR (m) ? "a character device"
         : S_ISBLK (m) ? "a block device" : S_ISFIFO (m) ? "a FIFO"
         : S_ISSOCK (m) ? "a socket" : S_ISDIR (m) ? "a directory"
         : "a regular file";
}

int
tool_check_output (const char *path, int want_dir)
{
  struct stat st;

  if (path == NULL || strcmp (path, "-") == 0)
    return 0;
  if (lstat (path, &st) == -1) {
    if (errno == ENOENT)
      return 0;
    tool_error ("can't use '%s': %s", path, strerror (errno));
    return -1;
  }
  if (want_dir ? S_ISDIR (st.st_mode) : S_ISREG (st.st_mode))
    return 0;
  tool_error ("'%s' is %s: -o replaces only %s", path, file_kind (st.st_mode),
              want_dir ? "a directory" : "a regular file");
  return -1;
}

int
tool_write_json (const json_t *doc, const char *path)
{
  if (tool_check_output (path, 0) == -1)
    return -1;
  if (v2c_json_write_file (doc, path) == 0)
    return 0;
  tool_error ("can't write '%s': %s", path ? path : "stdout",
              strerror (errno));
  return -1;
}

static void
clear_progress (void)
{
  if (progress_drawn) {
    fputs ("\r\033[K", stderr);
    progress_drawn = 0;
  }
}

static void
vmessage (const char *kind, const char *fmt, va_list ap)
{
  clear_progress ();
  fprintf (stderr, "%s: %s", program_name, kind);
  vfprintf (stderr, fmt, ap);
  fputc ('\n', stderr);
}

void
tool_error (const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  vmessage ("error: ", fmt, ap);
  va_end (ap);
}

void
tool_warning (const char *fmt, ...)
{
  va_list ap;

  if (opts.quiet)
    return;
  va_start (ap, fmt);
  vmessage ("warning: ", fmt, ap);
  va_end (ap);
}

void
tool_verbose (const char *fmt, ...)
{
  va_list ap;

  if (!opts.verbose)
    return;
  va_start (ap, fmt);
  vmessage ("", fmt, ap);
  va_end (ap);
}

void
tool_message_cb (void *opaque, enum v2c_msg_level level, const char *msg)
{
  (void) opaque;
  if (level == V2C_MSG_WARNING)
    tool_warning ("%s", msg);
  else if (level == V2C_MSG_VERBOSE && opts.verbose >= 1)
    tool_verbose ("%s", msg);
  else if (level == V2C_MSG_DEBUG && opts.verbose >= 2)
    tool_verbose ("%s", msg);
}

double
tool_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void
human (char *buf, size_t len, double bytes)
{
  const char *u[] = { "B", "KiB", "MiB", "GiB", "TiB" };
  int i = 0;

  while (bytes >= 1024 && i < 4) {
    bytes /= 1024;
    i++;
  }
  snprintf (buf, len, "%.1f %s", bytes, u[i]);
}

void
tool_progress_cb (void *opaque, const char *what, uint64_t done,
                  uint64_t total)
{
  static double start, last;
  static char last_what[128];
  char bar[31], d[32], rate[32], eta[32] = "";
  double t = tool_now (), frac, speed;
  int filled, i;

  (void) opaque;
  if (opts.quiet || stderr_tty != 1)
    return;
  if (strncmp (last_what, what, sizeof last_what - 1) != 0) {
    snprintf (last_what, sizeof last_what, "%s", what);
    start = t;
    last = 0;
  }
  /* Redraw at most ten times a second, and always at the end. */
  if (t - last < 0.1 && done != total)
    return;
  last = t;
  frac = total ? (double) done / (double) total : 0;
  if (frac > 1)
    frac = 1;
  filled = (int) (frac * 30);
  for (i = 0; i < 30; i++)
    bar[i] = i < filled ? '#' : '-';
  bar[30] = '\0';
  speed = t > start ? (double) done / (t - start) : 0;
  human (d, sizeof d, (double) done);
  human (rate, sizeof rate, speed);
  if (total && speed > 0 && done < total) {
    double left = (double) (total - done) / speed;
    snprintf (eta, sizeof eta, " ETA %d:%02d", (int) left / 60,
              (int) left % 60);
  }
  fprintf (stderr, "\r\033[K%s%s [%s] %3d%% %s %s/s%s", stage, what, bar,
           (int) (frac * 100), d, rate, eta);
  progress_drawn = 1;
}

void
tool_status (const char *fmt, ...)
{
  va_list ap;

  if (opts.quiet || stderr_tty != 1)
    return;
  fprintf (stderr, "\r\033[K%s: %s", program_name, stage);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  progress_drawn = 1;
}

const char *
tool_sibling (const char *name)
{
  static char buf[PATH_MAX];
  ssize_t r = readlink ("/proc/self/exe", buf, sizeof buf - 64);
  char *slash;

  if (r > 0 && strlen (name) < 48) {
    buf[r] = '\0';
    slash = strrchr (buf, '/');
    if (slash) {
      *slash = '\0';
      if (slash - buf >= 6 && strcmp (slash - 6, "/.libs") == 0)
        slash[-6] = '\0';
      strcat (buf, "/");
      strcat (buf, name);
      if (access (buf, X_OK) == 0)
        return buf;
    }
  }
  return name;
}

int
tool_run_verify (const char *dir)
{
  extern char **environ;
  char *argv[5];
  size_t n = 0;
  pid_t pid;
  int status;

  argv[n++] = (char *) tool_sibling ("v2c-verify");
  if (opts.quiet)
    argv[n++] = (char *) "-q";
  else if (opts.verbose)
    argv[n++] = (char *) "-v";
  argv[n++] = (char *) dir;
  argv[n] = NULL;
  errno = posix_spawnp (&pid, argv[0], NULL, NULL, argv, environ);
  if (errno != 0) {
    tool_error ("can't run '%s': %s", argv[0], strerror (errno));
    return EXIT_FAIL;
  }
  while (waitpid (pid, &status, 0) == -1)
    if (errno != EINTR)
      return EXIT_FAIL;
  return WIFEXITED (status) && WEXITSTATUS (status) == 0 ? EXIT_OK : EXIT_FAIL;
}

void
tool_stage (int n, int of)
{
  tool_test_hold (n);
  if (n <= 0 || of <= 0)
    stage[0] = '\0';
  else
    snprintf (stage, sizeof stage, "[%d/%d] ", n, of);
}

void
tool_progress_done (void)
{
  clear_progress ();
}

const char *
tool_source_arg (int argc, char **argv)
{
  if (opts.uri && !opts.domain) {
    tool_error ("-c URI needs -d DOMAIN");
    tool_try_help ();
  }
  if (opts.domain ? optind != argc : optind != argc - 1) {
    tool_error (opts.domain ? "give either SOURCE or -d DOMAIN, not both"
                            : "give exactly one SOURCE");
    tool_try_help ();
  }
  return opts.domain ? NULL : argv[optind];
}

struct v2c_source *
tool_open_source (const char *path, int descriptor_only)
{
  struct v2c_source *src = v2c_source_new ();

  if (src == NULL) {
    tool_error ("out of memory");
    return NULL;
  }
  v2c_source_set_message_callback (src, tool_message_cb, NULL);
  v2c_source_set_progress_callback (src, tool_progress_cb, NULL);
  v2c_source_set_verify (src, !opts.no_verify);
  v2c_source_set_descriptor_only (src, descriptor_only);
  v2c_source_set_allow_outside_paths (src, opts.allow_outside);
  if (opts.vm)
    v2c_source_set_vm_name (src, opts.vm);
  if ((opts.domain ? v2c_source_open_libvirt (src, opts.uri, opts.domain)
                   : v2c_source_open (src, path))
      == -1) {
    tool_failed (v2c_source_error (src));
    v2c_source_free (src);
    return NULL;
  }
  tool_progress_done ();
  return src;
}

struct v2c_guest *
tool_open_guest (struct v2c_source *src, const char *overlay_dir)
{
  struct v2c_guest *g = v2c_guest_new ();

  if (g == NULL) {
    tool_error ("out of memory");
    return NULL;
  }
  if (overlay_dir && v2c_guest_set_overlay_dir (g, overlay_dir) == -1) {
    tool_error ("%s", v2c_guest_error (g));
    v2c_guest_free (g);
    return NULL;
  }
  v2c_guest_set_message_callback (g, tool_message_cb, NULL);
  v2c_guest_set_debug (g, opts.verbose >= 2);
  v2c_guest_set_cancel_flag (g, &tool_interrupted);
  tool_verbose ("launching the appliance for '%s'", v2c_source_name (src));
  tool_status (overlay_dir ? "starting the appliance (the source read-only) ..."
                           : "starting the appliance (read-only) ...");
  if (v2c_guest_launch (g, src) == -1) {
    tool_failed (v2c_guest_error (g));
    v2c_guest_free (g);
    return NULL;
  }
  tool_status ("inspecting the guest ...");
  if (v2c_guest_inspect (g) == -1) {
    tool_failed (v2c_guest_error (g));
    v2c_guest_free (g);
    return NULL;
  }
  return g;
}
