/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * What every v2c tool shares: the common options (spelled the same in
 * every tool), messages on stderr, the progress bar.
 */
#ifndef V2C_TOOLS_OPTIONS_H
#define V2C_TOOLS_OPTIONS_H

#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "kube.h"
#include "v2c.h"

/* Exit codes of every tool. */
#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2

struct tool_opts {
  int verbose;          /* -v, may repeat */
  int quiet;            /* -q */
  const char *output;   /* -o */
  const char *uri;      /* -c */
  const char *domain;   /* -d */
  const char *templates;/* --templates */
  const char *vm;       /* --vm (tools that read a VM) */
  int no_verify;        /* --no-verify */
  int allow_outside;    /* --allow-outside-paths */
};

enum {
  OPT_TEMPLATES = 0x100,
  OPT_VM,
  OPT_NO_VERIFY,
  OPT_ALLOW_OUTSIDE,
  /* long-only options of several tools, not handled here */
  OPT_FORCE,             /* --force */
  OPT_IMAGE,             /* --image */
  OPT_REGISTRY,          /* --registry */
  OPT_NAMESPACE,         /* --namespace */
  OPT_TOOL_BASE = 0x200  /* tool-specific long-only options start here */
};

#define COMMON_SHORT_OPTS "o:c:d:vqhV"
#define COMMON_LONG_OPTS                                             \
  { "output", required_argument, NULL, 'o' },                        \
  { "connect", required_argument, NULL, 'c' },                       \
  { "domain", required_argument, NULL, 'd' },                        \
  { "verbose", no_argument, NULL, 'v' },                             \
  { "quiet", no_argument, NULL, 'q' },                               \
  { "help", no_argument, NULL, 'h' },                                \
  { "version", no_argument, NULL, 'V' },                             \
  { "templates", required_argument, NULL, OPT_TEMPLATES }

/* Options of the tools that read a VM (SOURCE or -c/-d). */
#define SOURCE_LONG_OPTS                                             \
  { "vm", required_argument, NULL, OPT_VM },                         \
  { "no-verify", no_argument, NULL, OPT_NO_VERIFY },                \
  { "allow-outside-paths", no_argument, NULL, OPT_ALLOW_OUTSIDE }

/* The tool's name, set by tool_init from argv[0]. */
extern const char *program_name;
extern struct tool_opts opts;

void tool_init (int argc, char **argv);

struct v2c_source;
struct v2c_guest;
/* After getopt: the one SOURCE argument, or NULL for -c URI -d DOMAIN;
 * a usage error (exit 2) otherwise. */
const char *tool_source_arg (int argc, char **argv);
/* Open the SOURCE path (or opts.uri/opts.domain when -d was given) with
 * the tool's callbacks, --vm and --no-verify.  NULL after printing the
 * error. */
struct v2c_source *tool_open_source (const char *path, int descriptor_only);
/* Launch the appliance on src and inspect (mount) the guest: the disks
 * read-only, or through writable overlays in overlay_dir (a guest
 * conversion, v2c_guest_set_overlay_dir).  NULL after printing the
 * error. */
struct v2c_guest *tool_open_guest (struct v2c_source *src,
                                   const char *overlay_dir);
/* Handle a common option; returns 1 if c was one.  --help calls usage,
 * --version prints the version and exits. */
int tool_common_option (int c, const char *arg, void (*usage) (int));
/* "Try 'v2c-NAME --help'" on stderr and exit 2. */
noreturn void tool_try_help (void);
/* The end of every tool's --help, after its own options: -h, -V, the
 * exit status and the manual page NAME(1); then exit 0. */
noreturn void tool_help_end (const char *name);
/* getopt_long with the common options handled (tool_common_option):
 * the next option the tool handles itself, or -1 at the end. */
int tool_getopt (int argc, char **argv, const char *short_opts,
                 const struct option *long_opts, void (*usage) (int));

/* The tools that read files (v2c-plan, v2c-manifest, v2c-report): -c
 * or -d is a usage error naming the file they want (what, e.g.
 * "INVENTORY"). */
void tool_refuse_libvirt (const char *what);
/* tool_refuse_libvirt, then the one file argument (a usage error
 * unless there is exactly one). */
const char *tool_file_arg (int argc, char **argv, const char *what);
/* A usage error (exit 2) unless value, the argument of the option opt
 * ("--namespace"), is a name of that kind (v2c_kube_check_name). */
/* --data none|seed|archive|both: V2C_DATA_* bits; bad usage exits 2. */
int tool_data_mode (const char *arg);
/* --target auto|container|vm: arg; bad usage exits 2. */
const char *tool_target_arg (const char *arg);
/* The GPU options of v2c-plan and v2c-convert: --gpu-sharing
 * exclusive|time-slicing|mig[:PROFILE], --gpu-runtime-class NAME (a
 * DNS label), --gpu-tolerate, --models pvc|oci, into g (the strings
 * point into arg).  Bad usage exits 2. */
struct v2c_gpu_opts;
enum {
  OPT_GPU_SHARING = OPT_TOOL_BASE + 0x100,
  OPT_GPU_RUNTIME_CLASS,
  OPT_GPU_TOLERATE,
  OPT_GPU_MODELS,
};
#define TOOL_GPU_LONG_OPTS                                                    \
  { "gpu-sharing", required_argument, NULL, OPT_GPU_SHARING },              \
      { "gpu-runtime-class", required_argument, NULL, OPT_GPU_RUNTIME_CLASS }, \
      { "gpu-tolerate", no_argument, NULL, OPT_GPU_TOLERATE },                \
      { "models", required_argument, NULL, OPT_GPU_MODELS }
