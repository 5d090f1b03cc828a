/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The inventory ("v2c.inventory/1", docs/inventory.schema.json) as
 * tables of lib/model-private.h: v2c_inventory_load, its one validating
 * loader, v2c_inventory_to_json, its one writer, and
 * v2c_inventory_free.  Members are in the order v2c-inspect writes them;
 * a member the schema does not require is written only when the
 * document had it.
 */
#include <config.h>

#include <stdint.h>
#include <string.h>

#include "model-private.h"

/* The most entries of a list of an inventory. */
#define MAX (1 << 20)

/* The tables are laid out by hand. */
/* clang-format off */
#define S(T, k, m, fl)                                                        \
  { .key = k, .kind = MT_STR, .flags = fl, .off = offsetof (T, m) }
#define E(T, k, m, fl, e)                                                     \
  { .key = k, .kind = MT_STR, .flags = fl, .check = MS_ENUM,                 \
    .off = offsetof (T, m), .enums = e }
#define I(T, k, m, kd, fl, lo, hi)                                            \
  { .key = k, .kind = kd, .flags = fl, .off = offsetof (T, m), .min = lo,    \
    .max = hi }
#define B(T, k, m, fl)                                                        \
  { .key = k, .kind = MT_BOOL, .flags = fl, .off = offsetof (T, m) }
#define L(T, k, m, fl)                                                        \
  { .key = k, .kind = MT_STRS, .flags = fl, .off = offsetof (T, m),          \
    .max = MAX }
#define O(T, k, kd, fl, m, st)                                                \
  { .key = k, .kind = kd, .flags = fl, .off = offsetof (T, m), .max = MAX,   \
    .sub = &st }

#define N MF_NUL
#define OPT MF_OPT
#define ON (MF_OPT | MF_NUL)
#define BIG INT64_MAX

static const char *const formats[]
    = { "ova", "ovf", "vmx", "disk", "libvirt", NULL };
static const char *const disk_formats[] = { "vmdk", "raw", "qcow2", NULL };
static const char *const firmwares[] = { "bios", "efi", NULL };
static const char *const managers[] = { "dpkg", "rpm", "apk", "windows", NULL };
static const char *const unit_kinds[] = { "systemd", "sysv", NULL };
static const char *const protocols[] = { "tcp", "udp", NULL };
static const char *const secret_kinds[]
    = { "private-key",  "password", "token",  "api-key",
        "connection-string", "pgpass", "mysql-client", "netrc",
        "cloud-credentials", "ssh-host-key", "secret", "environment",
        "argument", "credential-file", "host-key", "ovf-password-property",
        NULL };
static const char *const severities[]
    = { "info", "low", "medium", "high", "critical", NULL };

#define T struct v2c_inv_source_disk
static const struct model_field sdisk_f[]
    = { S (T, "path", path, N), S (T, "member", member, OPT),
        E (T, "format", format, N, disk_formats),
        I (T, "virtual_size", virtual_size, MT_NINT, N, 0, BIG), MODEL_END };
static const struct model_type sdisk_t
    = { sizeof (T), sdisk_f, NULL, MODEL_HAS (T, has) };
#undef T

#define T struct v2c_inv_hw_disk
static const struct model_field hdisk_f[]
    = { S (T, "controller", controller, N),
        S (T, "controller_model", controller_model, ON),
        I (T, "bus", bus, MT_NINT, ON, 0, BIG),
        I (T, "unit", unit, MT_NINT, ON, 0, BIG), S (T, "file", file, ON),
        I (T, "capacity_bytes", capacity_bytes, MT_NINT, N, 0, BIG),
        MODEL_END };
static const struct model_type hdisk_t
    = { sizeof (T), hdisk_f, NULL, MODEL_HAS (T, has) };
#undef T

#define T struct v2c_inv_nic
static const struct model_field nic_f[]
    = { S (T, "model", model, N), S (T, "network", network, N),
        S (T, "mac", mac, N), MODEL_END };
