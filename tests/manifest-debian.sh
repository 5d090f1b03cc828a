#!/bin/bash
# The Debian-like fixture plan (tests/data/manifest/debian-plan.json:
# nginx in front of a python app, PostgreSQL, Redis, a cron job) with an
# OCI image layout built here with GNU tar, gzip and sha256sum.  Asserted
# on kubectl kustomize's output (read by PyYAML, compared with jq):
# a Deployment for the app with its port and non-root user, a
# StatefulSet with a volume claim for PostgreSQL, Redis keeping its data,
# a Service per component with ports, the CronJob with the crontab's
# schedule, a Secret stub per secret file, NetworkPolicies, resources on
# every container, no sshd/getty/systemd workload; the image pinned by
# the manifest digest sha256sum computed; ConfigMaps holding the files
# of the image's last layer; and none of the secret values planted in the
# image (tests/data/manifest/planted.txt) in any output file.
. "${top_srcdir:?}/tests/manifest-lib.sh"
plan=$data/debian-plan.json

# The image: layer 1 has the VM's files, layer 2 changes nginx.conf and
# deletes sites-enabled/default (a whiteout).  Secret files hold the
# planted values.
mapfile -t planted <"$data/planted.txt"
[ ${#planted[@]} -ge 4 ] || fail "planted.txt has ${#planted[@]} values"
l1=$work/l1 l2=$work/l2
mkdir -p "$l1/etc/nginx/sites-enabled" "$l1/etc/v2c-app" "$l1/etc/redis" \
  "$l1/etc/postgresql/15/main" "$l1/etc/ssl/private" "$l2/etc/nginx/sites-enabled"
printf 'user www-data;\nevents {}\n' >"$l1/etc/nginx/nginx.conf"
printf 'server { listen 80; location / { proxy_pass http://127.0.0.1:9090; } }\n' >"$l1/etc/nginx/sites-enabled/default"
printf 'worker_processes auto;\nevents { worker_connections 768; }\nhttp { include /etc/nginx/sites-enabled/*; }\n' >"$l2/etc/nginx/nginx.conf"
: >"$l2/etc/nginx/sites-enabled/.wh.default"
printf '[app]\nport = 9090\ndebug = off\n' >"$l1/etc/v2c-app/settings.ini"
printf 'DB_PASSWORD=%s\nAPI_TOKEN=%s\n' "${planted[0]}" "${planted[1]}" >"$l1/etc/v2c-app/app.env"
printf 'bind 0.0.0.0\nrequirepass %s\n' "${planted[2]}" >"$l1/etc/redis/redis.conf"
printf 'localhost:5432:*:postgres:%s\n' "${planted[3]}" >"$l1/etc/postgresql/15/main/pgpass"
printf "listen_addresses = '*'\n" >"$l1/etc/postgresql/15/main/postgresql.conf"
printf 'host all all 0.0.0.0/0 scram-sha-256\n' >"$l1/etc/postgresql/15/main/pg_hba.conf"
printf -- '-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----\n' "${planted[4]}" >"$l1/etc/ssl/private/ssl-cert-snakeoil.key"
digest=$(build_image "$work/image" "$l1" "$l2")

dir=$work/k8s
"$manifest" "$plan" -o "$dir" --registry registry.example/team --image "$work/image" \
  || fail "v2c-manifest --image"
kustomize "$dir" >"$work/all.json"
q () { jq -e "$@" "$work/all.json" >/dev/null; }
obj () { jq -c --arg k "$1" --arg n "$2" '.[] | select(.kind == $k and .metadata.name == $n)' "$work/all.json"; }

# the app: a Deployment, its port, its user, non-root
q '[.[] | select(.kind == "Deployment" and .metadata.name == "v2c-app")] | length == 1' \
  || fail "no Deployment v2c-app"
q '.[] | select(.kind == "Deployment" and .metadata.name == "v2c-app") | .spec.template.spec
   | .securityContext.runAsNonRoot == true and .securityContext.runAsUser == 33
     and .securityContext.runAsGroup == 33
     and (.containers[0].ports | map(.containerPort)) == [9090]' \
  || fail "v2c-app: $(obj Deployment v2c-app | jq -c '.spec.template.spec | {securityContext, ports: .containers[0].ports}')"
ok "Deployment v2c-app: port 9090, uid/gid 33, runAsNonRoot"

# PostgreSQL: a StatefulSet with a claim for its data directory
q '.[] | select(.kind == "StatefulSet" and .metadata.name == "postgresql")
   | .spec.volumeClaimTemplates[0].metadata.name == "var-lib-postgresql-15-main"
     and .spec.volumeClaimTemplates[0].spec.resources.requests.storage == "1Gi"
     and (.spec.template.spec.containers[0].volumeMounts | any(.mountPath == "/var/lib/postgresql/15/main" and .name == "var-lib-postgresql-15-main"))
     and .spec.serviceName == "postgresql"' \
  || fail "postgresql: $(obj StatefulSet postgresql | jq -c .spec.volumeClaimTemplates)"
ok "StatefulSet postgresql with a volume claim on its data directory"
q '.[] | select(.kind == "StatefulSet" and .metadata.name == "redis")
   | .spec.volumeClaimTemplates[0].metadata.name == "var-lib-redis"
     and (.spec.template.spec.containers[0].volumeMounts | any(.mountPath == "/var/lib/redis"))' \
  || fail "redis keeps no data: $(obj StatefulSet redis | jq -c .spec)"
ok "redis keeps its data on a claim"

# a Service per component with ports, with those ports
for c in nginx:80 postgresql:5432 redis:6379 v2c-app:9090; do
  q --arg n "${c%%:*}" --argjson p "${c##*:}" \
    '.[] | select(.kind == "Service" and .metadata.name == $n) | (.spec.ports | map(.port)) == [$p]
       and .spec.selector["app.kubernetes.io/name"] == $n' \
    || fail "Service ${c%%:*}: $(obj Service "${c%%:*}" | jq -c .spec)"
done
q '[.[] | select(.kind == "Service")] | length == 4' || fail "not 4 Services"
ok "a Service per component with ports"

# the CronJob with the crontab's schedule
q '.[] | select(.kind == "CronJob" and .metadata.name == "db-backup")
   | .spec.schedule == "30 2 * * *" and .spec.concurrencyPolicy == "Forbid"
     and .spec.jobTemplate.spec.template.spec.restartPolicy == "OnFailure"' \
  || fail "CronJob: $(obj CronJob db-backup | jq -c .spec)"
ok "CronJob db-backup at '30 2 * * *'"

# a Secret stub per secret file, placeholder values only
want=$(jq -r '[.components[].secret_files[]] | sort | .[]' "$plan")
got=$(jq -r '[.[] | select(.kind == "Secret") | .metadata.annotations["v2c.io/source-file"] // empty] | sort | .[]' "$work/all.json")
[ "$want" = "$got" ] || fail "Secret stubs for: $got; secret files: $want"
q '[.[] | select(.kind == "Secret") | (.stringData // {}) | .[]] | length > 0 and all(. == "REPLACE_ME")' \
  || fail "a Secret holds something else than REPLACE_ME"
q '[.[] | select(.kind == "Secret") | .data] | all(. == null)' || fail "a Secret has data"
q '.[] | select(.kind == "Deployment" and .metadata.name == "v2c-app") | .spec.template.spec.containers[0]
   | (.volumeMounts | any(.mountPath == "/etc/v2c-app/app.env" and .subPath == "app.env" and .readOnly))
     and (.env | any(.name == "DB_PASSWORD" and .valueFrom.secretKeyRef.name == "v2c-app-env"))' \
  || fail "v2c-app's secret file or secret env are not wired"
ok "a Secret stub per secret file ($(echo "$want" | wc -l)), REPLACE_ME only, mounted with subPath"

# NetworkPolicies: one per component; ingress only to its ports; egress
# DNS plus what it depends on
for c in $(jq -r '.components[].name' "$plan"); do
  q --arg n "$c" '.[] | select(.kind == "NetworkPolicy" and .metadata.name == $n)
     | .spec.policyTypes == ["Ingress","Egress"] and .spec.podSelector.matchLabels["app.kubernetes.io/name"] == $n
       and (.spec.egress[0].ports | map(.port)) == [53,53]' \
    || fail "NetworkPolicy $c: $(obj NetworkPolicy "$c" | jq -c .spec)"
done
q '.[] | select(.kind == "NetworkPolicy" and .metadata.name == "v2c-app") | .spec.egress[1:]
   | map(.to[0].podSelector.matchLabels["app.kubernetes.io/name"]) == ["postgresql","redis"]' \
  || fail "v2c-app egress: $(obj NetworkPolicy v2c-app | jq -c .spec.egress)"
q '.[] | select(.kind == "NetworkPolicy" and .metadata.name == "db-backup") | .spec.ingress == []' \
  || fail "db-backup accepts ingress"
ok "a NetworkPolicy per component, egress to DNS and dependencies"

# resources on every container; securityContext
q '[.[] | (.spec.template.spec // .spec.jobTemplate.spec.template.spec // empty) | .containers[]]
   | length == 5 and all(.resources.requests.cpu and .resources.requests.memory and .resources.limits.memory)' \
  || fail "a container without resources"
q '[.[] | (.spec.template.spec // .spec.jobTemplate.spec.template.spec // empty)]
   | all(.automountServiceAccountToken == false and .securityContext.seccompProfile.type == "RuntimeDefault"
         and (.containers[0].securityContext | .allowPrivilegeEscalation == false and .capabilities.drop == ["ALL"]))' \
  || fail "a pod without the securityContext"
q '.[] | select(.metadata.name == "nginx" and .kind == "Deployment") | .spec.template.spec
   | .containers[0].securityContext.capabilities.add == ["NET_BIND_SERVICE", "CHOWN", "SETGID", "SETUID"]
     and (.securityContext.runAsNonRoot == null) and .securityContext.runAsUser == 0
     and .containers[0].securityContext.readOnlyRootFilesystem == true' \
  || fail "nginx securityContext: $(obj Deployment nginx | jq -c .spec.template.spec.containers[0].securityContext)"
q '[.[] | select(.kind == "ServiceAccount")] | length == 5 and all(.automountServiceAccountToken == false)' \
  || fail "ServiceAccounts"
ok "resources, securityContext and ServiceAccounts on every workload"

# no sshd / getty / systemd workload
q '[.[] | select(.kind | test("Deployment|StatefulSet|CronJob")) | .metadata.name | select(test("ssh|getty|systemd|cron$"))] | length == 0' \
  || fail "a workload for an OS service"
ok "no sshd, getty, systemd or cron daemon workload"

# the image: pinned by the digest of its manifest
q --arg d "registry.example/team/debian12@$digest" \
  '[.[] | (.spec.template.spec // .spec.jobTemplate.spec.template.spec // empty) | .containers[].image] | all(. == $d)' \
  || fail "image: $(jq -c '[.[] | .spec.template.spec.containers[0].image // empty] | unique' "$work/all.json"), expected $digest"
ok "images pinned by $digest"

# ConfigMaps: the last layer's content; a deleted file is a placeholder
q --rawfile c "$l2/etc/nginx/nginx.conf" '.[] | select(.kind == "ConfigMap" and .metadata.name == "nginx-config") | .data["nginx.conf"] == $c' \
  || fail "nginx.conf: $(obj ConfigMap nginx-config | jq -c .data)"
q '.[] | select(.kind == "ConfigMap" and .metadata.name == "nginx-config") | .data.default | test("^# v2c: put the content of ./etc/nginx/sites-enabled/default")' \
  || fail "the whited-out file is not a placeholder"
grep -q "default: PLACEHOLDER.*deleted by a later layer" "$dir/configmap-nginx-config.yaml" || fail "no comment on the deleted file"
q --rawfile c "$l1/etc/v2c-app/settings.ini" '.[] | select(.kind == "ConfigMap" and .metadata.name == "v2c-app-config") | .data["settings.ini"] == $c' \
  || fail "settings.ini"
ok "ConfigMaps from the image's last layer, whiteouts honoured"

# no planted secret value anywhere
for v in "${planted[@]}"; do
  if grep -rqF -- "$v" "$dir" "$work/kustomized.yaml"; then
    fail "the planted secret value '$v' is in $(grep -rlF -- "$v" "$dir")"
  fi
done
# and the check can fail: the value is in the image
grep -qF -- "${planted[0]}" <(zcat "$work"/image/blobs/sha256/* 2>/dev/null) || fail "the planted value is not in the image"
ok "none of the ${#planted[@]} planted secret values is in the manifests"

# A secret file listed as a configuration file too (an edited plan) is
# still only a Secret stub: its content is never read into a ConfigMap.
jq '(.components[] | select(.name == "redis")).config_files = ["/etc/redis/redis.conf"]
    | (.components[] | select(.name == "v2c-app")).config_files += ["/etc/ssl/private/ssl-cert-snakeoil.key"]' \
  "$plan" >"$work/leaky.json"
"$manifest" "$work/leaky.json" -o "$work/leaky" --image "$work/image" || fail "v2c-manifest leaky plan"
for v in "${planted[@]}"; do
  grep -rqF -- "$v" "$work/leaky" && fail "a secret file listed in config_files leaked '$v'"
done
[ ! -e "$work/leaky/configmap-redis-config.yaml" ] || fail "redis got a ConfigMap of its secret file"
ok "a secret file in config_files stays a Secret stub"
