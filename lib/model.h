/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The typed plan ("v2c.plan/1", docs/plan.schema.json) and inventory
 * ("v2c.inventory/1", docs/inventory.schema.json) as C structs, each
 * with its one validating loader and its one writer (lib/model-plan.c,
 * lib/model-inventory.c, on the table-driven engine of
 * lib/model-load.c and lib/model-write.c).  JSON exists only where a plan is
 * read or written: the planner builds struct v2c_plan, and the stages
 * after it work on it.
 *
 * Every string is owned by the struct (a NUL-free copy); a nullable
 * string or object is NULL when the document has null; a nullable
 * integer is a struct v2c_nint.  Enumerations keep their JSON text
 * (kind "StatefulSet", protocol "tcp", ...), already checked to be one
 * of the schema's values.  Not installed.
 */
#ifndef V2C_MODEL_H
#define V2C_MODEL_H

#include <jansson.h>
#include <stdint.h>

#include "strbuf.h"
#include "v2c-internal.h"

/* An integer that may be null (set == 0). */
struct v2c_nint {
  int64_t v;
  int set;
};

/* An ordered map of strings (a component's env). */
struct v2c_pair {
  char *name, *value;
};
struct v2c_pairs {
  struct v2c_pair *v;
  size_t n;
};

/* ------------------------------------------------------------------ */
/* The image                                                           */

struct v2c_plan_layer {
  char *name; /* os, config, app (split) or rootfs (single) */
  struct v2c_strvec includes, excludes;
};

struct v2c_plan_exclude {
  char *pattern, *what, *reason; /* what: all, contents, files */
};

/* A data volume's content as v2c-convert copied it from the guest
 * (absent until then): DIR/ARCHIVE and where the data image holds it. */
struct v2c_plan_volume_data {
  char *name;         /* the pvc volume's name */
  char *archive;      /* "data/NAME.tar.zst"; NULL when not written */
  char *sha256;       /* of the archive, 64 hex; NULL with it */
  int64_t size;       /* of the archive; bytes of file data when none */
  char *seed;         /* "/v2c-data/NAME" in the data image; NULL: none */
  /* an image volume's (--models oci): the ref name of its OCI image in
   * the layout and the digest of its manifest; NULL for the others */
  char *image_ref, *image_manifest;
  int64_t uid, gid, mode; /* of the volume root */
};

struct v2c_plan_data_volume {
  char *path, *service; /* service may be NULL */
  struct v2c_nint used_bytes;
  char *reason;
  struct v2c_plan_volume_data *data; /* NULL until copied */
};

struct v2c_plan_secret_file {
  uint64_t has;
  char *path;
  struct v2c_strvec kinds;
  int64_t mode, uid, gid; /* the file's, when has says so */
};

/* Where the inventory found a secret: never its value. */
struct v2c_plan_secret {
  uint64_t has;
  char *path, *kind;
  int64_t line;
  char *name, *fingerprint; /* NULL when none */
};

struct v2c_plan_image {
  char *strategy; /* split, single */
  struct {
    char *distro, *version; /* may be NULL */
  } base;
  char *os, *architecture;
  char *variant; /* NULL when absent */
  char *package_manager;
  struct {
    struct v2c_plan_layer *v;
    size_t n;
  } layers;
  struct {
    struct v2c_plan_exclude *v;
    size_t n;
  } excludes;
  struct {
    struct v2c_plan_data_volume *v;
    size_t n;
  } volumes;
  struct {
    struct v2c_plan_secret_file *v;
    size_t n;
  } secret_files;
  /* secret files let into the image all the same, by hand: each a
   * high-severity finding of the report */
  struct v2c_strvec allow_secret;
  /* packages whose files the image leaves out (the GPU driver's): the
   * image's dpkg database does not list them either, nor does its SBOM */
  struct v2c_strvec left_out_packages;
  /* the data image of the seeded volumes (v2c-convert --data), in the
   * same layout: its ref name and manifest digest; the shell its
   * initContainers run ("/bin/sh", or "/bin/busybox" for its applets) */
  char *data_ref, *data_manifest, *data_shell; /* NULL when none */
};

/* ------------------------------------------------------------------ */
/* Components                                                          */

struct v2c_plan_port {
  int64_t port;
  char *protocol; /* tcp, udp, sctp */
  char *name;
};

/* A supplementary group of the component's user (its /etc/group
 * membership on the VM). */
struct v2c_plan_group {
  char *name;
  int64_t gid;
};

