/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * AI and GPU workloads (the inventory's "ai"): the GPU drivers the
 * guest carries (packages, DKMS trees, module loading, the .run
 * installer's traces), the GPU user-space runtimes (CUDA, cuDNN, NCCL,
 * TensorRT, ROCm: packages and /usr/local/cuda*), the Python ML stacks
 * installed with pip or conda (dist-info METADATA, conda-meta), the
 * inference servers and notebooks the services run, and the model files
 * with their sizes.  Every file read is the guest's and treated as
 * hostile: sizes are capped, a path list is capped, a JSON record that
 * does not parse is skipped.
 */
#include <config.h>

#include <ctype.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect-private.h"
#include "strbuf.h"
#include "systemd-exec.h"

/* The most paths listed under one search root, and the largest METADATA
 * or conda-meta record read. */
#define AI_FIND_MAX 200000
#define AI_META_MAX (256u << 10)
/* The most entries of each list. */
#define AI_LIST_MAX 1000

/* ---- packages ---------------------------------------------------- */

/* What a package is: a GPU driver (vendor) or a user-space runtime. */
struct pkg_rule {
  const char *glob, *what, *vendor, *component;
};

static const struct pkg_rule pkg_rules[] = {
  /* the kernel driver and the driver's user-space half: both come with
   * the node (GPU operator, container toolkit), never in an image */
  { "nvidia-driver*", "driver", "nvidia", NULL },
  { "nvidia-kernel-*", "driver", "nvidia", NULL },
  { "nvidia-dkms-*", "driver", "nvidia", NULL },
  { "nvidia-open-kernel-*", "driver", "nvidia", NULL },
  { "nvidia-kernel-dkms", "driver", "nvidia", NULL },
  { "nvidia-utils-*", "driver", "nvidia", NULL },
  { "nvidia-compute-utils-*", "driver", "nvidia", NULL },
  { "nvidia-smi", "driver", "nvidia", NULL },
  { "nvidia-persistenced", "driver", "nvidia", NULL },
  { "nvidia-modprobe", "driver", "nvidia", NULL },
  { "firmware-nvidia-gsp*", "driver", "nvidia", NULL },
  { "libcuda1*", "driver", "nvidia", NULL },
  { "libnvidia-*", "driver", "nvidia", NULL },
  { "amdgpu-dkms*", "driver", "amd", NULL },
  { "amdgpu-core", "driver", "amd", NULL },
  /* the runtimes: user space, in an image layer of their own */
  { "libcudart*", "runtime", NULL, "cuda" },
  { "cuda-cudart-[0-9]*", "runtime", NULL, "cuda" },
  { "cuda-runtime-*", "runtime", NULL, "cuda" },
  { "cuda-toolkit-*", "runtime", NULL, "cuda" },
  { "nvidia-cuda-toolkit", "runtime", NULL, "cuda" },
  { "libcublas*", "runtime", NULL, "cuda-library" },
  { "libcufft*", "runtime", NULL, "cuda-library" },
  { "libcurand*", "runtime", NULL, "cuda-library" },
  { "libcusparse*", "runtime", NULL, "cuda-library" },
  { "libcusolver*", "runtime", NULL, "cuda-library" },
  { "libnvrtc*", "runtime", NULL, "cuda-library" },
  { "libcudnn*", "runtime", NULL, "cudnn" },
  { "libnccl*", "runtime", NULL, "nccl" },
  { "libnvinfer*", "runtime", NULL, "tensorrt" },
  { "rocm-core", "runtime", NULL, "rocm" },
  { "rocm-hip-runtime", "runtime", NULL, "rocm" },
  { "hip-runtime-amd", "runtime", NULL, "rocm" },
  { NULL, NULL, NULL, NULL }
};

static const struct pkg_rule *
pkg_rule (const char *name)
{
  const struct pkg_rule *r;

  for (r = pkg_rules; r->glob; r++)
    if (fnmatch (r->glob, name, 0) == 0)
      return r;
  return NULL;
}

static int
append (json_t *list, json_t *o)
{
  if (o == NULL)
    return -1;
  if (json_array_size (list) >= AI_LIST_MAX) {
    json_decref (o);
    return 0;
  }
  return json_array_append_new (list, o);
}

static json_t *
jstr_or_null (const char *s)
{
  return s ? json_string (s) : json_null ();
}

/* The "MAJOR.MINOR" a CUDA version begins with (12.2.140~12.2.2 ->
 * 12.2), or "" . */
static void
major_minor (const char *v, char *out, size_t size)
{
  size_t n = strspn (v, "0123456789");

  out[0] = '\0';
  if (n == 0 || v[n] != '.' || !isdigit ((unsigned char) v[n + 1]))
    return;
  n += 1 + strspn (v + n + 1, "0123456789");
  snprintf (out, size, "%.*s", (int) n, v);
}

static void
scan_packages (const struct v2c_pkgs *pkgs, json_t *drivers, json_t *runtimes)
{
  size_t i;

  for (i = 0; pkgs && i < pkgs->n; i++) {
    const struct v2c_pkg *p = &pkgs->v[i];
    const struct pkg_rule *r = p->name ? pkg_rule (p->name) : NULL;
    char ev[512];

    if (r == NULL)
      continue;
    snprintf (ev, sizeof ev, "%s package %s %s", p->manager ? p->manager : "",
              p->name, p->evr ? p->evr : "");
    if (strcmp (r->what, "driver") == 0)
      append (drivers,
              json_pack ("{s:s,s:s,s:s,s:o,s:s}", "vendor", r->vendor, "kind",
                         "package", "name", p->name, "version",
                         jstr_or_null (p->version), "evidence", ev));
    else
      append (runtimes,
              json_pack ("{s:s,s:o,s:s,s:s}", "name", r->component,
                         "version", jstr_or_null (p->version), "package",
                         p->name, "evidence", ev));
  }
}

/* ---- the driver outside packages --------------------------------- */

int
v2c_gpu_driver_module (const char *m)
{
  return strncmp (m, "nvidia", 6) == 0
         || (strncmp (m, "amdgpu", 6) == 0
             && (m[6] == '\0' || m[6] == '.' || m[6] == '/' || m[6] == ' '
                 || m[6] == '-'));
}

static const char *
module_vendor (const char *name)
{
  return strncmp (name, "nvidia", 6) == 0 ? "nvidia" : "amd";
}

/* The GPU modules a modules-load list or modprobe.d file names. */
static void
module_text (const char *path, char *buf, int modprobe, json_t *drivers)
{
  char *line, *save = NULL;
  int lineno = 0;

  for (line = strtok_r (buf, "\n", &save); line;
       line = strtok_r (NULL, "\n", &save)) {
    char word[64], ev[PATH_MAX + 128], *w = line;
    size_t n;

    lineno++;
    w += strspn (w, " \t");
    if (*w == '#' || *w == ';' || *w == '\0')
      continue;
    /* modprobe.d: "options nvidia ...", "install nvidia ...",
     * "blacklist nouveau" (the open driver set aside for NVIDIA's) */
    if (modprobe) {
      n = strcspn (w, " \t");
      if (strncmp (w, "blacklist", n) == 0 && n == 9) {
        w += n + strspn (w + n, " \t");
        if (strncmp (w, "nouveau", 7) == 0) {
          snprintf (ev, sizeof ev, "%s:%d: blacklist nouveau", path, lineno);
          append (drivers, json_pack ("{s:s,s:s,s:s,s:n,s:s}", "vendor",
                                      "nvidia", "kind", "modprobe", "name",
                                      "nouveau blacklisted", "version",
                                      "evidence", ev));
        }
        continue;
      }
      if (!(strncmp (w, "options", n) == 0 && n == 7)
          && !(strncmp (w, "install", n) == 0 && n == 7)
          && !(strncmp (w, "softdep", n) == 0 && n == 7))
        continue;
      w += n + strspn (w + n, " \t");
    }
    n = strcspn (w, " \t\r");
    if (n == 0 || n >= sizeof word)
      continue;
    memcpy (word, w, n);
    word[n] = '\0';
    if (!v2c_gpu_driver_module (word))
      continue;
    snprintf (ev, sizeof ev, "%s:%d: %.100s", path, lineno, line);
    append (drivers, json_pack ("{s:s,s:s,s:s,s:n,s:s}", "vendor",
                                module_vendor (word), "kind",
                                modprobe ? "modprobe" : "module", "name", word,
                                "version", "evidence", ev));
  }
}

static void
module_lines (struct v2c_fs *fs, const char *path, int modprobe,
              json_t *drivers)
{
  size_t len;
  char *buf = v2c_fs_read (fs, path, 1u << 20, &len);

  if (buf)
    module_text (path, buf, modprobe, drivers);
  free (buf);
}

static void
scan_modules (struct v2c_fs *fs, json_t *drivers)
{
  static const struct {
    const char *dir;
    int modprobe;
  } dirs[] = { { "/etc/modules-load.d", 0 }, { "/etc/modprobe.d", 1 },
               { "/usr/lib/modules-load.d", 0 } };
  char **v, path[PATH_MAX];
  size_t i, j;

  module_lines (fs, "/etc/modules", 0, drivers);
  for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
    v = v2c_fs_list (fs, dirs[i].dir);
    for (j = 0; v && v[j]; j++)
      if (fnmatch ("*.conf", v[j], 0) == 0) {
        snprintf (path, sizeof path, "%s/%s", dirs[i].dir, v[j]);
        module_lines (fs, path, dirs[i].modprobe, drivers);
      }
    v2c_strv_free (v);
  }
  /* DKMS trees: /var/lib/dkms/NAME/VERSION */
  v = v2c_fs_list (fs, "/var/lib/dkms");
  for (i = 0; v && v[i]; i++) {
    char **ver;

    if (!v2c_gpu_driver_module (v[i]))
      continue;
    snprintf (path, sizeof path, "/var/lib/dkms/%s", v[i]);
    ver = v2c_fs_list (fs, path);
    for (j = 0; ver && ver[j]; j++) {
      char ev[PATH_MAX * 2];

      if (!isdigit ((unsigned char) ver[j][0]))
        continue;
      snprintf (ev, sizeof ev, "%s/%s", path, ver[j]);
      append (drivers, json_pack ("{s:s,s:s,s:s,s:s,s:s}", "vendor",
                                  module_vendor (v[i]), "kind", "dkms",
                                  "name", v[i], "version", ver[j],
                                  "evidence", ev));
    }
    v2c_strv_free (ver);
  }
  v2c_strv_free (v);
  /* NVIDIA's .run installer: its uninstaller and its log */
  {
    static const char *const traces[]
        = { "/usr/bin/nvidia-uninstall", "/var/log/nvidia-installer.log",
            NULL };
    struct v2c_fs_stat st;

    for (i = 0; traces[i]; i++)
      if (v2c_fs_stat (fs, traces[i], 1, &st) == 0)
        append (drivers, json_pack ("{s:s,s:s,s:s,s:n,s:s}", "vendor",
                                    "nvidia", "kind", "installer", "name",
                                    "NVIDIA-Linux .run installer", "version",
                                    "evidence", traces[i]));
  }
}