static const struct model_type nic_t = { sizeof (T), nic_f, NULL, 0 };
#undef T

#define T struct v2c_inv_gpu
static const char *const gpu_kinds[] = { "passthrough", "vgpu", NULL };
static const char *const gpu_vendors[] = { "nvidia", "amd", NULL };
static const struct model_field gpu_f[]
    = { E (T, "kind", kind, 0, gpu_kinds),
        E (T, "vendor", vendor, N, gpu_vendors),
        S (T, "vendor_id", vendor_id, N), S (T, "device_id", device_id, N),
        S (T, "profile", profile, N), S (T, "source", source, 0),
        I (T, "mmio_gb", mmio_gb, MT_NINT, N, 1, BIG), MODEL_END };
static const struct model_type gpu_t = { sizeof (T), gpu_f, NULL, 0 };
#undef T

#define T struct v2c_inv_os
static const struct model_field os_f[]
    = { S (T, "type", type, N),
        S (T, "distro", distro, N),
        S (T, "version", version, 0),
        I (T, "major", major, MT_INT, 0, 0, BIG),
        I (T, "minor", minor, MT_INT, 0, 0, BIG),
        S (T, "arch", arch, N),
        S (T, "hostname", hostname, N),
        S (T, "product_name", product_name, N),
        S (T, "package_format", package_format, N),
        S (T, "package_manager", package_manager, N),
        S (T, "root", root, OPT),
        MODEL_END };
static const struct model_type os_t
    = { sizeof (T), os_f, NULL, MODEL_HAS (T, has) };
#undef T

#define T struct v2c_inv_filesystem
static const struct model_field fs_f[]
    = { S (T, "device", device, 0), S (T, "type", type, N),
        S (T, "mountpoint", mountpoint, N),
        I (T, "size_bytes", size_bytes, MT_NINT, N, 0, BIG),
        I (T, "used_bytes", used_bytes, MT_NINT, N, 0, BIG), MODEL_END };
static const struct model_type fs_t = { sizeof (T), fs_f, NULL, 0 };
#undef T

#define T struct v2c_inv_package
static const struct model_field pkg_f[] = {
  { .key = "name", .kind = MT_STR, .check = MS_NONEMPTY,
    .off = offsetof (T, name) },
  S (T, "display_name", display_name, ON),
  S (T, "version", version, N),
  S (T, "release", release, N),
  S (T, "epoch", epoch, N),
  S (T, "evr", evr, N),
  S (T, "arch", arch, N),
  E (T, "manager", manager, 0, managers),
  S (T, "source_package", source_package, N),
  S (T, "source_version", source_version, ON),
  S (T, "license", license, ON),
  S (T, "publisher", publisher, ON),
  I (T, "installed_size", installed_size, MT_NINT, ON, 0, BIG),
  I (T, "files", files, MT_INT, OPT, 0, BIG),
  L (T, "conffiles", conffiles, OPT),
  MODEL_END
};
static const struct model_type pkg_t
    = { sizeof (T), pkg_f, NULL, MODEL_HAS (T, has) };
#undef T

#define T struct v2c_inv_port
static const struct model_field port_f[]
    = { I (T, "port", port, MT_INT, 0, 0, 65535),
        E (T, "protocol", protocol, 0, protocols), MODEL_END };
static const struct model_type port_t = { sizeof (T), port_f, NULL, 0 };
#undef T

#define T struct v2c_inv_credential
static const struct model_field cred_f[]
    = { { .key = "id", .kind = MT_STR, .check = MS_NONEMPTY,
          .off = offsetof (T, id) },
        { .key = "path", .kind = MT_STR, .flags = N, .check = MS_PATH,
          .off = offsetof (T, path) },
        B (T, "encrypted", encrypted, 0), B (T, "directory", directory, 0),
        MODEL_END };
static const struct model_type cred_t = { sizeof (T), cred_f, NULL, 0 };
#undef T

