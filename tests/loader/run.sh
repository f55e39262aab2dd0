#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# check-unit-loader: the planner unit tests (ASan + UBSan) print their TAP
# lines; then the purgatory object and the luo-kexec command line, one line
# each.
set -uo pipefail
b=$1
tool=$b/loader/luo-kexec
purg=$b/purgatory/purgatory.ro
t=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] && echo "# kept $t" || rm -rf "$t"' EXIT

"$b/loader/test-loader" "$purg" | grep -v '^1\.\.' | tee "$t/out"
rc=${PIPESTATUS[0]}
# Pre-flight (handover formats, records in synthetic bzImages), numbered on.
"$b/loader/test-preflight" | grep -v '^1\.\.' |
	awk -v base="$(grep -cE '^(not )?ok ' "$t/out")" \
	'/^(not )?ok [0-9]+/ { sub(/ok [0-9]+/, "ok " base + (++k)) } { print }' | tee -a "$t/out"
[ "${PIPESTATUS[0]}" = 0 ] || rc=1
n=$(grep -cE '^(not )?ok ' "$t/out")

tap() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; rc=1; fi
}

# The purgatory needs nothing from outside itself (it runs alone).
undef=$(nm -u "$purg")
[ -z "$undef" ]; r=$?
[ $r = 0 ] || echo "# undefined in purgatory.ro: $(echo $undef | tr '\n' ' ')"
tap $r "purgatory.ro: no undefined symbols"

# A fake bzImage (boot protocol 2.15, 64-bit, relocatable) and a 1 GiB map.
python3 - "$t/bz" <<'PY'
import struct, sys
b = bytearray(5 * 512 + 256 * 1024)
b[0x1f1] = 4
struct.pack_into('<H', b, 0x1fe, 0xaa55)
b[0x201] = 0x6a
b[0x202:0x206] = b'HdrS'
struct.pack_into('<H', b, 0x206, 0x020f)
b[0x211] = 1
struct.pack_into('<IIBBHI', b, 0x22c, 0x7fffffff, 2 << 20, 1, 21, 3, 2047)
struct.pack_into('<QI', b, 0x258, 16 << 20, 8 << 20)
open(sys.argv[1], 'wb').write(b)
PY
cat > "$t/mm" <<'MM'
# START              END                TYPE
0x0000000000000000 0x000000000009fbff System RAM
0x000000000009fc00 0x000000000009ffff Reserved
0x00000000000f0000 0x00000000000fffff Reserved
0x0000000000100000 0x000000003ffdffff System RAM
0x000000003ffe0000 0x000000003fffffff Reserved
MM
kho=0x3000000:4096,0x1000000:0x1000000,0x30000000:0xe000000

# run NAME EXPECTED_RC [grep patterns for "out"/"err" as out:PAT err:PAT] -- ARGS
run() {
	local name=$1 want=$2 r=0 p
	shift 2
	local pats=()
	while [ "$1" != -- ]; do pats+=("$1"); shift; done
	shift
	"$tool" "$@" > "$t/o" 2> "$t/e"
	local got=$?
	[ "$got" = "$want" ] || { echo "# exit $got, wanted $want"; r=1; }
	for p in "${pats[@]}"; do
		case $p in
		out:*) grep -qE -- "${p#out:}" "$t/o" || { echo "# stdout lacks ${p#out:}"; r=1; } ;;
		err:*) grep -qE -- "${p#err:}" "$t/e" || { echo "# stderr lacks ${p#err:}"; r=1; } ;;
		noout) [ ! -s "$t/o" ] || { echo "# stdout not empty"; r=1; } ;;
		esac
	done
	[ $r = 0 ] || sed 's/^/# | /' "$t/o" "$t/e" | head -n 12
	tap $r "cli: $name"
}

run "--help fits a screen" 0 "out:^Usage: luo-kexec" "out:--dry-run" -- --help
[ "$("$tool" --help | wc -l)" -le 24 ]; tap $? "cli: --help is at most 24 lines"
run "--version" 0 "out:^luo-kexec [0-9]" -- --version
run "unknown option: exit 2, our name first" 2 "err:^luo-kexec: unknown option" noout -- --bogus
run "nothing to do" 2 "err:^luo-kexec: nothing to do" -- --initrd=x
run "-l without a kernel" 2 "err:^luo-kexec: -l needs a KERNEL" -- -l
run "missing kernel file" 1 "err:^luo-kexec: .*nonexistent: No such file" noout -- \
	--dry-run -l "$t/nonexistent" --memmap="$t/mm" --no-handover
