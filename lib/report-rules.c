/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The fitness rules of the report, as data: one row per condition,
 * rows sharing an id fire as one rule.  The rules on a kind of
 * workload (a database, a daemon nobody knows) are its converter's
 * (converters/): one row here says where they stand among the others.
 * The verdict is the worst severity that fired (docs/v2c-report.1 has
 * the scale); the score takes a fixed weight per fired rule off 100.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "converters.h"
#include "report-private.h"

#define GIB (1024ll * 1024 * 1024)

/* Rules found two ways (rows sharing an id) say the same. */
#define WINDOWS_TITLE "Windows guest"
#define WINDOWS_ADVICE                                                        \
  "Linux containers can't run it: keep the VM as a VM (KubeVirt) or "         \
  "rebuild the application for Windows nodes"
#define USERLAND32_TITLE "32-bit userland"
#define USERLAND32_ADVICE                                                     \
  "rebuild the programs for a 64-bit base image; 32-bit images need nodes "   \
  "that still run 32-bit code"

const struct v2c_report_rule v2c_report_rules[] = {
  { "windows-guest", V2C_SEV_BLOCKER, V2C_COND_OS_TYPE, "windows", 0,
    WINDOWS_TITLE, WINDOWS_ADVICE },
  { "windows-guest", V2C_SEV_BLOCKER, V2C_COND_GUEST_OS_ID_PREFIX, "windows",
    0, WINDOWS_TITLE, WINDOWS_ADVICE },
  { "32-bit-userland", V2C_SEV_HIGH, V2C_COND_BLOCKER, "32-bit-userland", 0,
    USERLAND32_TITLE, USERLAND32_ADVICE },
  { "32-bit-userland", V2C_SEV_HIGH, V2C_COND_OS_ARCH,
    "i386|i486|i586|i686|x86|armv6l|armv7l|armhf|arm|ppc|s390", 0,
    USERLAND32_TITLE, USERLAND32_ADVICE },
  { "kernel-module-dkms", V2C_SEV_HIGH, V2C_COND_BLOCKER, "kernel-module-dkms",
    0, "kernel modules built by DKMS",
    "a container shares the node's kernel: the module must come from the "
    "node (a DaemonSet driver or the node image), or the VM stays a VM" },
  { "kernel-module-out-of-tree", V2C_SEV_HIGH, V2C_COND_BLOCKER,
    "kernel-module-out-of-tree", 0, "out-of-tree kernel modules",
    "a container can't load kernel modules: provide them on the nodes or "
    "keep the VM" },
  { "kernel-module-autoload", V2C_SEV_MEDIUM, V2C_COND_BLOCKER,
    "kernel-module-autoload", 0, "kernel modules loaded at boot",
    "check that the nodes load these modules, or that the workload does "
    "without them" },
  { "kernel-parameters", V2C_SEV_MEDIUM, V2C_COND_BLOCKER, "kernel-parameters",
    0, "kernel parameters (sysctl)",
    "namespaced sysctls go into the pod's securityContext; the others must "
    "be set on the nodes" },
  { "desktop-session", V2C_SEV_HIGH, V2C_COND_BLOCKER, "desktop-session", 0,
    "graphical desktop",
    "a desktop is not a container workload: keep the VM, or move the "
    "server part alone" },
  { "multiple-ip-addresses", V2C_SEV_MEDIUM, V2C_COND_BLOCKER,
    "multiple-ip-addresses", 0, "several IP addresses",
    "a pod has one address: give each listener its own Service, or use "
    "Multus for a second network" },
  { "no-components", V2C_SEV_HIGH, V2C_COND_NO_COMPONENTS, NULL, 0,
    "nothing to run",
    "no service of the VM was recognised: find what it does and describe "
    "it in the plan, or keep the VM" },
  { "workloads", V2C_SEV_INFO, V2C_COND_WORKLOAD, NULL, 0, NULL, NULL },
  { "large-data", V2C_SEV_MEDIUM, V2C_COND_DATA_ABOVE, NULL, 50 * GIB,
    "more than 50 GiB of data",
    "plan the data move: pre-seed the volumes, then a short final sync in "
    "the cut-over window" },
  { "runs-as-root", V2C_SEV_LOW, V2C_COND_RUN_AS_ROOT, NULL, 0, "runs as root",
    "give the container a non-root user and only the capabilities it "
    "needs" },
  { "secrets-found", V2C_SEV_LOW, V2C_COND_SECRETS, NULL, 0,
    "secrets on the disk",
    "the files are left out of the image: put the real values into "
    "Kubernetes Secrets (or a vault) and rotate them" },
  { "secret-in-image", V2C_SEV_HIGH, V2C_COND_SECRETS_ALLOWED, NULL, 0,
    "secrets let into the image",
    "the plan's image.allow_secret puts these secret files into the "
    "image layers, readable by anyone who can pull it: take them out and "
    "mount them from Secrets" },
  { "host-keys", V2C_SEV_INFO, V2C_COND_HOST_KEYS, NULL, 0,
    "host keys: regenerate on the target",
    "keys made when the VM was installed (SSH host keys, the snakeoil "
    "certificate) are not carried: the target makes its own" },
  { "many-components", V2C_SEV_LOW, V2C_COND_COMPONENTS_ABOVE, NULL, 10,
    "many components",
    "a VM doing many things: move it in steps, one component at a time" },
  { NULL, V2C_SEV_INFO, V2C_COND_NO_COMPONENTS, NULL, 0, NULL, NULL },
};

