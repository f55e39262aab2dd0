#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# check-unit-loader: the planner unit tests (ASan + UBSan) print their TAP
# lines; then the purgatory object, and the luo-kexec command line table, run
# over two builds of the same sources: the static tool ("cli:") and the
# ASan + UBSan one ("cli-san:", any sanitizer report fails the row).
#
# Row classes: the usual options; hostile setup headers (each field out of
# range, truncated files); command lines longer than the kernel accepts;
# --kho-info that does not parse or makes no sense; options that exclude
# each other; inputs whose error must say what is wrong. Exit status 2 is a
# bad luo-kexec command line, 1 anything else.
set -uo pipefail
b=$1
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
# The arm64 module (Image probe, DTB editing, relocations), numbered on.
"$b/loader/test-arm64" "$b/loader/purg_fixture_arm64.o" "$b/loader/qemu-virt.dtb" \
	"$b/purgatory-arm64/purgatory.ro" | grep -v '^1\.\.' |
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
# The same for the arm64 purgatory (aarch64 ELF: nm reads it too).
undef=$(nm -u "$b/purgatory-arm64/purgatory.ro")
[ -z "$undef" ]; r=$?
[ $r = 0 ] || echo "# undefined in the arm64 purgatory.ro: $(echo $undef | tr '\n' ' ')"
tap $r "arm64 purgatory.ro: no undefined symbols"

# mkbz FILE [FIELD=VALUE]...: a fake bzImage (boot protocol 2.15, 64-bit,
# relocatable, 256 KiB of "kernel" after 4 + 1 setup sectors) with setup
# header fields overridden; len=N cuts (or pads) the file to N bytes.
cat > "$t/mkbz.py" <<'PY'
import struct, sys
F = {	# name: (offset, struct format)
	'setup_sects': (0x1f1, 'B'), 'syssize': (0x1f4, 'I'), 'boot_flag': (0x1fe, 'H'),
	'jump': (0x201, 'B'), 'version': (0x206, 'H'), 'loadflags': (0x211, 'B'),
	'initrd_addr_max': (0x22c, 'I'), 'kernel_alignment': (0x230, 'I'),
	'relocatable': (0x234, 'B'), 'xloadflags': (0x236, 'H'),
	'cmdline_size': (0x238, 'I'), 'payload_offset': (0x248, 'I'),
	'payload_length': (0x24c, 'I'), 'pref_address': (0x258, 'Q'),
	'init_size': (0x260, 'I'),
}
v = dict(setup_sects=4, syssize=256 * 1024 // 16, boot_flag=0xaa55, jump=0x6a,
	 version=0x020f, loadflags=1, initrd_addr_max=0x7fffffff,
	 kernel_alignment=2 << 20, relocatable=1, xloadflags=3, cmdline_size=2047,
	 payload_offset=0x400, payload_length=0x1000, pref_address=16 << 20,
	 init_size=8 << 20)
size = 5 * 512 + 256 * 1024
for a in sys.argv[2:]:
	k, x = a.split('=')
	if k == 'len':
		size = int(x, 0)
	else:
		v[k] = int(x, 0)
b = bytearray(max(size, 0x300))
b[0x202:0x206] = b'HdrS'
for k, (off, fmt) in F.items():
	struct.pack_into('<' + fmt, b, off, v[k])
open(sys.argv[1], 'wb').write(b[:size])
PY
mkbz() { python3 "$t/mkbz.py" "$@"; }
mkbz "$t/bz"
cat > "$t/mm" <<'MM'
# START              END                TYPE
0x0000000000000000 0x000000000009fbff System RAM
0x000000000009fc00 0x000000000009ffff Reserved
0x00000000000f0000 0x00000000000fffff Reserved
0x0000000000100000 0x000000003ffdffff System RAM
0x000000003ffe0000 0x000000003fffffff Reserved
MM
printf '# nothing but comments\n\n' > "$t/mm-empty"
mkdir "$t/mm-emptydir"
printf '0x0 0x9ffff System RAM\n0x100000 0x3fffffff Reserved\n' > "$t/mm-noram"
printf '0x100000 -0x1000 System RAM\n' > "$t/mm-neg"
printf '0x100000 0x3fffffffzz System RAM\n' > "$t/mm-junk"
kho=0x3000000:4096,0x1000000:0x1000000,0x30000000:0xe000000
scr=0x1000000:0x1000000,0x30000000:0xe000000
long() { head -c "$1" /dev/zero | tr '\0' "${2:-a}"; }

# Hostile setup headers: NAME|FIELDS|ERROR|what the message must name
while IFS='|' read -r name fields code msg; do
	[ -n "$name" ] || continue
	mkbz "$t/bz-$name" $fields
	echo "$name|$code|$msg"
