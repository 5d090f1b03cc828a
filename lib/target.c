/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The target of a VM (see plan.h): containers, or the VM kept as a VM
 * on KubeVirt.  The one place that decides it, from the report's
 * fitness rules (lib/report-rules.c) on the typed inventory and plan,
 * so the plan and the report never disagree; and what the
 * VirtualMachine needs of the inventory, copied into the plan so that
 * v2c-manifest reads the plan alone.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plan.h"
#include "report-private.h"

/* The reason's room: a few rule titles. */
#define REASON_MAX 512

/* The titles of the fired rules that make the VM a VM, after lead. */
static void
titles (char *out, size_t size, const char *lead, const json_t *rules,
        const char *sev, int kernel_only)
{
  size_t len = (size_t) snprintf (out, size, "%s", lead), i, n = 0;
  const json_t *r;

  json_array_foreach (rules, i, r)
  {
    if (strcmp (v2c_report_str (r, "severity"), sev) != 0
        || (kernel_only && !v2c_report_rule_is_kernel (v2c_report_str (r, "id")))
        || len >= size)
      continue;
    len += (size_t) snprintf (out + len, size - len, "%s%.120s",
                              n++ ? ", " : ": ", v2c_report_str (r, "title"));
  }
}

int
v2c_target_auto (const struct v2c_inventory *inv, const struct v2c_plan *plan,
                 char *reason, size_t size, struct v2c_err *err)
{
  json_t *fit = v2c_report_fitness (inv, plan, err);
  const json_t *rules, *r;
  const char *verdict;
  size_t i;
  int vm = 0;

  if (fit == NULL)
    return -1;
  verdict = v2c_report_str (fit, "verdict");
  rules = json_object_get (fit, "rules");
  if (strcmp (verdict, "not-containerisable") == 0) {
    titles (reason, size, "not containerisable", rules, "blocker", 0);
    vm = 1;
  } else if (strcmp (verdict, "poor") == 0) {
    json_array_foreach (rules, i, r)
    {
      if (strcmp (v2c_report_str (r, "severity"), "high") == 0
          && v2c_report_rule_is_kernel (v2c_report_str (r, "id")))
        vm = 1;
    }
    if (vm)
      titles (reason, size, "poor fit for containers, for the kernel", rules,
              "high", 1);
  }
  if (!vm)
    snprintf (reason, size, "the fitness verdict is %s", verdict);
  json_decref (fit);
  return vm;
}

/* ------------------------------------------------------------------ */
/* The target into the plan                                            */

static int
is_windows (const struct v2c_inventory *inv)
{
  const char *id = inv->hardware.guest_os_id;

  if (inv->os && inv->os->type)
    return strcmp (inv->os->type, "windows") == 0;
  return id && strncasecmp (id, "windows", 7) == 0;
}

static int
loopback (const char *a)
{
  return a
         && (strncmp (a, "127.", 4) == 0 || strcmp (a, "::1") == 0
             || strcmp (a, "localhost") == 0);
}

/* The ports a client outside the VM could reach, each once. */
static int
vm_ports (struct v2c_plan_target *t, const struct v2c_inventory *inv)
{
  size_t i, j;

  t->ports.v = calloc (inv->ports.n + 1, sizeof *t->ports.v);
  if (t->ports.v == NULL)
    return -1;
  for (i = 0; i < inv->ports.n; i++) {
    const struct v2c_inv_listen *p = &inv->ports.v[i];
    const char *proto = p->protocol ? p->protocol : "tcp";
    int dup = 0;

    if (loopback (p->address) || p->port < 1 || p->port > 65535
        || (strcmp (proto, "tcp") != 0 && strcmp (proto, "udp") != 0))
      continue;
    for (j = 0; j < t->ports.n; j++)
      if (t->ports.v[j].port == p->port
          && strcmp (t->ports.v[j].protocol, proto) == 0)
        dup = 1;
    if (dup)
      continue;
    t->ports.v[t->ports.n].port = p->port;
    t->ports.v[t->ports.n].protocol = strdup (proto);
    if (t->ports.v[t->ports.n++].protocol == NULL)
      return -1;
  }
  return 0;
}