/* /usr/local/cuda*: version.json ({"cuda": {"version": ...}}) or
 * version.txt ("CUDA Version 11.8.0"). */
static void
cuda_version_text (const char *path, const char *buf, size_t len, int json,
                   json_t *runtimes)
{
  char ver[64] = "";

  if (json) {
    json_t *doc = json_loadb (buf, len, 0, NULL);
    const char *s = json_string_value (
        json_object_get (json_object_get (doc, "cuda"), "version"));

    if (s && strlen (s) < sizeof ver)
      snprintf (ver, sizeof ver, "%s", s);
    json_decref (doc);
  } else {
    const char *p = strstr (buf, "CUDA Version ");

    if (p)
      snprintf (ver, sizeof ver, "%.*s",
                (int) strspn (p + 13, "0123456789."), p + 13);
  }
  if (ver[0])
    append (runtimes, json_pack ("{s:s,s:s,s:n,s:s}", "name", "cuda",
                                 "version", ver, "package", "evidence", path));
}

static void
scan_cuda_dirs (struct v2c_fs *fs, json_t *runtimes)
{
  char **v = v2c_fs_list (fs, "/usr/local");
  size_t i;

  for (i = 0; v && v[i]; i++) {
    char path[PATH_MAX], *buf;
    size_t len;

    if (strncmp (v[i], "cuda", 4) != 0)
      continue;
    snprintf (path, sizeof path, "/usr/local/%s/version.json", v[i]);
    if ((buf = v2c_fs_read (fs, path, 1u << 20, &len)) != NULL) {
      cuda_version_text (path, buf, len, 1, runtimes);
      free (buf);
      continue;
    }
    snprintf (path, sizeof path, "/usr/local/%s/version.txt", v[i]);
    if ((buf = v2c_fs_read (fs, path, 4096, &len)) != NULL)
      cuda_version_text (path, buf, len, 0, runtimes);
    free (buf);
  }
  v2c_strv_free (v);
}

