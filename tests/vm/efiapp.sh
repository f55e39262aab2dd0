#!/bin/bash
# The EFI stage (efi/app, luo-stage.efi) in QEMU: OVMF boots a FAT disk whose
# default boot path \EFI\BOOT\BOOTX64.EFI is the app; the app reads
# \luo-stage.cfg and boots the kernel (or returns to the firmware), and the
# guest's /init runs tests/guest/efi_check.c.
#
#   tests/vm/efiapp.sh [options] NAME HANDOVER CFG EXPECT [APPEND...]
#   VM_RUNNER=tests/vm/efiapp.sh tests/vm/run-cases.sh tests/vm/cases-efi
#                                        one TAP line per row (VM_CASES=<regex>)
#
#   HANDOVER none               no handover= line
#            gen[:A,B,...]      luo-fdt gen --out-dir with arguments A B ...
#                               (e.g. gen:--files,0: a valid empty handover)
#            memfd:N[:flip]     gen --files 1 --folios N, every folio page
#                               filled with a known pattern (phys/ files at
#                               the folio addresses); the guest must get the
#                               memfd back byte-exact (SHA-256). flip: one
#                               byte of folio 0 changed after the SHA-256 was
#                               taken (a negative control)
#            defect:NAME[:A,..] gen --defect NAME (+ A ...); the app must report
#                               the error "luo-fdt check --kho-data" reports
#                               for the same bundle on the host (the
#                               purgatory's verdict), and the kernel must
#                               boot clean with luo_stage.err=<that error>;
#                               a defect valid by default is a TAP SKIP
#            check:all[:N=E,...] (with CFG check) every defect class
#                               "luo-fdt gen --list-defects" names (or
#                               check:D1,D2,...: these defects), and
#                               valid-empty (gen --files 0) and valid-files
#                               (gen --files 2), each its own bundle in
#                               \bundles; the app checks them all in one
#                               firmware boot (mode=check), and each verdict
#                               line must name the error "luo-fdt check
#                               --kho-data" names for that bundle on the
#                               host (or ok for none). N=E overrides bundle
#                               N's expected verdict with E (a negative
#                               control); EXPECT pass: every verdict agrees,
#                               fail:TEXT: one differs and the report has TEXT
#   CFG      std                kernel, initrd, cmdline (+ handover)
#            badline            std plus a line "kernal=..." (unknown key)
#            nokernel           kernel=/no-such-kernel
#            trunckernel        the kernel file cut to half its size
#            truncinitrd        the initrd (a newc cpio) cut short
#            dump               std with mode=dump
#            check              std with mode=check (HANDOVER check:...)
#   EXPECT   pass               the guest's checks pass (luo-vm: PASS)
#            fw:TEXT            the app prints TEXT and returns to the
#                               firmware; no kernel starts
#            fail:TEXT          negative control: the guest must fail, and
#                               the log must contain TEXT
#   APPEND   kernel command-line words for efi_check (efi_expect_err=,
#            efi_expect_kho=, efi_expect_sessions=, efi_then=) and for init
#            (luo_loader=, luo_kexec_args=), log=ERE words: a serial line
#            must match ERE, and stages=N: N kernels (default 1), the
#            first one booted by the app, each next one loaded by init
#            (luo_loader=exec: luo-kexec -l) and started by kexec; the
#            guest must say "luo-vm: PASS stages=N" (neither is put on the
#            command line)
#
# Options: --timeout S (default 180, arm64 360), --log FILE (default
# build/vm/logs/NAME.log), --keep (keep the ESP image and bundle).
# Needs build/efi/luo-stage.efi, build/bin/luo-fdt and build/vm/ours
# (make check-efi-app builds them). LUO_ACCEL=kvm|tcg forces an accelerator.
#
# EFI_ARCH=arm64 (make check-efi-app-arm64, tests/vm/cases-efi-arm64): the
# same rows on qemu-system-aarch64 -M virt,acpi=off (AAVMF then hands the
# app QEMU's DT as its DEVICE_TREE table) under TCG, the app
# build/efi/aarch64/luo-stage.efi as \EFI\BOOT\BOOTAA64.EFI, the kernel
# and initrd of build/vm/arm64-ours. luo-fdt gen lays a bundle out for a
# 1 GiB q35 guest (RAM from 0); arm64 virt's RAM starts at 1 GiB, so every
# bundle (pattern pages included) is moved by +1 GiB on the host first
# (build/efi/test_app move: ho_handover_rebase, the tree rebuilt); a defect row's
# expected error is still the purgatory's verdict on the unmoved bundle.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/scripts/common.sh"
# shellcheck source=tests/vm/report.sh
. "$top/tests/vm/report.sh"

