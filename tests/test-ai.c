/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The inventory's "ai" (lib/inspect-ai.c) on a guest tree built here:
 * an NVIDIA driver, CUDA and cuDNN packages with realistic names and
 * versions, a virtualenv with torch and vllm (and requests, which is
 * not listed), a conda environment, /usr/local/cuda-12.2, a vLLM unit
 * serving /srv/models/llama, model files in and out of models
 * directories, and hostile records (a METADATA without a version, a
 * conda-meta file that is not JSON) that are skipped.  The typed loader
 * takes what the inspector wrote; a guest without any of it has no
 * "ai".  The CUDA driver table answers for 12.2 and 11.8.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect-tree.h"
#include "model.h"
#include "unit.h"

static const char dpkg_status[]
    = "Package: nginx\nStatus: install ok installed\nVersion: 1.22.1-9\n"
      "Architecture: amd64\n\n"
      "Package: nvidia-driver\nStatus: install ok installed\n"
      "Version: 535.183.01-1~deb12u1\nArchitecture: amd64\n\n"
      "Package: nvidia-kernel-dkms\nStatus: install ok installed\n"
      "Version: 535.183.01-1~deb12u1\nArchitecture: amd64\n\n"
      "Package: libcuda1\nStatus: install ok installed\n"
      "Version: 535.183.01-1~deb12u1\nArchitecture: amd64\n\n"
      "Package: libcudart12\nStatus: install ok installed\n"
      "Version: 12.2.140~12.2.2-1\nArchitecture: amd64\n\n"
      "Package: libcudnn8\nStatus: install ok installed\n"
      "Version: 8.9.2.26-1+cuda12.1\nArchitecture: amd64\n\n";

#define VENV "/opt/vllm/venv/lib/python3.11/site-packages"

static const struct {
  const char *path, *content;
} guest_files[] = {
  { "/var/lib/dpkg/status", dpkg_status },
  { VENV "/torch-2.3.1.dist-info/METADATA",
    "Metadata-Version: 2.1\nName: torch\nVersion: 2.3.1\nSummary: Tensors\n"
    "\nName: not-this\n" },
  { VENV "/vllm-0.5.0.post1.dist-info/METADATA",
    "Metadata-Version: 2.1\nName: vllm\nVersion: 0.5.0.post1\n" },
  { VENV "/nvidia_cuda_runtime_cu12-12.1.105.dist-info/METADATA",
    "Metadata-Version: 2.1\nName: nvidia-cuda-runtime-cu12\n"
    "Version: 12.1.105\n" },
  { VENV "/requests-2.31.0.dist-info/METADATA",
    "Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\n" },
  /* hostile: no Version: skipped */
  { VENV "/transformers-4.41.0.dist-info/METADATA",
    "Metadata-Version: 2.1\nName: transformers\n" },
  /* package data is not a model */
  { VENV "/torch/lib/models/x.bin", "x" },
  { "/opt/conda/conda-meta/pytorch-2.1.0-py3.10_cuda11.8_0.json",
    "{\"name\": \"pytorch\", \"version\": \"2.1.0\", \"build\": \"x\"}" },
  { "/opt/conda/conda-meta/jax-0.4.0-0.json", "{not json" },
  { "/usr/local/cuda-12.2/version.json",
    "{\"cuda\": {\"name\": \"CUDA SDK\", \"version\": \"12.2.2\"}}" },
  { "/etc/systemd/system/vllm.service",
    "[Unit]\nDescription=vLLM\n[Service]\nUser=vllm\n"
    "ExecStart=/opt/vllm/venv/bin/python -m "
    "vllm.entrypoints.openai.api_server --model /srv/models/llama "
    "--port 8000\n[Install]\nWantedBy=multi-user.target\n" },
  { "/etc/systemd/system/multi-user.target", "[Unit]\n" },
  { "/srv/models/llama/model-00001-of-00002.safetensors", "0123456789" },
  { "/srv/models/llama/config.json", "{}" },
  { "/srv/other/weights.bin", "not under models" },
  { "/opt/x/models/net.onnx", "onnx" },
  { "/etc/modprobe.d/nvidia.conf",
    "# set by the driver\noptions nvidia NVreg_PreserveVideoMemoryAllocations=1\n"
    "blacklist nouveau\n" },
};