struct v2c_plan_volume {
  char *name, *mount_path;
  char *kind;        /* pvc, emptyDir, configMap, secret, shared */
  char *size;        /* NULL for all but pvc (may be set for others) */
  char *source_path; /* configMap and secret only, else NULL */
  char *owner;       /* shared only: the component whose pvc of this
                        name and mount_path it mounts, else NULL */
};

/* A probe: tcpSocket {port} when http is NULL, else httpGet {path,
 * port}. */
struct v2c_plan_probe_target {
  int64_t port;
};
struct v2c_plan_http_target {
  char *path;
  int64_t port;
};
struct v2c_plan_probe {
  struct v2c_plan_probe_target *tcp;
  struct v2c_plan_http_target *http;
  int64_t initial_delay, period;
};

struct v2c_plan_probes {
  struct v2c_plan_probe liveness, readiness;
};

struct v2c_plan_replace {
  char *image, *advice;
};

/* The GPUs a component requests (issue 18): the extended resource of
 * the GPU nodes' device plugin and how many; the nodes it needs. */
struct v2c_plan_gpu {
  char *vendor;        /* nvidia, amd */
  char *sharing;       /* exclusive, time-slicing, mig */
  char *resource;      /* nvidia.com/gpu, nvidia.com/mig-1g.10gb, amd.com/gpu */
  int64_t count;
  char *runtime_class; /* the pod's runtimeClassName, or NULL */
  int tolerate;        /* tolerate the GPU nodes' taint (KEY:NoSchedule) */
  char *reason;
};

struct v2c_plan_component {
  char *name, *converter;
  char *kind;     /* Deployment, StatefulSet, CronJob */
  char *schedule; /* CronJob only, else NULL */
  char *service;  /* may be NULL */
  struct {
    char *kind; /* systemd, sysv, cron, timer */
    char *file; /* may be NULL */
    struct v2c_nint line;
  } source;
  struct v2c_strvec command, args;
  char *user; /* may be NULL */
  int64_t uid, gid;
  struct {
    struct v2c_plan_group *v;
    size_t n;
  } groups; /* supplementary: supplementalGroups */
  int run_as_root;
  char *working_dir; /* may be NULL */
  struct v2c_pairs env;
  struct v2c_strvec secret_env, environment_files;
  struct {
    struct v2c_plan_port *v;
    size_t n;
  } ports;
  struct {
    struct v2c_plan_volume *v;
    size_t n;
  } volumes;
  struct v2c_strvec write_paths;
  int read_only_root;
  struct v2c_strvec config_files, secret_files;
  struct v2c_plan_probes *probes; /* NULL for none */
  struct {
    struct {
      char *cpu, *memory;
    } requests;
    struct {
      char *memory;
    } limits;
  } resources;
  struct v2c_plan_replace *replace_with; /* may be NULL */
  struct v2c_strvec depends_on;
  struct v2c_plan_gpu *gpu; /* NULL: none (absent) */
};

struct v2c_plan_dropped {
  char *name, *reason;
};

/* ------------------------------------------------------------------ */
/* The target: containers, or the VM kept as a KubeVirt VM             */

struct v2c_plan_vm_disk {
  char *name;             /* disk0, disk1, ... */
  struct v2c_nint size;   /* virtual size in bytes; null: unknown */
};

struct v2c_plan_vm_nic {
  char *mac;     /* "00:50:56:..." as the VMX/OVF had it, or NULL */
  char *network; /* the VMware network's name, or NULL */
};

struct v2c_plan_vm_port {
  int64_t port;
  char *protocol; /* tcp, udp */
};

/* A GPU of a VM kept as a VM: KubeVirt's devices.gpus entry. */
struct v2c_plan_vm_gpu {
  char *name;        /* gpu0, gpu1, ... */
  char *device_name; /* the resource of KubeVirt's permittedHostDevices */
  char *pci_vendor_selector; /* "10DE:1DB4" or NULL (a vGPU) */
};

/* What v2c_plan_set_target decided (lib/target.c): absent (NULL) means
 * containers, so the plans of containerisable VMs did not change.  For
 * a VM, what its VirtualMachine needs from the inventory. */
struct v2c_plan_target {
  char *kind;     /* container, vm */
  char *reason;   /* why, in a sentence */
  char *os;       /* linux, windows; NULL (absent) for containers */
  char *firmware; /* bios, efi; NULL (absent) for containers */
  struct {
    struct v2c_plan_vm_disk *v;
    size_t n;
  } disks;
  struct {
    struct v2c_plan_vm_nic *v;
    size_t n;
  } nics;
  struct {
    struct v2c_plan_vm_port *v;
    size_t n;
  } ports; /* what the guest listened on, beyond loopback */
  struct {
    struct v2c_plan_vm_gpu *v;
    size_t n;
  } gpus; /* absent when empty */
};