/* ---- Python stacks ----------------------------------------------- */

/* The ML distributions worth naming (PEP 503 normalised, '-' for '_'),
 * and the CUDA wheels pip installs with them. */
static const char *const ml_dists[]
    = { "torch",         "torchvision",   "torchaudio",   "tensorflow",
        "tensorflow-gpu", "jax",          "jaxlib",       "vllm",
        "transformers",  "triton",        "onnxruntime",  "onnxruntime-gpu",
        "tensorrt",      "accelerate",    "diffusers",    "xformers",
        "sentence-transformers", "text-generation-server", "torchserve",
        "ollama",        "jupyterlab",    "notebook",     "jupyter-server",
        "jupyterhub",    "safetensors",   "bitsandbytes", "flash-attn",
        "nvidia-cuda-runtime-cu12", "nvidia-cuda-runtime-cu11",
        "nvidia-cudnn-cu12", "nvidia-cudnn-cu11", "nvidia-nccl-cu12",
        "nvidia-nccl-cu11", NULL };

static void
normalise (const char *in, size_t n, char *out, size_t size)
{
  size_t i, o = 0;

  for (i = 0; i < n && o + 1 < size; i++) {
    char c = in[i];

    if (c == '_' || c == '.')
      c = '-';
    out[o++] = (char) tolower ((unsigned char) c);
  }
  out[o] = '\0';
}