#define T struct v2c_inv_service
static const struct model_field svc_f[] = {
  S (T, "name", name, 0),
  E (T, "kind", kind, 0, unit_kinds),
  B (T, "enabled", enabled, 0),
  S (T, "description", description, ON),
  S (T, "type", type, N),
  S (T, "exec_start", exec_start, N),
  L (T, "exec_start_pre", exec_start_pre, OPT),
  S (T, "user", user, N),
  S (T, "group", group, N),
  B (T, "dynamic_user", dynamic_user, OPT),
  S (T, "working_directory", working_directory, N),
  { .key = "environment", .kind = MT_PAIRS,
    .off = offsetof (T, environment), .max = MAX },
  L (T, "environment_files", environment_files, 0),
  O (T, "ports", MT_LIST, 0, ports, port_t),
  L (T, "after", after, 0),
  L (T, "wants", wants, OPT),
  L (T, "requires", requires, OPT),
  L (T, "wanted_by", wanted_by, 0),
  S (T, "unit_path", unit_path, ON),
  L (T, "dropins", dropins, OPT),
  S (T, "template_instance", template_instance, ON),
  O (T, "credentials", MT_LIST, OPT, credentials, cred_t),
  MODEL_END
};
static const struct model_type svc_t
    = { sizeof (T), svc_f, NULL, MODEL_HAS (T, has) };
#undef T

#define T struct v2c_inv_timer
static const struct model_field timer_f[]
    = { S (T, "name", name, 0),
        S (T, "unit", unit, N),
        L (T, "on_calendar", on_calendar, 0),
        S (T, "on_boot_sec", on_boot_sec, ON),
        S (T, "on_unit_active_sec", on_unit_active_sec, ON),
        B (T, "enabled", enabled, 0),
        S (T, "unit_path", unit_path, ON),
        MODEL_END };
static const struct model_type tmr_t
    = { sizeof (T), timer_f, NULL, MODEL_HAS (T, has) };
#undef T

#define T struct v2c_inv_cron
static const struct model_field cron_f[]
    = { S (T, "schedule", schedule, 0), S (T, "user", user, N),
        S (T, "command", command, 0), S (T, "file", file, 0),
        I (T, "line", line, MT_INT, OPT, 0, BIG),
        /* bits 5 and 6: V2C_INV_CRON_HAS_PACKAGE, _MODIFIED */
        S (T, "package", package, ON), B (T, "modified", modified, OPT),
        L (T, "data_dirs", data_dirs, OPT | MF_SKIPEMPTY),
        { .key = "environment", .kind = MT_PAIRS, .flags = OPT,
          .off = offsetof (T, environment), .max = MAX },
        MODEL_END };
static const struct model_type cron_t
    = { sizeof (T), cron_f, NULL, MODEL_HAS (T, has) };
#undef T

#define T struct v2c_inv_user
static const struct model_field user_f[]
    = { S (T, "name", name, 0),
        I (T, "uid", uid, MT_INT, 0, 0, BIG),
        I (T, "gid", gid, MT_INT, 0, 0, BIG),
        S (T, "gecos", gecos, ON),
        S (T, "home", home, N),
        S (T, "shell", shell, N),
        MODEL_END };
static const struct model_type user_t
    = { sizeof (T), user_f, NULL, MODEL_HAS (T, has) };
#undef T

#define T struct v2c_inv_group
static const struct model_field group_f[]
    = { S (T, "name", name, 0), I (T, "gid", gid, MT_INT, 0, 0, BIG),
        L (T, "members", members, 0), MODEL_END };
static const struct model_type group_t = { sizeof (T), group_f, NULL, 0 };
#undef T

#define T struct v2c_inv_listen
static const struct model_field listen_f[]
    = { I (T, "port", port, MT_INT, 0, 0, 65535),
        E (T, "protocol", protocol, 0, protocols),
        S (T, "address", address, ON),
        S (T, "service", service, N),
        S (T, "evidence", evidence, 0),
        MODEL_END };
static const struct model_type listen_t
    = { sizeof (T), listen_f, NULL, MODEL_HAS (T, has) };
#undef T