struct v2c_plan {
  char *schema; /* "v2c.plan/1" */
  char *name;
  struct {
    char *vm, *format;
    char *path; /* may be NULL */
  } source;
  struct {
    struct v2c_nint cpus, memory_mib;
  } vm;
  struct v2c_plan_target *target; /* NULL: containers */
  struct v2c_plan_image image;
  struct {
    struct v2c_plan_component *v;
    size_t n;
  } components;
  char *main_component; /* may be NULL */
  struct {
    struct v2c_plan_dropped *v;
    size_t n;
  } dropped;
  struct v2c_strvec notes;
  struct {
    struct v2c_plan_secret *v;
    size_t n;
  } secrets; /* the inventory's secrets[], sorted by path and line */
};

/* Free a target (NULL is fine). */
void v2c_plan_target_free (struct v2c_plan_target *t);

/* Is the plan's target a KubeVirt VM? */
static inline int
v2c_plan_is_vm (const struct v2c_plan *plan)
{
  return plan->target && plan->target->kind
         && plan->target->kind[0] == 'v';
}

/* Load a plan document: every field checked (types, required fields,
 * enumerations, limits, the rules between fields), the first problem
 * named by its JSON path ("plan: components[2].ports[0].port: 0 is out
 * of range (1..65535)").  Members the schema does not know are ignored,
 * as they always were.  A new plan to free with v2c_plan_free, or NULL
 * with err set. */
struct v2c_plan *v2c_plan_load (const json_t *doc, struct v2c_err *err);
void v2c_plan_free (struct v2c_plan *plan);

/* The document of a plan, its members in the schema's order (what
 * v2c_json_write_file turns into the bytes of plan.json).  New
 * reference; NULL on out of memory. */
json_t *v2c_plan_to_json (const struct v2c_plan *plan);

/* The document of one component (what v2c_plan_to_json writes of it);
 * and freeing what a component holds (it is all zero again).  For the
 * planner, which builds components one by one. */
json_t *v2c_plan_component_to_json (const struct v2c_plan_component *k);
void v2c_plan_component_clear (struct v2c_plan_component *k);

/* The component named name, or NULL. */
const struct v2c_plan_component *
v2c_plan_component (const struct v2c_plan *plan, const char *name);
/* The name of the image of the image volume volume of an image whose
 * ref name is ref (the plan's name by default): REF-model-VOLUME. */
void v2c_plan_model_image_name (char *buf, size_t size, const char *ref,
                                const char *volume);
/* The image volume (--models oci) mounted at path, or NULL. */
const struct v2c_plan_volume *
v2c_plan_image_volume (const struct v2c_plan *plan, const char *path);

/* The problem of a path or pattern ("must be an absolute path", "has a
 * '..' component", ...), or NULL when it is sound. */
const char *v2c_model_path_problem (const char *p);

/* Room for a JSON path ("services[3].environment_files[1]"). */
#define V2C_MODEL_WHERE 512
/* -1 with err "DOC: WHERE: message" ("DOC: message" when where is
 * empty): how every check of a plan or inventory names what is wrong. */
int v2c_model_bad (struct v2c_err *err, const char *doc, const char *where,
                   const char *fmt, ...)
  __attribute__ ((format (printf, 4, 5)));
/* "parent.key" and "parent[i]" into buf (V2C_MODEL_WHERE bytes); buf. */
const char *v2c_model_sub (char *buf, const char *parent, const char *key);
const char *v2c_model_idx (char *buf, const char *parent, size_t i);

/* ------------------------------------------------------------------ */
/* The inventory ("v2c.inventory/1", docs/inventory.schema.json)       */

/* A struct with members the document may lack has a mask 'has' of the
 * ones it had (bit i: the i-th member of its table, in the schema's
 * order); the writer writes only those. */

#define V2C_INV_LIST(T)                                                       \
  struct {                                                                    \
    T *v;                                                                     \
    size_t n;                                                                 \
  }

struct v2c_inv_source_disk {
  uint64_t has;
  char *path, *member, *format; /* format: vmdk, raw, qcow2 or NULL */
  struct v2c_nint virtual_size;
};

struct v2c_inv_hw_disk {
  uint64_t has;
  char *controller, *controller_model;
  struct v2c_nint bus, unit;
  char *file;
  struct v2c_nint capacity_bytes;
};

struct v2c_inv_nic {
  char *model, *network, *mac;
};