static int
ml_dist (const char *norm)
{
  size_t i;

  for (i = 0; ml_dists[i]; i++)
    if (strcmp (ml_dists[i], norm) == 0)
      return 1;
  return 0;
}

/* "Name:" and "Version:" of a METADATA/PKG-INFO header (up to the first
 * blank line). */
static void
metadata_fields (const char *buf, char *name, size_t nsize, char *ver,
                 size_t vsize)
{
  const char *p = buf;

  name[0] = ver[0] = '\0';
  while (*p && *p != '\n') {
    size_t n = strcspn (p, "\n");

    if (n > 6 && strncmp (p, "Name: ", 6) == 0 && !name[0])
      snprintf (name, nsize, "%.*s", (int) (n - 6), p + 6);
    else if (n > 9 && strncmp (p, "Version: ", 9) == 0 && !ver[0])
      snprintf (ver, vsize, "%.*s", (int) (n - 9), p + 9);
    p += n + (p[n] == '\n');
  }
  for (char *s = name; *s; s++)
    if (*s == '\r')
      *s = '\0';
  for (char *s = ver; *s; s++)
    if (*s == '\r')
      *s = '\0';
}

/* A METADATA or PKG-INFO of a distribution in site-packages loc. */
static void
metadata_text (const char *loc, const char *buf, json_t *python)
{
  char name[128], ver[64], norm[128];

  metadata_fields (buf, name, sizeof name, ver, sizeof ver);
  if (!name[0] || !ver[0])
    return;
  normalise (name, strlen (name), norm, sizeof norm);
  if (ml_dist (norm))
    append (python, json_pack ("{s:s,s:s,s:s,s:s}", "name", norm, "version",
                               ver, "location", loc, "installer", "pip"));
}