#define T struct v2c_inv_data_dir
static const struct model_field ddir_f[]
    = { S (T, "path", path, 0), S (T, "service", service, N),
        I (T, "used_bytes", used_bytes, MT_NINT, N, 0, BIG),
        S (T, "evidence", evidence, ON), MODEL_END };
static const struct model_type ddir_t
    = { sizeof (T), ddir_f, NULL, MODEL_HAS (T, has) };
#undef T

#define T struct v2c_inv_file_ref
static const struct model_field fref_f[]
    = { { .key = "path", .kind = MT_STR, .check = MS_PATH,
          .off = offsetof (T, path) },
        S (T, "service", service, N), S (T, "evidence", evidence, 0),
        MODEL_END };
static const struct model_type fref_t
    = { sizeof (T), fref_f, NULL, MODEL_HAS (T, has) };
#undef T

#define T struct v2c_inv_secret
static const struct model_field secret_f[]
    = { S (T, "path", path, 0), E (T, "kind", kind, 0, secret_kinds),
        I (T, "line", line, MT_INT, 0, 0, BIG),
        S (T, "evidence", evidence, 0), S (T, "name", name, OPT),
        S (T, "fingerprint", fingerprint, OPT),
        I (T, "mode", mode, MT_INT, OPT, 0, 07777),
        I (T, "uid", uid, MT_INT, OPT, 0, BIG),
        I (T, "gid", gid, MT_INT, OPT, 0, BIG), MODEL_END };
static const struct model_type secret_t
    = { sizeof (T), secret_f, NULL, MODEL_HAS (T, has) };
#undef T

#define T struct v2c_inv_net_iface
static const char *const net_methods[]
    = { "static", "dhcp", "manual", NULL };
static const struct model_field iface_f[]
    = { S (T, "name", name, 0), E (T, "method", method, N, net_methods),
        L (T, "addresses", addresses, 0), S (T, "gateway", gateway, N),
        S (T, "mac", mac, N), S (T, "source", source, 0), MODEL_END };
static const struct model_type iface_t
    = { sizeof (T), iface_f, NULL, MODEL_HAS (T, has) };
#undef T

#define T struct v2c_inv_route
static const struct model_field route_f[]
    = { S (T, "to", to, 0), S (T, "via", via, N),
        S (T, "interface", interface, N), S (T, "source", source, 0),
        MODEL_END };
static const struct model_type route_t
    = { sizeof (T), route_f, NULL, MODEL_HAS (T, has) };
#undef T

#define T struct v2c_inv_host_entry
static const struct model_field hostent_f[]
    = { S (T, "address", address, 0), L (T, "names", names, 0),
        S (T, "source", source, 0), MODEL_END };
static const struct model_type hostent_t
    = { sizeof (T), hostent_f, NULL, MODEL_HAS (T, has) };
#undef T

#define T struct v2c_inv_network
static const struct model_field network_f[]
    = { S (T, "hostname", hostname, N), S (T, "fqdn", fqdn, N),
        O (T, "interfaces", MT_LIST, 0, interfaces, iface_t),
        O (T, "routes", MT_LIST, 0, routes, route_t),
        O (T, "hosts", MT_LIST, 0, hosts, hostent_t),
        L (T, "search", search, 0), L (T, "nameservers", nameservers, 0),
        MODEL_END };
static const struct model_type network_t
    = { sizeof (T), network_f, NULL, MODEL_HAS (T, has) };
#undef T

#define T struct v2c_inv_reference
static const char *const ref_kinds[]
    = { "postgresql", "mysql", "database", "redis", "mongodb", "amqp", "ldap",
        "smtp", "memcached", "elasticsearch", "http", "upstream", "fastcgi",
        "jdbc", "nfs", "cifs", "syslog", "host-setting", NULL };
static const struct model_field reference_f[]
    = { E (T, "kind", kind, 0, ref_kinds), S (T, "host", host, 0),
        I (T, "port", port, MT_NINT, N, 1, 65535),
        S (T, "source", source, 0), MODEL_END };
