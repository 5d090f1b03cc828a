#!/bin/bash
# v2c - move VMware virtual machines onto Kubernetes
# Copyright (C) 2026 the v2c authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# tests/make-fixtures.sh OUTDIR
#
# Build the phony VMs that the tests read: one small Debian-like guest
# (hostname v2c-demo) exported in every form a VMware shop has (OVA,
# gzipped OVA, VMX + monolithicSparse VMDK, VMX + split VMDK with a
# snapshot delta, raw, qcow2, a libvirt test-driver domain), a two-disk
# VM, an LVM VM, and a set of broken inputs.  tests/fixtures.tsv and
# tests/fixtures-bad.tsv say what a correct reading of each must give.
#
# All filesystems are made in ONE libguestfs appliance launch; every
# other format is derived with qemu-img.  The result appears atomically:
# everything is built in OUTDIR.tmp.PID, OUTDIR/.stamp is written last,
# then the directory is renamed into place.  Nothing outside OUTDIR is
# written.  Where libguestfs cannot launch at all, OUTDIR/.skip holds the
# reason and the tests that need the fixtures skip with it.
#
# Besides the VMs, OUTDIR holds planted-secrets.txt (values planted in
# the guest that must never appear in any output of v2c, one per line)
# and libguestfs.env (LIBGUESTFS_BACKEND_SETTINGS=force_tcg when the
# appliance only ran that way, so later launches need not try KVM first).
#
# Needs: libguestfs-tools, qemu-utils, busybox-static, cryptsetup-bin,
# openssl, python3, GNU tar, gzip, libcap2-bin (setcap), attr (setfattr).
# Runs as root or as a user that can launch libguestfs.

set -euo pipefail

. "$(dirname "$(readlink -f "$0")")/fixture-lib.sh"
if [ -f "$out/.stamp" ] && [ "$out/.stamp" -nt "$script" ]; then
  exit 0
fi
fixture_begin

# the demo guest's tree stays, as ground truth for tests (what the guest
# holds, read without v2c)
commit_hook ()
{
  if [ -d "$b/root" ]; then
    mv "$b/root" "$tmp/demo-tree"
  fi
}

for t in guestfish qemu-img; do
  command -v "$t" >/dev/null || skip "'$t' not found (install libguestfs-tools and qemu-utils)"
done
for t in python3 openssl cryptsetup tar gzip md5sum sha256sum truncate; do
  command -v "$t" >/dev/null || die "'$t' not found"
done
busybox=/bin/busybox
[ -x "$busybox" ] || die "'$busybox' not found (install busybox-static)"
if ldd "$busybox" >/dev/null 2>&1; then
  die "'$busybox' is dynamically linked (install busybox-static)"
fi

# Fixed time stamp for every file of the guest (2024-03-01 00:00 UTC).
epoch=1709251200

# The fixtures are the same bytes on every machine (tests/golden.sh
# records the sha256 of every output v2c makes of them): keys and
# "random" data come from fixed seeds, and every file the guestfish
# script touches after its tar-in gets $epoch back (reset_times).
# seeded_bytes NAME N: N pseudo-random bytes, the same for the same NAME
seeded_bytes ()
{
  head -c "$2" /dev/zero |
    openssl enc -aes-256-ctr -nosalt -pass "pass:v2c-fixture-$1" -pbkdf2 -iter 1
}
# seeded_key NAME: an Ed25519 private key (PEM) from a fixed seed: the
# PKCS#8 prefix of RFC 8410 and 32 seed bytes
seeded_key ()
{
  { printf '\x30\x2e\x02\x01\x00\x30\x05\x06\x03\x2b\x65\x70\x04\x22\x04\x20'
    seeded_bytes "key-$1" 32; } | openssl pkey -inform DER -outform PEM
}
# reset_times PATH...: guestfish commands that set mtime and atime to $epoch
reset_times ()
{
  local p
  for p in "$@"; do
    echo "utimens \"$p\" $epoch 0 $epoch 0"
  done
}

########################################################################
# The guest tree, staged on the host
########################################################################

root="$b/root"
own="$b/own" # own/PKG: files of package PKG; own/PKG.conf: its conffiles
mkdir -p "$root" "$own"

# put MODE PATH: write stdin to the guest file PATH
put ()
{
  mkdir -p "$root$(dirname "$2")"
  cat >"$root$2"
  chmod "$1" "$root$2"
}
# link TARGET PATH
link ()
{
  mkdir -p "$root$(dirname "$2")"
  ln -sfn "$1" "$root$2"
}
# owned PKG PATH...: PATH belongs to package PKG
owned ()
{
  local p=$1
  shift
  printf '%s\n' "$@" >>"$own/$p"
}
# conffile PKG PATH...: PATH belongs to PKG and is one of its conffiles
conffile ()
{
  local p=$1
  shift
  printf '%s\n' "$@" >>"$own/$p.conf"
}

for d in bin boot dev etc home lib lib64 media mnt opt proc root run sbin srv \
  sys tmp usr/bin usr/lib usr/local/bin usr/local/sbin usr/sbin usr/share \
  var/cache var/lib var/local var/log var/mail var/spool var/tmp \
  etc/nginx/conf.d etc/nginx/modules-enabled etc/ssh/sshd_config.d \
  etc/cron.d etc/cron.daily etc/systemd/system var/log/nginx; do
  mkdir -p "$root/$d"
done
chmod 1777 "$root/tmp" "$root/var/tmp"
chmod 0700 "$root/root"

# --- base-files ---------------------------------------------------------
put 0644 /usr/lib/os-release <<'EOF'
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
EOF
link ../usr/lib/os-release /etc/os-release
echo 12.5 | put 0644 /etc/debian_version
printf 'Debian GNU/Linux 12 \\n \\l\n\n' | put 0644 /etc/issue
echo 'Debian GNU/Linux 12' | put 0644 /etc/issue.net
put 0644 /usr/share/doc/base-files/copyright <<'EOF'
This is the Debian prepackaged version of the Debian Base System
Miscellaneous files.  (Placeholder text of the v2c test fixture.)
EOF
owned base-files /usr/lib/os-release /etc/os-release \
  /usr/share/doc/base-files/copyright
conffile base-files /etc/debian_version /etc/issue /etc/issue.net

# --- busybox-static: the one real binary (architecture detection, and a
# shell and an HTTP server for running the converted image) -------------
cp "$busybox" "$root/bin/busybox"
chmod 0755 "$root/bin/busybox"
for t in sh ls cat echo rm mkdir cp mv ln sleep date grep sed ps uname \
  hostname kill; do
  link busybox "/bin/$t"
done
for t in env id head tail wget; do
  link /bin/busybox "/usr/bin/$t"
done
put 0644 /usr/share/doc/busybox-static/copyright <<'EOF'
BusyBox is licensed under the GNU General Public License, version 2.
(Placeholder text of the v2c test fixture.)
EOF
owned busybox-static /bin/busybox /usr/share/doc/busybox-static/copyright

# --- nginx and the libraries it needs: real binaries, so that the
# converted demo's nginx runs and proxies.  nginx comes from the configured
# Debian mirror, its shared libraries (and ld.so) from the host's installed
# packages, like busybox; each library package gets only the files nginx
# loads, and its dpkg status stanza is the host's. --------------------------
mkdir -p "$b/deb"
(cd "$b/deb" && apt-get -q -o APT::Sandbox::User=root download nginx >/dev/null) ||
  die "can't download Debian's 'nginx' package (apt-get download nginx)"
nginx_deb=$(echo "$b"/deb/nginx_*.deb)
[ -f "$nginx_deb" ] || die "no nginx package in '$b/deb'"
dpkg-deb -x "$nginx_deb" "$b/deb/x"
nginx_version=$(dpkg-deb -f "$nginx_deb" Version)
nginx_depends=$(dpkg-deb -f "$nginx_deb" Depends)
install -D -m 0755 "$b/deb/x/usr/sbin/nginx" "$root/usr/sbin/nginx"
install -D -m 0644 "$b/deb/x/usr/share/doc/nginx/copyright" \
  "$root/usr/share/doc/nginx/copyright"
lib_pkgs=()
while read -r lib; do
  # a merged-/usr host: the package ships the library under /usr or not
  pkg=
  for l in "$lib" "/usr$lib"; do
    pkg=$(dpkg -S "$l" 2>/dev/null | head -n 1 | cut -d: -f1) || pkg=
    if [ -n "$pkg" ]; then
      lib=$l
      break
    fi
  done
  [ -n "$pkg" ] || die "no installed package owns '$lib'"
  if [ -L "$lib" ]; then
    # libfoo.so.1 -> libfoo.so.1.2.3 in the same directory: both
    t=$(readlink "$lib")
    case $t in */*) die "'$lib' links out of its directory" ;; esac
    install -D -m "$(stat -c %a "$(dirname "$lib")/$t")" \
      "$(dirname "$lib")/$t" "$root$(dirname "$lib")/$t"
    link "$t" "$lib"
    owned "$pkg" "$(dirname "$lib")/$t"
  else
    install -D -m "$(stat -c %a "$lib")" "$lib" "$root$lib"
  fi
  owned "$pkg" "$lib"
  case " ${lib_pkgs[*]} " in
  *" $pkg "*) ;;
  *)
    lib_pkgs+=("$pkg")
    install -D -m 0644 "/usr/share/doc/$pkg/copyright" \
      "$root/usr/share/doc/$pkg/copyright"
    owned "$pkg" "/usr/share/doc/$pkg/copyright"
    ;;
  esac
done < <(ldd "$root/usr/sbin/nginx" | awk '$2 == "=>" { print $3 } $1 ~ /^\// { print $1 }' |
  sed 's|^/lib64/|/lib/x86_64-linux-gnu/|' | sort -u)
case " ${lib_pkgs[*]} " in
*" libc6 "*) ;;
*) die "nginx does not link against libc6's libraries" ;;
esac
# the dynamic linker's path in the binaries, a symlink that libc6 ships
link /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 /lib64/ld-linux-x86-64.so.2
owned libc6 /lib64/ld-linux-x86-64.so.2

# --- tzdata ---------------------------------------------------------------
echo 'placeholder for the UTC zone file (v2c test fixture)' |
  put 0644 /usr/share/zoneinfo/Etc/UTC
link /usr/share/zoneinfo/Etc/UTC /etc/localtime
echo Etc/UTC | put 0644 /etc/timezone
owned tzdata /usr/share/zoneinfo/Etc/UTC

# --- systemd --------------------------------------------------------------
printf '#!/bin/sh\n# placeholder for systemd (v2c test fixture)\nexit 0\n' |
  put 0755 /lib/systemd/systemd
put 0644 /lib/systemd/system/multi-user.target <<'EOF'
[Unit]
Description=Multi-User System
Documentation=man:systemd.special(7)
Requires=basic.target
Conflicts=rescue.service rescue.target
After=basic.target rescue.service rescue.target
AllowIsolate=yes
EOF
put 0644 /lib/systemd/system/timers.target <<'EOF'
[Unit]
Description=Timer Units
Documentation=man:systemd.special(7)
DefaultDependencies=no
EOF
put 0644 /lib/systemd/system/getty@.service <<'EOF'
[Unit]
Description=Getty on %I
Documentation=man:agetty(8) man:systemd-getty-generator(8)
After=systemd-user-sessions.service plymouth-quit-wait.service getty-pre.target
Before=getty.target
ConditionPathExists=/dev/tty0

[Service]
ExecStart=-/sbin/agetty -o '-p -- \\u' --noclear - $TERM
Type=idle
Restart=always
RestartSec=0
UtmpIdentifier=%I
StandardInput=tty
StandardOutput=tty
TTYPath=/dev/%I
TTYReset=yes
TTYVHangup=yes
TTYVTDisallocate=yes
IgnoreSIGPIPE=no
SendSIGHUP=yes

[Install]
WantedBy=getty.target
DefaultInstance=tty1
EOF
put 0644 /lib/systemd/system/systemd-journald.service <<'EOF'
[Unit]
Description=Journal Service
Documentation=man:systemd-journald.service(8) man:journald.conf(5)
DefaultDependencies=no
Requires=systemd-journald.socket
After=systemd-journald.socket systemd-journald-dev-log.socket syslog.socket
Before=sysinit.target

[Service]
DeviceAllow=char-* rw
ExecStart=/lib/systemd/systemd-journald
FileDescriptorStoreMax=4224
Restart=always
RestartSec=0
Sockets=systemd-journald.socket systemd-journald-dev-log.socket
StandardOutput=null
Type=notify
EOF
put 0644 /etc/systemd/journald.conf <<'EOF'
[Journal]
#Storage=auto
#Compress=yes
EOF
put 0644 /lib/systemd/system/getty.target <<'EOF'
[Unit]
Description=Login Prompts
Documentation=man:systemd.special(7) man:systemd-getty-generator(8)
EOF
owned systemd /lib/systemd/systemd /lib/systemd/system/multi-user.target \
  /lib/systemd/system/timers.target /lib/systemd/system/getty@.service \
  /lib/systemd/system/getty.target \
  /lib/systemd/system/systemd-journald.service
conffile systemd /etc/systemd/journald.conf
link /lib/systemd/system/multi-user.target /etc/systemd/system/default.target
link /lib/systemd/system/getty@.service \
  /etc/systemd/system/getty.target.wants/getty@tty1.service
# as Debian's systemd package ships it: multi-user pulls in the gettys
link ../getty.target /lib/systemd/system/multi-user.target.wants/getty.target

# --- cron -----------------------------------------------------------------
# (busybox's find has no -delete)
printf '#!/bin/sh\n# rotate the demo app logs (v2c test fixture)\n[ -d /var/log/demo-app ] || exit 0\nexec find /var/log/demo-app -name "*.log.*" -mtime +7 -exec rm -f {} +\n' |
  put 0755 /etc/cron.daily/demo-logs
printf '#!/bin/sh\n# placeholder for the cron daemon (v2c test fixture)\nexit 0\n' |
  put 0755 /usr/sbin/cron
put 0644 /lib/systemd/system/cron.service <<'EOF'
[Unit]
Description=Regular background program processing daemon
Documentation=man:cron(8)
After=remote-fs.target nss-user-lookup.target

[Service]
EnvironmentFile=-/etc/default/cron
ExecStart=/usr/sbin/cron -f -P $EXTRA_OPTS
IgnoreSIGPIPE=false
KillMode=process
Restart=on-failure
SyslogFacility=cron

[Install]
WantedBy=multi-user.target
EOF
put 0644 /etc/default/cron <<'EOF'
# Extra options for cron, see cron(8)
EXTRA_OPTS=""
EOF
put 0644 /etc/crontab <<'EOF'
# /etc/crontab: system-wide crontab
# Unlike any other crontab you don't have to run the `crontab'
# command to install the new version when you edit this file
# and files in /etc/cron.d. These files also have username fields,
# that none of the other crontabs do.

SHELL=/bin/sh
# You can also override PATH, but by default, newer versions inherit it from the environment
#PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin

# Example of job definition:
# .---------------- minute (0 - 59)
# |  .------------- hour (0 - 23)
# |  |  .---------- day of month (1 - 31)
# |  |  |  .------- month (1 - 12) OR jan,feb,mar,apr ...
# |  |  |  |  .---- day of week (0 - 6) (Sunday=0 or 7) OR sun,mon,tue,wed,thu,fri,sat
# |  |  |  |  |
# *  *  *  *  * user-name command to be executed
17 *	* * *	root	cd / && run-parts --report /etc/cron.hourly
25 6	* * *	root	test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }
47 6	* * 7	root	test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.weekly; }
52 6	1 * *	root	test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.monthly; }
#
EOF
owned cron /usr/sbin/cron /lib/systemd/system/cron.service
conffile cron /etc/crontab /etc/default/cron
put 0644 /etc/cron.d/demo-report <<'EOF'
# Report of the demo application, every quarter of an hour
SHELL=/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin

*/15 * * * * demoapp /opt/demo-app/report.sh
EOF
put 0600 /var/spool/cron/crontabs/root <<'EOF'
# DO NOT EDIT THIS FILE - edit the master and reinstall.
# (/tmp/crontab.ZqTn2B/crontab installed on Fri Mar  1 00:00:00 2024)
# (Cron version -- $Id: crontab.c,v 2.13 1994/01/17 03:20:37 vixie Exp $)
30 2 * * * /usr/local/bin/backup.sh >/dev/null 2>&1
EOF
chmod 1730 "$root/var/spool/cron/crontabs"
put 0755 /usr/local/bin/backup.sh <<'EOF'
#!/bin/sh
# Nightly copy of the demo application's data
cp /var/lib/demo-app/data.db /var/backups/data.db.1
EOF
mkdir -p "$root/var/backups"

