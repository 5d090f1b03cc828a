/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The report's AI/GPU section (issue 18): the GPUs the VM had, what
 * its pods request, the GPU software found (driver, runtimes,
 * frameworks, servers), the model files and where they go, and what
 * the GPU nodes need (a driver at least as new as the CUDA runtime
 * asks).  Absent for a VM without GPUs or AI software.
 */
#include <config.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect.h"
#include "report-private.h"

static json_t *
nstr (const char *s)
{
  return s ? json_string (s) : json_null ();
}

static int
add (json_t *a, json_t *o)
{
  return o == NULL || json_array_append_new (a, o) == -1 ? -1 : 0;
}

/* Where a model file goes: the volume of the plan that holds it, or
 * left out of the image. */
static void
model_place (const struct v2c_plan *p, const char *path, char *out,
             size_t size)
{
  size_t i;

  for (i = 0; i < p->image.volumes.n; i++) {
    const struct v2c_plan_data_volume *d = &p->image.volumes.v[i];
    const struct v2c_plan_volume *iv = v2c_plan_image_volume (p, d->path);
    size_t l = strlen (d->path);

    if (strncmp (path, d->path, l) != 0 || path[l] != '/')
      continue;
    if (iv) {
      char img[300];

      v2c_plan_model_image_name (img, sizeof img, p->name, iv->name);
      snprintf (out, size, "the OCI image %s, mounted read-only at %s", img,
                d->path);
    } else
      snprintf (out, size, "the persistent volume at %s", d->path);
    return;
  }
  snprintf (out, size, "left out of the image: copy it to a volume");
}

static json_t *
ai_software (const struct v2c_inv_ai *ai)
{
  json_t *a = json_array ();
  size_t i;

  for (i = 0; a && i < ai->drivers.n; i++)
    if (add (a, json_pack ("{s:s,s:s,s:o,s:s}", "kind", "driver", "name",
                           ai->drivers.v[i].name, "version",
                           nstr (ai->drivers.v[i].version), "where",
                           ai->drivers.v[i].evidence))
        == -1)
      goto fail;
  for (i = 0; a && i < ai->runtimes.n; i++)
    if (add (a, json_pack ("{s:s,s:s,s:o,s:s}", "kind", "runtime", "name",
                           ai->runtimes.v[i].package
                               ? ai->runtimes.v[i].package
                               : ai->runtimes.v[i].name,
                           "version", nstr (ai->runtimes.v[i].version),
                           "where", ai->runtimes.v[i].evidence))
        == -1)
      goto fail;
  for (i = 0; a && i < ai->python.n; i++)
    if (add (a, json_pack ("{s:s,s:s,s:s,s:s}", "kind", "framework", "name",
                           ai->python.v[i].name, "version",
                           ai->python.v[i].version, "where",
                           ai->python.v[i].location))
        == -1)
      goto fail;
  for (i = 0; a && i < ai->servers.n; i++)
    if (add (a, json_pack ("{s:s,s:s,s:n,s:s}", "kind",
                           ai->servers.v[i].notebook ? "notebook" : "server",
                           "name", ai->servers.v[i].kind, "version", "where",
                           ai->servers.v[i].service))
        == -1)
      goto fail;
  return a;
fail:
  json_decref (a);
  return NULL;
}

