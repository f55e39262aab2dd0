#!/bin/bash
# Run one VM test case: boot a kernel in QEMU, let the guest's /init run a
# test program across one or more kexecs, and decide from the serial log.
#
#   tests/vm/vmtest.sh [options] NAME VARIANT BOOT STAGES PROG EXPECT [APPEND...]
#
#   VARIANT  ours | upstream     kernel + initramfs from build/vm/VARIANT/;
#            arm64-<variant>     an arm64 image (make vm-image-arm64-<variant>),
#                                run on qemu-system-aarch64 -M virt -cpu max
#                                (TCG; the DTB comes from QEMU)
#   BOOT     direct | ovmf       -kernel, or OVMF (UEFI) loading the same -kernel
#            | aavmf             (arm64: AAVMF, the arm64 UEFI, does that)
#   STAGES   number of kernels: 1 = no kexec, 2 = one kexec, ...
#   PROG     program in the guest's /bin (see tests/guest/init.c)
#   EXPECT   pass | fail:<text>  fail:<text> is a negative control: the guest
#                                must fail and the log must contain <text>
#   APPEND   extra kernel command-line words; luo_vm_log=<ERE> (any number)
#            also requires a log line matching <ERE> (lines that echo the
#            command line are not searched), e.g. a kernel message of the
#            old kernel just before the jump; vm_mem=SIZE sets QEMU's -m
#            (default 1G) and vm_ramfile=PATH backs the guest RAM with the
#            host file PATH; vm_stop_on=<ERE> ends the run as a pass when a
#            serial line matches; none of them is passed to the kernel
#
# Options: --timeout S (default: 60 + 60 per stage, doubled under TCG),
#          --log FILE (default build/vm/logs/NAME.log), --quiet,
#          --stamp FILE: also write each serial line to FILE, prefixed with
#          the host's monotonic time of its arrival (tests/vm/serial-stamp.py).
# Exit 0 when the outcome matches EXPECT. A failing run keeps its log and
# prints its path. Environment: LUO_ACCEL=kvm|tcg forces an accelerator.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/scripts/common.sh"
# shellcheck source=tests/vm/report.sh
. "$top/tests/vm/report.sh"

timeout_s= logf= quiet=0 stampf=
while [ $# -gt 0 ]; do
	case "$1" in
	--timeout) timeout_s=$2; shift 2 ;;
	--stamp) stampf=$2; shift 2 ;;
	--log) logf=$2; shift 2 ;;
	--quiet) quiet=1; shift ;;
	--) shift; break ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -ge 6 ] || die "usage: vmtest.sh [options] NAME VARIANT BOOT STAGES PROG EXPECT [APPEND...]"
name=$1 variant=$2 boot=$3 stages=$4 prog=$5 expect=$6
shift 6
append="$*"
# vm_mem=SIZE in the append words sets QEMU's -m (default 1G) and stays off
# the kernel command line.
# vm_ramfile=PATH backs the guest's RAM with the file PATH (QEMU's
# memory-backend-file, shared), so that the host can read what the guest
# left in memory after QEMU exits (tests/vm/capture.sh).
# vm_stop_on=<ERE> stops QEMU as soon as a serial line matches <ERE> (for
# a guest that halts on purpose, e.g. the purgatory's checksum stop) and
# then counts as a pass; a timeout without such a line fails.
mem=1G ramfile= stopre=
for w in $append; do
	[[ $w == vm_mem=* ]] && mem=${w#vm_mem=}
	[[ $w == vm_ramfile=* ]] && ramfile=${w#vm_ramfile=}
	[[ $w == vm_stop_on=* ]] && stopre=${w#vm_stop_on=}
done
append=$(printf '%s\n' $append | grep -v '^vm_mem=\|^vm_ramfile=\|^vm_stop_on=' | tr '\n' ' ' | sed 's/ $//')

img="$top/build/vm/$variant"
[ -f "$img/bzImage" ] && [ -f "$img/initramfs.cpio" ] ||
	die "no VM image for $variant (run: make vm-image-$variant)"
logf=${logf:-$top/build/vm/logs/$name.log}
mkdir -p "$(dirname "$logf")"

case "$variant" in
arm64-*) arch=arm64 accel=tcg console=ttyAMA0 ;;
*) arch=x86_64 console=ttyS0
	accel=$("$top/tests/vm/accel.sh" "$img/bzImage" "$img/initramfs.cpio" 2>/dev/null) ;;
esac
if [ -z "$timeout_s" ]; then
	timeout_s=$((60 + 60 * stages))
	[ "$accel" = tcg ] && timeout_s=$((timeout_s * 2))
	[ "$boot" != direct ] && timeout_s=$((timeout_s + 60))
fi

cmdline="console=$console panic=-1 oops=panic retain_initrd loglevel=7"
cmdline+=" luo_test=$prog luo_stages=$stages luo_stage=1 $append"

if [ $arch = arm64 ]; then
	qemu=(qemu-system-aarch64 -M virt -cpu max)
	# AAVMF hides the DT when QEMU offers ACPI tables; our arm64 kernels
	# have no ACPI (kernel/configs/arm64.config), so QEMU offers none.
	[ "$boot" = aavmf ] && qemu[2]=virt,acpi=off
else
	qemu=(qemu-system-x86_64)
fi
qemu+=(-accel "$(qemu_accel_arg "$accel")" -m "$mem" -smp 2 -nographic -no-reboot
	-serial "file:$logf" -monitor none -display none -nodefaults
	-kernel "$img/bzImage" -initrd "$img/initramfs.cpio" -append "$cmdline")
[ -z "$ramfile" ] || qemu+=(-object "memory-backend-file,id=ram0,size=$mem,mem-path=$ramfile,share=on"
	-machine memory-backend=ram0)
if [ $arch = arm64 ]; then :
elif [ "$accel" = kvm ]; then qemu+=(-cpu host); else qemu+=(-cpu max); fi
[ $arch = arm64 ] || qemu+=(-device isa-debug-exit,iobase=0xf4,iosize=0x04)
vars= vars_src=
if [ "$boot" = aavmf ] && [ $arch = arm64 ]; then
	code=/usr/share/AAVMF/AAVMF_CODE.fd
	[ -f "$code" ] || die "AAVMF not installed ($code); run make deps"
	vars=$(mktemp --suffix=.fd)
	vars_src=/usr/share/AAVMF/AAVMF_VARS.fd
	cp "$vars_src" "$vars"
	qemu+=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=$code"
		-drive "if=pflash,format=raw,unit=1,file=$vars")