# --- nginx ----------------------------------------------------------------
# (the binary and its copyright are the package's, see libc6 above)
mkdir -p "$root/var/lib/nginx"
put 0644 /etc/nginx/nginx.conf <<'EOF'
user www-data;
worker_processes auto;
pid /run/nginx.pid;
error_log /var/log/nginx/error.log;
include /etc/nginx/modules-enabled/*.conf;

events {
	worker_connections 768;
}

http {
	sendfile on;
	tcp_nopush on;
	types_hash_max_size 2048;

	include /etc/nginx/mime.types;
	default_type application/octet-stream;

	ssl_protocols TLSv1.2 TLSv1.3;
	ssl_prefer_server_ciphers on;

	access_log /var/log/nginx/access.log;

	gzip on;

	include /etc/nginx/conf.d/*.conf;
	include /etc/nginx/sites-enabled/*;
}
EOF
put 0644 /etc/nginx/mime.types <<'EOF'
types {
    text/html                             html htm shtml;
    text/css                              css;
    application/javascript                js;
    application/json                      json;
    image/png                             png;
}
EOF
# The site as the package ships it: its md5 goes into the Conffiles field...
put 0644 /etc/nginx/sites-available/default <<'EOF'
server {
	listen 80 default_server;
	listen [::]:80 default_server;

	root /var/www/html;
	index index.html index.htm index.nginx-debian.html;

	server_name _;

	location / {
		try_files $uri $uri/ =404;
	}
}
EOF
stock_site_md5=$(md5sum <"$root/etc/nginx/sites-available/default" | cut -d' ' -f1)
# ...and as the admin changed it (a modified conffile): a reverse proxy in
# front of demo-app.  sites-enabled/default is the symlink that nginx's
# postinst makes.
put 0644 /etc/nginx/sites-available/default <<'EOF'
server {
	listen 80;
	listen [::]:80;

	server_name _;
	root /var/www/html;

	location / {
		proxy_pass http://127.0.0.1:8080;
		proxy_set_header Host $host;
	}
}
EOF
link /etc/nginx/sites-available/default /etc/nginx/sites-enabled/default
put 0644 /lib/systemd/system/nginx.service <<'EOF'
[Unit]
Description=A high performance web server and a reverse proxy server
Documentation=man:nginx(8)
After=network-online.target remote-fs.target nss-lookup.target
Wants=network-online.target

[Service]
Type=forking
PIDFile=/run/nginx.pid
ExecStartPre=/usr/sbin/nginx -t -q -g 'daemon on; master_process on;'
ExecStart=/usr/sbin/nginx -g 'daemon on; master_process on;'
ExecReload=/usr/sbin/nginx -g 'daemon on; master_process on;' -s reload
ExecStop=-/sbin/start-stop-daemon --quiet --stop --retry QUIT/5 --pidfile /run/nginx.pid
TimeoutStopSec=5
KillMode=mixed

[Install]
WantedBy=multi-user.target
EOF
put 0644 /etc/systemd/system/nginx.service.d/override.conf <<'EOF'
[Service]
ExecStart=
ExecStart=/usr/sbin/nginx -g 'daemon on; master_process on; pcre_jit on;'
LimitNOFILE=65536
EOF
put 0644 /var/www/html/index.html <<'EOF'
<!DOCTYPE html>
<html>
<head><title>Welcome to nginx!</title></head>
<body><h1>Welcome to nginx!</h1></body>
</html>
EOF
owned nginx /usr/sbin/nginx /lib/systemd/system/nginx.service \
  /var/www/html/index.html /usr/share/doc/nginx/copyright
conffile nginx /etc/nginx/nginx.conf /etc/nginx/mime.types \
  /etc/nginx/sites-available/default

# --- openssh-server -------------------------------------------------------
printf '#!/bin/sh\n# placeholder for the OpenSSH daemon (v2c test fixture)\nexit 0\n' |
  put 0755 /usr/sbin/sshd
put 0644 /lib/systemd/system/ssh.service <<'EOF'
[Unit]
Description=OpenBSD Secure Shell server
Documentation=man:sshd(8) man:sshd_config(5)
After=network.target auditd.service
ConditionPathExists=!/etc/ssh/sshd_not_to_be_run

[Service]
EnvironmentFile=-/etc/default/ssh
ExecStartPre=/usr/sbin/sshd -t
ExecStart=/usr/sbin/sshd -D $SSHD_OPTS
ExecReload=/usr/sbin/sshd -t
ExecReload=/bin/kill -HUP $MAINPID
KillMode=process
Restart=on-failure
RestartPreventExitStatus=255
Type=notify
RuntimeDirectory=sshd
RuntimeDirectoryMode=0755

[Install]
WantedBy=multi-user.target
Alias=sshd.service
EOF
put 0644 /etc/default/ssh <<'EOF'
# Options to pass to sshd
SSHD_OPTS=
EOF
put 0644 /etc/pam.d/sshd <<'EOF'
# PAM configuration for the Secure Shell service (placeholder)
@include common-auth
account    required     pam_nologin.so
@include common-account
@include common-session
@include common-password
EOF
echo '# placeholder for the Diffie-Hellman moduli (v2c test fixture)' |
  put 0644 /etc/ssh/moduli
echo 'OpenSSH: placeholder copyright (v2c test fixture)' |
  put 0644 /usr/share/doc/openssh-server/copyright
owned openssh-server /usr/sbin/sshd /lib/systemd/system/ssh.service \
  /usr/share/doc/openssh-server/copyright
conffile openssh-server /etc/default/ssh /etc/pam.d/sshd /etc/ssh/moduli
put 0644 /etc/ssh/sshd_config <<'EOF'
# See the sshd_config(5) manpage for details
Include /etc/ssh/sshd_config.d/*.conf

Port 22
PermitRootLogin prohibit-password
KbdInteractiveAuthentication no
UsePAM yes
X11Forwarding yes
PrintMotd no
AcceptEnv LANG LC_*
Subsystem	sftp	/usr/lib/openssh/sftp-server
EOF
seeded_key ssh-host >"$root/etc/ssh/ssh_host_ed25519_key"
chmod 0600 "$root/etc/ssh/ssh_host_ed25519_key"
link /lib/systemd/system/ssh.service /etc/systemd/system/sshd.service

# --- rsyslog: removed, its configuration kept ("rc") ----------------------
put 0644 /etc/rsyslog.conf <<'EOF'
# /etc/rsyslog.conf configuration file for rsyslog (left behind after removal)
module(load="imuxsock")
*.*;auth,authpriv.none		-/var/log/syslog
EOF
conffile rsyslog /etc/rsyslog.conf

# --- enabled services -----------------------------------------------------
for s in nginx ssh cron; do
  link "/lib/systemd/system/$s.service" \
    "/etc/systemd/system/multi-user.target.wants/$s.service"
done
link /etc/systemd/system/demo-app.service \
  /etc/systemd/system/multi-user.target.wants/demo-app.service
link /etc/systemd/system/demo-report.timer \
  /etc/systemd/system/timers.target.wants/demo-report.timer

# --- the demo application -------------------------------------------------
put 0644 /etc/systemd/system/demo-app.service <<'EOF'
[Unit]
Description=v2c demo web application
After=network.target
Wants=network.target

[Service]
Type=simple
User=demoapp
Group=demoapp
WorkingDirectory=/opt/demo-app
Environment=PORT=8080
EnvironmentFile=/etc/demo-app/app.env
ExecStart=/opt/demo-app/run.sh
Restart=on-failure
RestartSec=2

[Install]
WantedBy=multi-user.target
EOF
put 0644 /etc/systemd/system/demo-report.service <<'EOF'
[Unit]
Description=Daily report of the v2c demo application

[Service]
Type=oneshot
User=demoapp
ExecStart=/opt/demo-app/report.sh
EOF
put 0644 /etc/systemd/system/demo-report.timer <<'EOF'
[Unit]
Description=Daily report of the v2c demo application

[Timer]
OnCalendar=daily
Persistent=true

[Install]
WantedBy=timers.target
EOF
put 0755 /opt/demo-app/run.sh <<'EOF'
#!/bin/sh
exec /bin/busybox httpd -f -p ${PORT:-8080} -h /opt/demo-app/www
EOF
# a sparse file (16 MiB, 15 bytes of data in the middle): images must
# keep it sparse (tar --sparse below, tar-in keeps the holes)
truncate -s 16M "$root/opt/demo-app/cache.img"
printf 'v2c sparse data' |
  dd of="$root/opt/demo-app/cache.img" bs=1 seek=8388608 conv=notrunc status=none
put 0755 /opt/demo-app/netcheck <<'EOF'
#!/bin/sh
# pings the gateway for the demo app's health page (CAP_NET_RAW, given as
# a file capability like ping's)
exec /bin/busybox ping -c 1 -W 1 "${1:-127.0.0.1}"
EOF
# extended attributes images must keep: a file capability and a user.*
# attribute
setcap cap_net_raw+ep "$root/opt/demo-app/netcheck" ||
  die "setcap failed (install libcap2-bin; the fixtures need a filesystem with xattrs)"
setfattr -n user.v2c.origin -v demo-fixture "$root/opt/demo-app/netcheck" ||
  die "setfattr failed (install attr)"
put 0755 /opt/demo-app/report.sh <<'EOF'
#!/bin/sh
echo "$(date) demo-app is alive" >>/var/log/demo-app/report.log
EOF
put 0644 /opt/demo-app/www/index.html <<'EOF'
<!DOCTYPE html>
<html>
<head><title>v2c demo app</title></head>
<body><h1>v2c demo app</h1></body>
</html>
EOF
# Planted secrets: the tests grep every output of v2c for these values.
put 0640 /etc/demo-app/app.env <<'EOF'
# Settings of demo-app (systemd EnvironmentFile=)
DB_HOST=db.internal
DB_USER=appuser
DB_PASSWORD=v2c-planted-password-3141
API_TOKEN=v2c-planted-token-2718
LOG_LEVEL=info
EOF
seeded_key demo-app-tls >"$root/etc/demo-app/tls.key"
chmod 0600 "$root/etc/demo-app/tls.key"
echo 'db.internal:5432:appdb:appuser:v2c-planted-pgpass-1618' |
  put 0600 /root/.pgpass
mkdir -p "$root/var/lib/demo-app" "$root/var/log/demo-app"
{
  printf 'SQLite format 3\000'
  seeded_bytes data.db 4080
} >"$root/var/lib/demo-app/data.db"
chmod 0640 "$root/var/lib/demo-app/data.db"
put 0644 /var/log/demo-app/app.log <<'EOF'
2024-02-29T23:58:01Z INFO demo-app starting on port 8080
2024-02-29T23:58:01Z INFO connected to db.internal:5432
2024-02-29T23:59:30Z INFO GET / 200 1ms
EOF

# --- a SysV-only service --------------------------------------------------
put 0755 /etc/init.d/legacy-daemon <<'EOF'
#!/bin/sh
### BEGIN INIT INFO
# Provides:          legacy-daemon
# Required-Start:    $remote_fs $syslog
# Required-Stop:     $remote_fs $syslog
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: Old in-house daemon without a systemd unit
### END INIT INFO

DAEMON=/usr/local/sbin/legacy-daemon
PIDFILE=/run/legacy-daemon.pid

case "$1" in
  start)
    start-stop-daemon --start --background --make-pidfile \
      --pidfile $PIDFILE --exec $DAEMON
    ;;
  stop)
    start-stop-daemon --stop --pidfile $PIDFILE
    ;;
  restart)
    $0 stop
    $0 start
    ;;
  *)
    echo "Usage: $0 {start|stop|restart}" >&2
    exit 3
    ;;
esac
EOF
put 0755 /usr/local/sbin/legacy-daemon <<'EOF'
#!/bin/sh
while :; do
  date >>/var/log/legacy-daemon.log
  sleep 60
done
EOF
for r in 2 3 4 5; do
  link ../init.d/legacy-daemon "/etc/rc$r.d/S01legacy-daemon"
done
for r in 0 1 6; do
  link ../init.d/legacy-daemon "/etc/rc$r.d/K01legacy-daemon"
done

# --- identity, users ------------------------------------------------------
echo v2c-demo | put 0644 /etc/hostname
put 0644 /etc/hosts <<'EOF'
127.0.0.1	localhost
127.0.1.1	v2c-demo

# The following lines are desirable for IPv6 capable hosts
::1     localhost ip6-localhost ip6-loopback
ff02::1 ip6-allnodes
ff02::2 ip6-allrouters
EOF
put 0644 /etc/fstab <<'EOF'
# /etc/fstab: static file system information.
#
# <file system> <mount point>   <type>  <options>       <dump>  <pass>
LABEL=v2c-root  /               ext4    errors=remount-ro 0       1
EOF
echo 3f1c9a7e5b2d4c8e9a6f0b1d2c3e4f5a | put 0444 /etc/machine-id
put 0644 /etc/passwd <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
sync:x:4:65534:sync:/bin:/bin/sync
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
_apt:x:42:65534::/nonexistent:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
systemd-network:x:998:998:systemd Network Management:/:/usr/sbin/nologin
messagebus:x:100:102::/nonexistent:/usr/sbin/nologin
sshd:x:101:65534::/run/sshd:/usr/sbin/nologin
demoapp:x:1001:1001:v2c demo application:/opt/demo-app:/usr/sbin/nologin
EOF
put 0644 /etc/group <<'EOF'
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
www-data:x:33:
shadow:x:42:
nogroup:x:65534:
systemd-journal:x:999:
systemd-network:x:998:
crontab:x:101:
messagebus:x:102:
demoapp:x:1001:
EOF
# No password hashes: locked ('*', '!') entries only.
put 0640 /etc/shadow <<'EOF'
root:*:19782:0:99999:7:::
daemon:*:19782:0:99999:7:::
bin:*:19782:0:99999:7:::
sys:*:19782:0:99999:7:::
sync:*:19782:0:99999:7:::
www-data:*:19782:0:99999:7:::
_apt:*:19782:0:99999:7:::
nobody:*:19782:0:99999:7:::
systemd-network:!*:19782::::::
messagebus:!:19782::::::
sshd:!:19782::::::
demoapp:!:19782:0:99999:7:::
EOF
printf '#!/bin/sh\necho "This account is currently not available."\nexit 1\n' |
  put 0755 /usr/sbin/nologin
put 0644 /etc/apt/sources.list <<'EOF'
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian-security bookworm-security main
deb http://deb.debian.org/debian bookworm-updates main
EOF
put 0644 /root/.profile <<'EOF'
# ~/.profile: executed by Bourne-compatible login shells.
mesg n 2> /dev/null || true
EOF

########################################################################
# The dpkg database
########################################################################

info="$root/var/lib/dpkg/info"
mkdir -p "$info" "$root/var/lib/dpkg/updates" "$root/var/cache/apt"

# Installed-Size (KiB) of a package: what its files take in this tree.
pkg_size ()
{
  local total=0 f s
  while read -r f; do
    if [ -f "$root$f" ] && [ ! -L "$root$f" ]; then
      s=$(stat -c %s "$root$f")
      total=$((total + s))
    fi
  done < <(cat "$own/$1" "$own/$1.conf" 2>/dev/null)
  echo $(((total + 1023) / 1024))
}

# The "Conffiles:" field of a package: md5 of each conffile as shipped.
pkg_conffiles ()
{
  local f m
  [ -s "$own/$1.conf" ] || return 0
  echo 'Conffiles:'
  while read -r f; do
    if [ "$f" = /etc/nginx/sites-available/default ]; then
      m=$stock_site_md5
    else
      m=$(md5sum <"$root$f" | cut -d' ' -f1)
    fi
    echo " $f $m"
  done <"$own/$1.conf"
}

# .list (every path, parents included), .md5sums (regular files that are
# not conffiles, no leading slash) and .conffiles of a package.
pkg_info ()
{
  local p=$1 f d
  {
    echo /.
    while read -r f; do
      d=$f
      while [ "$d" != / ]; do
        echo "$d"
        d=$(dirname "$d")
      done
    done < <(cat "$own/$p" "$own/$p.conf" 2>/dev/null)
  } | sort -u >"$info/$p.list"
  if [ -s "$own/$p.conf" ]; then
    cp "$own/$p.conf" "$info/$p.conffiles"
  fi
  if [ -s "$own/$p" ]; then
    : >"$info/$p.md5sums"
    while read -r f; do
      if [ -f "$root$f" ] && [ ! -L "$root$f" ]; then
        (cd "$root" && md5sum "${f#/}") >>"$info/$p.md5sums"
      fi
    done <"$own/$p"
  fi
}

# The host's status stanza of package $1 for the guest: only the files
# the guest has count in Installed-Size, and the guest has no conffile of it
host_stanza ()
{
  dpkg-query -s "$1" | awk '
    /^Installed-Size:/ { print "Installed-Size: @SIZE@"; next }
    /^Conffiles:/ { skip = 1; next }
    skip && /^ / { next }
    { skip = 0; print }' | stanza "$1"
}

# One status stanza; reads the fields from stdin, where @SIZE@ and a
# line @CONFFILES@ are filled in.
stanza ()
{
  local size conf
  size=$(pkg_size "$1")
  conf=$(pkg_conffiles "$1")
  while IFS= read -r line; do
    case $line in
    @CONFFILES@) [ -z "$conf" ] || printf '%s\n' "$conf" ;;
    *) printf '%s\n' "${line//@SIZE@/$size}" ;;
    esac
  done
  echo
}

for p in base-files busybox-static cron nginx openssh-server systemd \
  tzdata rsyslog "${lib_pkgs[@]}"; do
  pkg_info "$p"
done

{
  stanza base-files <<'EOF'
Package: base-files
Essential: yes
Status: install ok installed
Priority: required
Section: admin
Installed-Size: @SIZE@
Maintainer: Santiago Vila <sanvila@debian.org>
Architecture: amd64
Multi-Arch: foreign
Version: 12.4+deb12u5
Replaces: base, dpkg (<= 1.15.0), miscutils
Provides: base
@CONFFILES@
Description: Debian base system miscellaneous files
 This package contains the basic filesystem hierarchy of a Debian system, and
 several important miscellaneous files, such as /etc/debian_version,
 /etc/host.conf, /etc/issue, /etc/motd, /etc/profile, and others,
 and the text of several common licenses in use on Debian systems.
EOF
  stanza busybox-static <<'EOF'
Package: busybox-static
Status: install ok installed
Priority: optional
Section: shells
Installed-Size: @SIZE@
Maintainer: Debian Install System Team <debian-boot@lists.debian.org>
Architecture: amd64
Source: busybox (1:1.35.0-4)
Version: 1:1.35.0-4+b3
Replaces: busybox
Provides: busybox
Conflicts: busybox
Description: Standalone rescue shell with tons of builtin utilities
 BusyBox combines tiny versions of many common UNIX utilities into a single
 small executable. It provides minimalist replacements for the most common
 utilities you would usually find on your desktop system (i.e., ls, cp, mv,
 mount, tar, etc.).
 .
 busybox-static provides you with a statically linked version of BusyBox.
Homepage: http://www.busybox.net
EOF
  stanza cron <<'EOF'
Package: cron
Status: install ok installed
Priority: important
Section: admin
Installed-Size: @SIZE@
Maintainer: Georges Khaznadar <georgesk@debian.org>
Architecture: amd64
Version: 3.0pl1-162
Depends: libc6 (>= 2.34), base-files
Recommends: systemd
@CONFFILES@
Description: process scheduling daemon
 The cron daemon is a background process that runs particular programs at
 particular times (for example, every minute, day, week, or month), as
 specified in a crontab. By default, users may also create crontabs of
 their own so that processes are run on their behalf.
Homepage: https://ftp.isc.org/isc/cron/
EOF
  for p in "${lib_pkgs[@]}"; do
    host_stanza "$p"
  done
  sed -e "s|@NGINX_VERSION@|$nginx_version|" \
    -e "s|@NGINX_DEPENDS@|$nginx_depends|" <<'EOF' | stanza nginx
Package: nginx
Status: install ok installed
Priority: optional
Section: httpd
Installed-Size: @SIZE@
Maintainer: Debian Nginx Maintainers <pkg-nginx-maintainers@alioth-lists.debian.net>
Architecture: amd64
Version: @NGINX_VERSION@
Replaces: nginx-common (<< 1.22.1-9), nginx-core
Provides: httpd, httpd-cgi, nginx-abi-1.22.1-7
Depends: @NGINX_DEPENDS@
Breaks: nginx-common (<< 1.22.1-9)
@CONFFILES@
Description: small, powerful, scalable web/proxy server
 Nginx ("engine X") is a high-performance web and reverse proxy server
 created by Igor Sysoev. It can be used both as a standalone web server
 and as a proxy to reduce the load on back-end HTTP or mail servers.
Homepage: https://nginx.org
EOF
  stanza openssh-server <<'EOF'
Package: openssh-server
Status: install ok installed
Priority: optional
Section: net
Installed-Size: @SIZE@
Maintainer: Debian OpenSSH Maintainers <debian-ssh@lists.debian.org>
Architecture: amd64
Multi-Arch: foreign
Source: openssh
Version: 1:9.2p1-2+deb12u3
Replaces: openssh-client (<< 1:7.9p1-8), ssh (<< 1:5.4p1-2)
Provides: ssh-server
Depends: libc6 (>= 2.36), libssl3 (>= 3.0.0), ucf (>= 0.28), procps
Recommends: default-logind | logind | libpam-systemd, ncurses-term, xauth
Conflicts: sftp, ssh-socks, ssh2
@CONFFILES@
Description: secure shell (SSH) server, for secure access from remote machines
 This is the portable version of OpenSSH, a free implementation of
 the Secure Shell protocol as specified by the IETF secsh working
 group.
Homepage: https://www.openssh.com/
EOF
  stanza rsyslog <<'EOF'
Package: rsyslog
Status: deinstall ok config-files
Priority: important
Section: admin
Installed-Size: 2312
Maintainer: Michael Biebl <biebl@debian.org>
Architecture: amd64
Version: 8.2302.0-1
@CONFFILES@
Description: reliable system and kernel logging daemon
 Rsyslog is a multi-threaded implementation of syslogd (a system utility
 providing support for message logging).
Homepage: https://www.rsyslog.com/
EOF
  stanza systemd <<'EOF'
Package: systemd
Status: install ok installed
Priority: important
Section: admin
Installed-Size: @SIZE@
Maintainer: Debian systemd Maintainers <pkg-systemd-maintainers@lists.alioth.debian.org>
Architecture: amd64
Multi-Arch: foreign
Version: 252.26-1~deb12u2
Depends: libc6 (>= 2.34), mount
Pre-Depends: libblkid1 (>= 2.24), libcap2 (>= 1:2.10)
@CONFFILES@
Description: system and service manager
 systemd is a system and service manager for Linux. It provides aggressive
 parallelization capabilities, uses socket and D-Bus activation for starting
 services, offers on-demand starting of daemons, keeps track of processes
 using Linux control groups and supports snapshotting and restoring of the
 system state.
Homepage: https://www.freedesktop.org/wiki/Software/systemd
EOF
  stanza tzdata <<'EOF'
Package: tzdata
Status: install ok installed
Priority: required
Section: localization
Installed-Size: @SIZE@
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: all
Multi-Arch: foreign
Version: 2024a-0+deb12u1
Provides: tzdata-bookworm
Depends: debconf (>= 0.5) | debconf-2.0
Description: time zone and daylight-saving time data
 This package contains data required for the implementation of
 standard local time for many representative locations around the
 globe.
Homepage: https://www.iana.org/time-zones
EOF
} >"$root/var/lib/dpkg/status"
cp "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/status-old"

# A changed package file: nginx.md5sums above has the md5 of the page as
# the package shipped it; the admin edited it afterwards.
put 0644 /var/www/html/index.html <<'EOF'
<!DOCTYPE html>
<html>
<head><title>v2c-demo</title></head>
<body><h1>v2c-demo: this server proxies to the demo app</h1></body>
</html>
EOF

# Planted secret values, one per line: literal values and the base64 line
# of each private key.
{
  echo v2c-planted-password-3141
  echo v2c-planted-token-2718
  echo v2c-planted-pgpass-1618
  grep -v -e '^-----' "$root/etc/demo-app/tls.key"
  grep -v -e '^-----' "$root/etc/ssh/ssh_host_ed25519_key"
} >"$tmp/planted-secrets.txt"

########################################################################
# Tarballs of the tree for tar-in (numeric owners; no user names)
########################################################################

tarc ()
{
  tar -C "$root" --format=gnu --numeric-owner --sort=name --mtime="@$epoch" "$@"
}
app_paths=(./opt/demo-app ./var/lib/demo-app ./var/log/demo-app
  ./etc/demo-app/tls.key)
tarc --owner=0 --group=0 \
  --exclude=./opt/demo-app --exclude=./var/lib/demo-app \
  --exclude=./var/log/demo-app --exclude=./etc/demo-app/tls.key \
  -cf "$b/root.tar" .
tarc --owner=1001 --group=1001 --xattrs --xattrs-include='*' --sparse \
  -cf "$b/app.tar" "${app_paths[@]}"

# Files that differ between the exported VMs.
mkdir -p "$b/etc"
echo v2c-demo-snap >"$b/etc/hostname.snap"
echo v2c-twodisk >"$b/etc/hostname.twodisk"
echo v2c-lvm >"$b/etc/hostname.lvm"
# The lvm VM runs another app on the same packages: its image must share
# the demo VM's os layer and differ in app.
printf '<!DOCTYPE html>\n<title>v2c-lvm</title>\n<h1>the lvm VM app</h1>\n' \
  >"$b/index.lvm.html"
echo v2c-luks >"$b/etc/hostname.luks"
for h in v2c-twodisk v2c-lvm v2c-luks; do
  sed "s/v2c-demo/$h/" "$root/etc/hosts" >"$b/etc/hosts.$h"
done
cat >"$b/etc/fstab.twodisk" <<'EOF'
# /etc/fstab: static file system information.
#
# <file system> <mount point>   <type>  <options>       <dump>  <pass>
LABEL=v2c-tworoot /             ext4    errors=remount-ro 0       1
LABEL=v2c-var   /var            ext4    defaults        0       2
EOF
cat >"$b/etc/fstab.lvm" <<'EOF'
# /etc/fstab: static file system information.
#
# <file system> <mount point>   <type>  <options>       <dump>  <pass>
/dev/mapper/v2cvg-root /        ext4    errors=remount-ro 0       1
EOF
luks_uuid=7d3e9a41-5c2b-4f6e-8a1d-0b9c8e7f6a51
cat >"$b/etc/fstab.luks" <<'EOF'
# /etc/fstab: static file system information.
LABEL=v2c-luksroot /            ext4    errors=remount-ro 0       1
EOF
printf 'sda1_crypt UUID=%s none luks,discard\n' "$luks_uuid" \
  >"$b/etc/crypttab.luks"

# Two VMs of other fitness, made from the demo disk plus a few files:
# "db" also runs PostgreSQL with its cluster's data under /var/lib
# (a StatefulSet with a volume; the report advises a managed database),
# "dkms" also carries an out-of-tree kernel module built by DKMS and
# loaded at boot (the report says poor: a container can't load it).
for v in db dkms; do
  echo "v2c-$v" >"$b/etc/hostname.$v"
  sed "s/v2c-demo/v2c-$v/" "$root/etc/hosts" >"$b/etc/hosts.v2c-$v"
done
sed '$a postgres:x:105:105:PostgreSQL administrator:/var/lib/postgresql:/bin/sh' \
  "$root/etc/passwd" >"$b/etc/passwd.db"
sed '$a postgres:x:105:' "$root/etc/group" >"$b/etc/group.db"
dbt="$b/db-tree"
mkdir -p "$dbt/usr/lib/postgresql/15/bin" "$dbt/etc/postgresql/15/main" \
  "$dbt/var/lib/postgresql/15/main/base/1" "$dbt/lib/systemd/system" \
  "$dbt/etc/systemd/system/multi-user.target.wants"
printf '#!/bin/sh\n# placeholder for the postgres binary (v2c test fixture)\nexit 0\n' \
  >"$dbt/usr/lib/postgresql/15/bin/postgres"
chmod 0755 "$dbt/usr/lib/postgresql/15/bin/postgres"
cat >"$dbt/etc/postgresql/15/main/postgresql.conf" <<'EOF'
# PostgreSQL configuration (v2c test fixture)
data_directory = '/var/lib/postgresql/15/main'
hba_file = '/etc/postgresql/15/main/pg_hba.conf'
listen_addresses = '*'
port = 5432
max_connections = 100
shared_buffers = 128MB
EOF
cat >"$dbt/etc/postgresql/15/main/pg_hba.conf" <<'EOF'
local   all   postgres                peer
host    all   all       10.0.0.0/8    scram-sha-256
EOF
echo 15 >"$dbt/var/lib/postgresql/15/main/PG_VERSION"
# 2 MiB of table data: incompressible, so the volume has a real size
seeded_bytes pg-16384 2097152 >"$dbt/var/lib/postgresql/15/main/base/1/16384"
cat >"$dbt/lib/systemd/system/postgresql.service" <<'EOF'
[Unit]
Description=PostgreSQL database server
After=network.target

[Service]
Type=notify
User=postgres
Group=postgres
ExecStart=/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main -c config_file=/etc/postgresql/15/main/postgresql.conf
ExecReload=/bin/kill -HUP $MAINPID
TimeoutSec=infinity

[Install]
WantedBy=multi-user.target
EOF
ln -s /lib/systemd/system/postgresql.service \
  "$dbt/etc/systemd/system/multi-user.target.wants/postgresql.service"
tar -C "$dbt" --format=gnu --numeric-owner --sort=name --mtime="@$epoch" \
  --owner=0 --group=0 -cf "$b/db.tar" .
tar -C "$dbt" --format=gnu --numeric-owner --sort=name --mtime="@$epoch" \
  --owner=105 --group=105 -cf "$b/db-data.tar" ./var/lib/postgresql

dkt="$b/dkms-tree"
mkdir -p "$dkt/var/lib/dkms/v2cnet/1.4.2/source" \
  "$dkt/lib/modules/6.1.0-18-amd64/updates/dkms" "$dkt/etc/modules-load.d"
cat >"$dkt/var/lib/dkms/v2cnet/1.4.2/source/dkms.conf" <<'EOF'
PACKAGE_NAME="v2cnet"
PACKAGE_VERSION="1.4.2"
BUILT_MODULE_NAME[0]="v2cnet"
DEST_MODULE_LOCATION[0]="/updates/dkms"
AUTOINSTALL="yes"
EOF
# not a real module: only its name and place matter to the inspection
printf '\177ELF v2c fixture: stands for an out-of-tree module\n' \
  >"$dkt/lib/modules/6.1.0-18-amd64/updates/dkms/v2cnet.ko"
echo v2cnet >"$dkt/etc/modules-load.d/v2cnet.conf"
tar -C "$dkt" --format=gnu --numeric-owner --sort=name --mtime="@$epoch" \
  --owner=0 --group=0 -cf "$b/dkms.tar" .

# "web" and "app" (issue 17): a shop in three tiers with db.  web's nginx
# calls app by its host name, by its address (an upstream) and by a
# name only web's /etc/hosts gives; app reaches db through a
# DATABASE_URL (with the planted password: it must not leak) and a JDBC
# URL.  Both have static addresses (ifupdown), which the bridges of the
# migration waves need.
for v in web app; do
  echo "v2c-$v" >"$b/etc/hostname.$v"
  sed "s/v2c-demo/v2c-$v/" "$root/etc/hosts" >"$b/etc/hosts.v2c-$v"
done
printf '10.20.0.12\tapp.corp.example\n' >>"$b/etc/hosts.v2c-web"
for v in web:11 app:12; do
  cat >"$b/etc/interfaces.${v%:*}" <<EOF
# The loopback network interface
auto lo
iface lo inet loopback

# The primary network interface
auto ens192
iface ens192 inet static
	address 10.20.0.${v#*:}/24
	gateway 10.20.0.1
EOF
done
cat >"$b/etc/site.web" <<'EOF'
upstream shop_static {
	server 10.20.0.12:8080;
}

server {
	listen 80;
	listen [::]:80;

	server_name _;
	root /var/www/html;

	location / {
		proxy_pass http://v2c-app:8080;
		proxy_set_header Host $host;
	}
	location /api/ {
		proxy_pass http://app.corp.example:8080/api/;
	}
	location /static/ {
		proxy_pass http://shop_static;
	}
}
EOF
cat >"$b/etc/app.env.app" <<'EOF'
# Settings of demo-app (systemd EnvironmentFile=)
DATABASE_URL=postgresql://appuser:v2c-planted-password-3141@v2c-db:5432/appdb
DB_USER=appuser
DB_PASSWORD=v2c-planted-password-3141
API_TOKEN=v2c-planted-token-2718
LOG_LEVEL=info
EOF
cat >"$b/etc/app.properties.app" <<'EOF'
# demo-app's JDBC settings
jdbc.url=jdbc:postgresql://v2c-db:5432/appdb
jdbc.user=appuser
EOF

# "gpu" (issue 18): the demo disk serving a model with vLLM on an NVIDIA
# GPU passed through.  The driver (nvidia-driver, nvidia-kernel-dkms,
# libcuda1) and the CUDA runtime (libcudart12) are stand-in packages
# built with dpkg-deb, with the Debian packages' names, versions and
# file lists, and installed into a copy of the demo's dpkg database by
# dpkg itself (--root); DKMS built the module (its tree and .ko) and
# modules-load.d loads it.  A virtualenv holds torch and vllm
# (dist-info), a vLLM unit serves /srv/models/llama-3-8b, whose
# safetensors file is 1 GiB and sparse.  The VMX passes a GPU through.
gt="$b/gpu-tree"
gpk="$b/gpu-pkgs"
mkdir -p "$gt/var/lib" "$gpk"
cp -a "$root/var/lib/dpkg" "$gt/var/lib/"
deb ()  # deb NAME VERSION DEPENDS SUMMARY: a package of $gpk/NAME's tree
{
  mkdir -p "$gpk/$1/DEBIAN" "$gpk/$1/usr/share/doc/$1"
  printf 'A v2c fixture standing in for the Debian package %s.\n' "$1" \
    >"$gpk/$1/usr/share/doc/$1/README.v2c"
  {
    printf 'Package: %s\nVersion: %s\nArchitecture: amd64\n' "$1" "$2"
    printf 'Maintainer: v2c fixtures <fixtures@v2c.example>\n'
    printf 'Installed-Size: %s\n' "$(du -sk --exclude=DEBIAN "$gpk/$1" | cut -f1)"
    [ -z "$3" ] || printf 'Depends: %s\n' "$3"
    printf 'Section: non-free/libs\nDescription: %s\n' "$4"
    printf ' A stand-in built by v2c'"'"'s fixtures (names, versions, files).\n'
  } >"$gpk/$1/DEBIAN/control"
  find "$gpk/$1" -exec touch -h -d "@$epoch" {} +
  dpkg-deb --root-owner-group -Zgzip --build "$gpk/$1" "$gpk/$1.deb" >/dev/null
}
nv=535.183.01
lib=usr/lib/x86_64-linux-gnu
mkdir -p "$gpk/libcuda1/$lib" "$gpk/libcudart12/$lib" \
  "$gpk/nvidia-kernel-dkms/usr/src/nvidia-current-$nv"
seeded_bytes libcuda 65536 >"$gpk/libcuda1/$lib/libcuda.so.$nv"
ln -s "libcuda.so.$nv" "$gpk/libcuda1/$lib/libcuda.so.1"
seeded_bytes libcudart 65536 >"$gpk/libcudart12/$lib/libcudart.so.12.2.140"
ln -s libcudart.so.12.2.140 "$gpk/libcudart12/$lib/libcudart.so.12"
cat >"$gpk/nvidia-kernel-dkms/usr/src/nvidia-current-$nv/dkms.conf" <<EOF
PACKAGE_NAME="nvidia-current"
PACKAGE_VERSION="$nv"
BUILT_MODULE_NAME[0]="nvidia-current"
BUILT_MODULE_NAME[1]="nvidia-current-uvm"
DEST_MODULE_LOCATION[0]="/updates/dkms"
DEST_MODULE_LOCATION[1]="/updates/dkms"
AUTOINSTALL="yes"
EOF
deb libcuda1 "$nv-1~deb12u1" "" "NVIDIA CUDA Driver Library"
deb libcudart12 "12.2.140~12.2.2-1" "" "NVIDIA CUDA Runtime Library"
deb nvidia-kernel-dkms "$nv-1~deb12u1" "dkms" "NVIDIA binary kernel module DKMS source"
deb nvidia-driver "$nv-1~deb12u1" "nvidia-kernel-dkms (= $nv-1~deb12u1), libcuda1 (= $nv-1~deb12u1)" \
  "NVIDIA metapackage"
dpkg --root="$gt" --force-all --no-triggers -i "$gpk"/libcuda1.deb \
  "$gpk"/libcudart12.deb "$gpk"/nvidia-kernel-dkms.deb "$gpk"/nvidia-driver.deb \
  >"$b/gpu-dpkg.log" 2>&1 || die "dpkg could not install the GPU stand-ins: $(tail -3 "$b/gpu-dpkg.log")"
for p in nvidia-driver nvidia-kernel-dkms libcuda1 libcudart12; do
  grep -qx "Package: $p" "$gt/var/lib/dpkg/status" || die "dpkg did not record $p"
done
rm -rf "$gt/var/lib/dpkg/status-old" "$gt/var/lib/dpkg/available-old" "$gt/var/log"
# what DKMS and the driver's setup leave beside the packages
mkdir -p "$gt/var/lib/dkms/nvidia-current/$nv/6.1.0-18-amd64/x86_64/module" \
  "$gt/lib/modules/6.1.0-18-amd64/updates/dkms" "$gt/etc/modules-load.d" \
  "$gt/etc/modprobe.d"
ln -s "/usr/src/nvidia-current-$nv" "$gt/var/lib/dkms/nvidia-current/$nv/source"
for m in nvidia-current nvidia-current-uvm; do
  printf '\177ELF v2c fixture: stands for %s.ko\n' "$m" \
    >"$gt/lib/modules/6.1.0-18-amd64/updates/dkms/$m.ko"
done
printf 'nvidia-current\nnvidia-current-uvm\n' >"$gt/etc/modules-load.d/nvidia.conf"
printf 'options nvidia-current NVreg_PreserveVideoMemoryAllocations=1\n' \
  >"$gt/etc/modprobe.d/nvidia.conf"
# the virtualenv
sp="$gt/opt/vllm/venv/lib/python3.11/site-packages"
for d in torch:2.3.1 vllm:0.5.0.post1 requests:2.31.0; do
  n=${d%%:*} v=${d#*:}
  mkdir -p "$sp/$n-$v.dist-info" "$sp/$n"
  printf 'Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: v2c fixture\n\n' \
    "$n" "$v" >"$sp/$n-$v.dist-info/METADATA"
  printf 'pip\n' >"$sp/$n-$v.dist-info/INSTALLER"
  printf '__version__ = "%s"\n' "$v" >"$sp/$n/__init__.py"
done
mkdir -p "$gt/opt/vllm/venv/bin"
printf 'home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\n' \
  >"$gt/opt/vllm/venv/pyvenv.cfg"
ln -s /usr/bin/python3 "$gt/opt/vllm/venv/bin/python"
# the model: 1 GiB, sparse (tar -S keeps it so)
md="$gt/srv/models/llama-3-8b"
mkdir -p "$md"
truncate -s 1G "$md/model.safetensors"
printf '{"architectures": ["LlamaForCausalLM"], "torch_dtype": "bfloat16"}\n' \
  >"$md/config.json"
mkdir -p "$gt/etc/systemd/system/multi-user.target.wants"
cat >"$gt/etc/systemd/system/vllm.service" <<'EOF'
[Unit]
Description=vLLM OpenAI-compatible inference server
After=network-online.target

[Service]
User=vllm
Group=vllm
WorkingDirectory=/opt/vllm
ExecStart=/opt/vllm/venv/bin/python -m vllm.entrypoints.openai.api_server --model /srv/models/llama-3-8b --host 0.0.0.0 --port 8000
Restart=on-failure

[Install]
WantedBy=multi-user.target
EOF
ln -s /etc/systemd/system/vllm.service \
  "$gt/etc/systemd/system/multi-user.target.wants/vllm.service"
echo v2c-gpu >"$b/etc/hostname.gpu"
sed "s/v2c-demo/v2c-gpu/" "$root/etc/hosts" >"$b/etc/hosts.v2c-gpu"
sed '$a vllm:x:106:106:vLLM server:/opt/vllm:/usr/sbin/nologin' \
  "$root/etc/passwd" >"$b/etc/passwd.gpu"
sed '$a vllm:x:106:' "$root/etc/group" >"$b/etc/group.gpu"
find "$gt" -exec touch -h -d "@$epoch" {} +
tar -C "$gt" --format=gnu -S --numeric-owner --sort=name --mtime="@$epoch" \
  --owner=0 --group=0 --exclude=./srv -cf "$b/gpu.tar" .
tar -C "$gt" --format=gnu -S --numeric-owner --sort=name --mtime="@$epoch" \
  --owner=106 --group=106 -cf "$b/gpu-models.tar" ./srv

# "vault": the demo disk plus every form of secret v2c must keep out of
# its outputs (issue 13), each value a unique string listed in
# vault/planted.txt, and an app, shop, that needs them back: it prints a
# sha256 of the password it got as an argument, of the URL it got from
# its environment and of the password in its own config file.
vt="$b/vault-tree"
vput ()  # vput MODE PATH: stdin to the vault file PATH
{
  mkdir -p "$(dirname "$vt$2")"
  cat >"$vt$2"
  chmod "$1" "$vt$2"
}
vplanted=()
vput 0644 /etc/systemd/system/shop.service <<'EOF'
[Unit]
Description=Shop web application
After=network.target

[Service]
Type=simple
User=shop
Group=shop
WorkingDirectory=/opt/shop
EnvironmentFile=/etc/shop/shop.env
ExecStart=/opt/shop/run.sh --db-password=v2cV01argpw --api-key v2cV02apikey
Restart=on-failure

[Install]
WantedBy=multi-user.target
EOF
vplanted+=(v2cV01argpw v2cV02apikey)
vput 0644 /etc/systemd/system/shop.service.d/override.conf <<'EOF'
[Service]
Environment="DATABASE_URL=postgres://app:v2cV03dburl@db.internal/app" "STRIPE_KEY=sk_live_v2cV04stripeAAAAAAAAAAAAA"
Environment="REDIS_URL=redis://:v2cV05redis@cache.internal:6379/0"
Environment=SHOP_SECRET=v2cV06secret
Environment=SHOP_PORT=8090
EOF
vplanted+=(v2cV03dburl sk_live_v2cV04stripeAAAAAAAAAAAAA v2cV05redis v2cV06secret)
vput 0640 /etc/shop/shop.env <<'EOF'
# shop settings (EnvironmentFile=)
SMTP_HOST=mail.internal
SMTP_PASSWORD=v2cV07smtp
GITHUB_TOKEN=ghp_v2cV08githubAAAAAAAAAAAAAAAAAAAAAAAA
AWS_ACCESS_KEY_ID=AKIAV2CV09AWSKEYIDXX
EOF
vplanted+=(v2cV07smtp ghp_v2cV08githubAAAAAAAAAAAAAAAAAAAAAAAA AKIAV2CV09AWSKEYIDXX)
vput 0644 /etc/default/shop <<'EOF'
# defaults of the shop's helper scripts
SHOP_ADMIN_PASSWORD=v2cV10default
EOF
vplanted+=(v2cV10default)
vput 0600 /opt/shop/.env <<'EOF'
SLACK_HOOK=xoxb-v2cV11slack-000000000000
EOF
vplanted+=(xoxb-v2cV11slack-000000000000)
vput 0600 /etc/shop/shop.ini <<'EOF'
[database]
host = db.internal
password = v2cV12ini
EOF
vplanted+=(v2cV12ini)
vput 0600 /var/spool/cron/crontabs/shop <<'EOF'
# m h dom mon dow command
*/5 * * * * curl -s -u admin:v2cV13curl http://127.0.0.1:8090/health
EOF
vplanted+=(v2cV13curl)
vput 0644 /etc/cron.d/shop-backup <<'EOF'
# nightly dumps of the shop's databases
0 2 * * * root PGPASSWORD=v2cV14pgpw pg_dump -h db.internal app -f /var/backups/app.sql
30 2 * * * root mysqldump -u root -pv2cV15mysql shop >/var/backups/shop.sql
EOF
vplanted+=(v2cV14pgpw v2cV15mysql)
vput 0755 /etc/init.d/shop-legacy <<'EOF'
#!/bin/sh
### BEGIN INIT INFO
# Provides:          shop-legacy
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: the shop's old notifier
### END INIT INFO
case "$1" in
  start) /opt/shop/notifier --token=v2cV16sysv --daemon ;;