head -c 8192 /dev/zero > "$t/zero"
run "not a bzImage" 1 "err:^luo-kexec: LD_ERR_BZ_MAGIC" -- \
	--dry-run -l "$t/zero" --memmap="$t/mm" --no-handover
run "--dry-run prints the plan and the handover" 0 \
	"out:^  kernel +0x" "out:^  purgatory +0x" "out:^  boot_params +0x" \
	"out:SETUP_KEXEC_KHO fdt 0x3000000 size 4096" "out:^  scratch 0x0000000030000000" \
	"out:command line: \"console=ttyS0 luo_stage=2\"" -- \
	--dry-run -l "$t/bz" --memmap="$t/mm" --kho-info=$kho \
	--command-line="console=ttyS0" --append="luo_stage=2" --force
run "--dry-run --no-handover" 0 "out:^handover: none" -- \
	--dry-run -l "$t/bz" --memmap="$t/mm" --kho-info=$kho --no-handover
run "scratch too small: needed vs available, nothing loaded" 1 \
	"err:^luo-kexec: LD_ERR_NO_SPACE: kernel .*needed [0-9]+ bytes.*available [0-9]+ bytes" noout -- \
	--dry-run -l "$t/bz" --memmap="$t/mm" --kho-info=0x3000000:4096,0x1000000:0x400000
run "overlapping scratch refused by the stage library" 1 \
	"err:^luo-kexec: LD_ERR_HANDOVER: handover: HO_ERR_SCRATCH_OVERLAP" -- \
	--dry-run -l "$t/bz" --memmap="$t/mm" \
	--kho-info=0x3000000:4096,0x10000000:0x4000000,0x12000000:0x4000000
run "--handover without one available" 1 "err:^luo-kexec: --handover: no KHO handover" -- \
	--dry-run --handover -l "$t/bz" --memmap="$t/mm"
run "--test-fault=list" 0 "out:^SCRATCH_OVERLAP" "out:^LUO_COMPATIBLE" -- --test-fault=list
run "--test-fault with an unknown name" 2 "err:^luo-kexec: unknown fault" -- --test-fault=nope
run "--test-fault shown in the plan" 0 "out:^test fault: FDT_MAGIC" -- \
	--dry-run -l "$t/bz" --memmap="$t/mm" --kho-info=$kho --test-fault=fdt-magic --force
run "-s --dry-run names kexec_file_load" 0 "out:^kexec_file_load\(" -- \
	-s --dry-run -l "$t/bz" --append=quiet
# --reuse-cmdline: --append replaces words with the same key, init's
# arguments after "--" stay last.
w=$(awk '{print $1}' /proc/cmdline) k=${w%%=*}
if [ -n "$k" ] && [ "$k" != -- ]; then
	run "--reuse-cmdline --append replaces $k=" 0 "out:[ \"]$k=zzz luo_stage=2( --|\")" -- \
		-s --dry-run -l "$t/bz" --reuse-cmdline --append="$k=zzz luo_stage=2"
	! grep -qF -- "\"$w " "$t/o"; tap $? "cli: --reuse-cmdline drops the replaced $w"
fi
run "-u --dry-run" 0 noout -- -u --dry-run