/* What the GPU nodes need, in a sentence, and its facts. */
static json_t *
node_needs (const struct v2c_inventory *inv, const struct v2c_plan *p)
{
  const struct v2c_inv_ai *ai = inv->ai;
  const char *cuda = NULL, *min = NULL, *vendor = NULL;
  char mm[16] = "", text[768];
  size_t i;

  for (i = 0; i < p->components.n; i++)
    if (p->components.v[i].gpu)
      vendor = p->components.v[i].gpu->vendor;
  for (i = 0; ai && i < ai->runtimes.n && cuda == NULL; i++)
    if (strcmp (ai->runtimes.v[i].name, "cuda") == 0
        && ai->runtimes.v[i].version)
      cuda = ai->runtimes.v[i].version;
  for (i = 0; ai && i < ai->python.n && cuda == NULL; i++)
    if (strncmp (ai->python.v[i].name, "nvidia-cuda-runtime-cu", 22) == 0)
      cuda = ai->python.v[i].version;
  if (cuda)
    min = v2c_cuda_min_driver (cuda, mm, sizeof mm);
  if (vendor == NULL)
    snprintf (text, sizeof text,
              "No component requests a GPU: the VM had no GPU, GPU "
                  "driver or GPU runtime the planner could tie to a "
                  "server.");
  else if (strcmp (vendor, "amd") == 0)
    snprintf (text, sizeof text,
              "GPU nodes with AMD's GPU operator (its driver and "
                  "device plugin, resource amd.com/gpu).");
  else
    snprintf (text, sizeof text,
              "GPU nodes with the NVIDIA GPU operator (driver, "
                  "container toolkit, device plugin, and GPU feature "
                  "discovery's label nvidia.com/gpu.present)%s%s%s%s%s. "
                  "The driver and its kernel modules are not in the image "
                  "and are not a blocker: the nodes provide them.",
                  min ? ", at a driver version of at least " : "",
                  min ? min : "", min ? " (the minimum of CUDA " : "",
                  min ? mm : "", min ? ")" : "");
  return json_pack ("{s:o,s:o,s:o,s:o,s:s}", "vendor", nstr (vendor), "cuda",
                    nstr (mm[0] ? mm : NULL), "driver_min", nstr (min),
                    "driver_in_image", json_false (), "text", text);
}

json_t *
v2c_report_ai (const struct v2c_inventory *inv, const struct v2c_plan *p)
{
  const struct v2c_inv_ai *ai = inv->ai;
  json_t *gpus = json_array (), *req = json_array (), *models = json_array ();
  json_t *sw = NULL, *node;
  size_t i;

  if (ai == NULL && inv->hardware.gpus.n == 0) {
    json_decref (gpus);
    json_decref (req);
    json_decref (models);
    return NULL;
  }
  for (i = 0; gpus && i < inv->hardware.gpus.n; i++) {
    const struct v2c_inv_gpu *g = &inv->hardware.gpus.v[i];
    char model[64];

    if (g->profile)
      snprintf (model, sizeof model, "vGPU %s", g->profile);
    else
      snprintf (model, sizeof model, "%s:%s",
                g->vendor_id ? g->vendor_id : "?",
                g->device_id ? g->device_id : "?");
    if (add (gpus, json_pack ("{s:s,s:o,s:s,s:s}", "kind", g->kind, "vendor",
                              nstr (g->vendor), "model", model, "source",
                              g->source))
        == -1)
      goto fail;
  }
  for (i = 0; req && i < p->components.n; i++) {
    const struct v2c_plan_gpu *g = p->components.v[i].gpu;

    if (g
        && add (req, json_pack ("{s:s,s:s,s:I,s:s,s:s}", "component",
                                p->components.v[i].name, "resource",
                                g->resource, "count", (json_int_t) g->count,
                                "sharing", g->sharing, "reason", g->reason))
               == -1)
      goto fail;
  }
  for (i = 0; ai && models && i < ai->models.n; i++) {
    char place[PATH_MAX + 64];

    model_place (p, ai->models.v[i].path, place, sizeof place);
    if (add (models,
             json_pack ("{s:s,s:s,s:I,s:o,s:s}", "path", ai->models.v[i].path,
                        "format", ai->models.v[i].format, "size_bytes",
                        (json_int_t) ai->models.v[i].size_bytes, "service",
                        nstr (ai->models.v[i].service), "goes_to", place))
        == -1)
      goto fail;
  }
  sw = ai ? ai_software (ai) : json_array ();
  node = node_needs (inv, p);
  if (gpus && req && models && sw && node)
    return json_pack ("{s:o,s:o,s:o,s:o,s:o}", "gpus", gpus, "requests", req,
                      "software", sw, "models", models, "node", node);
  json_decref (node);
fail:
  json_decref (gpus);
  json_decref (req);
  json_decref (models);
  json_decref (sw);
  return NULL;
}