esac
EOF
vplanted+=(v2cV16sysv)
vput 0600 /root/.bash_history <<'EOF'
ls
mysql -u root -pv2cV17hist shop
EOF
vplanted+=(v2cV17hist)
docker_auth=$(printf 'deploy:v2cV18docker' | base64)
vput 0600 /root/.docker/config.json <<EOF
{
  "auths": {
    "registry.internal": { "auth": "$docker_auth" }
  }
}
EOF
vplanted+=("$docker_auth" v2cV18docker)
vput 0640 /etc/nginx/.htpasswd <<'EOF'
admin:$apr1$v2cV19ht$Q7vkoy2Yyy1lYb3nQXnM40
EOF
vplanted+=('$apr1$v2cV19ht$Q7vkoy2Yyy1lYb3nQXnM40')
vput 0600 /root/.my.cnf <<'EOF'
[client]
user=root
password=v2cV20mycnf
EOF
vplanted+=(v2cV20mycnf)
vput 0600 /home/deploy/.netrc <<'EOF'
machine git.internal login deploy password v2cV21netrc
EOF
vplanted+=(v2cV21netrc)
vput 0600 /home/deploy/.git-credentials <<'EOF'
https://deploy:v2cV22gitcred@git.internal
EOF
vplanted+=(v2cV22gitcred)
vput 0600 /root/.aws/credentials <<'EOF'
[default]
aws_access_key_id = AKIAV2CV23AWSROOTIDX
aws_secret_access_key = v2cV23awssecret
EOF
vplanted+=(AKIAV2CV23AWSROOTIDX v2cV23awssecret)
vput 0600 /root/.kube/config <<'EOF'
apiVersion: v1
kind: Config
users:
- name: admin
  user:
    token: v2cV24kubetoken