/* Weight taken off the score of 100 per fired rule, by severity. */
static const int weight[] = { 0, 3, 10, 25, 100 };

static const char *const sev_names[]
    = { "info", "low", "medium", "high", "blocker" };

const char *
v2c_report_severity_name (enum v2c_report_severity s)
{
  return (unsigned) s < 5 ? sev_names[s] : "info";
}

int
v2c_report_rule_is_kernel (const char *id)
{
  return id
         && (strcmp (id, "kernel-module-dkms") == 0
             || strcmp (id, "kernel-module-out-of-tree") == 0);
}

/* The inventory's blocker severities (info .. critical) on our scale. */
static enum v2c_report_severity
blocker_severity (const char *s)
{
  if (s == NULL)
    return V2C_SEV_INFO;
  if (strcmp (s, "critical") == 0)
    return V2C_SEV_BLOCKER;
  if (strcmp (s, "high") == 0)
    return V2C_SEV_HIGH;
  if (strcmp (s, "medium") == 0)
    return V2C_SEV_MEDIUM;
  if (strcmp (s, "low") == 0)
    return V2C_SEV_LOW;
  return V2C_SEV_INFO;
}

/* Is word one of the '|'-separated words of list? */
static int
in_list (const char *list, const char *word)
{
  size_t n;

  if (list == NULL || word == NULL)
    return 0;
  n = strlen (word);
  while (*list) {
    const char *bar = strchr (list, '|');
    size_t l = bar ? (size_t) (bar - list) : strlen (list);

    if (l == n && strncmp (list, word, n) == 0)
      return 1;
    if (bar == NULL)
      break;
    list = bar + 1;
  }
  return 0;
}

/* Append text (cut at V2C_REPORT_MAX_STRING on a character boundary)
 * unless the list is full or has it already. */
static int
evidence (json_t *ev, const char *text)
{
  size_t i, n;
  json_t *s;

  if (text == NULL || json_array_size (ev) >= V2C_REPORT_MAX_EVIDENCE)
    return 0;
  n = strlen (text);
  if (n > V2C_REPORT_MAX_STRING) {
    n = V2C_REPORT_MAX_STRING;
    while (n > 0 && ((unsigned char) text[n] & 0xc0) == 0x80)
      n--;
  }
  for (i = 0; i < json_array_size (ev); i++) {
    const char *o = json_string_value (json_array_get (ev, i));
    if (o && strlen (o) == n && memcmp (o, text, n) == 0)
      return 0;
  }
  s = json_stringn (text, n);
  if (s == NULL || json_array_append_new (ev, s) == -1)
    return -1;
  return 0;
}