done > "$t/hdr-rows" <<'ROWS'
cmdline_size-ffffffff|cmdline_size=0xffffffff|LD_ERR_BZ_HEADER|cmdline_size 0xffffffff is above the limit 0xffff
cmdline_size-10000|cmdline_size=0x10000|LD_ERR_BZ_HEADER|cmdline_size 0x10000 is above
setup_sects-255-short-file|setup_sects=255 len=100000|LD_ERR_BZ_TRUNCATED|setup_sects 255 means 131072 bytes of setup, the file has 100000
syssize-past-the-file|syssize=0x4001|LD_ERR_BZ_TRUNCATED|syssize 0x4001 says 262160 bytes .* the file has 262144
truncated-to-half|len=133632|LD_ERR_BZ_TRUNCATED|syssize 0x4000 says 262144 bytes .* the file has 131072
truncated-by-one-byte|len=264703|LD_ERR_BZ_TRUNCATED|the file has 262143
syssize-0|syssize=0|LD_ERR_BZ_HEADER|syssize is 0
syssize-ffffffff|syssize=0xffffffff|LD_ERR_BZ_TRUNCATED|syssize 0xffffffff says 68719476720 bytes
init_size-0|init_size=0|LD_ERR_BZ_HEADER|init_size 0x0 is smaller than the protected-mode code
init_size-below-code|init_size=0x3ffff|LD_ERR_BZ_HEADER|init_size 0x3ffff is smaller
payload-past-the-file|payload_offset=0x3f000 payload_length=0x2000|LD_ERR_BZ_TRUNCATED|payload_offset 0x3f000 \+ payload_length 0x2000
payload-wraps-32-bits|payload_offset=0xffffffff payload_length=0xffffffff|LD_ERR_BZ_TRUNCATED|= 8589934590 bytes
kernel_alignment-0|kernel_alignment=0|LD_ERR_BZ_HEADER|kernel_alignment 0x0 is not a power of two
kernel_alignment-3MiB|kernel_alignment=0x300000|LD_ERR_BZ_HEADER|kernel_alignment 0x300000
kernel_alignment-2GiB|kernel_alignment=0x80000000|LD_ERR_BZ_HEADER|kernel_alignment 0x80000000 is not a power of two up to 0x40000000
pref_address-unaligned|pref_address=0x1001000|LD_ERR_BZ_HEADER|pref_address 0x1001000 is not a multiple of kernel_alignment 0x200000
pref_address-huge|pref_address=0xffffffffffe00000|LD_ERR_BZ_HEADER|pref_address 0xffffffffffe00000 \+ init_size 0x800000 is beyond
version-3.0|version=0x0300|LD_ERR_BZ_PROTOCOL|version 0x0300
version-2.11|version=0x020b|LD_ERR_BZ_PROTOCOL|version 0x020b
header-ends-too-early|jump=0x40|LD_ERR_BZ_HEADER|jump byte 0x40 ends the header at 0x242
header-ends-too-late|jump=0xff|LD_ERR_BZ_HEADER|jump byte 0xff ends the header at 0x301
no-64-bit-entry|xloadflags=2|LD_ERR_BZ_NOT_64BIT|xloadflags 0x0002
relocatable-2|relocatable=2|LD_ERR_BZ_NOT_RELOCATABLE|relocatable_kernel 2
not-loaded-high|loadflags=0|LD_ERR_BZ_MAGIC|no LOADED_HIGH
no-boot-flag|boot_flag=0x1234|LD_ERR_BZ_MAGIC|boot_flag 0x1234
1000-bytes|len=1000|LD_ERR_BZ_SHORT|1000 bytes
ROWS
mkbz "$t/bz-cl100" cmdline_size=100
mkbz "$t/bz-cl0" cmdline_size=0
mkbz "$t/bz-clmax" cmdline_size=0xffff

# run NAME EXPECTED_RC [out:PAT err:PAT noout]... -- ARGS
run() {
	local name=$1 want=$2 r=0 p
	shift 2
	local pats=()
	while [ "$1" != -- ]; do pats+=("$1"); shift; done
	shift
	"$tool" "$@" > "$t/o" 2> "$t/e"
	local got=$?
	[ "$got" = "$want" ] || { echo "# exit $got, wanted $want"; r=1; }
	if grep -qE 'Sanitizer|runtime error:' "$t/e"; then
		echo "# sanitizer report"; r=1
	fi
	for p in "${pats[@]}"; do
		case $p in
		out:*) grep -qE -- "${p#out:}" "$t/o" || { echo "# stdout lacks ${p#out:}"; r=1; } ;;
		err:*) grep -qE -- "${p#err:}" "$t/e" || { echo "# stderr lacks ${p#err:}"; r=1; } ;;
		noout) [ ! -s "$t/o" ] || { echo "# stdout not empty"; r=1; } ;;
		esac
	done
	[ $r = 0 ] || sed 's/^/# | /' "$t/o" "$t/e" | cut -c1-200 | head -n 12
	tap $r "$label: $name"
}

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
# Who a kernel is (Linux's own LUO has no record): a GNU build-ID note (the
# running kernel's /sys/kernel/notes, and inside a target) and its banner.
note = lambda v: struct.pack('<III', 4, 20, 3) + b'GNU\0' + bytes([v]) * 20
banner = b'Linux version 7.3.4 (luo@build) #1 SMP\0'
bz('bzsame', fill + note(0xab) + banner + fill)
bz('bzother', fill + note(0xcd) + banner + fill)
# Another build of Linux's own LUO: its compatibles as NUL-terminated
# strings (what is looked for without a record), one of them changed or
# gone in the copies.
v5 = lambda s: fill + note(0xcd) + banner + s + fill
bz('bzv5', v5(b'kho-v4\0luo-v5\0memfd-v2\0'))
bz('bzv9', v5(b'kho-v4\0luo-v9\0memfd-v2\0'))
bz('bzv5x', v5(b'kho-v4\0luo-v5x\0memfd-v2\0'))
bz('bzv5nomemfd', v5(b'kho-v4\0luo-v5\0'))
import os
luo_ser = lambda c: c + b'\0' * (8 - len(c)) + struct.pack('<QQQ', 1, 0x4000000, 0)
for d, sc, blob in (('up', struct.pack('<QQQQ', 0x1000000, 0x1000000, 0x30000000, 0xe000000), None),
              ('upbad', b'\0' * 15, None),
              ('upv5', struct.pack('<QQQQ', 0x1000000, 0x1000000, 0x30000000, 0xe000000),
               luo_ser(b'luo-v5')),
              ('upv5bad', struct.pack('<QQQQ', 0x1000000, 0x1000000, 0x30000000, 0xe000000),
               b'luo-v5xx' * 4)):
    os.makedirs(t + '/' + d + '/kernel/kho/out')
    open(t + '/' + d + '/kernel/notes', 'wb').write(note(0xab))
    open(t + '/' + d + '/kernel/kho/out/fdt_phys', 'w').write('0x3000000\n')
    open(t + '/' + d + '/kernel/kho/out/fdt_len', 'w').write('0x1000\n')
    open(t + '/' + d + '/kernel/kho/out/scratch', 'wb').write(sc)
    if blob:	# debugfs: Linux's own LUO's struct luo_ser
        os.makedirs(t + '/' + d + '/kernel/debug/kho/out/sub_fdts')
        open(t + '/' + d + '/kernel/debug/kho/out/sub_fdts/LUO', 'wb').write(blob)
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

