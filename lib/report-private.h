/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the files of the report (lib/report*.c) share; not installed.
 * The layers run one way: lib/report.c (the report JSON) ->
 * lib/report-rules.c (the fitness rules), and lib/report-md.c,
 * lib/report-html.c -> lib/report-walk.c (the renderers' common walk);
 * all of them -> lib/report-util.c (getters, sizes, strings).
 */
#ifndef V2C_REPORT_PRIVATE_H
#define V2C_REPORT_PRIVATE_H

#include <jansson.h>

#include "report.h"
#include "strbuf.h"
#include "v2c-internal.h"

/* Most items of any list the report carries (rules, components,
 * volumes, secrets, dropped services, layers), and most evidence
 * strings of one rule. */
#define V2C_REPORT_MAX_ITEMS 4096
#define V2C_REPORT_MAX_EVIDENCE 20
/* Longest string copied from the input; longer ones are cut. */
#define V2C_REPORT_MAX_STRING 4096

enum v2c_report_severity {
  V2C_SEV_INFO = 0,
  V2C_SEV_LOW,
  V2C_SEV_MEDIUM,
  V2C_SEV_HIGH,
  V2C_SEV_BLOCKER,
};

/* What makes a rule fire. */
enum v2c_report_cond {
  /* inventory os.type equals param */
  V2C_COND_OS_TYPE,
  /* hardware.guest_os_id starts with param (case-insensitive), used
   * when the guest was not inspected */
  V2C_COND_GUEST_OS_ID_PREFIX,
  /* os.arch is one of the '|'-separated words of param */
  V2C_COND_OS_ARCH,
  /* the inventory's blockers[] has a blocker whose rule is param */
  V2C_COND_BLOCKER,
  /* the advice of the components' converters (struct v2c_conv_advice,
   * converters/converters.h), each id a rule: the generic advice on a
   * StatefulSet with a pvc volume first, then the converters' own in
   * the registry's order; the row's severity, title and advice are
   * unused */
  V2C_COND_WORKLOAD,
  /* the sum of data_dirs[].used_bytes is above threshold */
  V2C_COND_DATA_ABOVE,
  /* a component with run_as_root true */
  V2C_COND_RUN_AS_ROOT,
  /* the inventory's secrets[] is not empty */
  V2C_COND_SECRETS,
  /* the plan lets secret files into the image (image.allow_secret) */
  V2C_COND_SECRETS_ALLOWED,
  /* keys generated at install time (SSH host keys, snakeoil) */
  V2C_COND_HOST_KEYS,
  /* more components than threshold */
  V2C_COND_COMPONENTS_ABOVE,
  /* the plan has no component */
  V2C_COND_NO_COMPONENTS,
};

struct v2c_report_rule {
  const char *id;
  enum v2c_report_severity severity;
  enum v2c_report_cond cond;
  const char *param;
  long long threshold;
  const char *title;
  const char *advice;
};

/* The table, ended by a row with id NULL.  Rows sharing an id make one
 * fired rule (their evidence merged). */
extern const struct v2c_report_rule v2c_report_rules[];

const char *v2c_report_severity_name (enum v2c_report_severity s);
/* Is id a rule about the kernel (modules the nodes don't have), so
 * that a VM poor for it stays a VM (lib/target.c)? */
int v2c_report_rule_is_kernel (const char *id);

/* Evaluate the table on a checked inventory and plan: the fitness
 * object {verdict, score, rules[]}.  New reference; NULL with err. */
json_t *v2c_report_fitness (const struct v2c_inventory *inventory,
                            const struct v2c_plan *plan, struct v2c_err *err);

/* The text of a renderer (caller frees), or NULL with err set when
 * the buffer failed. */
char *v2c_report_finish (struct v2c_strbuf *b, struct v2c_err *err);
/* A JSON string of s cut to V2C_REPORT_MAX_STRING bytes on a character
 * boundary; JSON null when s is NULL.  NULL only on out of memory. */
json_t *v2c_report_string (const char *s);
/* "1.5 GiB" style size into buf. */
void v2c_report_human_size (long long bytes, char *buf, size_t size);

/* The Markdown and HTML renderers share one walk over the report
 * (lib/report-walk.c): the VM table, the components table, the tables
 * of layers, volumes, secrets and dropped services, sizing and notes.
 * What is drawn differently for real (the fitness rules, the
 * decomposition list or diagram) is a hook of the format. */
enum v2c_report_format { V2C_REPORT_MD, V2C_REPORT_HTML };

/* How a table cell is set off in HTML (Markdown shows them alike). */
enum v2c_report_cell {
  V2C_CELL_PLAIN,
  V2C_CELL_CODE,
  V2C_CELL_NOWRAP,
  /* no wrap, coloured after the migration path the cell names */
  V2C_CELL_PATH,
};

/* Markup around a run of items: a table's rows and cells, a list. */
struct v2c_report_marks {
  const char *open, *sep, *close, *end;
};

struct v2c_report_fmt {
  enum v2c_report_format kind;
  /* s as text (NULL: nothing), escaped */
  void (*text) (struct v2c_strbuf *b, const char *s);
  /* around the value of a table cell; value is the cell's text (NULL
   * hooks: nothing) */
  void (*cell_open) (struct v2c_strbuf *b, enum v2c_report_cell how,
                     const char *value);
  void (*cell_close) (struct v2c_strbuf *b, enum v2c_report_cell how);
  /* a row: open, sep between cells, close; end after the last row */
  struct v2c_report_marks row;
  /* a list cell with no item */
  const char *none;

  /* the header of a table with n columns (titles are literals), and of
   * a two-column table of labelled values (title: literal, or NULL) */
  void (*table_head) (struct v2c_strbuf *b, const char *const *titles,
                      size_t n);
  void (*kv_head) (struct v2c_strbuf *b, const char *title);
  /* printf format of the label cell of a row of a two-column table */
  const char *kv_label;
  /* an empty table is drawn (else a paragraph says it is empty) */
  int empty_tables;

  /* printf formats of literal text: a heading (id, then title), a
   * paragraph, and a label before a code span (open) with what ends it
   * (close) */
  const char *heading, *para;
  struct v2c_report_marks code;
  /* a bulleted list: open, sep before an item, close after it, end */
  struct v2c_report_marks list;
  /* before the heading that follows a table */
  const char *gap;

  void (*fitness) (struct v2c_strbuf *b, const json_t *fitness);
  /* after the components table (or the paragraph saying there is none) */
  void (*decomposition) (struct v2c_strbuf *b, const json_t *components);
  /* before the first section and after the last (NULL: nothing) */
  void (*top) (struct v2c_strbuf *b, const json_t *report);
  void (*bottom) (struct v2c_strbuf *b, const json_t *report);
};

/* The whole report in the format f: top, the walk, bottom.  The text
 * (caller frees), or NULL with err set. */
char *v2c_report_render (const json_t *report, const struct v2c_report_fmt *f,
                         struct v2c_err *err);
/* Everything from the VM table to the notes, in the format f. */
void v2c_report_walk (struct v2c_strbuf *b, const struct v2c_report_fmt *f,
                      const json_t *report);
/* The string member key of o, "" when absent or not a string. */
const char *v2c_report_str (const json_t *o, const char *key);

/* lib/report-data.c */
/* The copied content of the component's pvc volume pv (the plan's
 * image.volumes[].data), into the report's volume v: migrate, archive,
 * sha256, seed_commands, note. */
int v2c_report_volume_data (json_t *v, const struct v2c_plan *plan,
                            const struct v2c_plan_component *c,
                            const struct v2c_plan_volume *pv);
/* After the volumes table: how to seed each copied volume. */
void v2c_report_walk_seed (struct v2c_strbuf *b,
                           const struct v2c_report_fmt *f,
                           const json_t *report);
/* The string member key of o, NULL when absent or not a string. */
const char *v2c_report_jstr (const json_t *o, const char *key);
/* The integer member key of o when it is >= 0, else -1. */
long long v2c_report_nonneg (const json_t *o, const char *key);
/* v2c_report_human_size of an integer, else "unknown". */
void v2c_report_size_text (struct v2c_strbuf *b, const json_t *v);

/* The AI/GPU section of a report (lib/report-ai.c), or NULL for a VM
 * without GPUs or AI software (or out of memory). */
json_t *v2c_report_ai (const struct v2c_inventory *inv,
                       const struct v2c_plan *p);

#endif /* V2C_REPORT_PRIVATE_H */