EOF
vplanted+=(v2cV24kubetoken)
mkdir -p "$vt/home/deploy/.ssh"
seeded_key vault-deploy >"$vt/home/deploy/.ssh/id_ed25519"
chmod 0600 "$vt/home/deploy/.ssh/id_ed25519"
vplanted+=("$(grep -v -e '^-----' "$vt/home/deploy/.ssh/id_ed25519")")
{ printf '0\202\003\000\002\001\003'; printf 'v2cV26p12'; seeded_bytes p12 200; } |
  vput 0600 /opt/shop/keystore.p12
vplanted+=(v2cV26p12)
vput 0640 /opt/tomcat/conf/tomcat-users.xml <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<tomcat-users xmlns="http://tomcat.apache.org/xml" version="1.0">
  <role rolename="manager-gui"/>
  <user username="admin" password="v2cV27tomcat" roles="manager-gui"/>
</tomcat-users>
EOF
vplanted+=(v2cV27tomcat)
vput 0640 /var/www/html/wp-config.php <<'EOF'
<?php
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'wp' );
define( 'DB_PASSWORD', 'v2cV28wp' );
EOF
vplanted+=(v2cV28wp)
vput 0640 /opt/shop/settings.py <<'EOF'
DEBUG = False
SECRET_KEY = 'v2cV29django'
EOF
vplanted+=(v2cV29django)
vput 0640 /opt/shop/application.properties <<'EOF'
spring.datasource.url=jdbc:postgresql://db.internal/shop
spring.datasource.password=v2cV30spring
EOF
vplanted+=(v2cV30spring)
vput 0640 /opt/shop/application.yml <<'EOF'
spring:
  datasource:
    username: shop
    password: v2cV31yml
