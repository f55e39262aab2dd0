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
trap 'rm -rf "$t"' EXIT

"$b/loader/test-loader" "$purg" | grep -v '^1\.\.' | tee "$t/out"
rc=${PIPESTATUS[0]}
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
	--command-line="console=ttyS0" --append="luo_stage=2"
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
	--dry-run -l "$t/bz" --memmap="$t/mm" --kho-info=$kho --test-fault=fdt-magic
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
echo "1..$n"
exit "$rc"
