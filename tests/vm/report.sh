# The end of one VM case, shared by tests/vm/vmtest.sh and
# tests/vm/efiapp.sh (sourced after scripts/common.sh).
#
# vm_report EXPECT prints the case's result line and exits 0 when the case
# went as EXPECT (pass | fail:<text>) says, else 1. It reads the runner's
# verdict (pass|fail), reason, accel, secs, logf (and the guest TAP lines in
# $logf.tap), clean (the serial log without CRs) and quiet (1: no TAP lines
# on a pass). A runner checks its own further EXPECT forms before calling it.
vm_report() {
	local expect=$1 want

	case "$expect" in
	pass)
		if [ "$verdict" = pass ]; then
			[ "$quiet" = 1 ] || cat "$logf.tap" >&2
			echo "pass ($accel, ${secs}s)"
			exit 0
		fi
		cat "$logf.tap" >&2
		echo "FAIL: $reason ($accel, ${secs}s; log $logf)"
		exit 1 ;;
	fail:*)
		want=${expect#fail:}
		if [ "$verdict" = fail ] && grep -qF -- "$want" <<<"$clean"; then
			echo "pass: failed as expected with '$want' ($accel, ${secs}s)"
			exit 0
		fi
		cat "$logf.tap" >&2
		echo "FAIL: negative control did not fail with '$want' (verdict $verdict${reason:+: $reason}; log $logf)"
		exit 1 ;;
	*)
		die "bad EXPECT '$expect'" ;;
	esac
}