EOF
vplanted+=(v2cV31yml)
vput 0600 /root/.psql_history <<'EOF'
ALTER USER app WITH PASSWORD 'v2cV32psql';
EOF
vplanted+=(v2cV32psql)
mkdir -p "$vt/etc/shop/tls"
seeded_key vault-shop-tls >"$vt/etc/shop/tls/server.key"
chmod 0640 "$vt/etc/shop/tls/server.key"
vplanted+=("$(grep -v -e '^-----' "$vt/etc/shop/tls/server.key")")
vput 0755 /opt/shop/run.sh <<'EOF'
#!/bin/sh
# The shop: says what it received (sha256, never the value), then serves.
pw= key=
while [ $# -gt 0 ]; do
  case $1 in
    --db-password=*) pw=${1#--db-password=} ;;
    --api-key) shift; key=$1 ;;
  esac
  shift
done
h () { printf %s "$1" | /bin/busybox sha256sum | /bin/busybox cut -c1-64; }
ini=$(/bin/busybox sed -n 's/^password *= *//p' /etc/shop/shop.ini)
echo "shop: arg db-password $(h "$pw")"
echo "shop: arg api-key $(h "$key")"
echo "shop: env DATABASE_URL $(h "$DATABASE_URL")"
echo "shop: file shop.ini $(h "$ini")"
exec /bin/busybox httpd -f -p "${SHOP_PORT:-8090}" -h /opt/shop/www
EOF
echo '<h1>shop</h1>' | vput 0644 /opt/shop/www/index.html
mkdir -p "$vt/etc/systemd/system/multi-user.target.wants"
ln -s /etc/systemd/system/shop.service \
  "$vt/etc/systemd/system/multi-user.target.wants/shop.service"