/* A GPU of the VM's hardware (VMX pciPassthruN, OVF passthrough). */
struct v2c_inv_gpu {
  char *kind;   /* passthrough, vgpu */
  char *vendor; /* nvidia, amd or NULL */
  char *vendor_id, *device_id, *profile; /* may be NULL */
  char *source;
  struct v2c_nint mmio_gb;
};

struct v2c_inv_os {
  uint64_t has;
  char *type, *distro, *version;
  int64_t major, minor;
  char *arch, *hostname, *product_name, *package_format, *package_manager;
  char *root;
};

struct v2c_inv_filesystem {
  char *device, *type, *mountpoint;
  struct v2c_nint size_bytes, used_bytes;
};

struct v2c_inv_package {
  uint64_t has;
  char *name, *version, *release, *epoch, *evr, *arch;
  char *manager; /* dpkg, rpm, apk, windows */
  char *source_package, *source_version, *license, *publisher;
  struct v2c_nint installed_size;
  int64_t files;
  struct v2c_strvec conffiles;
  char *display_name;
};

struct v2c_inv_port {
  int64_t port;
  char *protocol; /* tcp, udp */
};

/* A credential of LoadCredential= or LoadCredentialEncrypted=: its id
 * and file, never its content. */
struct v2c_inv_credential {
  char *id;
  char *path; /* NULL: from the credential stores */
  int encrypted, directory;
};

struct v2c_inv_service {
  uint64_t has;
  char *name;
  char *kind; /* systemd, sysv */
  int enabled;
  char *description, *type, *exec_start;
  struct v2c_strvec exec_start_pre;
  char *user, *group;
  int dynamic_user;
  char *working_directory;
  struct v2c_pairs environment;
  struct v2c_strvec environment_files;
  V2C_INV_LIST (struct v2c_inv_port) ports;
  struct v2c_strvec after, wants, requires, wanted_by;
  char *unit_path;
  struct v2c_strvec dropins;
  char *template_instance;
  V2C_INV_LIST (struct v2c_inv_credential) credentials; /* may be empty */
};

struct v2c_inv_timer {
  uint64_t has;
  char *name, *unit;
  struct v2c_strvec on_calendar;
  char *on_boot_sec, *on_unit_active_sec;
  int enabled;
  char *unit_path;
};

struct v2c_inv_cron {
  uint64_t has;
  char *schedule, *user, *command, *file;
  int64_t line;
  char *package; /* the installed package that ships its file, or NULL */
  int modified;  /* with a package: the file differs from it */
  struct v2c_pairs environment; /* the variables its secrets need */
  struct v2c_strvec data_dirs;  /* the data directories it names */
};

/* The has bits of struct v2c_inv_cron's package and modified: an
 * inventory older than them says nothing of who ships a job. */
#define V2C_INV_CRON_HAS_PACKAGE ((uint64_t) 1 << 5)
#define V2C_INV_CRON_HAS_MODIFIED ((uint64_t) 1 << 6)

struct v2c_inv_user {
  uint64_t has;
  char *name;
  int64_t uid, gid;
  char *gecos, *home, *shell;
};

struct v2c_inv_group {
  char *name;
  int64_t gid;
  struct v2c_strvec members;
};

struct v2c_inv_listen {
  uint64_t has;
  int64_t port;
  char *protocol, *address, *service, *evidence;
};

/* The network identity (lib/inspect-net.c). */
struct v2c_inv_net_iface {
  uint64_t has;
  char *name, *method; /* static, dhcp, manual or NULL */
  struct v2c_strvec addresses;
  char *gateway, *mac, *source;
};

struct v2c_inv_route {
  uint64_t has;
  char *to, *via, *interface, *source;
};

struct v2c_inv_host_entry {
  uint64_t has;
  char *address;
  struct v2c_strvec names;
  char *source;
};

struct v2c_inv_network {
  uint64_t has;
  char *hostname, *fqdn;
  V2C_INV_LIST (struct v2c_inv_net_iface) interfaces;
  V2C_INV_LIST (struct v2c_inv_route) routes;
  V2C_INV_LIST (struct v2c_inv_host_entry) hosts;
  struct v2c_strvec search, nameservers;
};

/* An address or name a service is configured to reach
 * (lib/inspect-refs.c); never a credential. */
struct v2c_inv_reference {
  uint64_t has;
  char *kind, *host;
  struct v2c_nint port;
  char *source; /* FILE:LINE */
};

struct v2c_inv_data_dir {
  uint64_t has;
  char *path, *service;
  struct v2c_nint used_bytes;
  char *evidence;
};

struct v2c_inv_file_ref {
  uint64_t has;
  char *path, *service, *evidence;
};

