/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * AI inference servers and notebooks (vLLM, Triton, TGI, Ollama,
 * TorchServe, Jupyter): the services the inventory's "ai" names as
 * servers (lib/inspect-ai.c reads their command lines).  The unit's
 * command, in the foreground, with a scratch /tmp; the models it serves
 * are its data directory, a persistent volume it only reads, so a
 * Deployment (it scales by adding GPUs, not by moving state).  Probes:
 * the server's own health endpoint, after the time a model takes to
 * load.  The GPUs it requests are the planner's (lib/plan-gpu.c).
 *
 * Kind: a Deployment.  Report rule: ai-inference (the node requirements
 * of the AI/GPU section).
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "converter-util.h"

/* The server's health endpoint and the image its project maintains. */
static const struct {
  const char *kind, *health, *image;
} servers[] = {
  { "vllm", "/health", "docker.io/vllm/vllm-openai" },
  { "triton", "/v2/health/ready", "nvcr.io/nvidia/tritonserver" },
  { "tgi", "/health", "ghcr.io/huggingface/text-generation-inference" },
  { "ollama", "/", "docker.io/ollama/ollama" },
  { "torchserve", "/ping", "docker.io/pytorch/torchserve" },
  { "jupyter", "/api", "quay.io/jupyter/pytorch-notebook" },
};

static const struct v2c_inv_ai_server *
server_of (const struct v2c_conv_in *in)
{
  return in->src == V2C_CONV_SERVICE
             ? v2c_inventory_ai_server (in->inv, in->unit)
             : NULL;
}

static int
detect (const struct v2c_conv_in *in)
{
  return server_of (in) != NULL;
}

/* The version of the Python distribution named name, or NULL. */
static const char *
dist_version (const struct v2c_inventory *inv, const char *name)
{
  size_t i;

  for (i = 0; inv->ai && i < inv->ai->python.n; i++)
    if (strcmp (inv->ai->python.v[i].name, name) == 0)
      return inv->ai->python.v[i].version;
  return NULL;
}

static int
contribute (struct v2c_conv_ctx *ctx, const struct v2c_conv_in *in,
            struct v2c_conv_out *out, struct v2c_err *err)
{
  const struct v2c_inv_ai_server *s = server_of (in);
  size_t i;

  if (v2c_conv_runtime_contribute (ctx, in, out, err) == -1)
    return -1;
  ctx->set_kind (ctx, V2C_KIND_DEPLOYMENT);
  for (i = 0; s && i < sizeof servers / sizeof servers[0]; i++) {
    const char *ver;
    char image[160], advice[512];

    if (strcmp (servers[i].kind, s->kind) != 0)
      continue;
    /* loading a model takes minutes: the first probe waits for it */
    ctx->set_probe (ctx, servers[i].health, 0, 120);
    ver = strcmp (s->kind, "vllm") == 0 ? dist_version (in->inv, "vllm")
                                       : NULL;
    if (ver == NULL)
      break;
    snprintf (image, sizeof image, "%s:v%s", servers[i].image, ver);
    snprintf (advice, sizeof advice,
              "%s: the project's image of the same version runs the same "
              "server with its CUDA libraries; mount the models' volume "
              "at %s",
              image, s->model ? s->model : "the path the server reads");
    if (ctx->replace_with (ctx, image, advice) == -1)
      return -1;
    break;
  }
  return 0;
}

static const struct v2c_conv_advice advice = {
  .id = "ai-inference",
  .severity = V2C_CONV_LOW,
  .title = "AI inference server",
  .text = "it needs GPU nodes: the NVIDIA GPU operator (driver, container "
          "toolkit, device plugin) at a driver version the CUDA runtime "
          "accepts; its models move to a persistent volume, or to an OCI "
          "image of their own with --models oci (see the AI/GPU section)",
  .with_converter = 1,
};

const struct v2c_converter v2c_converter_inference = {
  .name = "inference",
  .aliases = NULL,
  .kind = V2C_KIND_DEPLOYMENT,
  .flags = V2C_CONV_HTTP,
  .advice = &advice,
  .detect = detect,
  .contribute = contribute,
};
