/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * v2c-verify: run a converted VM (the output directory of v2c-convert)
 * on the local podman as its manifests say, one pod per workload on a
 * network of its own, and prove each component works: readiness
 * probes, every port, each CronJob's command once.  DIR/verify.json
 * holds the evidence.  Everything made is named after the run's id (a
 * hash of DIR's path) and labelled with it, so that --down finds what
 * a --keep run left.
 */
#include <config.h>

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "options.h"
#include "report.h"
#include "verify.h"
#include "v2c-yaml.h"

enum { OPT_SECRETS = OPT_TOOL_BASE, OPT_KEEP, OPT_DOWN, OPT_TIMEOUT };

static noreturn void
usage (int status)
{
  if (status != EXIT_OK)
    tool_try_help ();
  printf ("Usage: %s [OPTION]... DIR\n"
          "Run the VM that v2c-convert converted into DIR on podman, as its\n"
          "manifests (DIR/k8s) say, and check that each component works:\n"
          "readiness probes, every port, each CronJob once.  Writes\n"
          "DIR/verify.json.\n"
          "\n"
          "      --secrets=FILE     values of the Secrets' placeholders, one\n"
          "                         SECRET/KEY=VALUE or KEY=VALUE a line\n"
          "                         (default: generated test values)\n"
          "      --timeout=SECONDS  how long a readiness probe or a CronJob\n"
          "                         may take (default 60)\n"
          "      --keep             leave it running and say how to reach\n"
          "                         each Service\n"
          "      --down             remove what a --keep run of DIR left\n"
          "  -v, --verbose          say more (twice: every podman command)\n"
          "  -q, --quiet            no warnings\n",
          program_name);
  tool_help_end ("v2c-verify");
}

