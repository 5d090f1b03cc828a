/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * A container of a pod template as the arguments of 'podman run':
 * command and args, env (valueFrom resolved), workingDir, user and
 * group, capabilities, readOnlyRootFilesystem, no-new-privileges, and
 * its volumes: ConfigMap and Secret items become files of v2c-verify's
 * temporary directory bind-mounted read-only (one file for a subPath),
 * emptyDir and PVCs podman volumes named after the run, an image volume
 * podman's read-only image mount of the image v2c-verify loaded.
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "options.h"
#include "verify.h"

json_t *
verify_pod_spec (json_t *obj)
{
  const char *kind = json_string_value (json_object_get (obj, "kind"));
  json_t *spec = json_object_get (obj, "spec");

  if (kind == NULL)
    return NULL;
  if (strcmp (kind, "CronJob") == 0)
    spec = json_object_get (json_object_get (spec, "jobTemplate"), "spec");
  else if (strcmp (kind, "Deployment") != 0
           && strcmp (kind, "StatefulSet") != 0 && strcmp (kind, "Job") != 0)
    return NULL;
  return json_object_get (json_object_get (spec, "template"), "spec");
}

static json_t *
find_object (struct verify *v, const char *kind, const char *name)
{
  size_t i;
  json_t *o;

  json_array_foreach (v->objects, i, o) {
    const char *k = json_string_value (json_object_get (o, "kind"));
    const char *n = json_string_value (
        json_object_get (json_object_get (o, "metadata"), "name"));
    if (k && n && name && strcmp (k, kind) == 0 && strcmp (n, name) == 0)
      return o;
  }
  return NULL;
}

/* The value of key of ConfigMap or Secret name; NULL if none. */
static const char *
lookup (struct verify *v, int secret, const char *name, const char *key)
{
  if (secret) {
    char k[512];
    snprintf (k, sizeof k, "%s/%s", name ? name : "", key ? key : "");
    return json_string_value (json_object_get (v->secrets, k));
  }
  return json_string_value (json_object_get (
      json_object_get (find_object (v, "ConfigMap", name), "data"), key));
}

long
verify_port (json_t *c, json_t *port)
{
  size_t i;
  json_t *p;

  if (json_is_integer (port))
    return (long) json_integer_value (port);
  json_array_foreach (json_object_get (c, "ports"), i, p) {
    const char *n = json_string_value (json_object_get (p, "name"));
    if (n && json_is_string (port) && strcmp (n, json_string_value (port)) == 0)
      return (long) json_integer_value (json_object_get (p, "containerPort"));
  }
  return -1;
}

static int
pushf (struct v2c_strvec *av, const char *fmt, ...)
{
  char *s = NULL;
  va_list ap;
  int r;

  va_start (ap, fmt);
  r = vasprintf (&s, fmt, ap);
  va_end (ap);
  if (r == -1)
    return -1;
  r = v2c_strvec_push (av, s);
  free (s);
  return r;
}

/* securityContext field of the container, else of the pod */
static json_t *
sc_get (json_t *ps, json_t *c, const char *field)
{
  json_t *x = json_object_get (json_object_get (c, "securityContext"), field);
  return x ? x : json_object_get (json_object_get (ps, "securityContext"),
                                  field);
}