# ---- Nothing lost (issue 10): the handover decision and the pre-flight ----
# bzImages whose gzip payload carries a record (or none, or is corrupt), and
# sysfs-like trees (--sysfs-root) of a running kernel.
rec='kho kho-v4\nluo luo-rfc-v1\nsubsystem files luo-files-v1\nfile memfd-rfc-v1\n'
python3 - "$t" "$rec" <<'PY'
import gzip, struct, sys
t, rec = sys.argv[1], sys.argv[2].encode().decode('unicode_escape')
base = bytearray(open(t + '/bz', 'rb').read())
def bz(name, kernel, corrupt=False):
    p = bytearray(gzip.compress(kernel, mtime=0)) + struct.pack('<I', len(kernel))
    if corrupt:
        for i in range(len(p) // 3, len(p) // 3 + 32):
            p[i] ^= 0x5a
    b = bytearray(base)
    struct.pack_into('<II', b, 0x248, 0x1000, len(p))
    b[5 * 512 + 0x1000:5 * 512 + 0x1000 + len(p)] = p
    open(t + '/' + name, 'wb').write(b)
fill = bytes((i * 7) & 0xff for i in range(200000))
r = lambda s: fill + b'LUO-FORMATS-V1\n' + s.encode() + b'end\n\0' + fill
bz('bzrec', r(rec))
bz('bzluov2', r(rec.replace('luo-rfc-v1', 'luo-rfc-v2')))
bz('bznomemfd', r(rec.replace('file memfd-rfc-v1\n', '')))
bz('bznorec', fill + fill)
bz('bzcorrupt', r(rec), corrupt=True)
PY
# sysroot NAME STATE SESSIONS MEMFDS [handover|nohandover|dir]
sysroot() {
	local d=$t/$1/kernel/liveupdate
	mkdir -p "$d"
	echo "$2" > "$d/state"
	printf 'kho kho-v4\nluo luo-rfc-v1\nsubsystem files luo-files-v1\nfile memfd-rfc-v1 %s\nsessions %s\n' \
		"$4" "$3" > "$d/formats"
	case $5 in
	handover) printf 'fdt 0x3000000 0x1000\nscratch 0x1000000 0x1000000\nscratch 0x30000000 0xe000000\n' \
		> "$d/handover" ;;
	dir) mkdir "$d/handover" ;;
	esac
}
sysroot busy normal 1 1 handover
sysroot lost normal 1 1 nohandover
sysroot unreadable normal 2 3 dir
sysroot prepared prepared 0 0 nohandover
sysroot idle normal 0 0 nohandover
sysroot off disabled 0 0 nohandover
sysroot noformats normal 0 0 handover
rm "$t/noformats/kernel/liveupdate/formats"
L=(--dry-run --memmap="$t/mm" --command-line=console=ttyS0)
run "handover from sysfs, target reads it: one line" 0 "out:SETUP_KEXEC_KHO fdt 0x3000000 size 4096" \
	"err:^luo-kexec: carrying the handover \(1 session, 1 preserved file, LUO state normal\)" -- \
	"${L[@]}" --sysfs-root="$t/busy" -l "$t/bzrec"
run "something to hand over, query fails: refused, what is lost and why" 1 noout \
	"err:^luo-kexec: refused: loading without the handover would lose 1 session, 1 preserved file" \
	"err:handover query failed: no .*/handover; /dev/liveupdate: none, or KHO is off" -- \
	"${L[@]}" --sysfs-root="$t/lost" -l "$t/bzrec"
run "handover file unreadable: refused with the reason" 1 noout \
	"err:would lose 2 sessions, 3 preserved files.*/handover: Is a directory" -- \
	"${L[@]}" --sysfs-root="$t/unreadable" -l "$t/bzrec"
run "LUO prepared, query fails: refused" 1 noout "err:would lose .*LUO state prepared" -- \
	"${L[@]}" --sysfs-root="$t/prepared" -l "$t/bzrec"
run "nothing to hand over: loads and says so in one line" 0 "out:^handover: none" \
	"err:^luo-kexec: no handover carried: nothing to hand over \(no .*handover" -- \
	"${L[@]}" --sysfs-root="$t/idle" -l "$t/bzrec"
[ "$(wc -l < "$t/e")" = 1 ]; tap $? "cli: nothing to hand over: exactly one line on stderr"
run "LUO off: loads without and says so" 0 "err:^luo-kexec: no handover carried" -- \
	"${L[@]}" --sysfs-root="$t/off" -l "$t/bzrec"
mkdir -p "$t/bare"
run "a kernel that says nothing (no sysfs files): loads without, says so" 0 "out:^handover: none" \
	"err:^luo-kexec: no handover carried: .*this kernel does not say what is preserved" -- \
	"${L[@]}" --sysfs-root="$t/bare" -l "$t/bzrec"
run "--no-handover says so and what it leaves" 0 "out:^handover: none" \
	"err:^luo-kexec: --no-handover: loading without the handover; not carried: 1 session" -- \
	"${L[@]}" --sysfs-root="$t/busy" -l "$t/bzrec" --no-handover
run "--no-handover with KHO on: segments stay inside scratch" 0 "out:^  kernel +0x000000003[0-9a-d]" \
	"out:^handover: none" "err:\(segments inside KHO scratch\)" -- \
	"${L[@]}" --sysfs-root="$t/busy" -l "$t/bzrec" --no-handover