/* 1 when option c (with its argument arg) is a GPU option, now in g;
 * else 0. */
int tool_gpu_option (int c, const char *arg, struct v2c_gpu_opts *g);
#define TOOL_GPU_HELP                                                         \
  "      --gpu-sharing=M    how an AI server's pod takes the VM's GPUs:\n"   \
  "                         exclusive (the default), time-slicing or\n"      \
  "                         mig[:PROFILE] (a MIG instance; 1g.10gb)\n"       \
  "      --gpu-runtime-class=NAME  its pod's runtimeClassName\n"             \
  "      --gpu-tolerate     tolerate the GPU nodes' NoSchedule taint\n"     \
  "      --models=AS        an AI server's models: pvc (a persistent\n"     \
  "                         volume seeded with them, the default) or oci\n"  \
  "                         (an OCI image of their own, an image volume)\n"
/* A size: bytes, or with a K/M/G/T suffix (KiB, ...); bad usage exits 2. */
uint64_t tool_size_arg (const char *opt, const char *arg);
void tool_check_kube_name (const char *opt, enum v2c_kube_name_kind kind,
                           const char *value);
/* A usage error unless -o DIR was given. */
void tool_need_output_dir (void);
/* How messages name an input file: "stdin" for "-". */
const char *tool_input_name (const char *path);
/* path ("-": standard input) as JSON, duplicate keys refused.  NULL
 * with *jerr set. */
json_t *tool_load_json (const char *path, json_error_t *jerr);
/* tool_load_json; NULL after "can't read the WHAT 'PATH': line N: ..." */
json_t *tool_read_json (const char *path, const char *what);
/* -o PATH may name nothing yet, or a regular file (want_dir 0) or a
 * directory (want_dir 1): never a device, FIFO, socket or symbolic
 * link, which v2c would replace or follow.  -1 after the error. */
int tool_check_output (const char *path, int want_dir);
/* Write doc to path (NULL: standard output) through a temporary name;
 * -1 after "can't write 'PATH': ..." */
int tool_write_json (const json_t *doc, const char *path);

void tool_error (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
void tool_warning (const char *fmt, ...)
  __attribute__ ((format (printf, 1, 2)));
void tool_verbose (const char *fmt, ...)
  __attribute__ ((format (printf, 1, 2)));

/* Library callbacks printing on stderr as "v2c-NAME: warning: ...". */
void tool_message_cb (void *opaque, enum v2c_msg_level level,
                      const char *msg);
/* A progress bar on stderr, drawn only when stderr is a terminal and
 * not -q; tool_progress_done() ends the line. */
void tool_progress_cb (void *opaque, const char *what, uint64_t done,
                       uint64_t total);
void tool_progress_done (void);
/* Tools that run several stages (v2c-convert): the status line and the
 * progress bar start with "[n/of] ".  tool_stage (0, 0) ends it. */
void tool_stage (int n, int of);
/* The program name of the v2c package beside this one (its libtool
 * wrapper when this runs from a build tree's .libs), else name itself
 * (looked up in $PATH).  A static buffer. */
const char *tool_sibling (const char *name);
/* Run the sibling v2c-verify on dir (with -q/-v as this tool got
 * them) and wait: its exit status, EXIT_FAIL if it could not run. */
int tool_run_verify (const char *dir);

/* Seconds on the monotonic clock (for durations). */
double tool_now (void);

/* The signal (SIGINT, SIGTERM or SIGHUP) that came once
 * tool_catch_signals ran, else 0: long work stops at the next check and
 * the tool cleans up.  A signal also stops the tool's child processes
 * (the appliance's qemu first of all), so that a launch in progress
 * fails at once (tools/stop.c). */
extern volatile sig_atomic_t tool_interrupted;
/* stop_kids: also send each child process SIGTERM (0 for a tool that
 * needs its children to clean up, v2c-verify). */
void tool_catch_signals (int stop_kids);
/* A private TMPDIR for the tool and its children (the appliance's
 * qemu, libguestfs), $TMPDIR/v2c-tmp.XXXXXX, removed at exit: what a
 * child stopped by a signal leaves there (qemu's snapshot files) goes
 * too.  LIBGUESTFS_CACHEDIR keeps the appliance where it was. */
void tool_private_tmpdir (void);
/* 1 after "interrupted; nothing was written" once a signal came, else
 * 0: the check between (and after the failure of) a tool's steps. */
int tool_stopped (void);
/* A step failed with msg: "interrupted" when a signal came (whatever
 * failed then, the signal, or the stop thread's SIGTERM to a child, is
 * the cause), else msg as the error. */
void tool_failed (const char *msg);
/* status, or 128 + the signal once one came: the tool's exit status. */
int tool_exit_status (int status);
/* For the tests of interrupts: with V2C_TEST_HOLD_STAGE=stage in the
 * environment, say so on stderr and wait for a signal before the
 * stage begins. */
void tool_test_hold (int stage);
/* A one-line status of a long step, on a terminal only (replaced by the
 * next status, progress bar or message). */
void tool_status (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

#endif /* V2C_TOOLS_OPTIONS_H */