# A dry run of KERNEL with the test map and handover, then more ARGS.
# --force: the fake bzImages carry no format record (pre-flight rows below).
dry() { echo --dry-run -l "$1" --memmap="$t/mm" --force; }

rows() {
	local bz=$t/bz mm=$t/mm
	# ---- the usual options
	run "--help fits a screen" 0 "out:^Usage: luo-kexec" "out:--dry-run" -- --help
	[ "$("$tool" --help | wc -l)" -le 24 ]; tap $? "$label: --help is at most 24 lines"
	run "--version" 0 "out:^luo-kexec [0-9]" -- --version
	run "unknown option: exit 2, our name first" 2 "err:^luo-kexec: unknown option" noout -- --bogus
	run "nothing to do" 2 "err:^luo-kexec: nothing to do" -- --initrd=x
	run "-l without a kernel" 2 "err:^luo-kexec: -l needs a KERNEL" -- -l
	run "missing kernel file" 1 "err:^luo-kexec: .*nonexistent: No such file" noout -- \
		--dry-run -l "$t/nonexistent" --memmap="$mm" --no-handover
	run "--dry-run prints the plan and the handover" 0 \
		"out:^  kernel +0x" "out:^  purgatory +0x" "out:^  boot_params +0x" \
		"out:SETUP_KEXEC_KHO fdt 0x3000000 size 4096" "out:^  scratch 0x0000000030000000" \
		"out:command line: \"console=ttyS0 luo_stage=2\"" -- \
		$(dry "$bz") --kho-info=$kho --command-line="console=ttyS0" --append="luo_stage=2"
	run "--dry-run --no-handover" 0 "out:^handover: none" -- $(dry "$bz") --no-handover
	run "scratch too small: needed vs available, nothing loaded" 1 \
		"err:^luo-kexec: LD_ERR_NO_SPACE: kernel .*needed [0-9]+ bytes.*available [0-9]+ bytes" noout -- \
		$(dry "$bz") --kho-info=0x3000000:4096,0x1000000:0x400000
	run "overlapping scratch refused by the stage library" 1 \
		"err:^luo-kexec: LD_ERR_HANDOVER: handover: HO_ERR_SCRATCH_OVERLAP" -- \
		$(dry "$bz") --kho-info=0x3000000:4096,0x10000000:0x4000000,0x12000000:0x4000000
	run "--handover without one available" 1 "err:^luo-kexec: --handover: no KHO handover" -- \
		--dry-run --handover -l "$bz" --memmap="$mm"
	run "--test-fault=list" 0 "out:^SCRATCH_OVERLAP" "out:^LUO_COMPATIBLE" -- --test-fault=list
	run "--test-fault with an unknown name" 2 "err:^luo-kexec: unknown fault" -- --test-fault=nope
	run "--test-fault shown in the plan" 0 "out:^test fault: FDT_MAGIC" -- \
		$(dry "$bz") --kho-info=$kho --test-fault=fdt-magic
	run "-s --dry-run names kexec_file_load" 0 "out:^kexec_file_load\(" -- \
		-s --dry-run -l "$bz" --append=quiet
	# --checksum=POLICY: the plan says which segments the purgatory hashes
	run "--checksum: all by default, shown in the plan" 0 \
		"out:^checksum: all: the purgatory checks the SHA-256 of 2 of 2 segments$" -- \
		$(dry "$bz") --kho-info=$kho
	run "--checksum=none: no segment hashed, named in the plan" 0 \
		"out:^checksum: none: the purgatory checks the SHA-256 of 0 of 2 segments \(not: kernel, boot_params\)$" -- \
		$(dry "$bz") --kho-info=$kho --checksum=none
	run "--checksum=outside-scratch with a handover: every segment is in scratch" 0 \
		"out:^checksum: outside-scratch: the purgatory checks the SHA-256 of 0 of 2 segments \(not: kernel, boot_params\)$" -- \
		$(dry "$bz") --kho-info=$kho --checksum=outside-scratch
	run "--checksum=outside-scratch without a handover: every segment hashed" 0 \
		"out:^checksum: outside-scratch: the purgatory checks the SHA-256 of 2 of 2 segments$" -- \
		$(dry "$bz") --no-handover --checksum=outside-scratch
	run "--checksum with an unknown policy" 2 \
		"err:^luo-kexec: LD_ERR_CHECKSUM: --checksum=sha1: unknown segment checksum policy \(all, none, outside-scratch\)" noout -- \
		$(dry "$bz") --kho-info=$kho --checksum=sha1
	run "--checksum= empty" 2 "err:^luo-kexec: LD_ERR_CHECKSUM: --checksum=: unknown" -- \
		$(dry "$bz") --kho-info=$kho --checksum=
	run "--checksum twice" 2 "err:--checksum given 2 times" -- \
		$(dry "$bz") --checksum=none --checksum=all
	run "--checksum without -l" 2 "err:--checksum needs -l KERNEL" -- -e --checksum=none
	run "conflict: -s with --checksum (the kernel's purgatory decides)" 2 \
		"err:-s/--kexec-file-syscall and --checksum exclude each other" -- \
		-s --dry-run -l "$bz" --checksum=none
	# --reuse-cmdline: --append replaces words with the same key, init's
	# arguments after "--" stay last.
	local w k
	w=$(awk '{print $1}' /proc/cmdline) k=${w%%=*}
	if [ -n "$k" ] && [ "$k" != -- ]; then
		run "--reuse-cmdline --append replaces $k=" 0 "out:[ \"]$k=zzz luo_stage=2( --|\")" -- \
			-s --dry-run -l "$bz" --reuse-cmdline --append="$k=zzz luo_stage=2"
		! grep -qF -- "\"$w " "$t/o"; tap $? "$label: --reuse-cmdline drops the replaced $w"
	fi
	run "-u --dry-run" 0 noout -- -u --dry-run

	# ---- hostile setup headers: refused, the field and the values named
	local name code msg
	while IFS='|' read -r name code msg; do
		run "header: $name -> $code" 1 "err:^luo-kexec: $code: " "err:$msg" noout -- \
			$(dry "$t/bz-$name") --kho-info=$kho
	done < "$t/hdr-rows"
	# Before the bound: a heap overflow without handover (the block was only
	# the zero page), the command line under SETUP_KEXEC_KHO with one.
	run "header: cmdline_size 0xffffffff, a command line, no handover" 1 \
		"err:^luo-kexec: LD_ERR_BZ_HEADER: cmdline_size 0xffffffff" noout -- \
		$(dry "$t/bz-cmdline_size-ffffffff") --no-handover --command-line=console=ttyS0
	run "header: cmdline_size 0xffffffff, a command line, handover" 1 \
		"err:^luo-kexec: LD_ERR_BZ_HEADER: cmdline_size 0xffffffff" noout -- \
		$(dry "$t/bz-cmdline_size-ffffffff") --kho-info=$kho --command-line=console=ttyS0
	run "header: cmdline_size 0xffff (the limit) with a 3000-byte command line" 0 \
		"out:^  boot_params" -- $(dry "$t/bz-clmax") --kho-info=$kho --command-line="$(long 3000)"

	# ---- command lines longer than the kernel accepts: the limit named
	run "command line: --command-line of 2048 bytes, cmdline_size 2047" 1 \
		"err:LD_ERR_CMDLINE_TOO_LONG: command line is 2048 bytes, the kernel accepts at most 2047" noout -- \
		$(dry "$bz") --kho-info=$kho --command-line="$(long 2048)"
	run "command line: 2047 bytes fit exactly" 0 "out:^  boot_params" -- \
		$(dry "$bz") --kho-info=$kho --command-line="$(long 2047)"
	run "command line: --append pushes it past 2047" 1 \
		"err:command line is 2051 bytes, the kernel accepts at most 2047" -- \
		$(dry "$bz") --kho-info=$kho --command-line="$(long 2000)" --append="$(long 50 b)"
	run "command line: --append alone past 2047" 1 "err:command line is 3000 bytes.*at most 2047" -- \
		$(dry "$bz") --no-handover --append="$(long 3000)"
	run "command line: cmdline_size 100, 101 bytes" 1 "err:command line is 101 bytes, the kernel accepts at most 100" -- \
		$(dry "$t/bz-cl100") --no-handover --command-line="$(long 101)"
	run "command line: cmdline_size 0 takes only an empty one" 1 "err:is 1 bytes, the kernel accepts at most 0" -- \
		$(dry "$t/bz-cl0") --no-handover --command-line=x
	run "command line: 70000 bytes, more than any kernel accepts" 1 \
		"err:--command-line is 70000 bytes, more than any kernel accepts \(65535\)" noout -- \
		$(dry "$bz") --no-handover --command-line="$(long 70000)"
	run "command line: 70000 bytes with --kho-info (nothing leaked)" 1 \
		"err:--command-line is 70000 bytes" -- \
		$(dry "$bz") --kho-info=$kho --command-line="$(long 70000)"
	run "command line: --append of 70000 bytes" 1 "err:more than any kernel accepts \(65535" -- \
		$(dry "$bz") --no-handover --append="$(long 70000)"
	run "command line: -s checks it against the kernel too" 1 \
		"err:LD_ERR_CMDLINE_TOO_LONG: command line is 101 bytes, the kernel accepts at most 100" noout -- \
		-s --dry-run -l "$t/bz-cl100" --command-line="$(long 101)"
	run "command line: -s with 100 bytes and cmdline_size 100" 0 "out:^kexec_file_load" -- \
		-s --dry-run -l "$t/bz-cl100" --command-line="$(long 100)"
	if [ -r /proc/cmdline ]; then
		run "command line: --reuse-cmdline + a long --append" 1 \
			"err:command line is [0-9]+ bytes, the kernel accepts at most 2047" -- \
			$(dry "$bz") --no-handover --reuse-cmdline --append="$(long 2047)"
	fi

	# ---- --kho-info that does not parse or makes no sense: exit 2, named
	local ki="--kho-info: "
	run "kho-info: not ADDR:SIZE" 2 "err:^luo-kexec: ${ki}'nonsense' is not ADDR:SIZE" noout -- \
		$(dry "$bz") --kho-info=nonsense
	run "kho-info: the FDT only, no scratch" 2 "err:${ki}no scratch range" -- \
		$(dry "$bz") --kho-info=0x3000000:4096
	run "kho-info: odd count (a scratch address without size)" 2 \
		"err:${ki}'0x1000000' is not ADDR:SIZE \(item 2\)" -- $(dry "$bz") --kho-info=0x3000000:4096,0x1000000
	run "kho-info: three numbers in one item" 2 "err:${ki}'1:2:3' is not ADDR:SIZE" -- \
		$(dry "$bz") --kho-info=1:2:3,$scr
	run "kho-info: empty item" 2 "err:${ki}'' is not ADDR:SIZE \(item 2\)" -- \
		$(dry "$bz") --kho-info=0x3000000:4096,,$scr
	run "kho-info: empty" 2 "err:${ki}'' is not ADDR:SIZE" -- $(dry "$bz") --kho-info=
	run "kho-info: trailing junk in a number" 2 "err:${ki}FDT size '4096k' is not a number" -- \
		$(dry "$bz") --kho-info=0x3000000:4096k,$scr
	run "kho-info: trailing junk in a scratch address" 2 "err:${ki}scratch 1 address '0x1000000g' is not a number" -- \
		$(dry "$bz") --kho-info=0x3000000:4096,0x1000000g:0x1000000
	run "kho-info: negative FDT address" 2 "err:${ki}FDT address '-1' is negative" -- \
		$(dry "$bz") --kho-info=-1:4096,$scr
	run "kho-info: negative scratch size" 2 "err:${ki}scratch 2 size '-0x1000' is negative" -- \
		$(dry "$bz") --kho-info=0x3000000:4096,0x1000000:0x1000000,0x30000000:-0x1000
	run "kho-info: a plus sign" 2 "err:${ki}FDT size '\+4096' is not a number" -- \
		$(dry "$bz") --kho-info=0x3000000:+4096,$scr
	run "kho-info: a leading space" 2 "err:${ki}FDT address ' 0x3000000' is not a number" -- \
		$(dry "$bz") "--kho-info= 0x3000000:4096,$scr"
	run "kho-info: a missing size" 2 "err:${ki}FDT size missing" -- \
		$(dry "$bz") --kho-info=0x3000000:,$scr
	run "kho-info: a number past 64 bits" 2 "err:${ki}scratch 1 size '0x10000000000000000' is not a number" -- \
		$(dry "$bz") --kho-info=0x3000000:4096,0x1000000:0x10000000000000000
	run "kho-info: FDT size 0" 2 "err:${ki}FDT size is 0" noout -- \
		$(dry "$bz") --kho-info=0x3000000:0,$scr
	run "kho-info: FDT range wraps" 2 "err:${ki}FDT 0xfffffffffffff000 \+ 0x2000 wraps around" -- \
		$(dry "$bz") --kho-info=0xfffffffffffff000:0x2000,$scr
	run "kho-info: FDT ends exactly at 2^64 (wraps)" 2 "err:${ki}FDT .* wraps around" -- \
		$(dry "$bz") --kho-info=0xfffffffffffff000:0x1000,$scr
	run "kho-info: scratch range wraps" 2 "err:${ki}scratch range 0xfffffffffff00000 \+ 0x200000 wraps" -- \
		$(dry "$bz") --kho-info=0x3000000:4096,$scr,0xfffffffffff00000:0x200000
	run "kho-info: 4097 scratch ranges" 2 "err:${ki}more than 4096 scratch ranges" -- \
		$(dry "$bz") --kho-info=0x3000000:4096$(printf ',0x%x:0x1000' $(seq 4096 4096 $((4097 * 4096))))
	run "kho-info: a zero-sized scratch range is dropped (as Linux 7.3 reports one)" 0 \
		"out:\(1 empty range dropped\)" -- $(dry "$bz") --kho-info=$kho,0x3f000000:0

	# ---- options that exclude each other: exit 2, both named
	run "conflict: --handover --no-handover" 2 "err:--handover and --no-handover exclude each other" noout -- \
		$(dry "$bz") --handover --no-handover
	run "conflict: --no-handover --handover (order does not matter)" 2 \
		"err:--handover and --no-handover exclude each other" -- $(dry "$bz") --no-handover --handover
	run "conflict: -l with -e" 2 "err:-l/--load and -e/--exec exclude each other" -- $(dry "$bz") -e
	run "conflict: -e with -u" 2 "err:-e/--exec and -u/--unload exclude each other" -- -e -u
	run "conflict: -l with -u" 2 "err:-l/--load and -u/--unload exclude" -- $(dry "$bz") -u
	run "conflict: -s with -c" 2 "err:-s/--kexec-file-syscall and -c/--kexec-syscall exclude" -- \
		-s -c --dry-run -l "$bz"
	run "conflict: --command-line with --reuse-cmdline" 2 "err:--command-line and --reuse-cmdline exclude" -- \
		$(dry "$bz") --command-line=x --reuse-cmdline
	run "conflict: --no-handover with --kho-info" 2 "err:--no-handover and --kho-info exclude" -- \
		$(dry "$bz") --no-handover --kho-info=$kho
	run "conflict: --no-handover with --test-fault" 2 "err:--no-handover and --test-fault exclude" -- \
		$(dry "$bz") --no-handover --test-fault=fdt-magic
	run "conflict: --no-handover with --relocate-handover" 2 "err:--no-handover and --relocate-handover" -- \
		$(dry "$bz") --no-handover --relocate-handover
	run "conflict: -s with --kho-info" 2 "err:-s/--kexec-file-syscall and --kho-info exclude" -- \
		-s --dry-run -l "$bz" --kho-info=$kho
	run "conflict: -s with --no-handover (the kernel carries it anyway)" 2 \
		"err:-s/--kexec-file-syscall and --no-handover exclude" -- -s --dry-run -l "$bz" --no-handover
	run "conflict: --initrd twice" 2 "err:--initrd given 2 times" -- $(dry "$bz") --initrd=a --initrd=b
	run "conflict: --initrd and --ramdisk" 2 "err:--initrd given 2 times" -- $(dry "$bz") --initrd=a --ramdisk=b
	run "conflict: --append twice" 2 "err:--append given 2 times" -- $(dry "$bz") --append=a --append=b
	run "conflict: --command-line twice" 2 "err:--command-line given 2 times" -- \
		$(dry "$bz") --command-line=a --command-line=b
	run "conflict: --kho-info twice" 2 "err:--kho-info given 2 times" -- \
		$(dry "$bz") --kho-info=$kho --kho-info=$kho
	# ---- the arch table: image types (x86_64: bzImage)
	run "--type=bzImage names the one x86_64 type" 0 "out:^  kernel +0x" -- \
		$(dry "$bz") --kho-info=$kho --type=bzImage
	run "-t bzImage, the short form" 0 "out:^  boot_params +0x" -- $(dry "$bz") --no-handover -t bzImage
	run "unknown image type: exit 2, the known ones named" 2 \
		"err:^luo-kexec: unknown image type 'Image' \(x86_64 knows: bzImage\)" noout -- \
		$(dry "$bz") --kho-info=$kho --type=Image
	run "--help names the arch's image types" 0 "out:--type=TYPE .*x86_64: bzImage" -- --help
	run "--type twice" 2 "err:-t/--type given 2 times" -- $(dry "$bz") -t bzImage --type=bzImage
	run "--type needs -l" 2 "err:-t/--type needs -l KERNEL" -- -e --type=bzImage
	run "--type=bzImage on a file that is not one: its own error" 1 \
		"err:^luo-kexec: LD_ERR_BZ_MAGIC: boot_flag 0x1234" noout -- \
		$(dry "$t/bz-no-boot-flag") --kho-info=$kho --type=bzImage
	run "-s --type=bzImage checks the command line the same way" 1 \
		"err:LD_ERR_CMDLINE_TOO_LONG: command line is 101 bytes, the kernel accepts at most 100 \(setup header cmdline_size\)" -- \
		-s --dry-run -l "$t/bz-cl100" --type=bzImage --command-line="$(long 101)"
	run "conflict: -e with --initrd (needs -l)" 2 "err:--initrd needs -l KERNEL" -- -e --initrd=x
	run "conflict: -u with --append (needs -l)" 2 "err:--append needs -l KERNEL" -- -u --append=x

	# ---- errors say what is wrong
	run "message: empty memory map file" 1 "err:mm-empty: the memory map has no entries" noout -- \
		--dry-run -l "$bz" --memmap="$t/mm-empty" --kho-info=$kho
	run "message: empty memory map directory" 1 "err:mm-emptydir: no entries N/\{start,end,type\}" -- \
		--dry-run -l "$bz" --memmap="$t/mm-emptydir" --no-handover
	run "message: no usable RAM above 1 MiB" 1 \
		"err:LD_ERR_NO_ALLOWED_MEMORY: the memory map has no usable RAM at or above 1 MiB" -- \
		--dry-run -l "$bz" --memmap="$t/mm-noram" --no-handover
	run "message: scratch outside RAM" 1 "err:LD_ERR_HANDOVER: handover: HO_ERR_SCRATCH_OUTSIDE_RAM" -- \
		$(dry "$bz") --kho-info=0x3000000:4096,0x80000000:0x10000000
	run "message: scratch below 1 MiB only" 1 "err:LD_ERR_NO_ALLOWED_MEMORY: no scratch range lies in usable RAM at or above 1 MiB" -- \
		$(dry "$bz") --kho-info=0x3000000:4096,0x10000:0x80000
	run "message: negative number in the memory map" 1 "err:mm-neg:1: expected" -- \
		--dry-run -l "$bz" --memmap="$t/mm-neg" --no-handover
	run "message: trailing junk in the memory map" 1 "err:mm-junk:1: expected" -- \
		--dry-run -l "$bz" --memmap="$t/mm-junk" --no-handover
	run "message: --test-fault without a handover" 1 "err:--test-fault needs a handover" -- \
		--dry-run -l "$bz" --memmap="$mm" --test-fault=fdt-magic

	# ---- Nothing lost (issue 10): the handover decision and the pre-flight
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
	[ "$(wc -l < "$t/e")" = 1 ]; tap $? "$label: nothing to hand over: exactly one line on stderr"
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
		"err:^luo-kexec: LD_ERR_TARGET_FORMAT: refused: .*bzluov2 cannot read 1 format of the handover \(luo luo-rfc-v1\); nothing loaded" \
		"err:^  luo +luo-rfc-v1 +luo-rfc-v2 +MISMATCH" "err:^  kho +kho-v4 +kho-v4 +ok" -- \
		"${L[@]}" --sysfs-root="$t/busy" -l "$t/bzluov2"
	run "target without the memfd handler: refused" 1 noout \
		"err:^  file +memfd-rfc-v1 \(1 preserved\) +- +MISSING" "err:refused: .*cannot read 1 format" -- \
		"${L[@]}" --sysfs-root="$t/busy" -l "$t/bznomemfd"
	run "target without the memfd handler, no memfd preserved: loads" 0 "err:carrying the handover" -- \
		"${L[@]}" --sysfs-root="$t/idle" -l "$t/bznomemfd" --kho-info=$kho
	run "target without a record: its image lacks the compatibles: refused" 1 noout \
		"err:bznorec: no LUO-FORMATS-V1 record: its decoded image searched for the compatibles" \
		"err:^  luo +luo-rfc-v1 +- +MISSING" "err:^  kho +kho-v4 +- +MISSING" \
		"err:LD_ERR_TARGET_FORMAT: refused: .*bznorec cannot read 4 formats of the handover \(kho kho-v4, luo luo-rfc-v1, subsystem luo-files-v1 of files, file memfd-rfc-v1\)" -- \
		"${L[@]}" --sysfs-root="$t/busy" -l "$t/bznorec"
	run "--force loads the target without record and says so" 0 "out:SETUP_KEXEC_KHO" \
		"err:^luo-kexec: --force: loading .*bznorec although it cannot read the handover" -- \
		"${L[@]}" --sysfs-root="$t/busy" -l "$t/bznorec" --force
	run "--force loads the bumped target and says so" 0 \
		"err:^luo-kexec: --force: loading .*bzluov2 although it cannot read the handover" -- \
		"${L[@]}" --sysfs-root="$t/busy" -l "$t/bzluov2" --force
	run "corrupted payload: unknown, with the reason" 1 noout "err:gzip payload: " \
		"err:LD_ERR_TARGET_UNKNOWN: refused: cannot tell whether" -- \
		"${L[@]}" --sysfs-root="$t/busy" -l "$t/bzcorrupt"
	run "running kernel's formats unreadable: needs --force" 1 noout \
		"err:what this kernel hands over is unknown: .*formats: No such file" -- \
		"${L[@]}" --sysfs-root="$t/noformats" -l "$t/bzrec"
	run "--check: compatible" 0 "out:^luo-kexec: compatible" "out:^  file +memfd-rfc-v1 \(1 preserved\) +memfd-rfc-v1 +ok" -- \
		--sysfs-root="$t/busy" --check "$t/bzrec"
	run "--check: bumped LUO not compatible" 1 "out:^luo-kexec: NOT compatible: .*cannot read 1 format" \
		"out:MISMATCH" -- --sysfs-root="$t/busy" --check "$t/bzluov2"
	run "--check: no record, compatibles not in the image" 1 \
		"out:^luo-kexec: NOT compatible: .*bznorec cannot read 4 formats \(kho kho-v4, luo luo-rfc-v1" \
		"out:no LUO-FORMATS-V1 record: its decoded image searched" -- \
		--sysfs-root="$t/busy" --check "$t/bznorec"
	run "--check: corrupted payload is unknown" 1 "out:^luo-kexec: unknown" "out:gzip payload: " -- \
		--sysfs-root="$t/busy" --check "$t/bzcorrupt"
	run "--check with -l" 2 "err:--check KERNEL stands alone" -- --check "$t/bzrec" -l "$t/bzrec"

	# Linux's own LUO with the KHO patch (kernel/patches/0003-kho-*): the
	# handover from /sys/kernel/kho/out, no formats file, no record in the
	# target: only the same build (build ID) is proven.
	run "upstream LUO: handover from kho/out, own build: loads" 0 \
		"out:SETUP_KEXEC_KHO fdt 0x3000000 size 4096" "out:^  scratch 0x0000000030000000" \
		"err:bzsame is this kernel's own build \(release .*, build ID abababab" -- \
		"${L[@]}" --sysfs-root="$t/up" -l "$t/bzsame"
	[ "$(wc -l < "$t/e")" = 1 ]; tap $? "$label: upstream LUO, own build: exactly one line on stderr"
	run "upstream LUO: another build: refused, both builds named" 1 noout \
		"err:not the same build: this kernel release .*build ID abab.*bzother release 7.3.4, build ID cdcd" \
		"err:refused: cannot tell whether .*bzother reads the handover" -- \
		"${L[@]}" --sysfs-root="$t/up" -l "$t/bzother"
	run "upstream LUO: --force loads another build and says so" 0 "out:SETUP_KEXEC_KHO" \
		"err:--force: loading .*bzother although its handover formats are unknown" -- \
		"${L[@]}" --sysfs-root="$t/up" -l "$t/bzother" --force
	run "upstream LUO: a target with a record is still unknown (formats not listed)" 1 noout \
		"err:what this kernel hands over is unknown" "err:refused: cannot tell" -- \
		"${L[@]}" --sysfs-root="$t/up" -l "$t/bzrec"
	run "upstream LUO: kho/out broken: refused, nothing loaded" 1 noout \
		"err:refused: loading without the handover would lose .*kho/out: scratch: 15 bytes" -- \
		"${L[@]}" --sysfs-root="$t/upbad" -l "$t/bzsame"
	run "upstream LUO: kho/out broken, --no-handover loads" 0 "out:^handover: none" -- \
		"${L[@]}" --sysfs-root="$t/upbad" -l "$t/bzsame" --no-handover
	run "--check: own build is compatible" 0 "out:^luo-kexec: compatible: .*bzsame is this kernel's own build" -- \
		--sysfs-root="$t/up" --check "$t/bzsame"
	run "--check: another build is unknown" 1 "out:^luo-kexec: unknown" "out:not the same build" -- \
		--sysfs-root="$t/up" --check "$t/bzother"

	# Linux's own LUO with debugfs: its KHO entry's blob (struct luo_ser)
	# names luo-v5; kho-v4 and its memfd handler's memfd-v2 (files unknown
	# until the kexec) go with it. A target of another build without
	# record is searched for those compatibles (issue 17).
	run "upstream LUO: another build with its compatibles: loads" 0 "out:SETUP_KEXEC_KHO" \
		"err:^luo-kexec: carrying the handover .*bzv5 reads every format of it \(its compatibles found in its decoded image\)" -- \
		"${L[@]}" --sysfs-root="$t/upv5" -l "$t/bzv5"
	[ "$(wc -l < "$t/e")" = 1 ]; tap $? "$label: upstream LUO, compatibles found: exactly one line on stderr"
	run "upstream LUO: own build still proven by its build ID" 0 "err:bzsame is this kernel's own build" -- \
		"${L[@]}" --sysfs-root="$t/upv5" -l "$t/bzsame"
	run "upstream LUO: another LUO compatible: refused, luo-v5 named" 1 noout \
		"err:^  luo +luo-v5 +- +MISSING" "err:^  kho +kho-v4 +kho-v4 +ok" \
		"err:^  file +memfd-v2 \(\? preserved\) +memfd-v2 +ok" \
		"err:^luo-kexec: LD_ERR_TARGET_FORMAT: refused: .*bzv9 cannot read 1 format of the handover \(luo luo-v5\); nothing loaded, the sessions stay" -- \
		"${L[@]}" --sysfs-root="$t/upv5" -l "$t/bzv9"
	run "upstream LUO: luo-v5x is not luo-v5: refused" 1 noout "err:bzv5x cannot read 1 format .*\(luo luo-v5\)" -- \
		"${L[@]}" --sysfs-root="$t/upv5" -l "$t/bzv5x"
	run "upstream LUO: no memfd handler: refused, memfd-v2 named" 1 noout \
		"err:^  file +memfd-v2 \(\? preserved\) +- +MISSING" "err:cannot read 1 format .*\(file memfd-v2\)" -- \
		"${L[@]}" --sysfs-root="$t/upv5" -l "$t/bzv5nomemfd"
	run "upstream LUO: --force loads another LUO compatible and says so" 0 "out:SETUP_KEXEC_KHO" \
		"err:--force: loading .*bzv9 although it cannot read the handover" -- \
		"${L[@]}" --sysfs-root="$t/upv5" -l "$t/bzv9" --force
	run "upstream LUO: a target with a record of our LUO: refused" 1 noout \
		"err:^  luo +luo-v5 +luo-rfc-v1 +MISMATCH" "err:cannot read 2 formats .*\(luo luo-v5, file memfd-v2\)" -- \
		"${L[@]}" --sysfs-root="$t/upv5" -l "$t/bzrec"
	run "upstream LUO: LUO blob not a luo_ser: unknown, with the reason" 1 noout \
		"err:what this kernel hands over is unknown: .*sub_fdts/LUO: 32 bytes, no NUL" \
		"err:LD_ERR_TARGET_UNKNOWN: refused: cannot tell whether .*bzv5" -- \
		"${L[@]}" --sysfs-root="$t/upv5bad" -l "$t/bzv5"
	run "--check: upstream LUO, compatibles found" 0 "out:^luo-kexec: compatible: .*bzv5 reads every format" \
		"out:^  luo +luo-v5 +luo-v5 +ok" -- --sysfs-root="$t/upv5" --check "$t/bzv5"
	run "--check: upstream LUO, another LUO compatible" 1 \
		"out:^luo-kexec: NOT compatible: .*bzv9 cannot read 1 format \(luo luo-v5\)" -- \
		--sysfs-root="$t/upv5" --check "$t/bzv9"

	# The real bzImages (scripts/kernel-build.sh, cached), against what a
	# running "ours" with a preserved memfd hands over.
	top=$(cd "$(dirname "$0")/../.." && pwd)
	mkdir -p "$t/real/kernel/liveupdate"
	printf 'kho kho-v4\nluo luo-rfc-v1\nsubsystem files luo-files-v1\nsubsystem selftest luo-selftest-v1\nfile memfd-rfc-v2 1\nsessions 1\n' \
		> "$t/real/kernel/liveupdate/formats"
	for row in "ours|0|out:^luo-kexec: compatible" \
		   "ours-luov2|1|out:^  luo +luo-rfc-v1 +luo-rfc-v2 +MISMATCH" \
		   "ours-nomemfd|1|out:^  file +memfd-rfc-v2 \(1 preserved\) +- +MISSING"; do
		IFS='|' read -r v want pat <<<"$row"
		if k=$("$top/scripts/kernel-build.sh" "$v" x86_64 2>"$t/kb.err" | tail -n1) && [ -f "$k" ]; then
			run "--check on the real $v bzImage" "$want" "$pat" -- --sysfs-root="$t/real" --check "$k"
		else
			sed 's/^/# /' "$t/kb.err" | tail -n 5
			tap 1 "$label: --check on the real $v bzImage (kernel build failed)"
		fi
	done
	real_upstream
}