elif [ "$boot" = ovmf ] && [ $arch = x86_64 ]; then
	code=/usr/share/OVMF/OVMF_CODE_4M.fd
	[ -f "$code" ] || die "OVMF not installed ($code); run make deps"
	vars=$(mktemp --suffix=.fd)
	vars_src=/usr/share/OVMF/OVMF_VARS_4M.fd
	cp "$vars_src" "$vars"
	qemu+=(-machine q35 -drive "if=pflash,format=raw,unit=0,readonly=on,file=$code"
		-drive "if=pflash,format=raw,unit=1,file=$vars")
elif [ "$boot" != direct ]; then
	die "unknown boot mode '$boot' for $arch"
fi

[ $quiet = 1 ] || log "$name: $variant kernel ($arch), $boot boot, $stages stage(s), $accel, timeout ${timeout_s}s"

# What ends a run before the guest powers off. A kernel panic is the end
# of the run: with panic=-1 the kernel resets at once (QEMU's -no-reboot
# then exits), except when it panics before it can reset (arm64 before
# PSCI is probed spins for good, e.g. arm64-peer-stale-kho's oops in early
# KHO setup), which used to run into the timeout. So the watch below ends
# QEMU once the panic's end marker is out (or PANIC_GRACE s after its first
# line). An oops before the kernel's /init (after the log's last banner, no
# "# luo-vm: stage" line yet) ends it too, OOPS_GRACE s later if it has not
# reset by then: so early, oops=panic may not be parsed yet, and a kernel
# that oopsed at boot never reaches /init (an oops after /init panics:
# oops=panic). No row expects to run on after either: the one row that
# expects an oops (arm64-peer-stale-kho) looks for the oops's own text.
PANIC_RE='Kernel panic - not syncing'
OOPS_RE='Unable to handle kernel|Internal error: Oops|Oops: [0-9]|BUG: unable to handle|general protection fault'
PANIC_GRACE=3 OOPS_GRACE=10

# The line number of the log's last kernel banner; empty when none.
last_banner() {
	grep -a -n 'Linux version' "$logf" | tail -n1 | cut -d: -f1
}