/* path (under root): ".../site-packages/NAME-VER.dist-info/METADATA"?
 * Then its directory is the location. */
static void
python_dist (struct v2c_fs *fs, const char *root, const char *rel,
             json_t *python)
{
  static const char *const kinds[]
      = { ".dist-info/METADATA", ".egg-info/PKG-INFO" };
  size_t rl = strlen (rel), k;

  for (k = 0; k < 2; k++) {
    size_t sl = strlen (kinds[k]);
    const char *slash, *dist;
    char dname[128], norm[128], path[PATH_MAX], loc[PATH_MAX], *buf;
    size_t len, dn;

    if (rl <= sl || strcmp (rel + rl - sl, kinds[k]) != 0)
      continue;
    /* the dist-info directory's name: NAME-VERSION */
    for (slash = rel + rl - sl; slash > rel && slash[-1] != '/'; slash--)
      ;
    dist = slash;
    dn = strcspn (dist, "-");
    if (dn == 0 || dn >= sizeof dname)
      return;
    normalise (dist, dn, norm, sizeof norm);
    if (!ml_dist (norm))
      return;
    /* site-packages or dist-packages holds it */
    if (dist - rel < 15
        || (strncmp (dist - 14, "site-packages/", 14) != 0
            && strncmp (dist - 14, "dist-packages/", 14) != 0))
      return;
    snprintf (path, sizeof path, "%s/%s", root, rel);
    snprintf (loc, sizeof loc, "%s/%.*s", root, (int) (dist - rel - 1), rel);
    buf = v2c_fs_read (fs, path, AI_META_MAX, &len);
    if (buf)
      metadata_text (loc, buf, python);
    free (buf);
    return;
  }
}

/* A conda-meta record {"name", "version", ...} of environment loc. */
static void
conda_text (const char *loc, const char *buf, size_t len, json_t *python)
{
  json_t *doc = json_loadb (buf, len, 0, NULL);
  const char *name = json_string_value (json_object_get (doc, "name"));
  const char *ver = json_string_value (json_object_get (doc, "version"));
  char norm[128];

  if (name && ver && strlen (name) < 100 && strlen (ver) < 64) {
    normalise (name, strlen (name), norm, sizeof norm);
    if (strcmp (norm, "pytorch") == 0)
      strcpy (norm, "torch");
    if (ml_dist (norm))
      append (python, json_pack ("{s:s,s:s,s:s,s:s}", "name", norm,
                                 "version", ver, "location", loc, "installer",
                                 "conda"));
  }
  json_decref (doc);
}

/* conda: ENV/conda-meta/NAME-VERSION-BUILD.json {"name", "version"} */
static void
conda_record (struct v2c_fs *fs, const char *root, const char *rel,
              json_t *python)
{
  const char *p = strstr (rel, "conda-meta/");
  char path[PATH_MAX], norm[128], loc[PATH_MAX], *buf;
  size_t len;

  if (p == NULL || (p != rel && p[-1] != '/') || strchr (p + 11, '/')
      || fnmatch ("*.json", p + 11, 0) != 0)
    return;
  normalise (p + 11, strcspn (p + 11, "-"), norm, sizeof norm);
  if (!ml_dist (norm) && strcmp (norm, "pytorch") != 0)
    return;
  snprintf (path, sizeof path, "%s/%s", root, rel);
  snprintf (loc, sizeof loc, "%s/%.*s", root,
            (int) (p == rel ? 0 : p - rel - 1), rel);
  buf = v2c_fs_read (fs, path, AI_META_MAX, &len);
  if (buf)
    conda_text (loc, buf, len, python);
  free (buf);
}

/* ---- model files ------------------------------------------------- */