# The real upstream bzImage (Linux's own LUO) as the target: against a
# running "ours" (no record there: its decoded image lacks luo-rfc-v1), and
# against a running Linux LUO of another build (fake notes) with debugfs'
# luo-v5 blob: its compatibles are found; a copy of its decoded kernel with
# "luo-v5" patched to "luo-v9" (zstd -d, the bytes changed, gzip into a
# bzImage) is refused; the real ours image (record: luo-rfc-v1) too.
real_upstream() {
	local k ko
	if ! k=$("$top/scripts/kernel-build.sh" upstream x86_64 2>"$t/kb.err" | tail -n1) ||
	   ! ko=$("$top/scripts/kernel-build.sh" ours x86_64 2>>"$t/kb.err" | tail -n1); then
		sed 's/^/# /' "$t/kb.err" | tail -n 5
		tap 1 "$label: the real upstream bzImage (kernel build failed)"
		return
	fi
	if [ ! -f "$t/bzup-v9" ]; then
		python3 - "$k" "$t" <<'PY' || { tap 1 "$label: patched copy of the real upstream bzImage"; return; }
import gzip, struct, subprocess, sys
k, t = sys.argv[1], sys.argv[2]
b = open(k, 'rb').read()
setup = (b[0x1f1] or 4) + 1
off, n = struct.unpack_from('<II', b, 0x248)
p = b[setup * 512 + off:setup * 512 + off + n - 4]	# Kbuild appends the size (le32)
dec = subprocess.run(['zstd', '-dcq'], input=p, stdout=subprocess.PIPE, check=True).stdout
assert dec.count(b'luo-v5\0') >= 1 and dec.count(b'memfd-v2\0') >= 1, 'compatibles not in the image'
mod = dec.replace(b'luo-v5\0', b'luo-v9\0')
base = bytearray(open(t + '/bz', 'rb').read())
q = gzip.compress(mod, compresslevel=1, mtime=0) + struct.pack('<I', len(mod))
struct.pack_into('<II', base, 0x248, 0x1000, len(q))
base[5 * 512 + 0x1000:] = q
open(t + '/bzup-v9', 'wb').write(base)
PY
	fi
	mkdir -p "$t/realup/kernel/kho/out" "$t/realup/kernel/debug/kho/out/sub_fdts"
	cp "$t/upv5/kernel/kho/out/"* "$t/realup/kernel/kho/out/"
	cp "$t/upv5/kernel/debug/kho/out/sub_fdts/LUO" "$t/realup/kernel/debug/kho/out/sub_fdts/"
	cp "$t/upv5/kernel/notes" "$t/realup/kernel/notes"	# not the build of $k
	run "--check: running ours, the real upstream bzImage lacks luo-rfc-v1" 1 \
		"out:^luo-kexec: NOT compatible: .* \(luo luo-rfc-v1, subsystem" "out:^  kho +kho-v4 +kho-v4 +ok" -- \
		--sysfs-root="$t/real" --check "$k"
	run "--check: running Linux LUO, the real upstream bzImage of another build" 0 \
		"out:^luo-kexec: compatible: .* reads every format" "out:^  luo +luo-v5 +luo-v5 +ok" \
		"out:^  file +memfd-v2 \(\? preserved\) +memfd-v2 +ok" -- --sysfs-root="$t/realup" --check "$k"
	run "--check: running Linux LUO, its decoded kernel with luo-v5 patched" 1 \
		"out:^luo-kexec: NOT compatible: .*bzup-v9 cannot read 1 format \(luo luo-v5\)" -- \
		--sysfs-root="$t/realup" --check "$t/bzup-v9"
	run "-l: running Linux LUO, the patched copy is refused" 1 noout \
		"err:LD_ERR_TARGET_FORMAT: refused: .*bzup-v9 cannot read 1 format of the handover \(luo luo-v5\)" -- \
		"${L[@]}" --sysfs-root="$t/realup" -l "$t/bzup-v9"
	run "--check: running Linux LUO, the real ours bzImage (luo-rfc-v1)" 1 \
		"out:^  luo +luo-v5 +luo-rfc-v1 +MISMATCH" "out:cannot read 2 formats \(luo luo-v5, file memfd-v2\)" -- \
		--sysfs-root="$t/realup" --check "$ko"
}

tool=$b/loader/luo-kexec label=cli rows
# The sanitizer build is the same sources (loader.mk); make sure it is one.
tool=$b/loader/san/luo-kexec label=cli-san
nm "$tool" > "$t/nm" && grep -q __asan_init "$t/nm" && grep -q __ubsan_handle "$t/nm"
tap $? "$label: $tool has ASan and UBSan"
ASAN_OPTIONS=detect_leaks=1:exitcode=86 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 rows
echo "1..$n"
exit "$rc"