/* Write the items of ConfigMap/Secret volume vol into dir (made). */
static int
write_items (struct verify *v, json_t *ps, json_t *vol, int secret,
             const char *dir, char **why)
{
  json_t *src = json_object_get (vol, secret ? "secret" : "configMap");
  const char *name = json_string_value (
      json_object_get (src, secret ? "secretName" : "name"));
  json_t *items = json_object_get (src, "items"), *all = NULL, *it;
  json_t *mode = json_object_get (src, "defaultMode");
  /* as the kubelet writes them: root's, in the fsGroup */
  json_t *gid = json_object_get (json_object_get (ps, "securityContext"),
                                 "fsGroup");
  size_t i;

  if (mkdir (dir, 0755) == -1 && errno != EEXIST) {
    asprintf (why, "can't create '%s': %s", dir, strerror (errno));
    return -1;
  }
  if (items == NULL) {
    /* every key: of the Secret's filled values or the ConfigMap's data */
    const char *k;
    json_t *val;
    all = json_array ();
    if (secret) {
      char pre[512];
      size_t pl = (size_t) snprintf (pre, sizeof pre, "%s/", name ? name : "");
      json_object_foreach (v->secrets, k, val)
        if (strncmp (k, pre, pl) == 0)
          json_array_append_new (all, json_pack ("{s:s,s:s}", "key", k + pl,
                                                 "path", k + pl));
    } else
      json_object_foreach (json_object_get (
                               find_object (v, "ConfigMap", name), "data"),
                           k, val)
        json_array_append_new (all, json_pack ("{s:s,s:s}", "key", k,
                                               "path", k));
    items = all;
  }
  json_array_foreach (items, i, it) {
    const char *key = json_string_value (json_object_get (it, "key"));
    const char *path = json_string_value (json_object_get (it, "path"));
    const char *val = lookup (v, secret, name, key);
    json_t *m = json_object_get (it, "mode");
    char *file = NULL;
    int fd;

    if (val == NULL || path == NULL || strchr (path, '/')) {
      asprintf (why, "%s '%s' has no key '%s'",
                secret ? "Secret" : "ConfigMap", name ? name : "",
                key ? key : "");
      json_decref (all);
      return -1;
    }
    if (asprintf (&file, "%s/%s", dir, path) == -1)
      break;
    fd = open (file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    free (file);
    if (fd == -1 || write (fd, val, strlen (val)) != (ssize_t) strlen (val)
        || fchmod (fd, m ? (mode_t) json_integer_value (m)
                       : mode ? (mode_t) json_integer_value (mode) : 0644)
               == -1
        || fchown (fd, 0, gid ? (gid_t) json_integer_value (gid) : 0) == -1) {
      asprintf (why, "can't write the file '%s' of volume '%s': %s", path,
                json_string_value (json_object_get (vol, "name")),
                strerror (errno));
      if (fd != -1)
        close (fd);
      json_decref (all);
      return -1;
    }
    close (fd);
  }
  json_decref (all);
  return 0;
}

/* The podman volume of a PVC, a volumeClaimTemplate or an emptyDir. */
static void
volume_name (struct verify *v, const char *workload, const char *kind,
             json_t *ps, const char *vname, char *out, size_t size)
{
  json_t *vol, *claim;
  size_t i;

  json_array_foreach (json_object_get (ps, "volumes"), i, vol) {
    if (strcmp (json_string_value (json_object_get (vol, "name")), vname))
      continue;
    claim = json_object_get (json_object_get (vol, "persistentVolumeClaim"),
                             "claimName");
    if (claim) {
      snprintf (out, size, "%s-pvc-%s", v->id, json_string_value (claim));
      return;
    }
    snprintf (out, size, "%s-tmp-%s-%s", v->id, workload, vname);
    return;
  }
  /* a volumeClaimTemplate: the claim CLAIM-STS-0 */
  snprintf (out, size, "%s-pvc-%s-%s-0", v->id, vname, workload);
  (void) kind;
}

static int
volume_args (struct verify *v, const char *workload, const char *kind,
             json_t *ps, json_t *c, struct v2c_strvec *av, char **why)
{
  json_t *m, *vol;
  size_t i, j;
  int nonroot = sc_get (ps, c, "runAsUser") != NULL;

  json_array_foreach (json_object_get (c, "volumeMounts"), i, m) {
    const char *vname = json_string_value (json_object_get (m, "name"));
    const char *path = json_string_value (json_object_get (m, "mountPath"));
    const char *sub = json_string_value (json_object_get (m, "subPath"));
    int ro = json_is_true (json_object_get (m, "readOnly"));
    json_t *found = NULL;
    char dir[4096], name[256];

    json_array_foreach (json_object_get (ps, "volumes"), j, vol)
      if (vname && strcmp (vname, json_string_value (
                                      json_object_get (vol, "name"))) == 0)
        found = vol;
    if (found && (json_object_get (found, "configMap")
                  || json_object_get (found, "secret"))) {
      int secret = json_object_get (found, "secret") != NULL;
      snprintf (dir, sizeof dir, "%s/%s-%s", v->tmp, workload, vname);
      if (write_items (v, ps, found, secret, dir, why) == -1)
        return -1;
      if (pushf (av, "--mount=type=bind,src=%s%s%s,dst=%s,ro", dir,
                 sub ? "/" : "", sub ? sub : "", path) == -1)
        return -1;
      continue;
    }
    if (found && json_object_get (found, "image")) {
      const char *ref = json_string_value (json_object_get (
          json_object_get (found, "image"), "reference"));
      const char *local = json_string_value (json_object_get (v->images, ref ?: ""));

      if (local == NULL) {
        asprintf (why, "volume '%s': its image '%s' is not loaded", vname,
                  ref ? ref : "");
        return -1;
      }
      if (pushf (av, "--mount=type=image,src=%s,dst=%s", local, path) == -1)
        return -1;
      continue;
    }
    if (found && json_object_get (found, "hostPath")) {
      asprintf (why, "volume '%s' is a hostPath: not run by v2c-verify", vname);
      return -1;
    }
    if (found && !json_object_get (found, "emptyDir")
        && !json_object_get (found, "persistentVolumeClaim")) {
      asprintf (why, "volume '%s': this kind of volume is not run by v2c-verify",
                vname);
      return -1;
    }
    volume_name (v, workload, kind, ps, vname, name, sizeof name);
    if (v2c_strvec_find (&v->made_volumes, name) < 0) {
      struct v2c_strbuf out = V2C_STRBUF_INIT;
      /* a volume of an earlier --keep run of this DIR is used as it is */
      if (verify_runl (NULL, 30, "podman", "volume", "exists", name, NULL) != 0) {
        char label[128];
        snprintf (label, sizeof label, "v2c.verify=%s", v->id);
        if (verify_runl (&out, 60, "podman", "volume", "create", "--label",
                         label, name, NULL) != 0) {
          asprintf (why, "can't create the volume '%s': %s", name,
                    out.s ? out.s : "");
          v2c_strbuf_release (&out);
          return -1;
        }
        v2c_strvec_push (&v->made_volumes, name);
      } else
        tool_verbose ("reusing the volume '%s'", name);
      v2c_strbuf_release (&out);
    }
    /* the pod's user owns its volumes, as fsGroup makes them writable */
    if (pushf (av, "-v%s:%s%s%s%s", name, path, ro || nonroot ? ":" : "",
               ro ? "ro" : "", nonroot ? (ro ? ",U" : "U") : "") == -1)
      return -1;
  }
  return 0;
}

/* -e NAME=VALUE of c's env and envFrom */
static int
env_args (struct verify *v, json_t *c, struct v2c_strvec *av, char **why)
{
  json_t *e, *from;
  size_t i;

  json_array_foreach (json_object_get (c, "envFrom"), i, from) {
    json_t *ref = json_object_get (from, "secretRef");
    int secret = ref != NULL;
    const char *name, *k;
    json_t *val;
    if (!secret)
      ref = json_object_get (from, "configMapRef");
    name = json_string_value (json_object_get (ref, "name"));
    if (secret) {
      char pre[512];
      size_t pl = (size_t) snprintf (pre, sizeof pre, "%s/", name ? name : "");
      json_object_foreach (v->secrets, k, val)
        if (strncmp (k, pre, pl) == 0)
          pushf (av, "-e%s=%s", k + pl, json_string_value (val));
    } else
      json_object_foreach (json_object_get (
                               find_object (v, "ConfigMap", name), "data"),
                           k, val)
        pushf (av, "-e%s=%s", k, json_string_value (val));
  }
  json_array_foreach (json_object_get (c, "env"), i, e) {
    const char *name = json_string_value (json_object_get (e, "name"));
    const char *val = json_string_value (json_object_get (e, "value"));
    json_t *vf = json_object_get (e, "valueFrom");
    if (vf) {
      json_t *ref = json_object_get (vf, "secretKeyRef");
      int secret = ref != NULL;
      if (!secret)
        ref = json_object_get (vf, "configMapKeyRef");
      val = lookup (v, secret,
                    json_string_value (json_object_get (ref, "name")),
                    json_string_value (json_object_get (ref, "key")));
      if (val == NULL && !json_is_true (json_object_get (ref, "optional"))) {
        asprintf (why, "env '%s': no such %s key", name ? name : "",
                  secret ? "Secret" : "ConfigMap");
        return -1;
      }
    }
    if (name && val && pushf (av, "-e%s=%s", name, val) == -1)
      return -1;
  }
  return 0;
}

int
verify_container_args (struct verify *v, const char *workload,
                       const char *kind, json_t *ps, json_t *c,
                       struct v2c_strvec *av, char **why)
{
  json_t *cmd = json_object_get (c, "command"), *x, *caps;
  json_t *uid = sc_get (ps, c, "runAsUser"), *gid = sc_get (ps, c, "runAsGroup");
  const char *image = json_string_value (json_object_get (c, "image"));
  const char *local = json_string_value (json_object_get (v->images, image ? image : ""));
  size_t i;

  if (local == NULL) {
    asprintf (why, "image '%s' is not in DIR/image", image ? image : "");
    return -1;
  }
  if (env_args (v, c, av, why) == -1
      || volume_args (v, workload, kind, ps, c, av, why) == -1)
    return -1;
  x = json_object_get (c, "workingDir");
  if (x)
    pushf (av, "--workdir=%s", json_string_value (x));
  if (uid && gid)
    pushf (av, "--user=%lld:%lld", (long long) json_integer_value (uid),
           (long long) json_integer_value (gid));
  else if (uid)
    pushf (av, "--user=%lld", (long long) json_integer_value (uid));
  json_array_foreach (json_object_get (json_object_get (ps, "securityContext"),
                                      "supplementalGroups"), i, x)
    pushf (av, "--group-add=%lld", (long long) json_integer_value (x));
  caps = json_object_get (json_object_get (c, "securityContext"), "capabilities");
  json_array_foreach (json_object_get (caps, "drop"), i, x)
    pushf (av, "--cap-drop=%s", json_string_value (x));
  json_array_foreach (json_object_get (caps, "add"), i, x)
    pushf (av, "--cap-add=%s", json_string_value (x));
  if (json_is_true (sc_get (ps, c, "readOnlyRootFilesystem")))
    v2c_strvec_push (av, "--read-only");
  x = sc_get (ps, c, "allowPrivilegeEscalation");
  if (x && json_is_false (x))
    v2c_strvec_push (av, "--security-opt=no-new-privileges");
  if (json_is_true (sc_get (ps, c, "privileged")))
    v2c_strvec_push (av, "--privileged");
  /* command replaces the image's ENTRYPOINT (as in Kubernetes), not
   * only its CMD: given as podman's arguments it would reach the
   * entrypoint as arguments, which may ignore them and run the app */
  if (cmd) {
    char *s = json_dumps (cmd, JSON_COMPACT);
    pushf (av, "--entrypoint=%s", s);
    free (s);
  }
  v2c_strvec_push (av, local);
  json_array_foreach (json_object_get (c, "args"), i, x)
    v2c_strvec_push (av, json_string_value (x));
  return 0;
}