static const struct model_type reference_t
    = { sizeof (T), reference_f, NULL, MODEL_HAS (T, has) };
#undef T

#define T struct v2c_inv_ai_driver
static const char *const ai_vendors[] = { "nvidia", "amd", NULL };
static const char *const driver_kinds[]
    = { "package", "dkms", "module", "modprobe", "installer", NULL };
static const struct model_field aidrv_f[]
    = { E (T, "vendor", vendor, 0, ai_vendors),
        E (T, "kind", kind, 0, driver_kinds), S (T, "name", name, 0),
        S (T, "version", version, N), S (T, "evidence", evidence, 0),
        MODEL_END };
static const struct model_type aidrv_t = { sizeof (T), aidrv_f, NULL, 0 };
#undef T

#define T struct v2c_inv_ai_runtime
static const char *const runtime_names[]
    = { "cuda", "cuda-library", "cudnn", "nccl", "tensorrt", "rocm", NULL };
static const struct model_field airt_f[]
    = { E (T, "name", name, 0, runtime_names), S (T, "version", version, N),
        S (T, "package", package, N), S (T, "evidence", evidence, 0),
        MODEL_END };
static const struct model_type airt_t = { sizeof (T), airt_f, NULL, 0 };
#undef T

#define T struct v2c_inv_ai_python
static const char *const installers[] = { "pip", "conda", NULL };
static const struct model_field aipy_f[]
    = { S (T, "name", name, 0), S (T, "version", version, 0),
        { .key = "location", .kind = MT_STR, .check = MS_PATH,
          .off = offsetof (T, location) },
        E (T, "installer", installer, 0, installers), MODEL_END };
static const struct model_type aipy_t = { sizeof (T), aipy_f, NULL, 0 };
#undef T

#define T struct v2c_inv_ai_server
static const char *const server_kinds[]
    = { "vllm", "triton", "tgi", "ollama", "torchserve", "jupyter", NULL };
static const struct model_field aisrv_f[]
    = { E (T, "kind", kind, 0, server_kinds), S (T, "service", service, 0),
        B (T, "notebook", notebook, 0), S (T, "model", model, N),
        S (T, "evidence", evidence, 0), MODEL_END };
static const struct model_type aisrv_t = { sizeof (T), aisrv_f, NULL, 0 };
#undef T

#define T struct v2c_inv_ai_model
static const char *const model_formats[]
    = { "safetensors", "gguf", "onnx", "pytorch", "checkpoint", "torchserve",
        "tensorrt", NULL };
static const struct model_field aimod_f[]
    = { { .key = "path", .kind = MT_STR, .check = MS_PATH,
          .off = offsetof (T, path) },
        E (T, "format", format, 0, model_formats),
        I (T, "size_bytes", size_bytes, MT_INT, 0, 0, BIG),
        S (T, "service", service, N), MODEL_END };
static const struct model_type aimod_t = { sizeof (T), aimod_f, NULL, 0 };
#undef T

#define T struct v2c_inv_ai
static const struct model_field ai_f[]
    = { O (T, "drivers", MT_LIST, 0, drivers, aidrv_t),
        O (T, "runtimes", MT_LIST, 0, runtimes, airt_t),
        O (T, "python", MT_LIST, 0, python, aipy_t),
        O (T, "servers", MT_LIST, 0, servers, aisrv_t),
        O (T, "models", MT_LIST, 0, models, aimod_t), MODEL_END };
static const struct model_type ai_t = { sizeof (T), ai_f, NULL, 0 };
#undef T

#define T struct v2c_inv_blocker
static const struct model_field blocker_f[]
    = { S (T, "rule", rule, 0), E (T, "severity", severity, 0, severities),
        S (T, "summary", summary, OPT), L (T, "evidence", evidence, 0),
        MODEL_END };
static const struct model_type blocker_t
    = { sizeof (T), blocker_f, NULL, MODEL_HAS (T, has) };
#undef T