static const struct {
  const char *ext, *format;
  int anywhere; /* else only under a models directory */
} model_exts[] = { { ".safetensors", "safetensors", 1 },
                   { ".gguf", "gguf", 1 },
                   { ".onnx", "onnx", 1 },
                   { ".pt", "pytorch", 0 },
                   { ".pth", "pytorch", 0 },
                   { ".bin", "pytorch", 0 },
                   { ".ckpt", "checkpoint", 0 },
                   { ".mar", "torchserve", 0 },
                   { ".plan", "tensorrt", 0 },
                   { NULL, NULL, 0 } };

/* A models directory: a path component "models" (or "model"), or the
 * path of a server's configured model. */
static int
under_models (const char *path, const struct v2c_strvec *model_paths)
{
  size_t i;

  for (i = 0; i < model_paths->n; i++) {
    size_t l = strlen (model_paths->v[i]);

    if (strncmp (path, model_paths->v[i], l) == 0
        && (path[l] == '/' || path[l] == '\0'))
      return 1;
  }
  return strstr (path, "/models/") != NULL || strstr (path, "/model/") != NULL
         || strncmp (path, "/models/", 8) == 0;
}

static void
model_file (struct v2c_fs *fs, const char *path,
            const struct v2c_strvec *model_paths, json_t *models)
{
  size_t pl = strlen (path), i;
  struct v2c_fs_stat st;

  /* a package's data (site-packages/.../x.bin) is not a model */
  if (strstr (path, "-packages/") != NULL)
    return;
  for (i = 0; model_exts[i].ext; i++) {
    size_t el = strlen (model_exts[i].ext);

    if (pl <= el || strcmp (path + pl - el, model_exts[i].ext) != 0)
      continue;
    if (!model_exts[i].anywhere && !under_models (path, model_paths))
      return;
    if (v2c_fs_stat (fs, path, 1, &st) == -1 || st.type != V2C_FS_REG)
      return;
    append (models, json_pack ("{s:s,s:s,s:I,s:n}", "path", path, "format",
                               model_exts[i].format, "size_bytes",
                               (json_int_t) st.size, "service"));
    return;
  }
}

/* ---- servers ----------------------------------------------------- */

static const struct {
  const char *match; /* a word of the command line, or "a b" */
  const char *kind;
  int notebook;
} servers[] = { { "vllm serve", "vllm", 0 },
                { "vllm.entrypoints.openai.api_server", "vllm", 0 },
                { "vllm.entrypoints.api_server", "vllm", 0 },
                { "tritonserver", "triton", 0 },
                { "text-generation-launcher", "tgi", 0 },
                { "ollama serve", "ollama", 0 },
                { "torchserve", "torchserve", 0 },
                { "jupyter-lab", "jupyter", 1 },
                { "jupyter-notebook", "jupyter", 1 },
                { "jupyter lab", "jupyter", 1 },
                { "jupyter notebook", "jupyter", 1 },
                { "jupyterhub", "jupyter", 1 },
                { NULL, NULL, 0 } };

static const char *
base_name (const char *p)
{
  const char *s = strrchr (p, '/');

  return s ? s + 1 : p;
}

/* Does argv match m ("word" or "word sub")? */
static int
argv_matches (const struct v2c_exec_words *w, const char *m)
{
  const char *sp = strchr (m, ' ');
  size_t i;

  for (i = 0; i < w->n; i++) {
    const char *a = i == 0 ? base_name (w->v[i]) : w->v[i];

    if (sp == NULL && strcmp (a, m) == 0)
      return 1;
    if (sp && strncmp (a, m, (size_t) (sp - m)) == 0
        && a[sp - m] == '\0' && i + 1 < w->n
        && strcmp (w->v[i + 1], sp + 1) == 0)
      return 1;
  }
  return 0;
}

/* The model a server's command line names: --model, --model-id,
 * --model-repository, --model-store (VALUE or =VALUE), or the word
 * after "vllm serve". */