arch=${EFI_ARCH:-x86_64}
timeout_s= logf= keep=0
while [ $# -gt 0 ]; do
	case "$1" in
	--timeout) timeout_s=$2; shift 2 ;;
	--log) logf=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	--quiet) shift ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -ge 4 ] || die "usage: efiapp.sh [options] NAME HANDOVER CFG EXPECT [APPEND...]"
name=$1 handover=$2 cfg=$3 expect=$4
shift 4

fdt_tool="$top/build/bin/luo-fdt"
if [ "$arch" = arm64 ]; then
	app="$top/build/efi/aarch64/luo-stage.efi" boot_name=BOOTAA64.EFI
	img="$top/build/vm/arm64-ours" console=ttyAMA0 mover="$top/build/efi/test_app"
	code=/usr/share/AAVMF/AAVMF_CODE.fd vars_src=/usr/share/AAVMF/AAVMF_VARS.fd
	need=("$mover")
	timeout_s=${timeout_s:-360}
else
	app="$top/build/efi/luo-stage.efi" boot_name=BOOTX64.EFI
	img="$top/build/vm/ours" console=ttyS0
	code=/usr/share/OVMF/OVMF_CODE_4M.fd vars_src=/usr/share/OVMF/OVMF_VARS_4M.fd
	need=()
	timeout_s=${timeout_s:-180}
fi
for f in "$app" "$fdt_tool" "$img/bzImage" "$img/initramfs.cpio" "${need[@]}"; do
	[ -f "$f" ] || die "missing $f (run: make check-efi-app${arch/x86_64/})"
done
command -v mformat >/dev/null || die "mtools not installed (run: make deps)"
[ -f "$code" ] || die "firmware not installed ($code); run make deps"


logf=${logf:-$top/build/vm/logs/$name.log}
mkdir -p "$(dirname "$logf")"
work=$(mktemp -d)
cleanup() { [ $keep = 1 ] && log "kept $work" || rm -rf "$work"; }
trap cleanup EXIT

# Kernel command line and the log patterns.
append=() pats=() stages=1
for w in "$@"; do
	case "$w" in
	log=*) pats+=("${w#log=}") ;;
	stages=*) stages=${w#stages=} ;;
	*) append+=("$w") ;;
	esac
done
[[ $stages =~ ^[1-9]$ ]] || die "stages=$stages: 1 to 9 kernels"
# A kexec under TCG: about a minute more per kernel.
timeout_s=$((timeout_s + 120 * (stages - 1)))
# mode=check reads every bundle of \bundles (~80) through the firmware.
[ "$cfg" != check ] || timeout_s=$((timeout_s + 240))