mkdir -p "$vt/etc/rc2.d"
ln -s ../init.d/shop-legacy "$vt/etc/rc2.d/S01shop-legacy"
# users: shop (1002) runs the app, deploy (1003) has a home of secrets
sed '$a shop:x:1002:1002:shop application:/opt/shop:/usr/sbin/nologin\ndeploy:x:1003:1003:deployer:/home/deploy:/bin/sh' \
  "$root/etc/passwd" >"$b/etc/passwd.vault"
sed '$a shop:x:1002:\ndeploy:x:1003:' "$root/etc/group" >"$b/etc/group.vault"
sed '$a shop:$6$v2cV34salt$v2cV34hashvaluexxxxxxxxxxxxxxxxxxxxxxxxxxxx:19782:0:99999:7:::\ndeploy:!:19782:0:99999:7:::' \
  "$root/etc/shadow" >"$b/etc/shadow.vault"
vplanted+=('$6$v2cV34salt$v2cV34hashvaluexxxxxxxxxxxxxxxxxxxxxxxxxxxx')
echo v2c-vault >"$b/etc/hostname.vault"
sed "s/v2c-demo/v2c-vault/" "$root/etc/hosts" >"$b/etc/hosts.v2c-vault"
# the OVF's vApp password property (written with the OVF below)
vplanted+=(v2cV35ovfprop)
tar -C "$vt" --format=gnu --numeric-owner --sort=name --mtime="@$epoch" \
  --owner=0 --group=0 --exclude=./opt/shop --exclude=./etc/shop \
  --exclude=./home/deploy --exclude=./var/spool/cron/crontabs/shop \
  -cf "$b/vault.tar" .
tar -C "$vt" --format=gnu --numeric-owner --sort=name --mtime="@$epoch" \
  --owner=1002 --group=1002 -cf "$b/vault-shop.tar" ./opt/shop ./etc/shop \
  ./var/spool/cron/crontabs/shop
tar -C "$vt" --format=gnu --numeric-owner --sort=name --mtime="@$epoch" \
  --owner=1003 --group=1003 -cf "$b/vault-deploy.tar" ./home/deploy

########################################################################
# One appliance launch builds every filesystem
########################################################################

mkdir -p "$tmp/disk" "$tmp/bad"
disk_mib=64
raw_disks=("$tmp/disk/demo.img" "$b/snap.img" "$b/two-root.img"
  "$b/two-var.img" "$b/lvm.img" "$tmp/bad/luks.img")
# added after the LUKS header disk (sdg): db is sdh, dkms sdi, vault sdj,
# web sdk, app sdl, gpu sdm
extra_disks=("$b/db.img" "$b/dkms.img" "$b/vault.img" "$b/web.img"
  "$b/app.img" "$b/gpu.img")

# The encrypted partition's header (sdg, copied into sdf1 by guestfish).
luks_key=v2c-fixture-luks
truncate -s $((disk_mib - 2))M "$b/luks-part.img"
printf '%s' "$luks_key" >"$b/luks.key"
cryptsetup luksFormat --batch-mode --type luks2 --sector-size 512 \
  --uuid "$luks_uuid" \
  --pbkdf pbkdf2 --pbkdf-force-iterations 1000 --key-file "$b/luks.key" \
  "$b/luks-part.img"

gfs="$b/build.gfs"
{
  for d in "${raw_disks[@]}"; do
    echo "add \"$d\" format:raw"
  done
  echo "add \"$b/luks-part.img\" format:raw readonly:true"
  for d in "${extra_disks[@]}"; do
    echo "add \"$d\" format:raw"
  done
  cat <<EOF
run
echo v2c-launched

# demo (sda) and its snapshot (sdb): the snapshot is a copy that differs
# only in /etc/hostname, so the VMDK delta holds a handful of clusters
part-disk /dev/sda mbr
mkfs ext4 /dev/sda1 label:v2c-root
mount /dev/sda1 /
tar-in "$b/root.tar" /
tar-in "$b/app.tar" / xattrs:true
chown 0 42 /etc/shadow
chown 0 1001 /etc/demo-app/app.env
chown 0 101 /var/spool/cron/crontabs
chown 0 101 /var/spool/cron/crontabs/root
$(reset_times /etc/demo-app /opt /var/lib /var/log)
umount-all
copy-device-to-device /dev/sda /dev/sdb sparse:true
blockdev-rereadpt /dev/sdb
mount /dev/sdb1 /
upload "$b/etc/hostname.snap" /etc/hostname
$(reset_times /etc/hostname)
umount-all

# two disks: / on sdc1, /var on the whole of sdd (no partition table)
part-disk /dev/sdc mbr
mkfs ext4 /dev/sdc1 label:v2c-tworoot
mkfs ext4 /dev/sdd label:v2c-var
mount /dev/sdc1 /
mkdir /var
mount /dev/sdd /var
tar-in "$b/root.tar" /
tar-in "$b/app.tar" /
chown 0 42 /etc/shadow
chown 0 1001 /etc/demo-app/app.env
chown 0 101 /var/spool/cron/crontabs
chown 0 101 /var/spool/cron/crontabs/root
upload "$b/etc/hostname.twodisk" /etc/hostname
upload "$b/etc/hosts.v2c-twodisk" /etc/hosts
upload "$b/etc/fstab.twodisk" /etc/fstab
$(reset_times /etc/demo-app /opt /var/lib /var/log /var/lost+found /etc/hostname /etc/hosts /etc/fstab)
umount-all

# LVM: / on v2cvg/root
part-disk /dev/sde mbr
pvcreate /dev/sde1
vgcreate v2cvg /dev/sde1
lvcreate-free root v2cvg 100
mkfs ext4 /dev/v2cvg/root label:v2c-lvroot
mount /dev/v2cvg/root /
tar-in "$b/root.tar" /
tar-in "$b/app.tar" /
chown 0 42 /etc/shadow
chown 0 1001 /etc/demo-app/app.env
chown 0 101 /var/spool/cron/crontabs
chown 0 101 /var/spool/cron/crontabs/root
upload "$b/etc/hostname.lvm" /etc/hostname
upload "$b/etc/hosts.v2c-lvm" /etc/hosts
upload "$b/etc/fstab.lvm" /etc/fstab
upload "$b/index.lvm.html" /opt/demo-app/www/index.html
$(reset_times /etc/demo-app /opt /var/lib /var/log /etc/hostname /etc/hosts /etc/fstab /opt/demo-app/www/index.html)
umount-all
vg-activate-all false

# LUKS: / inside an encrypted partition.  The LUKS header comes from
# the host (a cheap PBKDF; the appliance's default Argon2 benchmark is
# very slow without KVM); guestfish reads the key from the next line.
part-disk /dev/sdf mbr
copy-device-to-device /dev/sdg /dev/sdf1 sparse:true
luks-open /dev/sdf1 root_crypt
$luks_key
mkfs ext4 /dev/mapper/root_crypt label:v2c-luksroot
mount /dev/mapper/root_crypt /
tar-in "$b/root.tar" /
upload "$b/etc/hostname.luks" /etc/hostname
upload "$b/etc/hosts.v2c-luks" /etc/hosts
upload "$b/etc/fstab.luks" /etc/fstab
upload "$b/etc/crypttab.luks" /etc/crypttab
umount-all
luks-close /dev/mapper/root_crypt

# db (sdh) and dkms (sdi): copies of the demo disk with their extra files
# (after a whole-disk copy the kernel must re-read the partition table:
# its partition device does not appear by itself, or only late)
copy-device-to-device /dev/sda /dev/sdh sparse:true
blockdev-rereadpt /dev/sdh
mount /dev/sdh1 /
tar-in "$b/db.tar" /
tar-in "$b/db-data.tar" /
chmod 0700 /var/lib/postgresql/15/main
upload "$b/etc/hostname.db" /etc/hostname
upload "$b/etc/hosts.v2c-db" /etc/hosts
upload "$b/etc/passwd.db" /etc/passwd
upload "$b/etc/group.db" /etc/group
$(reset_times /etc/hostname /etc/hosts /etc/passwd /etc/group)
umount-all
copy-device-to-device /dev/sda /dev/sdi sparse:true
blockdev-rereadpt /dev/sdi
mount /dev/sdi1 /
tar-in "$b/dkms.tar" /
upload "$b/etc/hostname.dkms" /etc/hostname
upload "$b/etc/hosts.v2c-dkms" /etc/hosts
$(reset_times /etc/hostname /etc/hosts)
umount-all

# vault (sdj): the demo disk with every form of secret planted
copy-device-to-device /dev/sda /dev/sdj sparse:true
blockdev-rereadpt /dev/sdj
mount /dev/sdj1 /
tar-in "$b/vault.tar" /
tar-in "$b/vault-shop.tar" /
tar-in "$b/vault-deploy.tar" /
upload "$b/etc/hostname.vault" /etc/hostname
upload "$b/etc/hosts.v2c-vault" /etc/hosts
upload "$b/etc/passwd.vault" /etc/passwd
upload "$b/etc/group.vault" /etc/group
upload "$b/etc/shadow.vault" /etc/shadow
chmod 0640 /etc/shadow
chown 0 42 /etc/shadow
chown 0 1002 /etc/shop/shop.env
chown 1002 101 /var/spool/cron/crontabs/shop
$(reset_times /etc/hostname /etc/hosts /etc/passwd /etc/group /etc/shadow /etc/shop/shop.env)
umount-all

# web (sdk) and app (sdl): the demo disk as the shop's two tiers
copy-device-to-device /dev/sda /dev/sdk sparse:true
blockdev-rereadpt /dev/sdk
mount /dev/sdk1 /
upload "$b/etc/hostname.web" /etc/hostname
upload "$b/etc/hosts.v2c-web" /etc/hosts
mkdir-p /etc/network
upload "$b/etc/interfaces.web" /etc/network/interfaces
upload "$b/etc/site.web" /etc/nginx/sites-available/default
$(reset_times /etc /etc/network /etc/nginx/sites-available /etc/hostname /etc/hosts /etc/network/interfaces /etc/nginx/sites-available/default)
umount-all
copy-device-to-device /dev/sda /dev/sdl sparse:true
blockdev-rereadpt /dev/sdl
mount /dev/sdl1 /
upload "$b/etc/hostname.app" /etc/hostname
upload "$b/etc/hosts.v2c-app" /etc/hosts
mkdir-p /etc/network
upload "$b/etc/interfaces.app" /etc/network/interfaces
upload "$b/etc/app.env.app" /etc/demo-app/app.env
upload "$b/etc/app.properties.app" /etc/demo-app/app.properties
$(reset_times /etc /etc/network /etc/demo-app /etc/hostname /etc/hosts /etc/network/interfaces /etc/demo-app/app.env /etc/demo-app/app.properties)
umount-all

# gpu (sdm): the demo disk serving a model on a GPU (issue 18)
copy-device-to-device /dev/sda /dev/sdm sparse:true
blockdev-rereadpt /dev/sdm
mount /dev/sdm1 /
tar-in "$b/gpu.tar" /
tar-in "$b/gpu-models.tar" /
upload "$b/etc/hostname.gpu" /etc/hostname
upload "$b/etc/hosts.v2c-gpu" /etc/hosts
upload "$b/etc/passwd.gpu" /etc/passwd
upload "$b/etc/group.gpu" /etc/group
$(reset_times /etc /etc/hostname /etc/hosts /etc/passwd /etc/group)
umount-all

sync
shutdown
EOF
} >"$gfs"

