/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GPU workloads in the plan (issue 18), from the inventory's "ai" and
 * its hardware's GPUs:
 *  - each component of an inference server or notebook requests the
 *    VM's GPUs as the GPU nodes' device plugin names them (nvidia.com/gpu,
 *    a MIG profile, amd.com/gpu), with a runtime class and a toleration
 *    when asked;
 *  - the GPU driver (kernel modules, libcuda, libnvidia-*, its tools and
 *    DKMS sources) is left out of the image: the nodes' GPU operator
 *    provides it; on Debian and Ubuntu its packages are left out whole
 *    (image.left_out_packages: every file they own, their dpkg info
 *    files and their stanzas of the image's dpkg status);
 *  - the CUDA user-space libraries (CUDA, cuDNN, NCCL, TensorRT, the
 *    pip CUDA wheels, ROCm) get a layer of their own after "os", so that
 *    VMs with the same versions share it;
 *  - a model file no server's data volume holds is left out of the
 *    image (the report lists it): models belong on volumes;
 *  - with --models oci, a server's model volume is an image volume: its
 *    files become an OCI image of their own (v2c-extract writes it
 *    beside the image) that the pod mounts read-only, instead of a
 *    persistent volume seeded with them;
 *  - a VM kept as a VM gets KubeVirt's GPU devices.
 * A VM without GPU software gets none of it: its plan is unchanged.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "converter-util.h"
#include "plan.h"

/* Where the CUDA user space lives (Debian's and NVIDIA's packages, the
 * toolkit's directory, pip's CUDA wheels, ROCm). */
static const char *const cuda_paths[]
    = { "/usr/lib/*/libcudart.so*",  "/usr/lib/*/libcublas*",
        "/usr/lib/*/libcufft*",      "/usr/lib/*/libcurand*",
        "/usr/lib/*/libcusparse*",   "/usr/lib/*/libcusolver*",
        "/usr/lib/*/libnvrtc*",      "/usr/lib/*/libnvJitLink*",
        "/usr/lib/*/libcudnn*",      "/usr/lib/*/libnccl*",
        "/usr/lib/*/libnvinfer*",    "/usr/local/cuda*",
        "/**/site-packages/nvidia",  "/opt/rocm*" };

/* The driver: what the node's GPU operator and container toolkit
 * provide (the kernel modules are left out of every image already). */
static const char *const nvidia_driver_paths[]
    = { "/usr/lib/*/libcuda.so*",        "/usr/lib/*/libnvidia-*",
        "/usr/lib/*/libnvcuvid*",        "/usr/lib/*/libnvoptix*",
        "/usr/lib/*/nvidia",             "/usr/bin/nvidia-*",
        "/usr/src/nvidia*",              "/var/lib/dkms/nvidia*",
        "/etc/modprobe.d/nvidia*",       "/etc/modules-load.d/nvidia*",
        "/usr/lib/modprobe.d/nvidia*",   "/usr/share/nvidia",
        "/lib/firmware/nvidia",          "/usr/lib/firmware/nvidia" };
static const char *const amd_driver_paths[]
    = { "/usr/src/amdgpu*", "/var/lib/dkms/amdgpu*", "/lib/firmware/amdgpu",
        "/usr/lib/firmware/amdgpu" };

#define DRIVER_REASON                                                         \
  "the GPU driver is the node's (GPU operator, container toolkit)"
#define MODEL_REASON                                                          \
  "a model file no server's data volume holds: models go on volumes"

/* The vendor of the VM's GPUs: its hardware's, else its driver's, else
 * its runtime's (CUDA: NVIDIA, ROCm: AMD); NULL when it has none. */
static const char *
gpu_vendor (const struct v2c_inventory *inv)
{
  const struct v2c_inv_ai *ai = inv->ai;
  size_t i;

  for (i = 0; i < inv->hardware.gpus.n; i++)
    if (inv->hardware.gpus.v[i].vendor)
      return inv->hardware.gpus.v[i].vendor;
  if (ai == NULL)
    return NULL;
  if (ai->drivers.n)
    return ai->drivers.v[0].vendor;
  for (i = 0; i < ai->runtimes.n; i++)
    if (strcmp (ai->runtimes.v[i].name, "rocm") != 0)
      return "nvidia";
  return ai->runtimes.n ? "amd" : NULL;
}

static void
gpu_free (struct v2c_plan_gpu *g)
{
  if (g)
    V2C_FREE (g->vendor, g->sharing, g->resource, g->runtime_class,
              g->reason);
  free (g);
}

/* The GPU request of a server's component. */
static struct v2c_plan_gpu *
gpu_request (const struct v2c_inventory *inv, const char *vendor,
             const struct v2c_inv_ai_server *s, const struct v2c_gpu_opts *o)
{
  struct v2c_plan_gpu *g = calloc (1, sizeof *g);
  const char *sharing = o && o->sharing ? o->sharing : "exclusive";
  size_t n = inv->hardware.gpus.n;
  char res[128], why[1024];
  int len;

  if (g == NULL)
    return NULL;
  if (strcmp (vendor, "amd") == 0)
    /* AMD's device plugin shares nothing: one GPU per container */
    snprintf (res, sizeof res, "amd.com/gpu"), sharing = "exclusive";
  else if (strcmp (sharing, "mig") == 0)
    snprintf (res, sizeof res, "nvidia.com/mig-%s",
              o && o->mig_profile ? o->mig_profile : "1g.10gb");
  else
    snprintf (res, sizeof res, "nvidia.com/gpu");
  len = snprintf (why, sizeof why, "%s runs %s (%s)", s->service, s->kind,
                  s->model ? s->model : "no model named");
  if (n)
    snprintf (why + len, sizeof why - (size_t) len,
              "; the VM had %zu GPU%s (%s%s%s)", n, n == 1 ? "" : "s",
              inv->hardware.gpus.v[0].source,
              inv->hardware.gpus.v[0].profile ? ": " : "",
              inv->hardware.gpus.v[0].profile
                  ? inv->hardware.gpus.v[0].profile
                  : "");
  else
    snprintf (why + len, sizeof why - (size_t) len,
              "; its GPU driver or runtime is installed");
  g->count = n ? (int64_t) n : 1;
  g->tolerate = o && o->tolerate;
  if ((g->vendor = strdup (vendor)) == NULL
      || (g->sharing = strdup (sharing)) == NULL
      || (g->resource = strdup (res)) == NULL
      || (o && o->runtime_class
          && (g->runtime_class = strdup (o->runtime_class)) == NULL)
      || (g->reason = strdup (why)) == NULL) {
    gpu_free (g);
    return NULL;
  }
  return g;
}

static int
has_exclude (const struct v2c_plan_image *img, const char *pattern)
{
  size_t i;

  for (i = 0; i < img->excludes.n; i++)
    if (strcmp (img->excludes.v[i].pattern, pattern) == 0)
      return 1;
  return 0;
}

static int
add_exclude (struct v2c_plan_image *img, const char *pattern,
             const char *reason)
{
  struct v2c_plan_exclude *e;

  if (has_exclude (img, pattern) || !v2c_plan_pattern_valid (pattern))
    return 0;
  e = v2c_conv_grow (&img->excludes.v, &img->excludes.n, sizeof *e);
  if (e == NULL || (e->pattern = strdup (pattern)) == NULL
      || (e->what = strdup ("all")) == NULL
      || (e->reason = strdup (reason)) == NULL)
    return -1;
  return 0;
}

/* A driver package of a dpkg system out of the image whole: its files
 * (v2c-extract reads their list), its info files and its stanza of the
 * status file.  Elsewhere only the excludes hold. */
static int
leave_out_package (struct v2c_plan_image *img, const char *name)
{
  const char *pm = img->package_manager;
  char pat[512];

  if (pm == NULL || (strcmp (pm, "apt") != 0 && strcmp (pm, "dpkg") != 0)
      || strlen (name) > 200 || strpbrk (name, "/*?[") != NULL
      || v2c_strvec_find (&img->left_out_packages, name) >= 0)
    return 0;
  if (v2c_strvec_push (&img->left_out_packages, name) == -1)
    return -1;
  /* info/NAME.list, info/NAME:amd64.md5sums ... */
  snprintf (pat, sizeof pat, "/var/lib/dpkg/info/%s.*", name);
  if (add_exclude (img, pat, DRIVER_REASON) == -1)
    return -1;
  snprintf (pat, sizeof pat, "/var/lib/dpkg/info/%s:*", name);
  return add_exclude (img, pat, DRIVER_REASON);
}

/* The CUDA layer, after "os" (split strategy only). */
static int
cuda_layer (struct v2c_plan_image *img)
{
  struct v2c_plan_layer *l;
  size_t i;

  if (strcmp (img->strategy, "split") != 0 || img->layers.n != 3)
    return 0;
  l = v2c_conv_grow (&img->layers.v, &img->layers.n, sizeof *l);
  if (l == NULL)
    return -1;
  /* os, [new], config, app -> os, cuda, config, app */
  img->layers.v[3] = img->layers.v[2];
  img->layers.v[2] = img->layers.v[1];
  memset (&img->layers.v[1], 0, sizeof img->layers.v[1]);
  l = &img->layers.v[1];
  if ((l->name = strdup ("cuda")) == NULL)
    return -1;
  for (i = 0; i < sizeof cuda_paths / sizeof cuda_paths[0]; i++)
    if (v2c_strvec_push (&l->includes, cuda_paths[i]) == -1)
      return -1;
  return 0;
}

/* Is path inside one of the plan's data volumes? */
static int
in_volume (const struct v2c_plan_image *img, const char *path)
{
  size_t i;

  for (i = 0; i < img->volumes.n; i++) {
    size_t l = strlen (img->volumes.v[i].path);

    if (strncmp (path, img->volumes.v[i].path, l) == 0
        && (path[l] == '/' || path[l] == '\0'))
      return 1;
  }
  return 0;
}

static int
image_rules (struct v2c_plan *plan, const struct v2c_inventory *inv)
{
  const struct v2c_inv_ai *ai = inv->ai;
  struct v2c_plan_image *img = &plan->image;
  size_t i, k;
  int nvidia = 0, amd = 0;

  for (i = 0; i < ai->drivers.n; i++) {
    const struct v2c_inv_ai_driver *d = &ai->drivers.v[i];
    char doc[512];

    nvidia |= strcmp (d->vendor, "nvidia") == 0;
    amd |= strcmp (d->vendor, "amd") == 0;
    if (strcmp (d->kind, "package") != 0)
      continue;
    /* the driver's packages' documentation goes with them */
    if (snprintf (doc, sizeof doc, "/usr/share/doc/%s", d->name)
            < (int) sizeof doc
        && add_exclude (img, doc, DRIVER_REASON) == -1)
      return -1;
    if (leave_out_package (img, d->name) == -1)
      return -1;
  }
  for (k = 0; nvidia && k < sizeof nvidia_driver_paths / sizeof nvidia_driver_paths[0]; k++)
    if (add_exclude (img, nvidia_driver_paths[k], DRIVER_REASON) == -1)
      return -1;
  for (k = 0; amd && k < sizeof amd_driver_paths / sizeof amd_driver_paths[0]; k++)
    if (add_exclude (img, amd_driver_paths[k], DRIVER_REASON) == -1)
      return -1;
  for (i = 0; i < ai->models.n; i++) {
    const char *p = ai->models.v[i].path;

    /* a path with wildcard characters would be a pattern: left in */
    if (!in_volume (img, p) && strpbrk (p, "*?[") == NULL
        && add_exclude (img, p, MODEL_REASON) == -1)
      return -1;
  }
  for (i = 0; i < img->layers.n; i++)
    if (strcmp (img->layers.v[i].name, "cuda") == 0)
      return 0;
  if (ai->runtimes.n)
    return cuda_layer (img);
  for (i = 0; i < ai->python.n; i++)
    if (strncmp (ai->python.v[i].name, "nvidia-", 7) == 0)
      return cuda_layer (img);
  return 0;
}

/* Does the volume at mnt hold the models of the server s (its model
 * path, or a model file of its service)? */
static int
holds_models (const struct v2c_inventory *inv,
              const struct v2c_inv_ai_server *s, const char *mnt)
{
  size_t i, l = strlen (mnt);

#define UNDER(p) (strncmp ((p), mnt, l) == 0 && ((p)[l] == '/' || (p)[l] == '\0'))
  if (s->model && UNDER (s->model))
    return 1;
  for (i = 0; i < inv->ai->models.n; i++) {
    const struct v2c_inv_ai_model *m = &inv->ai->models.v[i];

    if (m->service && strcmp (m->service, s->service) == 0 && UNDER (m->path))
      return 1;
  }
#undef UNDER
  return 0;
}

/* --models oci: each pvc volume of a server that holds its models, and
 * the volumes other components share of it, become image volumes. */
static int
models_as_images (struct v2c_plan *plan, const struct v2c_inventory *inv)
{
  size_t i, j, n, m;

  for (i = 0; i < plan->components.n; i++) {
    struct v2c_plan_component *k = &plan->components.v[i];
    const struct v2c_inv_ai_server *s = v2c_inventory_ai_server (inv, k->service);

    for (j = 0; s && j < k->volumes.n; j++) {
      struct v2c_plan_volume *v = &k->volumes.v[j];
      char *kind;

      if (strcmp (v->kind, "pvc") != 0 || !holds_models (inv, s, v->mount_path))
        continue;
      for (n = 0; n < plan->components.n; n++)
        for (m = 0; m < plan->components.v[n].volumes.n; m++) {
          struct v2c_plan_volume *o = &plan->components.v[n].volumes.v[m];

          if (strcmp (o->kind, "shared") != 0 || strcmp (o->owner, k->name) != 0
              || strcmp (o->name, v->name) != 0)
            continue;
          if ((kind = strdup ("image")) == NULL)
            return -1;
          free (o->kind);
          free (o->owner);
          o->kind = kind;
          o->owner = NULL;
        }
      if ((kind = strdup ("image")) == NULL)
        return -1;
      free (v->kind);
      free (v->size);
      v->kind = kind;
      v->size = NULL;
    }
  }
  return 0;
}

int
v2c_plan_set_gpu (struct v2c_plan *plan, const struct v2c_inventory *inv,
                  const struct v2c_gpu_opts *o, struct v2c_err *err)
{
  const char *vendor = gpu_vendor (inv);
  size_t i;

  if (o && o->sharing && strcmp (o->sharing, "exclusive") != 0
      && strcmp (o->sharing, "time-slicing") != 0
      && strcmp (o->sharing, "mig") != 0)
    return v2c_set_error (err, EINVAL,
                          "GPU sharing '%s': expected exclusive, "
                          "time-slicing or mig",
                          o->sharing);
  if (o && o->models && strcmp (o->models, "pvc") != 0
      && strcmp (o->models, "oci") != 0)
    return v2c_set_error (err, EINVAL, "models '%s': expected pvc or oci",
                          o->models);
  if (inv->ai == NULL)
    return 0;
  if (o && o->models && strcmp (o->models, "oci") == 0
      && models_as_images (plan, inv) == -1)
    return v2c_set_error (err, ENOMEM, "out of memory");
  if (image_rules (plan, inv) == -1)
    return v2c_set_error (err, ENOMEM, "out of memory");
  for (i = 0; i < plan->components.n; i++) {
    struct v2c_plan_component *k = &plan->components.v[i];
    const struct v2c_inv_ai_server *s = v2c_inventory_ai_server (inv, k->service);

    gpu_free (k->gpu);
    k->gpu = NULL;
    if (s == NULL || vendor == NULL)
      continue;
    if ((k->gpu = gpu_request (inv, vendor, s, o)) == NULL)
      return v2c_set_error (err, ENOMEM, "out of memory");
  }
  return 0;
}

int
v2c_plan_vm_gpus (struct v2c_plan_target *t, const struct v2c_inventory *inv)
{
  size_t i, n = inv->hardware.gpus.n;

  if (n == 0)
    return 0;
  t->gpus.v = calloc (n, sizeof *t->gpus.v);
  if (t->gpus.v == NULL)
    return -1;
  t->gpus.n = n;
  for (i = 0; i < n; i++) {
    const struct v2c_inv_gpu *g = &inv->hardware.gpus.v[i];
    struct v2c_plan_vm_gpu *x = &t->gpus.v[i];
    char name[16], dev[160], sel[16];
    size_t j;

    snprintf (name, sizeof name, "gpu%zu", i);
    if (g->profile) {
      /* a vGPU: the mediated device type's resource (GRID_A100-8C) */
      snprintf (dev, sizeof dev, "nvidia.com/%s", g->profile);
      for (j = strlen ("nvidia.com/"); dev[j]; j++)
        dev[j] = dev[j] >= 'a' && dev[j] <= 'z' ? (char) (dev[j] - 32)
                                                : dev[j];
    } else if (g->vendor_id && g->device_id)
      /* a device passed through: the resource permittedHostDevices
       * names for its vendor:device selector */
      snprintf (dev, sizeof dev, "%s.com/%s_%s",
                g->vendor ? g->vendor : "pci", g->vendor_id + 2,
                g->device_id + 2);
    else
      snprintf (dev, sizeof dev, "%s.com/gpu", g->vendor ? g->vendor : "pci");
    if (g->vendor_id && g->device_id && g->profile == NULL) {
      snprintf (sel, sizeof sel, "%s:%s", g->vendor_id + 2, g->device_id + 2);
      for (j = 0; sel[j]; j++)
        if (sel[j] >= 'a' && sel[j] <= 'f')
          sel[j] = (char) (sel[j] - 32);
      if ((x->pci_vendor_selector = strdup (sel)) == NULL)
        return -1;
    }
    if ((x->name = strdup (name)) == NULL
        || (x->device_name = strdup (dev)) == NULL)
      return -1;
  }
  return 0;
}