# The handover bundle.
esp="$work/esp"
mkdir -p "$esp/EFI/BOOT"
hline=
declare -A want=()
case "$handover" in
none) ;;
check:*)
	[ "$cfg" = check ] || die "HANDOVER $handover needs CFG check"
	spec=${handover#check:}
	which=${spec%%:*}
	mkdir -p "$esp/bundles"
	mk_bundle() { # NAME gen-args...: one bundle and its host verdict
		local b=$1 e
		shift
		"$fdt_tool" gen "$@" --out-dir "$esp/bundles/$b" >"$work/gen.out" 2>&1 ||
			die "luo-fdt gen $* failed: $(cat "$work/gen.out")"
		e=$("$fdt_tool" check --memmap "$esp/bundles/$b/memmap.txt" \
			--phys "$esp/bundles/$b/phys" --kho-data "$esp/bundles/$b/kho_data.bin" 2>&1 |
			grep -oE 'HO_ERR_[A-Z0-9_]+' | head -n1)
		want[$b]=${e:-ok}
	}
	mk_bundle valid-empty --files 0
	mk_bundle valid-files --files 2
	if [ "$which" = all ]; then
		"$fdt_tool" gen --list-defects | cut -d' ' -f1 > "$work/defects"
	else
		tr , '\n' <<<"$which" > "$work/defects"
	fi
	while read -r d; do
		[ -n "$d" ] && mk_bundle "$d" --defect "$d"
	done < "$work/defects"
	[ ${#want[@]} -gt 2 ] || die "no defect bundle ($which)"
	if [ "$spec" != "$which" ]; then
		IFS=, read -ra over <<<"${spec#*:}"
		for o in "${over[@]}"; do
			[ -n "${want[${o%%=*}]+x}" ] || die "check: no bundle ${o%%=*}"
			want[${o%%=*}]=${o#*=}
		done
	fi
	hline="handover=/bundles" ;;
gen|gen:*|defect:*|memfd:*)
	args=()
	if [[ $handover == defect:* ]]; then
		spec=${handover#defect:}
		defect=${spec%%:*}
		[ "$spec" = "$defect" ] || IFS=, read -ra args <<<"${spec#*:}"
		# The expected error: the library's verdict on the same bundle on
		# the host, as the purgatory checks it (luo-fdt check --kho-data),
		# against gen's memory map of the same 1 GiB q35 guest.
		"$fdt_tool" gen "${args[@]}" --defect "$defect" --out-dir "$work/host" \
			>"$work/gen.out" 2>&1 || die "luo-fdt gen --defect $defect failed: $(cat "$work/gen.out")"
		err=$("$fdt_tool" check --memmap "$work/host/memmap.txt" --phys "$work/host/phys" \
			--kho-data "$work/host/kho_data.bin" 2>&1 | grep -oE 'HO_ERR_[A-Z0-9_]+' | head -n1)
		if [ -z "$err" ]; then
			echo "# SKIP defect $defect is valid by default (purgatory verdict)"
			exit 0
		fi
		args+=(--defect "$defect")
		append+=("efi_expect_err=$err" efi_expect_kho=none)
		pats+=("^luo-stage: handover rejected: $err ")
	elif [[ $handover == gen:* ]]; then
		IFS=, read -ra args <<<"${handover#gen:}"
	elif [[ $handover == memfd:* ]]; then
		folios=${handover#memfd:}
		flip=${folios#*:}
		folios=${folios%%:*}
		args=(--files 1 --sessions 1 --folios "$folios")
	fi
	"$fdt_tool" gen "${args[@]}" --out-dir "$esp/handover" >"$work/gen.out" 2>&1 ||
		die "luo-fdt gen ${args[*]} failed: $(cat "$work/gen.out")"
	if [[ $handover == memfd:* ]]; then
		# gen's layout: file 0's folio j is one page at 512 MiB + j * 4 KiB,
		# the file is folios * 4 KiB - 2048 bytes, token 0x1000.
		size=$((folios * 4096 - 2048))
		yes "luo-stage.efi folio pattern, case $name" | head -c $((folios * 4096)) > "$work/pattern"
		for ((j = 0; j < folios; j++)); do
			dd if="$work/pattern" of="$esp/handover/phys/$(printf '0x%x' $((0x20000000 + j * 4096))).bin" \
				bs=4096 skip=$j count=1 status=none
		done
		sha=$(head -c $size "$work/pattern" | sha256sum | cut -d' ' -f1)
		if [ "$flip" = flip ]; then
			printf 'X' | dd of="$esp/handover/phys/0x20000000.bin" bs=1 seek=100 \
				conv=notrunc status=none
		fi
		append+=(efi_expect_kho=in efi_expect_sessions=1 efi_expect_err=none
			"efi_expect_memfd=0x1000,$size,$sha")
		# the folios, the LUO blob, the memfd FDT, the folio table's
		# chunk and its page (memfd-rfc-v2)
		pats+=("^luo-stage: handover ok: $((folios + 4)) preserved block")
	fi
	if [ "$arch" = arm64 ]; then
		mv "$esp/handover" "$work/q35"
		"$mover" move "$work/q35" 0x40000000 "$esp/handover" >"$work/move.out" 2>&1 ||
			die "test_app move failed: $(cat "$work/move.out")"
	fi
	hline="handover=/handover" ;;
*) die "unknown HANDOVER '$handover'" ;;
esac

# The kernel, the initrd and the config.
cp "$img/bzImage" "$esp/bzImage"
cp "$img/initramfs.cpio" "$esp/initrd.img"
cp "$app" "$esp/EFI/BOOT/$boot_name"
# retain_initrd: init hands the next kernel the initrd it was booted with
# (/sys/firmware/initrd).
cmdline="console=$console panic=-1 oops=panic loglevel=7"
[ "$stages" = 1 ] || cmdline+=" retain_initrd"
cmdline+=" luo_test=efi_check luo_stages=$stages luo_stage=1 ${append[*]}"
kernel=/bzImage
case "$cfg" in
std|badline|dump|check|trunckernel|truncinitrd) ;;
nokernel) kernel=/no-such-kernel ;;
*) die "unknown CFG '$cfg'" ;;
esac
case "$cfg" in
trunckernel) truncate -s $(($(stat -c %s "$esp/bzImage") / 2)) "$esp/bzImage" ;;
truncinitrd) truncate -s $(($(stat -c %s "$esp/initrd.img") - 4096)) "$esp/initrd.img" ;;
esac
{
	echo "# luo-stage.efi configuration (tests/vm/efiapp.sh, case $name)"
	echo "kernel=$kernel"
	echo "initrd=/initrd.img"
	echo "cmdline=$cmdline"
	[ -z "$hline" ] || echo "$hline"
	[ "$cfg" != badline ] || echo "kernal=/bzImage"
	[ "$cfg" != dump ] || echo "mode=dump"
	[ "$cfg" != check ] || echo "mode=check"
} > "$esp/luo-stage.cfg"