# run_guestfish: 0 built, 1 failed after the launch, 2 could not launch
run_guestfish ()
{
  local d
  for d in "${raw_disks[@]}" "${extra_disks[@]}"; do
    rm -f "$d"
    truncate -s "${disk_mib}M" "$d"
  done
  if guestfish --keys-from-stdin -f "$gfs" >"$b/guestfish.out" \
    2>"$b/guestfish.err" </dev/null; then
    return 0
  fi
  if grep -qx v2c-launched "$b/guestfish.out"; then
    return 1
  fi
  return 2
}

launch_with_tcg_fallback

########################################################################
# Every other format, derived with qemu-img
########################################################################

# The raw disks are only ever read from here on: checked at the end.
md5sum "${raw_disks[@]}" "${extra_disks[@]}" >"$b/raw.md5"

qi ()
{
  qemu-img "$@"
}
bytes=$((disk_mib * 1024 * 1024))

# (d) raw and qcow2
qi convert -f raw -O qcow2 "$tmp/disk/demo.img" "$tmp/disk/demo.qcow2"

# The OVF envelope of the demo VM; $1: a line before <Envelope> (or
# empty), $2: the text of <Name>, $3: ovf:size of the disk file.
ovf_envelope ()
{
  cat <<EOF
<?xml version="1.0" encoding="UTF-8"?>
EOF
  if [ -n "$1" ]; then
    printf '%s\n' "$1"
  fi
  cat <<EOF
<Envelope vmw:buildId="build-22380479" xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:cim="http://schemas.dmtf.org/wbem/wscim/1/common" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vmw="http://www.vmware.com/schema/ovf" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <References>
    <File ovf:href="demo-disk1.vmdk" ovf:id="file1" ovf:size="$3"/>
  </References>
  <DiskSection>
    <Info>Virtual disk information</Info>
    <Disk ovf:capacity="$bytes" ovf:capacityAllocationUnits="byte" ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
  </DiskSection>
  <NetworkSection>
    <Info>The list of logical networks</Info>
    <Network ovf:name="VM Network">
      <Description>The VM Network network</Description>
    </Network>
  </NetworkSection>
  <VirtualSystem ovf:id="v2c-demo">
    <Info>A virtual machine</Info>
    <Name>$2</Name>
    <OperatingSystemSection ovf:id="96" vmw:osType="debian12_64Guest">
      <Info>The kind of installed guest operating system</Info>
      <Description>Debian GNU/Linux 12 (64-bit)</Description>
    </OperatingSystemSection>
    <VirtualHardwareSection>
      <Info>Virtual hardware requirements</Info>
      <System>
        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
        <vssd:InstanceID>0</vssd:InstanceID>
        <vssd:VirtualSystemIdentifier>v2c-demo</vssd:VirtualSystemIdentifier>
        <vssd:VirtualSystemType>vmx-19</vssd:VirtualSystemType>
      </System>
      <Item>
        <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>
        <rasd:Description>Number of Virtual CPUs</rasd:Description>
        <rasd:ElementName>2 virtual CPU(s)</rasd:ElementName>
        <rasd:InstanceID>1</rasd:InstanceID>
        <rasd:ResourceType>3</rasd:ResourceType>
        <rasd:VirtualQuantity>2</rasd:VirtualQuantity>
        <vmw:CoresPerSocket ovf:required="false">1</vmw:CoresPerSocket>
      </Item>
      <Item>
        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>
        <rasd:Description>Memory Size</rasd:Description>
        <rasd:ElementName>2048MB of memory</rasd:ElementName>
        <rasd:InstanceID>2</rasd:InstanceID>
        <rasd:ResourceType>4</rasd:ResourceType>
        <rasd:VirtualQuantity>2048</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:Address>0</rasd:Address>
        <rasd:Description>SCSI Controller</rasd:Description>
        <rasd:ElementName>SCSI controller 0</rasd:ElementName>
        <rasd:InstanceID>3</rasd:InstanceID>
        <rasd:ResourceSubType>lsilogic</rasd:ResourceSubType>
        <rasd:ResourceType>6</rasd:ResourceType>
        <vmw:Config ovf:required="false" vmw:key="slotInfo.pciSlotNumber" vmw:value="16"/>
      </Item>
      <Item>
        <rasd:AddressOnParent>0</rasd:AddressOnParent>
        <rasd:ElementName>Hard disk 1</rasd:ElementName>
        <rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource>
        <rasd:InstanceID>4</rasd:InstanceID>
        <rasd:Parent>3</rasd:Parent>
        <rasd:ResourceType>17</rasd:ResourceType>
        <vmw:Config ovf:required="false" vmw:key="backing.writeThrough" vmw:value="false"/>
      </Item>
      <Item>
        <rasd:AddressOnParent>7</rasd:AddressOnParent>
        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>
        <rasd:Connection>VM Network</rasd:Connection>
        <rasd:Description>VmxNet3 ethernet adapter on &quot;VM Network&quot;</rasd:Description>
        <rasd:ElementName>Network adapter 1</rasd:ElementName>
        <rasd:InstanceID>5</rasd:InstanceID>
        <rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType>
        <rasd:ResourceType>10</rasd:ResourceType>
        <vmw:Config ovf:required="false" vmw:key="slotInfo.pciSlotNumber" vmw:value="192"/>
        <vmw:Config ovf:required="false" vmw:key="wakeOnLanEnabled" vmw:value="true"/>
      </Item>
      <Item ovf:required="false">
        <rasd:AutomaticAllocation>false</rasd:AutomaticAllocation>
        <rasd:ElementName>Video card</rasd:ElementName>
        <rasd:InstanceID>6</rasd:InstanceID>
        <rasd:ResourceType>24</rasd:ResourceType>
        <vmw:Config ovf:required="false" vmw:key="videoRamSizeInKB" vmw:value="4096"/>
      </Item>
      <vmw:Config ovf:required="false" vmw:key="cpuHotAddEnabled" vmw:value="false"/>
      <vmw:Config ovf:required="false" vmw:key="memoryHotAddEnabled" vmw:value="false"/>
      <vmw:Config ovf:required="false" vmw:key="firmware" vmw:value="bios"/>
      <vmw:Config ovf:required="false" vmw:key="tools.syncTimeWithHost" vmw:value="false"/>
      <vmw:Config ovf:required="false" vmw:key="powerOpInfo.powerOffType" vmw:value="soft"/>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
EOF
}

# manifest FILE...: the .mf lines vSphere writes
manifest ()
{
  local f
  for f in "$@"; do
    echo "SHA256($f)= $(sha256sum <"$f" | cut -d' ' -f1)"
  done
}

# ova_tar OUT DIR MEMBER...: a ustar archive as vSphere writes it
ova_tar ()
{
  local o=$1 d=$2
  shift 2
  tar -C "$d" --format=ustar --numeric-owner --owner=64 --group=64 \
    --mode=0644 --mtime="@$epoch" -cf "$o" "$@"
}

# (a) OVA and gzipped OVA
ova_dir="$b/ova"
mkdir -p "$ova_dir" "$tmp/ova" "$tmp/ova-gz"
qi convert -f raw -O vmdk -o subformat=streamOptimized,adapter_type=lsilogic \
  "$tmp/disk/demo.img" "$ova_dir/demo-disk1.vmdk"
vmdk_size=$(stat -c %s "$ova_dir/demo-disk1.vmdk")
ovf_envelope "" v2c-demo "$vmdk_size" >"$ova_dir/demo.ovf"
(cd "$ova_dir" && manifest demo.ovf demo-disk1.vmdk) >"$ova_dir/demo.mf"
ova_tar "$tmp/ova/demo.ova" "$ova_dir" demo.ovf demo.mf demo-disk1.vmdk
gzip -n -c "$tmp/ova/demo.ova" >"$tmp/ova-gz/demo.ova"

# The VMX of a VM as ESXi 7.0U2+ writes it (hardware version 19).
#   $1 displayName, $2 numvcpus, $3 memSize, $4 scsi0.virtualDev,
#   $5 ethernet0.virtualDev, $6 MAC, $7 addressType (generated/vpx),
#   $8 uuid byte, then the disk file names (scsi0:0, scsi0:1, ...)
vmx ()
{
  local name=$1 cpus=$2 mem=$3 scsi=$4 nic=$5 mac=$6 atype=$7 u=$8 i=0 f
  shift 8
  cat <<EOF
.encoding = "UTF-8"
config.version = "8"
virtualHW.version = "19"
vmci0.present = "TRUE"
floppy0.present = "FALSE"
svga.vramSize = "8388608"
numvcpus = "$cpus"
memSize = "$mem"
tools.upgrade.policy = "manual"
sched.cpu.units = "mhz"
vm.createDate = "1709251200000000"
scsi0.virtualDev = "$scsi"
scsi0.present = "TRUE"
EOF
  for f in "$@"; do
    cat <<EOF
scsi0:$i.deviceType = "scsi-hardDisk"
scsi0:$i.fileName = "$f"
sched.scsi0:$i.shares = "normal"
sched.scsi0:$i.throughputCap = "off"
scsi0:$i.present = "TRUE"
EOF
    i=$((i + 1))
  done
  cat <<EOF
sata0.present = "TRUE"
sata0:0.startConnected = "FALSE"
sata0:0.deviceType = "cdrom-image"
sata0:0.fileName = ""
sata0:0.present = "TRUE"
ethernet0.allowGuestConnectionControl = "FALSE"
ethernet0.virtualDev = "$nic"
ethernet0.networkName = "VM Network"
ethernet0.addressType = "$atype"
ethernet0.generatedAddress = "$mac"
EOF
  if [ "$atype" = generated ]; then
    echo 'ethernet0.generatedAddressOffset = "0"'
  fi
  cat <<EOF
ethernet0.uptCompatibility = "TRUE"
ethernet0.present = "TRUE"
displayName = "$name"
guestOS = "debian12-64"
toolScripts.afterPowerOn = "TRUE"
toolScripts.afterResume = "TRUE"
toolScripts.beforeSuspend = "TRUE"
toolScripts.beforePowerOff = "TRUE"
tools.syncTime = "FALSE"
uuid.bios = "42 1d 2c 07 5e 91 4a $u-9c 3b 6e 0f 21 d4 85 $u"
uuid.location = "56 4d 2c 07 5e 91 4a $u-9c 3b 6e 0f 21 d4 85 $u"
vc.uuid = "50 1d 7a 3e 11 c2 48 $u-a1 0e 55 d9 3b 72 6c $u"
nvram = "${name}.nvram"
svga.present = "TRUE"
pciBridge0.present = "TRUE"
pciBridge4.present = "TRUE"
pciBridge4.virtualDev = "pcieRootPort"
pciBridge4.functions = "8"
pciBridge5.present = "TRUE"
pciBridge5.virtualDev = "pcieRootPort"
pciBridge5.functions = "8"
hpet0.present = "TRUE"
RemoteDisplay.maxConnections = "-1"
sched.cpu.latencySensitivity = "normal"
scsi0.pciSlotNumber = "160"
ethernet0.pciSlotNumber = "192"
sata0.pciSlotNumber = "33"
sched.cpu.min = "0"
sched.cpu.shares = "normal"
sched.mem.min = "0"
sched.mem.minSize = "0"
sched.mem.shares = "normal"
vmci0.id = "1931532$u"
cleanShutdown = "TRUE"
EOF
}

# (b) VMX + monolithicSparse
mkdir -p "$tmp/vmx-sparse"
qi convert -f raw -O vmdk -o subformat=monolithicSparse,adapter_type=lsilogic \
  "$tmp/disk/demo.img" "$tmp/vmx-sparse/demo.vmdk"
vmx v2c-demo-sparse 2 1024 pvscsi e1000e 00:0c:29:5d:3a:11 generated 11 \
  demo.vmdk >"$tmp/vmx-sparse/demo.vmx"

# (c) VMX + twoGbMaxExtentSparse base + snapshot delta.  The delta is made
# from a qcow2 overlay of the snapshot disk rebased onto the base: only
# clusters that differ end up in it, and convert -B then copies just those.
mkdir -p "$tmp/vmx-split"
qi convert -f raw -O vmdk -o subformat=twoGbMaxExtentSparse,adapter_type=lsilogic \
  "$tmp/disk/demo.img" "$tmp/vmx-split/demo.vmdk"
qi create -q -f qcow2 -b "$b/snap.img" -F raw "$b/snap-delta.qcow2"
qi rebase -f qcow2 -b "$tmp/disk/demo.img" -F raw "$b/snap-delta.qcow2"
(cd "$tmp/vmx-split" &&
  qi convert -f qcow2 -O vmdk -B demo.vmdk \
    -o backing_fmt=vmdk,adapter_type=lsilogic \
    "$b/snap-delta.qcow2" demo-000001.vmdk)
