# bench/lib.sh: what every benchmark script sources (after setting $top).
# The appliance runs with TCG where KVM does not work (as the tests'),
# and timings are medians of wall-clock seconds.

if ! guestfish --ro -a /dev/null run >/dev/null 2>&1; then
  export LIBGUESTFS_BACKEND_SETTINGS=force_tcg
fi

# median: the median of the numbers on stdin, one per line
median () { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
# now: seconds since the epoch, with nanoseconds
now () { date +%s.%N; }
# since T: the seconds since T (a value of now), two decimals
since () { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.2f\n", b - a}'; }