run "--handover, query fails" 1 noout "err:^luo-kexec: --handover: no KHO handover available \(no " -- \
	"${L[@]}" --sysfs-root="$t/idle" -l "$t/bzrec" --handover
run "target with a bumped LUO: refused, both sides" 1 noout \
	"err:^luo-kexec: refused: .*bzluov2 cannot read 1 format of the handover; nothing loaded" \
	"err:^  luo +luo-rfc-v1 +luo-rfc-v2 +MISMATCH" "err:^  kho +kho-v4 +kho-v4 +ok" -- \
	"${L[@]}" --sysfs-root="$t/busy" -l "$t/bzluov2"
run "target without the memfd handler: refused" 1 noout \
	"err:^  file +memfd-rfc-v1 \(1 preserved\) +- +MISSING" "err:refused: .*cannot read 1 format" -- \
	"${L[@]}" --sysfs-root="$t/busy" -l "$t/bznomemfd"
run "target without the memfd handler, no memfd preserved: loads" 0 "err:carrying the handover" -- \
	"${L[@]}" --sysfs-root="$t/idle" -l "$t/bznomemfd" --kho-info=$kho
run "target without a record: unknown needs --force" 1 noout \
	"err:bznorec: handover formats unknown: no LUO-FORMATS-V1 record" "err:refused: cannot tell" -- \
	"${L[@]}" --sysfs-root="$t/busy" -l "$t/bznorec"
run "--force loads the unknown target and says so" 0 "out:SETUP_KEXEC_KHO" \
	"err:^luo-kexec: --force: loading .*bznorec although its handover formats are unknown" -- \
	"${L[@]}" --sysfs-root="$t/busy" -l "$t/bznorec" --force
run "--force loads the bumped target and says so" 0 \
	"err:^luo-kexec: --force: loading .*bzluov2 although it cannot read the handover" -- \
	"${L[@]}" --sysfs-root="$t/busy" -l "$t/bzluov2" --force
run "corrupted payload: unknown, with the reason" 1 noout "err:gzip payload: " -- \
	"${L[@]}" --sysfs-root="$t/busy" -l "$t/bzcorrupt"
run "running kernel's formats unreadable: needs --force" 1 noout \
	"err:what this kernel hands over is unknown: .*formats: No such file" -- \
	"${L[@]}" --sysfs-root="$t/noformats" -l "$t/bzrec"
run "--check: compatible" 0 "out:^luo-kexec: compatible" "out:^  file +memfd-rfc-v1 \(1 preserved\) +memfd-rfc-v1 +ok" -- \
	--sysfs-root="$t/busy" --check "$t/bzrec"
run "--check: bumped LUO not compatible" 1 "out:^luo-kexec: NOT compatible: .*cannot read 1 format" \
	"out:MISMATCH" -- --sysfs-root="$t/busy" --check "$t/bzluov2"
run "--check: no record is unknown" 1 "out:^luo-kexec: unknown" "out:no LUO-FORMATS-V1 record" -- \
	--sysfs-root="$t/busy" --check "$t/bznorec"
run "--check with -l" 2 "err:--check KERNEL stands alone" -- --check "$t/bzrec" -l "$t/bzrec"

# The real bzImages (scripts/kernel-build.sh, cached), against what a
# running "ours" with a preserved memfd hands over.
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$t/real/kernel/liveupdate"
printf 'kho kho-v4\nluo luo-rfc-v1\nsubsystem files luo-files-v1\nsubsystem selftest luo-selftest-v1\nfile memfd-v1 1\nsessions 1\n' \
	> "$t/real/kernel/liveupdate/formats"
for row in "ours|0|out:^luo-kexec: compatible" \
	   "ours-luov2|1|out:^  luo +luo-rfc-v1 +luo-rfc-v2 +MISMATCH" \
	   "ours-nomemfd|1|out:^  file +memfd-v1 \(1 preserved\) +- +MISSING"; do
	IFS='|' read -r v want pat <<<"$row"
	if k=$("$top/scripts/kernel-build.sh" "$v" x86_64 2>"$t/kb.err" | tail -n1) && [ -f "$k" ]; then
		run "--check on the real $v bzImage" "$want" "$pat" -- --sysfs-root="$t/real" --check "$k"
	else
		sed 's/^/# /' "$t/kb.err" | tail -n 5
		tap 1 "cli: --check on the real $v bzImage (kernel build failed)"
	fi
done
echo "1..$n"
exit "$rc"