static int
by_name (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* every object of the YAML files of DIR/k8s but the kustomization */
static int
load_objects (struct verify *v, const char *dir)
{
  char path[4096];
  struct v2c_strvec names = V2C_STRVEC_INIT;
  struct dirent *e;
  DIR *d;
  int r = 0;

  snprintf (path, sizeof path, "%s/k8s", dir);
  d = opendir (path);
  if (d == NULL) {
    tool_error ("can't open '%s': %s", path, strerror (errno));
    return -1;
  }
  while ((e = readdir (d)))
    if (strlen (e->d_name) > 5
        && strcmp (e->d_name + strlen (e->d_name) - 5, ".yaml") == 0
        && strcmp (e->d_name, "kustomization.yaml") != 0)
      v2c_strvec_push (&names, e->d_name);
  closedir (d);
  if (names.n)
    qsort (names.v, names.n, sizeof *names.v, by_name);
  for (size_t i = 0; i < names.n && r == 0; i++) {
    struct v2c_err err = { 0, "" };
    json_t *o;
    snprintf (path, sizeof path, "%s/k8s/%s", dir, names.v[i]);
    o = v2c_yaml_load_file (path, &err);
    if (o == NULL) {
      tool_error ("%s", err.msg);
      r = -1;
    } else if (json_is_object (o))
      json_array_append_new (v->objects, o);
    else
      json_decref (o);
  }
  v2c_strvec_clear (&names);
  return r;
}

/* name@sha256:DIGEST of a container: copy the layout's image of that
 * digest into the local storage as localhost/ID/NAME:TAG */
static int
load_image (struct verify *v, const char *dir, json_t *index, const char *ref)
{
  const char *at = strstr (ref, "@sha256:"), *tag = NULL, *slash;
  json_t *m;
  size_t i;
  char src[4096], dst[512], name[256];
  struct v2c_strbuf out = V2C_STRBUF_INIT;
  int rc;

  if (json_object_get (v->images, ref))
    return 0;
  json_array_foreach (json_object_get (index, "manifests"), i, m)
    if (at && strcmp (json_string_value (json_object_get (m, "digest")) ?: "",
                      at + 1) == 0)
      tag = json_string_value (json_object_get (
          json_object_get (m, "annotations"), "org.opencontainers.image.ref.name"));
  if (tag == NULL) {
    tool_error ("image '%s' is not in '%s/image'", ref, dir);
    return -1;
  }
  slash = memrchr (ref, '/', (size_t) (at - ref));
  slash = slash ? slash + 1 : ref;
  snprintf (name, sizeof name, "%.*s", (int) (at - slash), slash);
  snprintf (src, sizeof src, "oci:%s/image:%s", dir, tag);
  snprintf (dst, sizeof dst, "containers-storage:localhost/%s/%s:%s", v->id,
            name, tag);
  tool_status ("loading the image '%s'", tag);
  rc = verify_runl (&out, 600, "skopeo", "copy", "-q", src, dst, NULL);
  if (rc != 0) {
    tool_error ("can't load the image '%s': %s", tag, out.s ? out.s : "");
    v2c_strbuf_release (&out);
    return -1;
  }
  v2c_strbuf_release (&out);
  json_object_set_new (v->images, ref, json_string (dst + strlen ("containers-storage:")));
  return 0;
}

/* a private /24 that neither podman nor the host routes use yet */
static int
create_network (struct verify *v, char *prefix, size_t size)
{
  char label[128];
  unsigned h = (unsigned) strtoul (v->id + strlen ("v2c-verify-"), NULL, 16);

  snprintf (label, sizeof label, "v2c.verify=%s", v->id);
  for (int i = 0; i < 32; i++) {
    struct v2c_strbuf out = V2C_STRBUF_INIT;
    char subnet[32];
    int rc;
    snprintf (prefix, size, "10.%u.%u.", 200 + (h + (unsigned) i) % 50,
              (h >> 8) % 250 + 1);
    snprintf (subnet, sizeof subnet, "%s0/24", prefix);
    rc = verify_runl (&out, 60, "podman", "network", "create", "--label",
                      label, "--subnet", subnet, v->net, NULL);
    if (rc == 0) {
      v2c_strbuf_release (&out);
      tool_verbose ("network '%s' on %s", v->net, subnet);
      return 0;
    }
    v2c_strbuf_release (&out);
  }
  tool_error ("can't create a network: no free private subnet");
  return -1;
}

static int
labels_match (json_t *sel, json_t *labels)
{
  const char *k;
  json_t *val;

  if (json_object_size (sel) == 0)
    return 0;
  json_object_foreach (sel, k, val)
    if (!json_equal (val, json_object_get (labels, k)))
      return 0;
  return 1;
}

static const char *
obj_name (json_t *o)
{
  return json_string_value (json_object_get (json_object_get (o, "metadata"), "name")) ?: "";
}

static const char *
obj_kind (json_t *o)
{
  return json_string_value (json_object_get (o, "kind")) ?: "";
}

static json_t *
template_labels (json_t *o)
{
  return json_object_get (json_object_get (json_object_get (
      json_object_get (o, "spec"), "template"), "metadata"), "labels");
}

/* --add-host for every Service (short and cluster name) */
static void
host_args (struct verify *v, const char *ns, struct v2c_strvec *av)
{
  const char *k;
  json_t *ip;
  char s[512];

  json_object_foreach (v->hosts, k, ip) {
    snprintf (s, sizeof s, "--add-host=%s:%s", k, json_string_value (ip));
    v2c_strvec_push (av, s);
    snprintf (s, sizeof s, "--add-host=%s.%s.svc.cluster.local:%s", k, ns,
              json_string_value (ip));
    v2c_strvec_push (av, s);
  }
}

static void
base_args (struct verify *v, struct v2c_strvec *av, const char *name)
{
  char s[256];
  v2c_strvec_push (av, "podman");
  v2c_strvec_push (av, "run");
  snprintf (s, sizeof s, "--name=%s", name);
  v2c_strvec_push (av, s);
  snprintf (s, sizeof s, "--label=v2c.verify=%s", v->id);
  v2c_strvec_push (av, s);
  v2c_strvec_push (av, "--pull=never");
}

static json_t *
fail_check (const char *check, const char *target, const char *detail)
{
  return json_pack ("{s:s,s:s,s:b,s:s}", "check", check, "target", target,
                    "passed", 0, "detail", detail);
}

/* run a container to completion: the check with exit code and output */
static json_t *
run_once (struct verify *v, const char *check, const char *cname,
          struct v2c_strvec *av)
{
  struct v2c_strbuf out = V2C_STRBUF_INIT;
  double t0 = tool_now ();
  int rc = verify_run (av->v, &out, v->timeout);
  char *tail = verify_tail (out.s, 2000), *red = verify_redact (v, tail);
  json_t *r = json_pack ("{s:s,s:s,s:b,s:i,s:s,s:f}", "check", check,
                         "target", cname, "passed", rc == 0, "exit_code", rc,
                         "output_tail", red, "duration_s",
                         (double) (long) ((tool_now () - t0) * 10) / 10);

  if (rc == 124)
    json_object_set_new (r, "detail", json_string ("timed out"));
  verify_runl (NULL, 60, "podman", "rm", "-f", "-v", "-t0", cname, NULL);
  free (red);
  free (tail);
  v2c_strbuf_release (&out);
  return r;
}

/* component c of workload o at ip: its pod, initContainers, containers */
static void
start_workload (struct verify *v, json_t *o, const char *ns, const char *ip,
                json_t *comp)
{
  json_t *ps = verify_pod_spec (o), *checks = json_object_get (comp, "checks");
  json_t *c;
  size_t i;
  char pod[256], cname[512], s[256];
  struct v2c_strvec av = V2C_STRVEC_INIT;
  struct v2c_strbuf out = V2C_STRBUF_INIT;
  int ok = 1;

  snprintf (pod, sizeof pod, "%s-%s", v->id, obj_name (o));
  v2c_strvec_push (&av, "podman");
  v2c_strvec_push (&av, "pod");
  v2c_strvec_push (&av, "create");
  snprintf (s, sizeof s, "--name=%s", pod);
  v2c_strvec_push (&av, s);
  snprintf (s, sizeof s, "--label=v2c.verify=%s", v->id);
  v2c_strvec_push (&av, s);
  snprintf (s, sizeof s, "--network=%s", v->net);
  v2c_strvec_push (&av, s);
  snprintf (s, sizeof s, "--ip=%s", ip);
  v2c_strvec_push (&av, s);
  host_args (v, ns, &av);
  if (verify_run (av.v, &out, 120) != 0) {
    json_array_append_new (checks, fail_check ("start", pod, out.s ? out.s : "podman pod create failed"));
    v2c_strvec_clear (&av);
    v2c_strbuf_release (&out);
    return;
  }
  v2c_strvec_clear (&av);
  v2c_strbuf_release (&out);
  /* initContainers in order, each to completion */
  json_array_foreach (json_object_get (ps, "initContainers"), i, c) {
    char *why = NULL;
    snprintf (cname, sizeof cname, "%s-init-%s", pod,
              json_string_value (json_object_get (c, "name")));
    base_args (v, &av, cname);
    snprintf (s, sizeof s, "--pod=%s", pod);
    v2c_strvec_push (&av, s);
    if (verify_container_args (v, obj_name (o), obj_kind (o), ps, c, &av, &why) == -1) {
      json_array_append_new (checks, fail_check ("init", cname, why));
      free (why);
      ok = 0;
    } else {
      json_t *r = run_once (v, "init", cname, &av);
      ok = json_is_true (json_object_get (r, "passed"));
      json_array_append_new (checks, r);
    }
    v2c_strvec_clear (&av);
    if (!ok)
      return;
  }
  json_array_foreach (json_object_get (ps, "containers"), i, c) {
    char *why = NULL;
    snprintf (cname, sizeof cname, "%s-%s", pod,
              json_string_value (json_object_get (c, "name")));
    base_args (v, &av, cname);
    v2c_strvec_push (&av, "-d");
    snprintf (s, sizeof s, "--pod=%s", pod);
    v2c_strvec_push (&av, s);
    if (verify_container_args (v, obj_name (o), obj_kind (o), ps, c, &av, &why) == -1) {
      json_array_append_new (checks, fail_check ("start", cname, why));
      free (why);
    } else if (verify_run (av.v, &out, 120) != 0) {
      char *red = verify_redact (v, out.s ? out.s : "");
      json_array_append_new (checks, fail_check ("start", cname, red));
      free (red);
    }
    v2c_strbuf_release (&out);
    v2c_strvec_clear (&av);
  }
}

/* after the start: readiness, ports, still running */
static void
check_workload (struct verify *v, json_t *o, const char *ip, json_t *comp)
{
  json_t *ps = verify_pod_spec (o), *checks = json_object_get (comp, "checks");
  json_t *c, *p, *r;
  size_t i, j;
  char cname[512];

  /* its start or an initContainer failed: nothing more to probe (a
     passed initContainer, such as a seed, is no reason to stop) */
  json_array_foreach (checks, i, c)
    if (!json_is_true (json_object_get (c, "passed")))
      return;
  json_array_foreach (json_object_get (ps, "containers"), i, c) {
    snprintf (cname, sizeof cname, "%s-%s-%s", v->id, obj_name (o),
              json_string_value (json_object_get (c, "name")));
    tool_status ("probing '%s'", cname);
    r = verify_probe (v, cname, c, ip);
    if (r)
      json_array_append_new (checks, r);
    if (r && !json_is_true (json_object_get (r, "passed")))
      continue;
    json_array_foreach (json_object_get (c, "ports"), j, p) {
      long port = (long) json_integer_value (json_object_get (p, "containerPort"));
      const char *pname = json_string_value (json_object_get (p, "name")) ?: "";
      const char *proto = json_string_value (json_object_get (p, "protocol"));
      json_t *h;
      if (proto && strcmp (proto, "TCP") != 0)
        continue;
      json_array_append_new (checks, verify_check_tcp (ip, port));
      /* an HTTP port answers a GET; another may not speak HTTP at all */
      h = verify_check_http (ip, port, "/", strncmp (pname, "http", 4) == 0);
      if (json_is_null (json_object_get (h, "passed")))
        json_decref (h);
      else
        json_array_append_new (checks, h);
    }
    json_array_append_new (checks, verify_check_running (v, cname));
  }
}

static void
run_cronjob (struct verify *v, json_t *o, const char *ns, json_t *comp)
{
  json_t *ps = verify_pod_spec (o), *c, *checks = json_object_get (comp, "checks");
  size_t i;
  char cname[512], s[256];

  json_array_foreach (json_object_get (ps, "containers"), i, c) {
    struct v2c_strvec av = V2C_STRVEC_INIT;
    char *why = NULL;
    snprintf (cname, sizeof cname, "%s-cron-%s-%s", v->id, obj_name (o),
              json_string_value (json_object_get (c, "name")));
    tool_status ("running the CronJob '%s'", obj_name (o));
    base_args (v, &av, cname);
    snprintf (s, sizeof s, "--network=%s", v->net);
    v2c_strvec_push (&av, s);
    host_args (v, ns, &av);
    if (verify_container_args (v, obj_name (o), obj_kind (o), ps, c, &av, &why) == -1) {
      json_array_append_new (checks, fail_check ("cronjob", cname, why));
      free (why);
    } else
      json_array_append_new (checks, run_once (v, "cronjob", cname, &av));
    v2c_strvec_clear (&av);
  }
}

/* the names a podman listing command prints, one a line */
static void
each_listed (struct v2c_strvec *names, const char *a1, const char *a2,
             const char *a3, const char *a4, const char *a5)
{
  struct v2c_strbuf out = V2C_STRBUF_INIT;
  char *p, *nl;

  if (verify_runl (&out, 60, "podman", a1, a2, a3, a4, a5, NULL) == 0 && out.s)
    for (p = out.s; *p; p = nl + 1) {
      nl = strchr (p, '\n');
      if (nl == NULL)
        nl = p + strlen (p) - 1;
      else
        *nl = '\0';
      if (*p)
        v2c_strvec_push (names, p);
    }
  v2c_strbuf_release (&out);
}

static int
removed (const char *name, int rc)
{
  if (rc != 0)
    tool_verbose ("can't remove '%s'", name);
  return rc != 0;
}

/* VOLUMES_NONE: all but the PVCs' volumes */
enum { VOLUMES_MADE, VOLUMES_ALL, VOLUMES_NONE };

/* Remove the run's containers, pods, network, images and volumes
 * (those this run made, all, or none). */
static int
cleanup (struct verify *v, int volumes)
{
  struct v2c_strvec l = V2C_STRVEC_INIT;
  char filter[128], prefix[128];
  int bad = 0;

  verify_cleaning = volumes != VOLUMES_NONE;
  snprintf (filter, sizeof filter, "label=v2c.verify=%s", v->id);
  tool_status ("removing what v2c-verify made");
  each_listed (&l, "pod", "ps", "-q", "--filter", filter);
  for (size_t i = 0; i < l.n; i++)
    bad |= removed (l.v[i], verify_runl (NULL, 120, "podman", "pod", "rm", "-f", "-t0", l.v[i], NULL));
  v2c_strvec_clear (&l);
  each_listed (&l, "ps", "-aq", "--filter", filter, "--no-trunc");
  for (size_t i = 0; i < l.n; i++)
    bad |= removed (l.v[i], verify_runl (NULL, 120, "podman", "rm", "-f", "-v", "-t0", l.v[i], NULL));
  v2c_strvec_clear (&l);
  if (verify_runl (NULL, 60, "podman", "network", "exists", v->net, NULL) == 0)
    bad |= removed (v->net, verify_runl (NULL, 60, "podman", "network", "rm", "-f", v->net, NULL));
  if (volumes == VOLUMES_ALL)
    each_listed (&l, "volume", "ls", "-q", "--filter", filter);
  else if (volumes == VOLUMES_NONE) {
    /* but the emptyDirs: a new pod has new ones */
    char tmpv[128];
    snprintf (tmpv, sizeof tmpv, "%s-tmp-", v->id);
    each_listed (&l, "volume", "ls", "-q", "--filter", filter);
    for (size_t i = 0; i < l.n; i++)
      if (strncmp (l.v[i], tmpv, strlen (tmpv)) == 0)
        bad |= removed (l.v[i], verify_runl (NULL, 60, "podman", "volume", "rm", "-f", l.v[i], NULL));
    v2c_strvec_clear (&l);
  } else
    for (size_t i = 0; i < v->made_volumes.n; i++)
      v2c_strvec_push (&l, v->made_volumes.v[i]);
  for (size_t i = 0; i < l.n; i++)
    bad |= removed (l.v[i], verify_runl (NULL, 60, "podman", "volume", "rm", "-f", l.v[i], NULL));
  v2c_strvec_clear (&l);
  snprintf (prefix, sizeof prefix, "localhost/%s/", v->id);
  each_listed (&l, "images", "--format", "{{.Repository}}:{{.Tag}}", NULL, NULL);
  for (size_t i = 0; i < l.n; i++)
    if (strncmp (l.v[i], prefix, strlen (prefix)) == 0)
      bad |= removed (l.v[i], verify_runl (NULL, 60, "podman", "rmi", "-f", l.v[i], NULL));
  v2c_strvec_clear (&l);
  return bad ? -1 : 0;
}

static int
rm_tree (const char *dir)
{
  return verify_runl (NULL, 60, "rm", "-rf", "--", dir, NULL);
}

/* containers.conf of v2c-verify's own: podman 4.3 with runc on cgroup
 * v1 fails to start any container ("error setting rlimit type 7")
 * unless nofile and nproc fit in the hard limits of this process */
static int
write_conf (struct verify *v)
{
  struct rlimit nofile, nproc;
  char path[4096];
  FILE *f;

  if (getrlimit (RLIMIT_NOFILE, &nofile) == -1 || getrlimit (RLIMIT_NPROC, &nproc) == -1)
    return -1;
  /* nproc at this process's own hard limit still failed here (Debian
   * 12, podman 4.3.1); 4096 processes are plenty for one container */
  if (nofile.rlim_cur == RLIM_INFINITY || nofile.rlim_cur > 1048576)
    nofile.rlim_cur = 1048576;
  if (nproc.rlim_cur == RLIM_INFINITY || nproc.rlim_cur > 4096)
    nproc.rlim_cur = 4096;
  snprintf (path, sizeof path, "%s/containers.conf", v->tmp);
  f = fopen (path, "we");
  if (f == NULL)
    return -1;
  fprintf (f, "[containers]\ndefault_ulimits = [\"nofile=%llu:%llu\", \"nproc=%llu:%llu\"]\n",
           (unsigned long long) nofile.rlim_cur, (unsigned long long) nofile.rlim_cur,
           (unsigned long long) nproc.rlim_cur, (unsigned long long) nproc.rlim_cur);
  if (fclose (f) != 0)
    return -1;
  return setenv ("CONTAINERS_CONF", path, 1);
}

static void
print_services (struct verify *v, json_t *ports)
{
  const char *k;
  json_t *ip;

  printf ("left running (remove with: v2c-verify --down DIR):\n");
  printf ("  network %s\n", v->net);
  json_object_foreach (v->hosts, k, ip) {
    json_t *p;
    size_t i;
    json_array_foreach (json_object_get (ports, k), i, p)
      printf ("  Service %s: %s:%lld\n", k, json_string_value (ip),
              (long long) json_integer_value (p));
  }
}

/* Services: each name to the IP of the workload its selector picks,
 * each port to the container port its targetPort names */
static void
map_services (struct verify *v, json_t *workloads, json_t *ips, json_t *ports)
{
  size_t i, j, k;
  json_t *o, *w, *p;

  json_array_foreach (v->objects, i, o) {
    json_t *sel = json_object_get (json_object_get (o, "spec"), "selector");
    if (strcmp (obj_kind (o), "Service") != 0)
      continue;
    json_array_foreach (workloads, j, w) {
      json_t *ps = verify_pod_spec (w), *pl;
      if (!labels_match (sel, template_labels (w)))
        continue;
      pl = json_array ();
      json_object_set (v->hosts, obj_name (o), json_array_get (ips, j));
      json_array_foreach (json_object_get (json_object_get (o, "spec"), "ports"), k, p) {
        json_t *t = json_object_get (p, "targetPort");
        long n = -1;
        size_t ci;
        json_t *c;
        if (t == NULL)
          t = json_object_get (p, "port");
        json_array_foreach (json_object_get (ps, "containers"), ci, c)
          if (n < 0)
            n = verify_port (c, t);
        if (n > 0)
          json_array_append_new (pl, json_integer (n));
      }
      json_object_set_new (ports, obj_name (o), pl);
      break;
    }
  }
}

/* Load the images, start every workload and check it, run the
 * CronJobs: one component each in comps.  -1 when the run could not be
 * made (after the error); *net_made once the network exists. */
static int
run_all (struct verify *v, const char *dir, json_t *index, const char *ns,
         json_t *comps, json_t *ports, int *net_made)
{
  json_t *workloads = json_array (), *ips = json_array (), *o;
  char prefix[32];
  size_t i;
  int r = -1;

  /* the images of every workload */
  json_array_foreach (v->objects, i, o) {
    json_t *ps = verify_pod_spec (o), *ct;
    size_t j;
    if (ps == NULL)
      continue;
    json_array_foreach (json_object_get (ps, "initContainers"), j, ct)
      if (load_image (v, dir, index, json_string_value (json_object_get (ct, "image")) ?: "") == -1)
        goto out;
    json_array_foreach (json_object_get (ps, "containers"), j, ct)
      if (load_image (v, dir, index, json_string_value (json_object_get (ct, "image")) ?: "") == -1)
        goto out;
    /* image volumes (an AI server's models): images of the layout too */
    json_array_foreach (json_object_get (ps, "volumes"), j, ct)
      if (json_object_get (ct, "image")
          && load_image (v, dir, index, json_string_value (json_object_get (
                                            json_object_get (ct, "image"),
                                            "reference")) ?: "") == -1)
        goto out;
    if (strcmp (obj_kind (o), "Deployment") == 0
        || strcmp (obj_kind (o), "StatefulSet") == 0)
      json_array_append (workloads, o);
  }
  if (tool_interrupted || create_network (v, prefix, sizeof prefix) == -1)
    goto out;
  *net_made = 1;
  json_array_foreach (workloads, i, o) {
    char ip[32];
    snprintf (ip, sizeof ip, "%s%zu", prefix, 10 + i);
    json_array_append_new (ips, json_string (ip));
  }
  map_services (v, workloads, ips, ports);
  json_array_foreach (workloads, i, o) {
    json_t *comp = json_pack ("{s:s,s:s,s:s,s:[]}", "name", obj_name (o),
                              "kind", obj_kind (o), "ip",
                              json_string_value (json_array_get (ips, i)), "checks");
    json_array_append_new (comps, comp);
    if (tool_interrupted)
      goto out;
    tool_status ("starting '%s'", obj_name (o));
    start_workload (v, o, ns, json_string_value (json_array_get (ips, i)), comp);
  }
  json_array_foreach (workloads, i, o)
    if (!tool_interrupted)
      check_workload (v, o, json_string_value (json_array_get (ips, i)),
                      json_array_get (comps, i));
  json_array_foreach (v->objects, i, o)
    if (!tool_interrupted && (strcmp (obj_kind (o), "CronJob") == 0
                              || strcmp (obj_kind (o), "Job") == 0)) {
      json_t *comp = json_pack ("{s:s,s:s,s:[]}", "name", obj_name (o),
                                "kind", obj_kind (o), "checks");
      json_array_append_new (comps, comp);
      run_cronjob (v, o, ns, comp);
    }
  r = 0;
out:
  json_decref (ips);
  json_decref (workloads);
  return r;
}

/* each component's verdict; the number that failed */
static int
summarise (json_t *comps)
{
  json_t *o;
  size_t i;
  int failed = 0;

  json_array_foreach (comps, i, o) {
    json_t *ck;
    size_t j;
    int ok = json_array_size (json_object_get (o, "checks")) > 0;
    json_array_foreach (json_object_get (o, "checks"), j, ck)
      if (json_is_false (json_object_get (ck, "passed")))
        ok = 0;
    json_object_set_new (o, "passed", json_boolean (ok));
    if (!ok) {
      failed++;
      tool_status ("%s", "");
      if (!opts.quiet)
        fprintf (stderr, "%s: component '%s' failed\n", program_name,
                 json_string_value (json_object_get (o, "name")));
    }
  }
  return failed;
}

/* The report's "Verified" section from doc (verify.json): each
 * component with its result and the evidence that decided it. */
static json_t *
verified_section (json_t *doc)
{
  json_t *cs = json_array (), *o, *ck;
  size_t i, j;

  json_array_foreach (json_object_get (doc, "components"), i, o) {
    int ok = json_is_true (json_object_get (o, "passed"));
    char ev[400] = "";
    json_array_foreach (json_object_get (o, "checks"), j, ck) {
      const char *t = json_string_value (json_object_get (ck, "target")) ?: "";
      const char *chk = json_string_value (json_object_get (ck, "check")) ?: "";
      const char *why = json_string_value (json_object_get (ck, "detail"));
      if (ok && json_object_get (ck, "http_status"))
        snprintf (ev, sizeof ev, "HTTP %lld from %s",
                  (long long) json_integer_value (json_object_get (ck, "http_status")), t);
      else if (ok && *ev == '\0' && json_object_get (ck, "exit_code"))
        snprintf (ev, sizeof ev, "%s: exit 0", chk);
      else if (ok && *ev == '\0')
        snprintf (ev, sizeof ev, "%s %s: %s", chk, t, why ? why : "passed");
      else if (!ok && json_is_false (json_object_get (ck, "passed"))) {
        json_t *ec = json_object_get (ck, "exit_code");
        snprintf (ev, sizeof ev, "%s %s failed: %s%s%lld", chk, t,
                  why ? why : "", ec ? (why ? ", exit code " : "exit code ") : "",
                  (long long) json_integer_value (ec));
        if (ec == NULL)  /* no exit code: drop the "0" */
          ev[strlen (ev) - 1] = '\0';
        break;
      }
    }
    json_array_append_new (cs, json_pack ("{s:O,s:O,s:s,s:s}", "name",
                                          json_object_get (o, "name"), "kind",
                                          json_object_get (o, "kind"), "result",
                                          ok ? "pass" : "fail", "evidence", ev));
  }
  return json_pack ("{s:O,s:O,s:o}", "passed", json_object_get (doc, "passed"),
                    "started", json_object_get (doc, "started"), "components", cs);
}

/* DIR/report.* again, with the "Verified" section (when DIR has a
 * report) */
static int
update_report (const char *dir, json_t *doc)
{
  char path[4096];
  json_error_t jerr;
  struct v2c_err err = { 0, "" };
  json_t *report;
  int r;

  snprintf (path, sizeof path, "%s/report.json", dir);
  if (access (path, F_OK) != 0)
    return 0;
  report = tool_load_json (path, &jerr);
  if (report == NULL) {
    tool_error ("can't read '%s': %s", path, jerr.text);
    return -1;
  }
  json_object_set_new (report, "verified", verified_section (doc));
  r = v2c_report_write (report, dir, &err);
  if (r == -1)
    tool_error ("%s", err.msg);
  json_decref (report);
  return r;
}

/* the run's id: a hash (FNV-1a) of DIR's absolute path, the same for
 * every run of DIR, so that --down and a later run find a --keep run's
 * objects */
static void
set_id (struct verify *v, const char *dir)
{
  unsigned long h = 2166136261u;

  for (const char *p = dir; *p; p++)
    h = ((h ^ (unsigned char) *p) * 16777619u) & 0xffffffffu;
  snprintf (v->id, sizeof v->id, "v2c-verify-%08lx", h);
  snprintf (v->net, sizeof v->net, "%s", v->id);
  tool_verbose ("run '%s' (every name it makes starts with it)", v->id);
}

/* A VM's DIR (the plan's target is vm) has nothing to run here: -1,
 * said, rather than a pass with nothing run. */
static int
refuse_vm (struct verify *v, const char *dir)
{
  json_t *o;
  size_t i;

  json_array_foreach (v->objects, i, o)
    if (strcmp (json_string_value (json_object_get (o, "kind")) ?: "",
                "VirtualMachine") == 0) {
      tool_error ("'%s/k8s' has a VirtualMachine (the plan's target is vm): "
                  "v2c-verify runs container workloads only; the VM is not "
                  "verified",
                  dir);
      return -1;
    }
  return 0;
}

int
main (int argc, char **argv)
{
  static const struct option long_opts[]
      = { COMMON_LONG_OPTS,
          { "secrets", required_argument, NULL, OPT_SECRETS },
          { "keep", no_argument, NULL, OPT_KEEP },
          { "down", no_argument, NULL, OPT_DOWN },
          { "timeout", required_argument, NULL, OPT_TIMEOUT },
          { NULL, 0, NULL, 0 } };
  struct verify v = { .timeout = 60, .secret_values = V2C_STRVEC_INIT,
                      .made_volumes = V2C_STRVEC_INIT };
  const char *secrets_file = NULL, *ns = "default";
  char *dir = NULL, path[4096];
  json_t *given = json_object (), *counts = json_pack ("{s:i,s:i}", "from_file", 0, "generated", 0);
  json_t *index = NULL;
  json_t *comps = json_array (), *kust = NULL, *doc = NULL, *ports = json_object ();
  int c, keep = 0, down = 0, status = EXIT_FAIL, net_made = 0, failed = 0;
  double t0 = tool_now ();
  time_t now = time (NULL);
  char started[32];

  tool_init (argc, argv);
  while ((c = tool_getopt (argc, argv, "vqhV", long_opts, usage)) != -1)
    switch (c) {
    case OPT_SECRETS:
      secrets_file = optarg;
      break;
    case OPT_KEEP:
      keep = 1;
      break;
    case OPT_DOWN:
      down = 1;
      break;
    case OPT_TIMEOUT: {
      char *end;
      v.timeout = strtod (optarg, &end);
      if (*end || v.timeout <= 0 || v.timeout > 86400) {
        tool_error ("--timeout: '%s' is not a number of seconds", optarg);
        tool_try_help ();
      }
      break;
    }
    default:
      tool_try_help ();
    }
  if (opts.output || opts.uri || opts.domain || opts.templates) {
    tool_error ("v2c-verify takes DIR only (no -o, -c, -d or --templates)");
    tool_try_help ();
  }
  if (optind != argc - 1) {
    tool_error ("give one DIR, the output of v2c-convert");
    tool_try_help ();
  }
  if (down && (keep || secrets_file)) {
    tool_error ("--down takes no other option");
    tool_try_help ();
  }
  dir = realpath (argv[optind], NULL);
  if (dir == NULL) {
    tool_error ("'%s': %s", argv[optind], strerror (errno));
    goto end;
  }
  set_id (&v, dir);
  v.objects = json_array ();
  v.images = json_object ();
  v.secrets = json_object ();
  v.hosts = json_object ();
  if (down) {
    status = cleanup (&v, VOLUMES_ALL) == 0 ? EXIT_OK : EXIT_FAIL;
    tool_status ("%s", "");
    goto end;
  }
  if (secrets_file && verify_read_secrets (secrets_file, given) == -1)
    goto end;
  if (load_objects (&v, dir) == -1 || refuse_vm (&v, dir) == -1)
    goto end;
  snprintf (path, sizeof path, "%s/image/index.json", dir);
  index = tool_read_json (path, "image index");
  if (index == NULL)
    goto end;
  snprintf (path, sizeof path, "%s/k8s/kustomization.yaml", dir);
  {
    struct v2c_err err = { 0, "" };
    kust = v2c_yaml_load_file (path, &err);
    if (json_string_value (json_object_get (kust, "namespace")))
      ns = json_string_value (json_object_get (kust, "namespace"));
  }
  if (verify_fill_secrets (&v, given, counts) == -1)
    goto end;
  verify_current = &v;
  snprintf (path, sizeof path, "/var/tmp/v2c-verify.XXXXXX");
  if (mkdtemp (path) == NULL || (v.tmp = strdup (path)) == NULL
      || write_conf (&v) == -1) {
    tool_error ("can't make a temporary directory: %s", strerror (errno));
    goto end;
  }
  tool_catch_signals (0);
  /* what a --keep run of DIR left but its volumes, which this run uses
   * as they are */
  cleanup (&v, VOLUMES_NONE);
  curl_global_init (CURL_GLOBAL_DEFAULT);
  if (run_all (&v, dir, index, ns, comps, ports, &net_made) == -1)
    goto cleanup;
  if (tool_interrupted) {
    tool_error ("interrupted");
    goto cleanup;
  }
  failed = summarise (comps);
  strftime (started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", gmtime (&now));
  doc = json_pack ("{s:s,s:s,s:s,s:b,s:f,s:O,s:O}", "schema", "v2c.verify/1",
                   "started", started, "engine", "podman", "passed", failed == 0,
                   "duration_s", (double) (long) ((tool_now () - t0) * 10) / 10,
                   "secrets", counts, "components", comps);
  snprintf (path, sizeof path, "%s/verify.json", dir);
  if (tool_write_json (doc, path) == -1 || update_report (dir, doc) == -1)
    goto cleanup;
  tool_verbose ("'%s': %zu components, %d failed", path, json_array_size (comps), failed);
  status = failed ? EXIT_FAIL : EXIT_OK;
  if (keep && !tool_interrupted) {
    tool_status ("%s", "");
    print_services (&v, ports);
    goto end;
  }
cleanup:
  if (net_made || json_object_size (v.images) || v.made_volumes.n)
    if (cleanup (&v, VOLUMES_MADE) == -1)
      tool_warning ("some of what v2c-verify made could not be removed (v2c-verify --down)");
  tool_status ("%s", "");
end:
  if (v.tmp) {
    rm_tree (v.tmp);
    free (v.tmp);
  }
  json_decref (doc);
  json_decref (kust);
  json_decref (comps);
  json_decref (ports);
  json_decref (index);
  json_decref (given);
  json_decref (counts);
  json_decref (v.objects);
  json_decref (v.images);
  json_decref (v.secrets);
  json_decref (v.hosts);
  v2c_strvec_clear (&v.secret_values);
  v2c_strvec_clear (&v.made_volumes);
  free (dir);
  return status;
}