/* The disks, from the source's (their virtual size) or else from the
 * VMX/OVF's hardware (their capacity). */
static int
vm_disks (struct v2c_plan_target *t, const struct v2c_inventory *inv)
{
  size_t n = inv->source.disks.n ? inv->source.disks.n
                                 : inv->hardware.disks.n,
         i;

  if (n > 64)
    n = 64;
  t->disks.v = calloc (n + 1, sizeof *t->disks.v);
  if (t->disks.v == NULL)
    return -1;
  for (i = 0; i < n; i++) {
    struct v2c_plan_vm_disk *d = &t->disks.v[i];

    d->size = inv->source.disks.n ? inv->source.disks.v[i].virtual_size
                                  : inv->hardware.disks.v[i].capacity_bytes;
    if (d->size.set && d->size.v < 1)
      d->size.set = 0;
    d->name = malloc (16);
    if (d->name == NULL)
      return -1;
    snprintf (d->name, 16, "disk%zu", i);
    t->disks.n++;
  }
  return 0;
}

/* *out: s as a MAC address the plan's loader takes
 * ("00:50:56:aa:bb:cc", lower case), or NULL when s is none.  -1 when
 * out of memory. */
static int
mac_of (const char *s, char **out)
{
  unsigned int b[6];
  char tail;

  *out = NULL;
  if (s == NULL || strlen (s) != 17
      || sscanf (s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
                 &b[4], &b[5], &tail)
             != 6)
    return 0;
  *out = malloc (18);
  if (*out == NULL)
    return -1;
  snprintf (*out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3],
            b[4], b[5]);
  return 0;
}

static int
vm_nics (struct v2c_plan_target *t, const struct v2c_inventory *inv)
{
  size_t n = inv->hardware.nics.n < 64 ? inv->hardware.nics.n : 64, i;

  t->nics.v = calloc (n + 1, sizeof *t->nics.v);
  if (t->nics.v == NULL)
    return -1;
  for (i = 0; i < n; i++) {
    const struct v2c_inv_nic *x = &inv->hardware.nics.v[i];
    struct v2c_plan_vm_nic *y = &t->nics.v[t->nics.n++];

    if (mac_of (x->mac, &y->mac) == -1
        || (x->network && (y->network = strdup (x->network)) == NULL))
      return -1;
  }
  return 0;
}

int
v2c_plan_set_target (struct v2c_plan *plan, const struct v2c_inventory *inv,
                     const char *target, struct v2c_err *err)
{
  char reason[REASON_MAX];
  struct v2c_plan_target *t;
  const char *fw = inv->hardware.firmware;
  int vm;

  if (target == NULL || strcmp (target, "auto") == 0) {
    vm = v2c_target_auto (inv, plan, reason, sizeof reason, err);
    if (vm == -1)
      return -1;
    if (!vm) {
      /* containers, as before: the plan says nothing of a target */
      v2c_plan_target_free (plan->target);
      plan->target = NULL;
      return 0;
    }
  } else if (strcmp (target, "vm") == 0 || strcmp (target, "container") == 0) {
    vm = target[0] == 'v';
    snprintf (reason, sizeof reason, "asked for (target %s)", target);
  } else
    return v2c_set_error (err, EINVAL,
                          "target is 'auto', 'container' or 'vm', not '%s'",
                          target);

  t = calloc (1, sizeof *t);
  if (t == NULL)
    goto oom;
  v2c_plan_target_free (plan->target);
  plan->target = t;
  t->kind = strdup (vm ? "vm" : "container");
  t->reason = strdup (reason);
  if (t->kind == NULL || t->reason == NULL)
    goto oom;
  if (!vm)
    return 0;
  t->os = strdup (is_windows (inv) ? "windows" : "linux");
  t->firmware = strdup (fw && strcmp (fw, "efi") == 0 ? "efi" : "bios");
  if (t->os == NULL || t->firmware == NULL || vm_disks (t, inv) == -1
      || vm_nics (t, inv) == -1 || vm_ports (t, inv) == -1
      || v2c_plan_vm_gpus (t, inv) == -1)
    goto oom;
  return 0;
oom:
  return v2c_set_error (err, ENOMEM, "can't record the plan's target");
}