static const char *
model_arg (const struct v2c_exec_words *w)
{
  static const char *const opts[]
      = { "--model", "--model-id", "--model-repository", "--model-store",
          NULL };
  size_t i, k;

  for (i = 0; i < w->n; i++) {
    for (k = 0; opts[k]; k++) {
      size_t l = strlen (opts[k]);

      if (strcmp (w->v[i], opts[k]) == 0 && i + 1 < w->n)
        return w->v[i + 1];
      if (strncmp (w->v[i], opts[k], l) == 0 && w->v[i][l] == '=')
        return w->v[i] + l + 1;
    }
    if (strcmp (w->v[i], "serve") == 0 && i > 0
        && strcmp (base_name (w->v[i - 1]), "vllm") == 0 && i + 1 < w->n
        && w->v[i + 1][0] != '-')
      return w->v[i + 1];
  }
  return NULL;
}

/* The server a unit's ExecStart= runs, if any, into list; the absolute
 * model path it names into model_paths. */
static void
server_line (const char *service, const char *where, const char *exec,
             json_t *list, struct v2c_strvec *model_paths)
{
  struct v2c_exec_words w = { 0 };
  size_t k;

  if (v2c_exec_split (exec, &w) != NULL)
    return;
  for (k = 0; servers[k].match; k++)
    if (argv_matches (&w, servers[k].match)) {
      const char *model = model_arg (&w);
      char ev[1024];

      snprintf (ev, sizeof ev, "%s: ExecStart=%.900s", where, exec);
      append (list, json_pack ("{s:s,s:s,s:b,s:o,s:s}", "kind",
                               servers[k].kind, "service", service,
                               "notebook", servers[k].notebook, "model",
                               jstr_or_null (model), "evidence", ev));
      if (model && model[0] == '/' && model_paths)
        v2c_strvec_push (model_paths, model);
      break;
    }
  v2c_exec_words_free (&w);
}

static void
scan_servers (const struct v2c_services *svcs, json_t *list,
              struct v2c_strvec *model_paths)
{
  size_t i;

  for (i = 0; svcs && i < svcs->n; i++) {
    const struct v2c_service *s = &svcs->v[i];

    if (s->exec_start && s->name)
      server_line (s->name, s->unit_path ? s->unit_path : s->name,
                   s->exec_start, list, model_paths);
  }
}

/* The service a model file belongs to: the server whose model path
 * holds it. */
static void
model_services (json_t *models, const json_t *servers_list)
{
  size_t i, j;
  json_t *m, *s;

  json_array_foreach (models, i, m)
  {
    const char *p = json_string_value (json_object_get (m, "path"));

    json_array_foreach (servers_list, j, s)
    {
      const char *mp = json_string_value (json_object_get (s, "model"));
      size_t l = mp ? strlen (mp) : 0;

      if (l && mp[0] == '/' && strncmp (p, mp, l) == 0
          && (p[l] == '/' || p[l] == '\0')) {
        json_object_set (m, "service", json_object_get (s, "service"));
        break;
      }
    }
  }
}

/* ---- the walk ---------------------------------------------------- */

/* Where pip, conda and models live.  /usr/lib/python3 holds Debian's
 * dist-packages. */
static const char *const roots[]
    = { "/opt",  "/srv",  "/data", "/models", "/home", "/root",
        "/usr/local/lib", "/usr/lib/python3", "/var/lib", "/usr/share/ollama",
        NULL };

static void
walk_root (struct v2c_fs *fs, const char *root,
           const struct v2c_strvec *model_paths, json_t *python,
           json_t *models)
{
  char **v = v2c_fs_find (fs, root, AI_FIND_MAX);
  size_t i;

  for (i = 0; v && v[i]; i++) {
    char path[PATH_MAX];

    python_dist (fs, root, v[i], python);
    conda_record (fs, root, v[i], python);
    if (snprintf (path, sizeof path, "%s/%s", root, v[i])
        < (int) sizeof path)
      model_file (fs, path, model_paths, models);
  }
  v2c_strv_free (v);
}

