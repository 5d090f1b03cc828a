/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for the redis configuration parser.
 */
#include "fuzz.h"
#include "inspect.h"

FUZZ_CONF_TARGET (v2c_conf_redis, "/etc/redis/redis.conf")