/* The entry of list whose member key is value (and, when key2, whose
 * key2 is value2), or NULL. */
static json_t *
find (json_t *list, const char *key, const char *value, const char *key2,
      const char *value2)
{
  size_t i;
  json_t *o;

  json_array_foreach (list, i, o)
  {
    const char *v = json_string_value (json_object_get (o, key));
    const char *v2 = key2 ? json_string_value (json_object_get (o, key2)) : NULL;

    if (v && strcmp (v, value) == 0
        && (key2 == NULL || (v2 && strcmp (v2, value2) == 0)))
      return o;
  }
  return NULL;
}

static const char *
str (json_t *o, const char *key)
{
  const char *s = json_string_value (json_object_get (o, key));

  return s ? s : "";
}

int
main (void)
{
  char root[] = "/tmp/v2c-test-ai.XXXXXX";
  char clean[] = "/tmp/v2c-test-ai-clean.XXXXXX";
  char cmd[8192], mm[16];
  json_t *inv, *ai, *o, *l;
  size_t i;

  if (mkdtemp (root) == NULL || mkdtemp (clean) == NULL)
    return 1;
  for (i = 0; i < sizeof guest_files / sizeof guest_files[0]; i++)
    unit_put (root, guest_files[i].path, guest_files[i].content);
  if (tree_enable_unit (root, "vllm.service") == -1)
    return 1;

  inv = tree_inventory (root, "x86_64");
  ai = json_object_get (inv, "ai");
  CHECK_SAY (json_is_object (ai), "a guest with AI software has ai");

  l = json_object_get (ai, "drivers");
  o = find (l, "name", "nvidia-driver", NULL, NULL);
  CHECK_SAY (o && strcmp (str (o, "kind"), "package") == 0
                 && strcmp (str (o, "vendor"), "nvidia") == 0
                 && strcmp (str (o, "version"), "535.183.01") == 0,
             "nvidia-driver: a package, its upstream version");
  CHECK_SAY (find (l, "name", "nvidia-kernel-dkms", NULL, NULL)
                 && find (l, "name", "libcuda1", NULL, NULL),
             "the DKMS package and the driver's libcuda are drivers");
  o = find (l, "kind", "modprobe", "name", "nvidia");
  CHECK_SAY (o && strstr (str (o, "evidence"), "/etc/modprobe.d/nvidia.conf:2"),
             "modprobe.d options for nvidia, with file and line");
  CHECK_SAY (find (l, "name", "nouveau blacklisted", NULL, NULL) != NULL,
             "nouveau blacklisted");
  CHECK_SAY (find (l, "name", "nginx", NULL, NULL) == NULL,
             "nginx is not a driver");

  l = json_object_get (ai, "runtimes");
  o = find (l, "package", "libcudart12", NULL, NULL);
  CHECK_SAY (o && strcmp (str (o, "name"), "cuda") == 0
                 && strcmp (str (o, "version"), "12.2.140~12.2.2") == 0,
             "libcudart12: the CUDA runtime");
  o = find (l, "package", "libcudnn8", NULL, NULL);
  CHECK_SAY (o && strcmp (str (o, "name"), "cudnn") == 0, "libcudnn8: cuDNN");
  o = find (l, "evidence", "/usr/local/cuda-12.2/version.json", NULL, NULL);
  CHECK_SAY (o && strcmp (str (o, "version"), "12.2.2") == 0,
             "/usr/local/cuda-12.2: its version.json");

  l = json_object_get (ai, "python");
  o = find (l, "name", "torch", "installer", "pip");
  CHECK_SAY (o && strcmp (str (o, "version"), "2.3.1") == 0
                 && strcmp (str (o, "location"), VENV) == 0,
             "torch 2.3.1 in the virtualenv (METADATA's first Name)");
  o = find (l, "name", "vllm", NULL, NULL);
  CHECK_SAY (o && strcmp (str (o, "version"), "0.5.0.post1") == 0,
             "vllm 0.5.0.post1");
  CHECK_SAY (find (l, "name", "nvidia-cuda-runtime-cu12", NULL, NULL) != NULL,
             "the CUDA wheel, its name normalised");
  CHECK_SAY (find (l, "name", "requests", NULL, NULL) == NULL,
             "requests is not an ML stack");
  CHECK_SAY (find (l, "name", "transformers", NULL, NULL) == NULL,
             "a METADATA without a version is skipped");
  o = find (l, "name", "torch", "installer", "conda");
  CHECK_SAY (o && strcmp (str (o, "version"), "2.1.0") == 0
                 && strcmp (str (o, "location"), "/opt/conda") == 0,
             "conda's pytorch is torch, in /opt/conda");
  CHECK_SAY (find (l, "name", "jax", NULL, NULL) == NULL,
             "a conda-meta file that is not JSON is skipped");

  l = json_object_get (ai, "servers");
  o = find (l, "kind", "vllm", NULL, NULL);
  CHECK_SAY (o && strcmp (str (o, "service"), "vllm.service") == 0
                 && strcmp (str (o, "model"), "/srv/models/llama") == 0
                 && json_is_false (json_object_get (o, "notebook")),
             "the vLLM unit, its --model");

  l = json_object_get (ai, "models");
  o = find (l, "path", "/srv/models/llama/model-00001-of-00002.safetensors",
            NULL, NULL);
  CHECK_SAY (o && strcmp (str (o, "format"), "safetensors") == 0
                 && json_integer_value (json_object_get (o, "size_bytes")) == 10
                 && strcmp (str (o, "service"), "vllm.service") == 0,
             "the safetensors file: its size, the server that reads it");
  o = find (l, "path", "/opt/x/models/net.onnx", NULL, NULL);
  CHECK_SAY (o && json_is_null (json_object_get (o, "service")),
             "an onnx file, no server");
  CHECK_SAY (find (l, "path", "/srv/other/weights.bin", NULL, NULL) == NULL
                 && find (l, "path", VENV "/torch/lib/models/x.bin", NULL,
                          NULL)
                        == NULL
                 && find (l, "path", "/srv/models/llama/config.json", NULL,
                          NULL)
                        == NULL,
             "a .bin outside models, package data, a config: not models");

  /* NVIDIA's modprobe.d is not a blocker; the typed loader takes the ai */
  {
    struct v2c_err err = { 0, "" };
    struct v2c_inventory *t;

    json_object_set_new (inv, "schema", json_string ("v2c.inventory/1"));
    json_object_set_new (inv, "name", json_string ("ai"));
    json_object_set_new (inv, "source",
                         json_pack ("{s:s,s:n,s:[]}", "format", "disk",
                                    "path", "disks"));
    json_object_set_new (
        inv, "hardware",
        json_pack ("{s:n,s:n,s:n,s:n,s:[],s:[]}", "cpus", "memory_mib",
                   "firmware", "guest_os_id", "disks", "nics"));
    json_object_set_new (inv, "os", json_null ());
    json_object_set_new (inv, "filesystems", json_array ());
    t = v2c_inventory_load (inv, &err);
    CHECK_SAY (t && t->ai && t->ai->python.n == json_array_size (l = json_object_get (ai, "python"))
                   && t->ai->models.n == 2,
               "the inventory's loader takes the ai the inspector wrote");
    if (t == NULL)
      fprintf (stderr, "  %s\n", err.msg);
    v2c_inventory_free (t);
  }
  json_decref (inv);

  /* a guest without any: no "ai" */
  unit_put (clean, "/var/lib/dpkg/status",
            "Package: base-files\nStatus: install ok installed\n"
            "Version: 12.4\nArchitecture: amd64\n\n");
  inv = tree_inventory (clean, "x86_64");
  CHECK_SAY (json_object_get (inv, "ai") == NULL, "a plain guest has no ai");
  json_decref (inv);

  CHECK_SAY (v2c_cuda_min_driver ("12.2.140~12.2.2", mm, sizeof mm)
                 && strcmp (v2c_cuda_min_driver ("12.2.140", mm, sizeof mm),
                            "535.54.03") == 0
                 && strcmp (mm, "12.2") == 0
                 && strcmp (v2c_cuda_min_driver ("11.8.89", mm, sizeof mm),
                            "520.61.05") == 0
                 && v2c_cuda_min_driver ("99.1", mm, sizeof mm) == NULL
                 && v2c_cuda_min_driver ("x", mm, sizeof mm) == NULL,
             "the CUDA driver table");

  snprintf (cmd, sizeof cmd, "rm -rf '%s' '%s'", root, clean);
  if (system (cmd) != 0)
    return 1;
  return failures ? 1 : 0;
}