void
v2c_ai_parse_text (enum v2c_ai_text kind, const char *path, char *text,
                   size_t len, json_t *ai)
{
  static const char *const lists[] = { "python", "python", "drivers",
                                       "drivers", "runtimes", "runtimes",
                                       "servers" };
  json_t *l = json_object_get (ai, lists[kind]);

  if (l == NULL || !json_is_array (l))
    return;
  switch (kind) {
  case V2C_AI_METADATA:
    metadata_text (path, text, l);
    break;
  case V2C_AI_CONDA_META:
    conda_text (path, text, len, l);
    break;
  case V2C_AI_MODULES:
  case V2C_AI_MODPROBE:
    module_text (path, text, kind == V2C_AI_MODPROBE, l);
    break;
  case V2C_AI_CUDA_JSON:
  case V2C_AI_CUDA_TXT:
    cuda_version_text (path, text, len, kind == V2C_AI_CUDA_JSON, l);
    break;
  case V2C_AI_EXEC_START:
    server_line ("x.service", path, text, l, NULL);
    break;
  }
}

json_t *
v2c_inspect_ai (struct v2c_fs *fs, const struct v2c_pkgs *pkgs,
                const struct v2c_services *svcs)
{
  json_t *drivers = json_array (), *runtimes = json_array ();
  json_t *python = json_array (), *srv = json_array (), *models = json_array ();
  struct v2c_strvec model_paths = { 0 };
  size_t i, j;

  if (!drivers || !runtimes || !python || !srv || !models)
    goto none;
  scan_packages (pkgs, drivers, runtimes);
  scan_modules (fs, drivers);
  scan_cuda_dirs (fs, runtimes);
  scan_servers (svcs, srv, &model_paths);
  for (i = 0; roots[i]; i++)
    walk_root (fs, roots[i], &model_paths, python, models);
  /* a server's model path outside the roots */
  for (j = 0; j < model_paths.n; j++) {
    int covered = 0;

    for (i = 0; roots[i]; i++)
      covered |= strncmp (model_paths.v[j], roots[i], strlen (roots[i])) == 0
                 && model_paths.v[j][strlen (roots[i])] == '/';
    if (!covered)
      walk_root (fs, model_paths.v[j], &model_paths, python, models);
  }
  model_services (models, srv);
  v2c_strvec_clear (&model_paths);
  if (json_array_size (drivers) + json_array_size (runtimes)
          + json_array_size (python) + json_array_size (srv)
          + json_array_size (models)
      == 0)
    goto none;
  return json_pack ("{s:o,s:o,s:o,s:o,s:o}", "drivers", drivers, "runtimes",
                    runtimes, "python", python, "servers", srv, "models",
                    models);
none:
  v2c_strvec_clear (&model_paths);
  json_decref (drivers);
  json_decref (runtimes);
  json_decref (python);
  json_decref (srv);
  json_decref (models);
  return NULL;
}

/* The minimum Linux driver of each CUDA release (the GA driver of the
 * CUDA Toolkit release notes' table). */
static const struct {
  const char *cuda, *driver;
} cuda_drivers[] = { { "11.0", "450.36.06" }, { "11.1", "455.23" },
                     { "11.2", "460.27.03" }, { "11.3", "465.19.01" },
                     { "11.4", "470.42.01" }, { "11.5", "495.29.05" },
                     { "11.6", "510.39.01" }, { "11.7", "515.43.04" },
                     { "11.8", "520.61.05" }, { "12.0", "525.60.13" },
                     { "12.1", "530.30.02" }, { "12.2", "535.54.03" },
                     { "12.3", "545.23.06" }, { "12.4", "550.54.14" },
                     { "12.5", "555.42.02" }, { "12.6", "560.28.03" },
                     { NULL, NULL } };

const char *
v2c_cuda_min_driver (const char *cuda_version, char *mm, size_t size)
{
  size_t i;

  major_minor (cuda_version, mm, size);
  for (i = 0; cuda_drivers[i].cuda; i++)
    if (strcmp (cuda_drivers[i].cuda, mm) == 0)
      return cuda_drivers[i].driver;
  return NULL;
}