#define T struct v2c_inventory
static const struct model_field source_f[]
    = { E (T, "format", source.format, 0, formats),
        S (T, "path", source.path, N),
        S (T, "domain", source.domain, OPT),
        S (T, "name", source.name, ON),
        { .key = "vms", .kind = MT_STRS, .flags = MF_OPT | MF_NULITEMS,
          .off = offsetof (T, source.vms), .max = MAX },
        O (T, "disks", MT_LIST, 0, source.disks, sdisk_t),
        MODEL_END };
static const struct model_type source_t
    = { 0, source_f, NULL, MODEL_HAS (T, source.has) };
static const struct model_field hw_f[]
    = { I (T, "cpus", hardware.cpus, MT_NINT, N, 1, BIG),
        I (T, "memory_mib", hardware.memory_mib, MT_NINT, N, 1, BIG),
        E (T, "firmware", hardware.firmware, N, firmwares),
        S (T, "guest_os_id", hardware.guest_os_id, N),
        O (T, "disks", MT_LIST, 0, hardware.disks, hdisk_t),
        O (T, "nics", MT_LIST, 0, hardware.nics, nic_t),
        O (T, "gpus", MT_LIST, OPT | MF_SKIPEMPTY, hardware.gpus, gpu_t),
        MODEL_END };
static const struct model_type hw_t = { 0, hw_f, NULL, 0 };

static int
post_schema (struct model_load *l, const void *o, const char *w)
{
  const char *s = ((const T *) o)->schema;

  if (strcmp (s, "v2c.inventory/1") != 0)
    return model_bad (l, w, "'%s' is not 'v2c.inventory/1'", s);
  return 0;
}

static const struct model_field inv_f[] = {
  { .key = "schema", .kind = MT_STR, .off = offsetof (T, schema),
    .post = post_schema },
  { .key = "name", .kind = MT_STR, .check = MS_NONEMPTY,
    .off = offsetof (T, name) },
  S (T, "generator", generator, OPT),
  { .key = "source", .kind = MT_OBJ, .sub = &source_t },
  { .key = "hardware", .kind = MT_OBJ, .sub = &hw_t },
  O (T, "os", MT_PTR, N, os, os_t),
  O (T, "filesystems", MT_LIST, 0, filesystems, fs_t),
  O (T, "packages", MT_LIST, OPT, packages, pkg_t),
  O (T, "services", MT_LIST, OPT, services, svc_t),
  O (T, "timers", MT_LIST, OPT, timers, tmr_t),
  O (T, "cron", MT_LIST, OPT, cron, cron_t),
  O (T, "users", MT_LIST, OPT, users, user_t),
  O (T, "groups", MT_LIST, OPT, groups, group_t),
  O (T, "ports", MT_LIST, OPT, ports, listen_t),
  O (T, "data_dirs", MT_LIST, OPT, data_dirs, ddir_t),
  O (T, "file_refs", MT_LIST, OPT, file_refs, fref_t),
  L (T, "proxy_targets", proxy_targets, OPT),
  O (T, "network", MT_PTR, OPT, network, network_t),
  O (T, "references", MT_LIST, OPT, references, reference_t),
  O (T, "ai", MT_PTR, OPT, ai, ai_t),
  O (T, "secrets", MT_LIST, OPT, secrets, secret_t),
  O (T, "blockers", MT_LIST, OPT, blockers, blocker_t),
  MODEL_END
};
static const struct model_type inv_t
    = { sizeof (T), inv_f, NULL, MODEL_HAS (T, has) };
#undef T

/* clang-format on */

MODEL_DOCUMENT (v2c_inventory, inv_t, "inventory")

const struct v2c_inv_ai_server *
v2c_inventory_ai_server (const struct v2c_inventory *inv, const char *service)
{
  size_t i;

  for (i = 0; service && inv && inv->ai && i < inv->ai->servers.n; i++)
    if (strcmp (inv->ai->servers.v[i].service, service) == 0)
      return &inv->ai->servers.v[i];
  return NULL;
}