struct v2c_inv_secret {
  uint64_t has;
  char *path, *kind;
  int64_t line;
  char *evidence;
  char *name, *fingerprint; /* NULL when absent */
  int64_t mode, uid, gid;   /* a file's, when has says so */
};

/* AI and GPU workloads (lib/inspect-ai.c). */
struct v2c_inv_ai_driver {
  char *vendor, *kind, *name, *version, *evidence; /* version may be NULL */
};
struct v2c_inv_ai_runtime {
  char *name, *version, *package, *evidence; /* version, package: NULL */
};
struct v2c_inv_ai_python {
  char *name, *version, *location, *installer;
};
struct v2c_inv_ai_server {
  char *kind, *service;
  int notebook;
  char *model, *evidence; /* model may be NULL */
};
struct v2c_inv_ai_model {
  char *path, *format;
  int64_t size_bytes;
  char *service; /* may be NULL */
};
struct v2c_inv_ai {
  V2C_INV_LIST (struct v2c_inv_ai_driver) drivers;
  V2C_INV_LIST (struct v2c_inv_ai_runtime) runtimes;
  V2C_INV_LIST (struct v2c_inv_ai_python) python;
  V2C_INV_LIST (struct v2c_inv_ai_server) servers;
  V2C_INV_LIST (struct v2c_inv_ai_model) models;
};

struct v2c_inv_blocker {
  uint64_t has;
  char *rule, *severity, *summary;
  struct v2c_strvec evidence;
};

struct v2c_inventory {
  uint64_t has;
  char *schema; /* "v2c.inventory/1" */
  char *name, *generator;
  struct {
    uint64_t has;
    char *format; /* ova, ovf, vmx, disk, libvirt */
    char *path, *domain, *name;
    struct v2c_strvec vms; /* strings may be NULL */
    V2C_INV_LIST (struct v2c_inv_source_disk) disks;
  } source;
  struct {
    struct v2c_nint cpus, memory_mib;
    char *firmware; /* bios, efi or NULL */
    char *guest_os_id;
    V2C_INV_LIST (struct v2c_inv_hw_disk) disks;
    V2C_INV_LIST (struct v2c_inv_nic) nics;
    V2C_INV_LIST (struct v2c_inv_gpu) gpus; /* absent when empty */
  } hardware;
  struct v2c_inv_os *os; /* NULL: null */
  V2C_INV_LIST (struct v2c_inv_filesystem) filesystems;
  V2C_INV_LIST (struct v2c_inv_package) packages;
  V2C_INV_LIST (struct v2c_inv_service) services;
  V2C_INV_LIST (struct v2c_inv_timer) timers;
  V2C_INV_LIST (struct v2c_inv_cron) cron;
  V2C_INV_LIST (struct v2c_inv_user) users;
  V2C_INV_LIST (struct v2c_inv_group) groups;
  V2C_INV_LIST (struct v2c_inv_listen) ports;
  V2C_INV_LIST (struct v2c_inv_data_dir) data_dirs;
  V2C_INV_LIST (struct v2c_inv_file_ref) file_refs;
  struct v2c_strvec proxy_targets;
  struct v2c_inv_network *network; /* NULL: absent (older inventories) */
  V2C_INV_LIST (struct v2c_inv_reference) references;
  struct v2c_inv_ai *ai; /* NULL: absent (no AI or GPU software) */
  V2C_INV_LIST (struct v2c_inv_secret) secrets;
  V2C_INV_LIST (struct v2c_inv_blocker) blockers;
};

/* The AI server (inventory ai.servers[]) the unit service runs, or NULL
 * (no ai, service NULL, or not a server). */
const struct v2c_inv_ai_server *
v2c_inventory_ai_server (const struct v2c_inventory *inv, const char *service);

/* 1 when s is a DNS-1123 label: 1 to 63 of [a-z0-9-], no '-' at
 * either end (Kubernetes object and Service names). */
int v2c_dns_label_ok (const char *s);

/* Load an inventory document: every member checked as the schema says
 * (types, required members, enumerations, ranges, at most 2^20 entries
 * in a list), the first problem named by its JSON path ("inventory:
 * services[2].user: expected a string or null").  A new inventory to
 * free with v2c_inventory_free, or NULL with err set. */
struct v2c_inventory *v2c_inventory_load (const json_t *doc,
                                          struct v2c_err *err);
void v2c_inventory_free (struct v2c_inventory *inv);
/* The document of an inventory: the members it was loaded with, in the
 * schema's order.  New reference; NULL on out of memory. */
json_t *v2c_inventory_to_json (const struct v2c_inventory *inv);

#endif /* V2C_MODEL_H */