# early_end NOW (tenths of a second since the boot began): true once the
# log shows a panic, or an oops before /init, whose grace has run out.
# Keeps what it saw first in end_seen (NOW then), end_kind and end_line.
early_end() {
	local now=$1 banner oops stage line
	if [ -z "$end_kind" ]; then
		# one grep per tick while nothing went wrong
		grep -a -q -E -- "$PANIC_RE|$OOPS_RE" "$logf" || return 1
		line=$(grep -m1 -a -E -- "$PANIC_RE" "$logf" | tr -d '\r')
		if [ -n "$line" ]; then
			end_seen=$now end_kind=panic end_line=$line
		else
			banner=$(last_banner)
			[ -n "$banner" ] || return 1
			oops=$(tail -n +"$banner" "$logf" | grep -a -n -m1 -E -- "$OOPS_RE" | tr -d '\r')
			[ -n "$oops" ] || return 1
			stage=$(tail -n +"$banner" "$logf" | grep -a -n -m1 '^# luo-vm: stage' | cut -d: -f1)
			[ -z "$stage" ] || [ "$stage" -gt "${oops%%:*}" ] || return 1
			end_seen=$now end_kind="oops before /init" end_line=${oops#*:}
		fi
	fi
	if [ "$end_kind" = panic ]; then
		grep -a -q -- '---\[ end Kernel panic' "$logf" ||
			[ $((now - end_seen)) -ge $((10 * PANIC_GRACE)) ]
	elif grep -a -q -E -- "$PANIC_RE" "$logf"; then
		end_kind= ; return 1		# the panic's rules from now on
	else
		[ $((now - end_seen)) -ge $((10 * OOPS_GRACE)) ]
	fi
}

# One boot: QEMU in the background (its pid in $logf.pid), watched every
# 0.2 s for vm_stop_on's line (then stopped=1) or an early end (then
# ended="<kind>: <line>"); qrc = QEMU's (or timeout's) exit status.
boot_once() {
	local qpid i pidf=$logf.pid
	rm -f "$pidf"
	: >"$logf"
	if [ -n "$stampf" ]; then
		{
			timeout --foreground -k 5 "$timeout_s" "${qemu[@]/#file:$logf/stdio}" \
				-pidfile "$pidf" </dev/null 2>"$logf.qemu" |
				"$top/tests/vm/serial-stamp.py" "$logf" "$stampf"
			exit "${PIPESTATUS[0]}"
		} &
	else
		timeout -k 5 "$timeout_s" "${qemu[@]}" -pidfile "$pidf" </dev/null \
			>"$logf.qemu" 2>&1 &
	fi
	qpid=$! end_seen= end_kind= end_line=
	for ((i = 0; i < 5 * (timeout_s + 10); i++)); do
		kill -0 $qpid 2>/dev/null || break
		if [ -n "$stopre" ] && tr -d '\r' <"$logf" | grep -qE -- "$stopre"; then
			stopped=1
		elif early_end $((2 * i)); then
			ended="$end_kind: $end_line"
		fi
		if [ -n "$stopped$ended" ]; then
			[ -s "$pidf" ] && kill "$(cat "$pidf")" 2>/dev/null
			break
		fi
		sleep 0.2
	done
	wait $qpid
	qrc=$?
	rm -f "$pidf"
}

# A kernel that started (its banner is the log's last one) and never reached
# /init (no stage line after the banner): under TCG on a loaded host a
# kernel boot can stall in early timer setup, unrelated to the case.
boot_stalled() {
	local banner stage
	banner=$(last_banner)
	stage=$(grep -a -n '^# luo-vm: stage' "$logf" | tail -n1 | cut -d: -f1)
	[ -n "$banner" ] && [ "${stage:-0}" -lt "$banner" ]
}

start=$(date +%s.%N) stopped= ended=
boot_once
if { [ $qrc = 124 ] || [ $qrc = 137 ]; } && boot_stalled; then
	# Once, visibly: the result line says so and the stalled log is kept.
	stall=$(grep -v '^\s*$' "$logf" | tail -n1 | tr -d '\r' | cut -c1-80)
	mv "$logf" "$logf.stall"
	[ -n "$vars" ] && cp "$vars_src" "$vars"
	boot_once
	accel="$accel; retried once after a kernel boot stall at '$stall', log $logf.stall"
fi
secs=$(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)")
[ -n "$vars" ] && rm -f "$vars"

# The guest's verdict, from the log (CRs stripped).
clean=$(tr -d '\r' < "$logf")
verdict=fail reason=
if [ "$stopped" = 1 ]; then
	verdict=pass
elif [ -n "$stopre" ]; then
	reason="no serial line matched vm_stop_on '$stopre' (qemu exit $qrc)"
elif [ -n "$ended" ]; then
	reason="QEMU ended at the kernel's $ended"
elif [ $qrc = 124 ] || [ $qrc = 137 ]; then
	reason="timeout after ${timeout_s}s"
elif grep -qx "luo-vm: PASS stages=$stages" <<<"$clean"; then
	if grep -qE '^not ok [0-9]+' <<<"$clean"; then
		reason="a test reported 'not ok' but the program exited 0"
	else
		# Stages that said anything: a kernel message can land inside
		# init's "stage K of N" line on the shared console, so any of
		# its "# luo-vm: stage K..." lines counts for K.
		reached=$(grep -oE "# luo-vm: stage [0-9]+( of $stages)?:" <<<"$clean" |
			sed -E 's/^# luo-vm: stage ([0-9]+).*/\1/' | sort -un | grep -c .)
		if [ "$reached" = "$stages" ]; then
			verdict=pass
			msgs=$(grep -v -- 'luo_vm_log=' <<<"$clean")
			for w in $append; do
				[[ $w == luo_vm_log=* ]] || continue
				grep -qE -- "${w#luo_vm_log=}" <<<"$msgs" ||
					{ verdict=fail; reason="no log line matches '${w#luo_vm_log=}'"; }
			done
		else
			reason="reached $reached of $stages stages"
		fi
	fi
else
	reason=$(grep -m1 -E '^luo-vm: FAIL' <<<"$clean" || true)
	[ -n "$reason" ] || reason=$(grep -m1 -E 'Kernel panic|BUG:|Oops' <<<"$clean" || true)
	[ -n "$reason" ] || reason="no verdict from the guest (qemu exit $qrc)"
fi

# Guest TAP lines, indented, for the report.
grep -E '^(not )?ok [0-9]+|^luo-vm:|^# luo-vm' <<<"$clean" | sed 's/^/    /' > "$logf.tap"

vm_report "$expect"