static int evidencef (json_t *ev, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
static int
evidencef (json_t *ev, const char *fmt, ...)
{
  /* room past the cut, so that evidence() sees where a character ends */
  char buf[2 * V2C_REPORT_MAX_STRING];
  va_list ap;

  va_start (ap, fmt);
  vsnprintf (buf, sizeof buf, fmt, ap);
  va_end (ap);
  return evidence (ev, buf);
}

static int
has_pvc (const struct v2c_plan_component *comp)
{
  size_t i;

  for (i = 0; i < comp->volumes.n; i++)
    if (strcmp (comp->volumes.v[i].kind, "pvc") == 0)
      return 1;
  return 0;
}

/* The evidence of a blocker of the inventory. */
static int
blocker_evidence (json_t *ev, const struct v2c_inv_blocker *b)
{
  size_t j;
  int rc = 0;

  for (j = 0; j < b->evidence.n; j++)
    rc |= evidence (ev, b->evidence.v[j]);
  return rc;
}

static long long
used_bytes (const struct v2c_inv_data_dir *d)
{
  return d->used_bytes.set ? d->used_bytes.v : 0;
}

/* Fill ev with what makes rule r fire; returns 1 when it fires, 0 when
 * not, -1 on out of memory. */
static int
evaluate (const struct v2c_report_rule *r, const struct v2c_inventory *inv,
          const struct v2c_plan *plan, json_t *ev)
{
  const struct v2c_inv_os *os = inv->os;
  size_t i, n = 0;
  int rc = 0;

  switch (r->cond) {
  case V2C_COND_OS_TYPE: {
    const char *t = os ? os->type : NULL;

    if (t == NULL || strcmp (t, r->param) != 0)
      return 0;
    rc |= evidencef (ev, "os.type: %s", t);
    if (os->product_name)
      rc |= evidencef (ev, "os.product_name: %s", os->product_name);
    return rc ? -1 : 1;
  }
  case V2C_COND_GUEST_OS_ID_PREFIX: {
    const char *id = inv->hardware.guest_os_id;

    if (id == NULL || !v2c_strcaseprefix (id, r->param))
      return 0;
    return evidencef (ev, "hardware.guest_os_id: %s", id) ? -1 : 1;
  }
  case V2C_COND_OS_ARCH: {
    const char *a = os ? os->arch : NULL;

    if (!in_list (r->param, a))
      return 0;
    return evidencef (ev, "os.arch: %s", a) ? -1 : 1;
  }
  case V2C_COND_BLOCKER:
    for (i = 0; i < inv->blockers.n; i++) {
      const struct v2c_inv_blocker *b = &inv->blockers.v[i];

      if (b->rule == NULL || strcmp (b->rule, r->param) != 0)
        continue;
      n++;
      rc |= blocker_evidence (ev, b);
      if (json_array_size (ev) == 0)
        rc |= evidencef (ev, "blockers: %s", b->rule);
    }
    return rc ? -1 : n > 0;
  case V2C_COND_WORKLOAD:
    /* fired by fire_workloads */
    return 0;
  case V2C_COND_DATA_ABOVE: {
    long long total = 0, u;

    for (i = 0; i < inv->data_dirs.n; i++) {
      u = used_bytes (&inv->data_dirs.v[i]);
      if (u > 0 && __builtin_add_overflow (total, u, &total))
        total = INT64_MAX;
    }
    if (total <= r->threshold)
      return 0;
    for (i = 0; i < inv->data_dirs.n; i++) {
      const struct v2c_inv_data_dir *d = &inv->data_dirs.v[i];
      char h[32];

      u = used_bytes (d);
      if (d->path == NULL || u <= 0)
        continue;
      v2c_report_human_size (u, h, sizeof h);
      rc |= evidencef (ev, "%s: %s", d->path, h);
    }
    return rc ? -1 : 1;
  }
  case V2C_COND_RUN_AS_ROOT:
    for (i = 0; i < plan->components.n; i++) {
      const struct v2c_plan_component *x = &plan->components.v[i];

      if (!x->run_as_root)
        continue;
      rc |= evidence (ev, x->name);
      n++;
    }
    return rc ? -1 : n > 0;
  case V2C_COND_SECRETS_ALLOWED:
    for (i = 0; i < plan->image.allow_secret.n; i++)
      rc |= evidence (ev, plan->image.allow_secret.v[i]);
    return rc ? -1 : plan->image.allow_secret.n > 0;
  case V2C_COND_SECRETS:
  case V2C_COND_HOST_KEYS:
    for (i = 0; i < inv->secrets.n; i++) {
      const struct v2c_inv_secret *x = &inv->secrets.v[i];
      int host = x->kind
                 && (strcmp (x->kind, "host-key") == 0
                     || strcmp (x->kind, "ssh-host-key") == 0);

      /* where, never what: the path and the kind only */
      if (x->path == NULL || host != (r->cond == V2C_COND_HOST_KEYS))
        continue;
      rc |= x->kind ? evidencef (ev, "%s (%s)", x->path, x->kind)
                    : evidence (ev, x->path);
      n++;
    }
    return rc ? -1 : n > 0;
  case V2C_COND_COMPONENTS_ABOVE:
    if ((long long) plan->components.n <= r->threshold)
      return 0;
    return evidencef (ev, "%zu components", plan->components.n) ? -1 : 1;
  case V2C_COND_NO_COMPONENTS:
    if (plan->components.n > 0)
      return 0;
    return evidence (ev, "the plan has no component") ? -1 : 1;
  }
  return 0;
}

static json_t *
find_rule (json_t *fired, const char *id)
{
  size_t i;
  json_t *r;

  json_array_foreach (fired, i, r) if (strcmp (v2c_report_jstr (r, "id"), id)
                                       == 0) return r;
  return NULL;
}

static int
known_blocker (const char *rule)
{
  const struct v2c_report_rule *r;

  for (r = v2c_report_rules; r->id; r++)
    if (r->cond == V2C_COND_BLOCKER && strcmp (r->param, rule) == 0)
      return 1;
  return 0;
}

/* Add one fired rule, or merge evidence and severity into the one of
 * the same id.  sev is kept as an integer "_sev" until the end. */
static int
fire (json_t *fired, const char *id, enum v2c_report_severity sev,
      const char *title, const char *advice, json_t *ev)
{
  json_t *r = find_rule (fired, id), *old;
  size_t i;

  if (r) {
    old = json_object_get (r, "evidence");
    for (i = 0; i < json_array_size (ev); i++)
      if (evidence (old, json_string_value (json_array_get (ev, i))) == -1)
        return -1;
    if (sev > json_integer_value (json_object_get (r, "_sev")))
      json_object_set_new (r, "_sev", json_integer (sev));
    return 0;
  }
  if (json_array_size (fired) >= V2C_REPORT_MAX_ITEMS)
    return 0;
  r = json_pack ("{s:o, s:I, s:o, s:o, s:O}", "id", v2c_report_string (id),
                 "_sev", (json_int_t) sev, "title", v2c_report_string (title),
                 "advice", v2c_report_string (advice), "evidence", ev);
  if (r == NULL || json_array_append_new (fired, r) == -1)
    return -1;
  return 0;
}

/* The advice of a component's converter, or NULL (none, or a
 * converter this build does not know). */
static const struct v2c_conv_advice *
advice_of (const struct v2c_plan_component *comp)
{
  const char *name = comp->converter;
  const struct v2c_converter *conv = name ? v2c_converter_named (name) : NULL;

  return conv ? conv->advice : NULL;
}

/* Fire advice a with the components it speaks of: those whose
 * converter gives advice of its id; for the generic advice on state,
 * the StatefulSets with a pvc volume whose converter's advice does not
 * say how their data moves. */
static int
fire_advice (json_t *fired, const struct v2c_conv_advice *a,
             const struct v2c_plan *plan)
{
  json_t *ev = json_array ();
  size_t i, n = 0;
  int rc = ev ? 0 : -1;

  for (i = 0; i < plan->components.n; i++) {
    const struct v2c_plan_component *x = &plan->components.v[i];
    const struct v2c_conv_advice *own = advice_of (x);
    const char *name = x->name, *kind = x->kind;

    if (name == NULL || ev == NULL)
      continue;
    if (a == &v2c_conv_stateful_advice
            ? (own && own->moves_state) || kind == NULL
                  || strcmp (kind, "StatefulSet") != 0 || !has_pvc (x)
            : own == NULL || strcmp (own->id, a->id) != 0)
      continue;
    if (a->why)
      rc |= evidencef (ev, "%s (%s)", name, a->why);
    else if (a->with_converter)
      rc |= evidencef (ev, "%s (converter %s)", name, x->converter);
    else
      rc |= evidence (ev, name);
    n++;
  }
  /* the severities of converters.h are the report's */
  if (rc == 0 && n > 0)
    rc = fire (fired, a->id, (enum v2c_report_severity) a->severity, a->title,
               a->text, ev);
  json_decref (ev);
  return rc;
}

/* The workloads' rules: the generic advice on state, then each
 * converter's own (once per id), in the registry's order. */
static int
fire_workloads (json_t *fired, const struct v2c_plan *plan)
{
  const struct v2c_converter *conv, *prev;
  size_t i, j;

  if (fire_advice (fired, &v2c_conv_stateful_advice, plan) == -1)
    return -1;
  for (i = 0; (conv = v2c_converter_at (i)) != NULL; i++) {
    if (conv->advice == NULL)
      continue;
    for (j = 0; (prev = v2c_converter_at (j)) != conv; j++)
      if (prev->advice && strcmp (prev->advice->id, conv->advice->id) == 0)
        break;
    if (prev == conv && fire_advice (fired, conv->advice, plan) == -1)
      return -1;
  }
  return 0;
}

static const char *
verdict_of (int worst, size_t nfired)
{
  if (nfired == 0)
    return "excellent";
  switch (worst) {
  case V2C_SEV_BLOCKER:
    return "not-containerisable";
  case V2C_SEV_HIGH:
    return "poor";
  case V2C_SEV_MEDIUM:
    return "moderate";
  case V2C_SEV_LOW:
    return "good";
  default:
    return "excellent";
  }
}

json_t *
v2c_report_fitness (const struct v2c_inventory *inv,
                    const struct v2c_plan *plan, struct v2c_err *err)
{
  const struct v2c_report_rule *r;
  json_t *fired = json_array (), *out = NULL, *sorted = NULL, *x;
  int worst = -1, score = 100, s;
  size_t i;

  if (fired == NULL)
    goto oom;
  for (r = v2c_report_rules; r->id; r++) {
    json_t *ev = json_array ();
    int rc = ev ? evaluate (r, inv, plan, ev) : -1;

    if (rc == 0 && r->cond == V2C_COND_WORKLOAD)
      rc = fire_workloads (fired, plan);

    if (rc == 1)
      rc = fire (fired, r->id, r->severity, r->title, r->advice, ev);
    json_decref (ev);
    if (rc == -1)
      goto oom;
  }
  /* blockers the table does not know still count, as the inventory
   * rates them */
  for (i = 0; i < inv->blockers.n; i++) {
    const struct v2c_inv_blocker *b = &inv->blockers.v[i];
    const char *rule = b->rule, *summary = b->summary;
    json_t *ev;
    int rc;

    if (rule == NULL || rule[0] == '\0' || known_blocker (rule))
      continue;
    ev = json_array ();
    if (ev == NULL)
      goto oom;
    rc = blocker_evidence (ev, b);
    if (rc == 0)
      rc = fire (fired, rule, blocker_severity (b->severity),
                 summary ? summary : rule,
                 "v2c has no advice for this finding of the inspection: "
                 "review the evidence",
                 ev);
    json_decref (ev);
    if (rc == -1)
      goto oom;
  }
  /* worst first, table order within a severity */
  sorted = json_array ();
  if (sorted == NULL)
    goto oom;
  for (s = V2C_SEV_BLOCKER; s >= V2C_SEV_INFO; s--)
    json_array_foreach (fired, i, x)
    {
      const json_t *sev = json_object_get (x, "_sev");

      if (sev == NULL || json_integer_value (sev) != s)
        continue;
      if (worst < s)
        worst = s;
      score -= weight[s];
      json_object_del (x, "_sev");
      if (json_object_set_new (x, "severity",
                               json_string (v2c_report_severity_name (s)))
              == -1
          || json_array_append (sorted, x) == -1)
        goto oom;
    }
  out = json_pack ("{s:s, s:i, s:O}", "verdict",
                   verdict_of (worst, json_array_size (sorted)), "score",
                   score < 0 ? 0 : score, "rules", sorted);
  if (out == NULL)
    goto oom;
  json_decref (fired);
  json_decref (sorted);
  return out;
oom:
  json_decref (fired);
  json_decref (sorted);
  v2c_set_error (err, ENOMEM, "can't build the fitness rules");
  return NULL;
}