# A FAT image of the tree (mtools: no loop device, no root needed).
fat="$work/esp.img"
mb=$(( $(du -sm "$esp" | cut -f1) + 16 ))
[ $mb -ge 40 ] || mb=40
truncate -s "${mb}M" "$fat"
mformat -i "$fat" -F -v LUOSTAGE :: >/dev/null || die "mformat failed"
mcopy -s -i "$fat" "$esp"/* :: || die "mcopy failed"

vars="$work/vars.fd"
cp "$vars_src" "$vars"
if [ "$arch" = arm64 ]; then
	# ACPI off: AAVMF then installs QEMU's DT as the DEVICE_TREE table.
	accel=tcg
	qemu=(qemu-system-aarch64 -M virt,acpi=off -cpu max -accel "$(qemu_accel_arg tcg)")
else
	accel=$("$top/tests/vm/accel.sh" "$img/bzImage" "$img/initramfs.cpio" 2>/dev/null)
	qemu=(qemu-system-x86_64 -machine q35 -accel "$(qemu_accel_arg "$accel")"
		-device isa-debug-exit,iobase=0xf4,iosize=0x04)
	if [ "$accel" = kvm ]; then qemu+=(-cpu host); else qemu+=(-cpu max); fi
fi
qemu+=(-m 1G -smp 2 -nographic
	-no-reboot -nodefaults -monitor none -display none -serial "file:$logf"
	-drive "if=pflash,format=raw,unit=0,readonly=on,file=$code"
	-drive "if=pflash,format=raw,unit=1,file=$vars"
	-drive "if=none,id=esp,format=raw,file=$fat" -device virtio-blk-pci,drive=esp)

: > "$logf"
start=$(date +%s.%N)
"${qemu[@]}" </dev/null >"$logf.qemu" 2>&1 &
qpid=$!
# Until QEMU exits (the guest rebooted: -no-reboot), the app went back to
# the firmware (which would go on to its shell), or the time is up.
end=$(( $(date +%s) + timeout_s )) why=exited
while kill -0 $qpid 2>/dev/null; do
	if grep -qaE 'luo-stage: returning to the firmware|luo-stage: (dump|check) done' "$logf"; then
		sleep 1; why=returned; break
	fi
	# The firmware went on to its shell without starting the app.
	if grep -qa 'Shell> ' "$logf" && ! grep -qa 'luo-stage: ' "$logf"; then
		why="no app started (firmware shell)"; break
	fi
	if [ "$(date +%s)" -ge $end ]; then why=timeout; break; fi
	sleep 0.3
done
kill $qpid 2>/dev/null
wait $qpid 2>/dev/null
secs=$(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)")

clean=$(tr -d '\r' < "$logf")
grep -E '^(not )?ok [0-9]+|^luo-vm:|^luo-stage:' <<<"$clean" | sed 's/^/    /' > "$logf.tap"
verdict=fail reason=
if [ $why = timeout ]; then
	reason="timeout after ${timeout_s}s"
elif grep -qx "luo-vm: PASS stages=$stages" <<<"$clean"; then
	if grep -qE '^not ok [0-9]+' <<<"$clean"; then
		reason="a check reported 'not ok' but the program exited 0"
	else
		verdict=pass
	fi
else
	reason=$(grep -m1 -E '^luo-vm: FAIL|^luo-stage: error' <<<"$clean" || true)
	[ -n "$reason" ] || reason=$(grep -m1 -E 'Kernel panic|BUG:|Oops' <<<"$clean" || true)
	[ -n "$reason" ] || reason="no verdict from the guest ($why)"
fi
if [ $verdict = pass ]; then
	for p in "${pats[@]}"; do
		grep -qE -- "$p" <<<"$clean" ||
			{ verdict=fail; reason="no log line matches '$p'"; break; }
	done
fi

# mode=check: every bundle's verdict line against the host's verdict.
if [ "$cfg" = check ]; then
	declare -A got=()
	while IFS= read -r l; do
		b=${l#luo-stage: check }
		b=${b%%: *}
		case "$l" in
		*": handover ok: "*) got[$b]=ok ;;
		*": handover rejected: "*)
			got[$b]=$(grep -oE 'handover rejected: HO_ERR_[A-Z0-9_]+' <<<"$l" | cut -d' ' -f3) ;;
		*) got[$b]="input-error" ;;
		esac
	done < <(grep -E '^luo-stage: check [^ ]+: ' <<<"$clean" | grep -v '^luo-stage: check done: ')
	diffs=() nok=0
	for b in $(printf '%s\n' "${!want[@]}" | sort); do
		if [ "${got[$b]-none}" = "${want[$b]}" ]; then
			[ "${want[$b]}" = ok ] && nok=$((nok + 1))
		else
			diffs+=("$b: app ${got[$b]-(no verdict line)}, expected ${want[$b]}")
		fi
	done
	for b in "${!got[@]}"; do
		[ -n "${want[$b]+x}" ] || diffs+=("$b: app ${got[$b]}, no such bundle")
	done
	total=${#want[@]}
	if [ $why != returned ] || ! grep -q '^luo-stage: check done: ' <<<"$clean"; then
		diffs+=("no 'luo-stage: check done' ($why)")
	fi
	for d in "${diffs[@]}"; do echo "# check: $d" >&2; done
	case "$expect" in
	pass)
		if [ ${#diffs[@]} = 0 ]; then
			echo "pass: $total bundles, every verdict as the host's ($((total - nok)) rejected, $nok ok; $accel, ${secs}s)"
			exit 0
		fi
		echo "FAIL: ${#diffs[@]} of $total verdicts differ: ${diffs[0]} (log $logf)"
		exit 1 ;;
	fail:*)
		w=${expect#fail:}
		if [ ${#diffs[@]} -gt 0 ] && printf '%s\n' "${diffs[@]}" | grep -qF -- "$w"; then
			echo "pass: failed as expected with '$w' ($accel, ${secs}s)"
			exit 0
		fi
		echo "FAIL: negative control did not fail with '$w' (${#diffs[@]} differ; log $logf)"
		exit 1 ;;
	*) die "bad EXPECT '$expect' for CFG check" ;;
	esac
fi

case "$expect" in
fw:*)
	want=${expect#fw:}
	if [ $why = returned ] && grep -qF -- "$want" <<<"$clean" &&
	   ! grep -q 'Linux version' <<<"$clean"; then
		echo "pass: the app said '$want' and returned to the firmware ($accel, ${secs}s)"
		exit 0
	fi
	cat "$logf.tap" >&2
	echo "FAIL: no return to the firmware with '$want' ($why; log $logf)"
	exit 1 ;;
esac
# The app's runs print no guest TAP lines on a pass.
quiet=1
vm_report "$expect"