qi compare -q -f raw -F vmdk "$b/snap.img" "$tmp/vmx-split/demo-000001.vmdk" ||
  die "the snapshot delta does not read back as the snapshot disk"
vmx v2c-demo-split 4 4096 lsisas1068 vmxnet3 00:50:56:9a:3a:12 vpx 12 \
  demo-000001.vmdk >"$tmp/vmx-split/demo.vmx"
backing=$(qi info --output=json "$tmp/vmx-split/demo-000001.vmdk" |
  python3 -c 'import json, sys; print(json.load(sys.stdin).get("backing-filename", ""))')
[ "$backing" = demo.vmdk ] ||
  die "the snapshot delta has '$backing' as its backing file, not 'demo.vmdk'"
base_kib=$(du -k "$tmp/vmx-split/demo.vmdk" "$tmp/vmx-split"/demo-s0*.vmdk |
  awk '{ s += $1 } END { print s }')
delta_kib=$(du -k "$tmp/vmx-split/demo-000001.vmdk" | cut -f1)
[ "$((delta_kib * 5))" -lt "$base_kib" ] ||
  die "the snapshot delta takes $delta_kib KiB, the base $base_kib KiB"

# (f) two disks, as a real export made with qemu-img has them (issue 14):
# / on a twoGbMaxExtentSparse disk whose descriptor qemu-img pads with
# NULs, named by the VMX; /var behind a snapshot delta whose
# parentFileNameHint still names the datastore it was taken on, so v2c
# must find the parent by name in the folder.
mkdir -p "$tmp/twodisk"
qi convert -f raw -O vmdk \
  -o subformat=twoGbMaxExtentSparse,adapter_type=lsilogic "$b/two-root.img" \
  "$tmp/twodisk/twodisk.vmdk"
tr -d '\000' <"$tmp/twodisk/twodisk.vmdk" | cmp -s - "$tmp/twodisk/twodisk.vmdk" &&
  die "qemu-img wrote the split descriptor without NUL padding"
qi convert -f raw -O vmdk -o adapter_type=lsilogic "$b/two-var.img" \
  "$tmp/twodisk/twodisk_1.vmdk"
(cd "$tmp/twodisk" &&
  qi create -q -f vmdk -b twodisk_1.vmdk -F vmdk twodisk_1-000001.vmdk)
python3 - "$tmp/twodisk/twodisk_1-000001.vmdk" <<'PY'
import sys
p = sys.argv[1]
d = bytearray(open(p, "rb").read())
old = b'parentFileNameHint="twodisk_1.vmdk"'
new = b'parentFileNameHint="/vmfs/volumes/datastore1/v2c-twodisk/twodisk_1.vmdk"'
i = d.find(old)
end = d.find(b"\0", i)
assert i > 0 and d[end:end + len(new) - len(old)] == bytes(len(new) - len(old))
d[i:end + len(new) - len(old)] = new + d[i + len(old):end]
open(p, "wb").write(d)
PY
vmx v2c-twodisk 1 512 lsilogic e1000 00:50:56:9a:3a:13 vpx 13 \
  twodisk.vmdk twodisk_1-000001.vmdk >"$tmp/twodisk/twodisk.vmx"

# (g) LVM
mkdir -p "$tmp/lvm"
qi convert -f raw -O vmdk -o adapter_type=lsilogic "$b/lvm.img" \
  "$tmp/lvm/lvm.vmdk"
vmx v2c-lvm 1 768 pvscsi vmxnet3 00:50:56:9a:3a:14 vpx 14 \
  lvm.vmdk >"$tmp/lvm/lvm.vmx"

# (h) db and dkms: the report's other verdicts (moderate, poor)
mkdir -p "$tmp/db" "$tmp/dkms"
qi convert -f raw -O vmdk -o adapter_type=lsilogic "$b/db.img" \
  "$tmp/db/db.vmdk"
vmx v2c-db 4 8192 lsilogic vmxnet3 00:50:56:9a:3a:15 vpx 15 \
  db.vmdk >"$tmp/db/db.vmx"
qi convert -f raw -O vmdk -o adapter_type=lsilogic "$b/dkms.img" \
  "$tmp/dkms/dkms.vmdk"
vmx v2c-dkms 2 2048 lsilogic vmxnet3 00:50:56:9a:3a:16 vpx 16 \
  dkms.vmdk >"$tmp/dkms/dkms.vmx"

# (h2) web and app: the shop's tiers in front of db (issue 17)
for v in web:1:1024:17 app:2:2048:18; do  # NAME:CPUS:MIB:ID
  IFS=: read -r n c m i <<<"$v"
  mkdir -p "$tmp/$n"
  qi convert -f raw -O vmdk -o adapter_type=lsilogic "$b/$n.img" \
    "$tmp/$n/$n.vmdk"
  vmx "v2c-$n" "$c" "$m" lsilogic vmxnet3 "00:50:56:9a:3a:$i" vpx "$i" \
    "$n.vmdk" >"$tmp/$n/$n.vmx"
done

# (h3) gpu: a VM with an NVIDIA GPU passed through (a V100: device
# 0x1db4) and the 64-bit MMIO space its memory needs
mkdir -p "$tmp/gpu"
qi convert -f raw -O vmdk -o adapter_type=lsilogic "$b/gpu.img" \
  "$tmp/gpu/gpu.vmdk"
{
  vmx v2c-gpu 8 32768 lsilogic vmxnet3 00:50:56:9a:3a:19 vpx 19 gpu.vmdk
  cat <<'EOF'
pciPassthru.use64bitMMIO = "TRUE"
pciPassthru.64bitMMIOSizeGB = "64"
pciPassthru0.present = "TRUE"
pciPassthru0.vendorId = "0x10de"
pciPassthru0.deviceId = "0x1db4"
pciPassthru0.id = "00000:059:00.0"
pciPassthru0.pciSlotNumber = "256"
EOF
} >"$tmp/gpu/gpu.vmx"
# the guest's dpkg database as dpkg wrote it: tests/gpu.sh's ground
# truth (dpkg-query --admindir) for what the image may and may not hold
cp -a "$gt/var/lib/dpkg" "$tmp/gpu/dpkg"

# (i) vault: an OVA whose OVF declares vApp properties, one of them a
# password (ovf:password="true") with a value v2c must never copy
vault_dir="$b/vault-ova"
mkdir -p "$vault_dir" "$tmp/vault"
qi convert -f raw -O vmdk -o subformat=streamOptimized,adapter_type=lsilogic \
  "$b/vault.img" "$vault_dir/demo-disk1.vmdk"
ovf_envelope "" v2c-vault "$(stat -c %s "$vault_dir/demo-disk1.vmdk")" |
  sed 's|^  </VirtualSystem>|    <ProductSection ovf:required="false">\
      <Info>Properties of the shop appliance</Info>\
      <Product>shop</Product>\
      <Property ovf:key="shop.admin_user" ovf:type="string" ovf:userConfigurable="true" ovf:value="admin"/>\
      <Property ovf:key="shop.admin_password" ovf:type="string" ovf:password="true" ovf:userConfigurable="true" ovf:value="v2cV35ovfprop"/>\
    </ProductSection>\
  </VirtualSystem>|' >"$vault_dir/vault.ovf"
grep -q v2cV35ovfprop "$vault_dir/vault.ovf" || die "vault.ovf: no ProductSection"
(cd "$vault_dir" && manifest vault.ovf demo-disk1.vmdk) >"$vault_dir/vault.mf"
ova_tar "$tmp/vault/vault.ova" "$vault_dir" vault.ovf vault.mf demo-disk1.vmdk
printf '%s\n' "${vplanted[@]}" >"$tmp/vault/planted.txt"

# (e) libvirt test-driver domain (absolute path of the final directory)
mkdir -p "$tmp/libvirt"
cat >"$tmp/libvirt/demo.xml" <<EOF
<?xml version="1.0"?>
<node>
  <domain type='test'>
    <name>v2c-demo-libvirt</name>
    <uuid>6a1f0c3e-2b4d-4e8f-9a7b-5c6d7e8f9a0b</uuid>
    <memory unit='KiB'>1048576</memory>
    <currentMemory unit='KiB'>1048576</currentMemory>
    <vcpu placement='static'>2</vcpu>
    <os>
      <type arch='x86_64' machine='pc'>hvm</type>
      <boot dev='hd'/>
    </os>
    <on_poweroff>destroy</on_poweroff>
    <on_reboot>restart</on_reboot>
    <on_crash>destroy</on_crash>
    <devices>
      <disk type='file' device='disk'>
        <driver name='qemu' type='qcow2'/>
        <source file='$out/disk/demo.qcow2'/>
        <target dev='vda' bus='virtio'/>
      </disk>
      <interface type='network'>
        <mac address='52:54:00:3a:5d:15'/>
        <source network='default'/>
        <model type='virtio'/>
      </interface>
    </devices>
  </domain>
  <network>
    <name>default</name>
    <uuid>0c6e2a4f-8b1d-4c3e-9f5a-7d6b8e9fa0b1</uuid>
    <bridge name='virbr0'/>
    <forward mode='nat'/>
    <ip address='192.168.122.1' netmask='255.255.255.0'/>
  </network>
</node>
EOF

########################################################################
# Broken inputs
########################################################################

bad="$tmp/bad"
ova_bytes=$(stat -c %s "$tmp/ova/demo.ova")
head -c $((ova_bytes * 6 / 10)) "$tmp/ova/demo.ova" >"$bad/truncated.ova"

mm="$b/mf-mismatch"
mkdir -p "$mm"
cp "$ova_dir/demo.ovf" "$ova_dir/demo-disk1.vmdk" "$mm/"
# Change the last hex digit of the disk's digest.
awk '/^SHA256\(demo-disk1\.vmdk\)= / {
       c = substr($0, length($0), 1)
       $0 = substr($0, 1, length($0) - 1) (c == "0" ? "1" : "0")
     }
     { print }' "$ova_dir/demo.mf" >"$mm/demo.mf"
cmp -s "$ova_dir/demo.mf" "$mm/demo.mf" && die "the manifest was not altered"
ova_tar "$bad/mf-mismatch.ova" "$mm" demo.ovf demo.mf demo-disk1.vmdk

ovf_envelope '<!DOCTYPE Envelope [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>' \
  '&xxe;' "$vmdk_size" >"$bad/xxe.ovf"

# GNU tar will not write a member named ../x; Python's tarfile will.
python3 - "$bad/dotdot.ova" "$ova_dir" <<'EOF'
import io, os, sys, tarfile
out, src = sys.argv[1], sys.argv[2]
with tarfile.open(out, "w", format=tarfile.USTAR_FORMAT) as t:
    data = b"written outside the extraction directory\n"
    info = tarfile.TarInfo("../x")
    info.size = len(data)
    info.mode = 0o644
    info.mtime = 1709251200
    t.addfile(info, io.BytesIO(data))
    for name in ("demo.ovf", "demo.mf", "demo-disk1.vmdk"):
        info = t.gettarinfo(os.path.join(src, name), arcname=name)
        info.uid = info.gid = 64
        info.uname = info.gname = ""
        with open(os.path.join(src, name), "rb") as f:
            t.addfile(info, f)
EOF

head -c 1048576 /dev/urandom >"$bad/random.vmdk"
truncate -s "${disk_mib}M" "$bad/blank.img"

qi convert -f raw -O vmdk -o adapter_type=lsilogic "$bad/blank.img" \
  "$bad/absurd.vmdk"
vmx v2c-absurd 1 512 lsilogic vmxnet3 00:50:56:9a:3a:16 vpx 16 absurd.vmdk |
  sed -e 's/^numvcpus = .*/numvcpus = "99999999999"/' \
    -e 's/^memSize = .*/memsize = "-5"/' >"$bad/absurd.vmx"

# LUKS: a hand-written monolithicFlat descriptor over the raw luks.img.
cat >"$bad/luks.vmdk" <<EOF
# Disk DescriptorFile
version=1
encoding="UTF-8"
CID=5a3c9e71
parentCID=ffffffff
createType="monolithicFlat"

# Extent description
RW $((bytes / 512)) FLAT "luks.img" 0

# The Disk Data Base
#DDB

ddb.adapterType = "lsilogic"
ddb.geometry.cylinders = "8"
ddb.geometry.heads = "255"
ddb.geometry.sectors = "63"
ddb.longContentID = "7b0e4d2f9c1a3e5b8d6f0a2c5a3c9e71"
ddb.uuid = "60 00 C2 9d 3e 4f 5a 6b-7c 8d 9e af b0 c1 d2 e3"
ddb.virtualHWVersion = "19"
EOF
vmx v2c-luks 1 512 lsilogic vmxnet3 00:50:56:9a:3a:17 vpx 17 luks.vmdk \
  >"$bad/luks.vmx"
qi compare -q -f raw -F vmdk "$bad/luks.img" "$bad/luks.vmdk" ||
  die "the LUKS descriptor does not read back as luks.img"

md5sum --quiet -c "$b/raw.md5" >&2 ||
  die "a raw disk changed while the other formats were derived from it"

commit
echo "$prog: fixtures built in $out ($(($(date +%s) - start)) s)"
