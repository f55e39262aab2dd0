#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The schema test suite: fdt-schema/ YAML, gen-tables.py, the generated
# tables and luo-fdt. Prints one TAP line per case ("ok N - name"). Run by
# "make check-schema", which passes the paths below in the environment.
#
# Fixtures are made here by "luo-fdt gen" (and by editing copies of the
# YAML); nothing binary is committed.
set -uo pipefail

: "${TOP:?}" "${B:?}" "${LUO_FDT:?}" "${CC:?}" "${HOST_CFLAGS:?}"
: "${HO_INCLUDE:?}" "${LUO_FDT_OBJS:?}" "${HO_LIBS:?}" "${LUO_FDT_SAN:?}"
read -ra CC_A <<< "$CC"
read -ra CFLAGS_A <<< "$HOST_CFLAGS"
read -ra OBJS_A <<< "$LUO_FDT_OBJS"
read -ra LIBS_A <<< "$HO_LIBS"
GEN_TABLES=$TOP/fdt-schema/gen-tables.py
HERE=$TOP/tests/schema
T=$B/tests/schema
rm -rf "$T"
mkdir -p "$T"

n=0
failed=0
pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() {
	n=$((n + 1)); failed=$((failed + 1))
	echo "not ok $n - $1"
	shift
	local l
	for l in "$@"; do printf '#   %s\n' "$l"; done
}
# expect NAME COND_STATUS DETAIL...: pass if COND_STATUS is 0.
expect() {
	local name=$1 st=$2
	shift 2
	if [ "$st" -eq 0 ]; then pass "$name"; else fail "$name" "$@"; fi
}

# run_check [ARGS...] FILE: run luo-fdt check, set $rc and $out.
run_check() {
	out=$("$LUO_FDT" check "$@" 2>&1)
	rc=$?
}
# failed_with ERRNAME: the last run exited 1 and named ERRNAME.
failed_with() { [ "$rc" -eq 1 ] && [[ "$out" == *": $1: "* ]]; }

MM=$T/memmap.txt
"$LUO_FDT" gen --memmap-out "$MM" -o /dev/null || fail "gen --memmap-out"

# ---- 1. the generator ------------------------------------------------------

echo "# gen-tables.py"
python3 "$GEN_TABLES" -m "$T/ref.md" "$TOP"/fdt-schema/*.yaml
cmp -s "$T/ref.md" "$TOP/docs/schema-reference.md"
expect "docs/schema-reference.md is up to date with fdt-schema/*.yaml" $? \
	"regenerate it with 'make schema-docs' and commit it"

python3 "$GEN_TABLES" -c "$T/a.c" -m "$T/a.md" "$TOP"/fdt-schema/*.yaml &&
python3 "$GEN_TABLES" -c "$T/b.c" -m "$T/b.md" "$TOP"/fdt-schema/*.yaml &&
cmp -s "$T/a.c" "$T/b.c" && cmp -s "$T/a.md" "$T/b.md"
expect "generator output is reproducible" $?

# Every table constant of schema.h can be reached from YAML: a test schema
# using every key generates C that names them all, and compiles.
python3 "$GEN_TABLES" -c "$T/vocab.c" -m "$T/vocab.md" "$HERE/yaml/vocab-test-v1.yaml" &&
	"${CC_A[@]}" "${CFLAGS_A[@]}" -I"$HO_INCLUDE" -c -o "$T/vocab.o" "$T/vocab.c"
expect "every key of the schema language generates C that compiles" $?
want=$(grep -oE '^\s+HO_(PROP|NAME)_[A-Z0-9_]+|#define HO_(PROP|NODE)_[A-Z0-9_]+' \
	"$HO_INCLUDE/ho/schema.h" | awk '{ print $NF }' | sort -u)
have=$(grep -oE 'HO_[A-Z0-9_]+' "$T/vocab.c" | sort -u)
unused=$(comm -23 <(echo "$want") <(echo "$have") | tr '\n' ' ')
[ -n "$want" ] && [ -z "$unused" ]
expect "every type, match and flag of schema.h is reachable from YAML" $? \
	"not generated from tests/schema/yaml/vocab-test-v1.yaml: $unused"

# Malformed YAML: each row edits a copy of one schema (Python str.replace of
# the first OLD by NEW, \n for newlines) and names the expected message.
# name ~ file ~ old ~ new ~ message
while IFS='~' read -r name file old new msg; do
	[[ -z "$name" || "$name" == \#* ]] && continue
	mkdir -p "$T/bad/$name"
	if ! python3 - "$TOP/fdt-schema/$file" "$T/bad/$name/$file" "$old" "$new" <<'EOF'
import sys
src, dst, old, new = sys.argv[1:5]
old = old.replace("\\n", "\n")
new = new.replace("\\n", "\n")
s = open(src).read()
if old not in s:
    sys.exit("edit does not apply: %r" % old)
open(dst, "w").write(s.replace(old, new, 1))
EOF
	then
		fail "generator rejects: $name" "test row does not apply"
		continue
	fi
	err=$(python3 "$GEN_TABLES" -c "$T/bad/$name/t.c" "$T/bad/$name/$file" 2>&1)
	st=$?
	if [ $st -eq 1 ] && [[ "$err" == *"$msg"* ]] && [ ! -e "$T/bad/$name/t.c" ]; then
		pass "generator rejects: $name"
	else
		fail "generator rejects: $name" "exit $st, want 1 and '$msg'" "$err"
	fi
done < "$HERE/bad-yaml.txt"

# ---- 2. valid blobs ----------------------------------------------------------

echo "# valid blobs: gen -> check"
while read -r name args; do
	[[ -z "$name" || "$name" == \#* ]] && continue
	# shellcheck disable=SC2086
	if ! "$LUO_FDT" gen $args -o "$T/v-$name.dtb"; then
		fail "valid $name: gen" "luo-fdt gen $args failed"
		continue
	fi
	run_check "$T/v-$name.dtb"
	expect "valid $name: check exits 0" "$rc" "exit $rc" "$out"
	run_check --memmap "$MM" "$T/v-$name.dtb"
	expect "valid $name: check --memmap exits 0" "$rc" "exit $rc" "$out"
	run_check --schema-only --memmap "$MM" "$T/v-$name.dtb"
	expect "valid $name: check --schema-only exits 0" "$rc" "exit $rc" "$out"
done < "$HERE/valid.txt"

# A blob in a larger buffer (debugfs may show a whole page): still valid.
cp "$T/v-kho.dtb" "$T/v-kho-page.dtb"
truncate -s 4096 "$T/v-kho-page.dtb"
run_check --memmap "$MM" "$T/v-kho-page.dtb"
expect "valid kho padded to a page: check exits 0" "$rc" "exit $rc" "$out"

# ---- 3. defects ---------------------------------------------------------------

echo "# defects: gen --defect -> check fails with the error's name"
"$LUO_FDT" gen --list-defects > "$T/defects.txt"
expect "gen --list-defects" $? "exit $?"
awk '!/^#/ && NF { print $1 }' "$HERE/defects.txt" | sort > "$T/want.txt"
awk '{ print $1 }' "$T/defects.txt" | sort > "$T/have.txt"
missing=$(comm -13 "$T/want.txt" "$T/have.txt" | tr '\n' ' ')
stale=$(comm -23 "$T/want.txt" "$T/have.txt" | tr '\n' ' ')
[ -z "$missing$stale" ]
expect "every defect of gen has a test row and vice versa" $? \
	"defects without a row in tests/schema/defects.txt: $missing" \
	"rows for defects gen does not know: $stale"

while read -r defect errname mode; do
	[[ -z "$defect" || "$defect" == \#* ]] && continue
	[ "${mode:-}" = followed ] && continue
	f=$T/d-$defect.dtb
	if ! "$LUO_FDT" gen --defect "$defect" -o "$f"; then
		fail "defect $defect: gen" "luo-fdt gen --defect $defect failed"
		continue
	fi
	run_check --memmap "$MM" "$f"
	if [ "$errname" = - ]; then
		expect "defect $defect: valid by default" "$rc" "exit $rc" "$out"
		opt=${mode%%=*} want=${mode#*=}
		run_check --memmap "$MM" "$opt" "$f"
		failed_with "$want"
		expect "defect $defect: check $opt exits 1 with $want" $? \
			"exit $rc" "$out"
		continue
	fi
	failed_with "$errname" && [[ "$out" == "luo-fdt: "* ]]
	expect "defect $defect: check exits 1 with $errname" $? \
		"exit $rc" "$out"
done < "$HERE/defects.txt"

# Address defects need the memory map: without it the same blob is valid.
for defect in kho-memory-map-reserved luo-data-reserved memfd-folios-reserved; do
	run_check "$T/d-$defect.dtb"
	expect "defect $defect: valid without a memory map" "$rc" "exit $rc" "$out"
done

# Whole handovers: the KHO root checked with every blob it reaches, each
# defect in the blob of its kind. Run under ASan + UBSan.
echo "# whole handovers: gen --out-dir -> check --phys (luo-fdt-san)"
export ASAN_OPTIONS=exitcode=86 UBSAN_OPTIONS=exitcode=86:print_stacktrace=1
# run_whole DIR: check DIR/kho.dtb with DIR's memory map and blobs.
run_whole() {
	out=$("$LUO_FDT_SAN" check --memmap "$1/memmap.txt" --phys "$1/phys" \
		"$1/kho.dtb" 2>&1)
	rc=$?
}
while read -r name args; do
	[[ -z "$name" || "$name" == \#* ]] && continue
	# shellcheck disable=SC2086
	"$LUO_FDT" gen $args --out-dir "$T/h-$name" || { fail "whole $name: gen"; continue; }
	run_whole "$T/h-$name"
	[ "$rc" -eq 0 ] && [[ "$out" == *"nested blobs followed"* ]]
	expect "whole handover $name ($args): valid" $? "exit $rc" "$out"
done <<'EOF'
default
no-files --files 0
many --files 300 --sessions 7 --folios 100
no-folios --folios 0
v5 --kind luo-v5
v5-many --kind luo-v5 --files 300 --sessions 60 --folios 200
v5-one-session --kind luo-v5 --files 130 --sessions 1 --folios 3
v5-no-files --kind luo-v5 --files 0 --sessions 0
v5-empty-sessions --kind luo-v5 --files 0 --sessions 3
v5-no-folios --kind luo-v5 --folios 0
EOF
while read -r defect errname mode; do
	[[ -z "$defect" || "$defect" == \#* ]] && continue
	h=$T/h-$defect
	if ! "$LUO_FDT" gen --defect "$defect" --out-dir "$h"; then
		fail "whole handover with $defect: gen" "gen --out-dir failed"
		continue
	fi
	run_whole "$h"
	if [ "$errname" = - ]; then
		expect "whole handover with $defect: valid by default" "$rc" \
			"exit $rc" "$out"
		continue
	fi
	failed_with "$errname"
	expect "whole handover with $defect: check exits 1 with $errname" $? \
		"exit $rc" "$out"
done < "$HERE/defects.txt"

# One default verdict: "check" on the KHO root and the purgatory's library
# entry (ho_check_handover with the purgatory's flags, through "check
# --kho-data" on the same handover) agree on every defect and on valid
# handovers with and without a luo-rfc subtree (issue 11).
echo "# default verdicts: check kho.dtb == check --kho-data (ho_check_handover)"
verdict() {	# verdict DIR ARGS...: "exit N ERRNAME"
	local d=$1 o
	shift
	o=$("$LUO_FDT_SAN" check -q --memmap "$d/memmap.txt" --phys "$d/phys" \
		"$@" 2>&1)
	echo "exit $? $(grep -oE 'HO_[A-Z0-9_]+' <<<"$o" | head -1)"
}
agree() {	# agree NAME DIR
	local a b
	a=$(verdict "$2" "$2/kho.dtb")
	b=$(verdict "$2" --kho-data "$2/kho_data.bin")
	# an unrecognised root is NO_SCHEMA to check, which dispatches on the
	# compatible; the purgatory knows it is meant as kho-v4: same exit
	[[ "$a" = "$b" || ( "$a" = "exit 1 HO_ERR_NO_SCHEMA" &&
	   "$b" = "exit 1 "* ) ]] && [[ "$a" != "exit 2"* ]]
	expect "same verdict, $1: $a" $? "check: $a" "--kho-data: $b"
}
for name in default no-files no-folios many v5 v5-many v5-one-session \
	    v5-no-files v5-empty-sessions v5-no-folios; do
	agree "valid handover $name" "$T/h-$name"
done
agree "valid handover without luo-rfc" "$T/h-kho-no-luo"

# Which LUO a caller requires (HO_CHECK_REQUIRE_LUO*, check --require-luo*):
# handover | check options | expected error (- = valid)
echo "# required LUO formats"
while IFS='|' read -r h opts want; do
	read -ra O <<< "$opts"
	out=$("$LUO_FDT_SAN" check --memmap "$T/h-$h/memmap.txt" \
		--phys "$T/h-$h/phys" "${O[@]}" "$T/h-$h/kho.dtb" 2>&1)
	rc=$?
	if [ "$want" = - ]; then
		expect "$h with $opts: valid" "$rc" "exit $rc" "$out"
	else
		failed_with "$want"
		expect "$h with $opts: $want" $? "exit $rc" "$out"
	fi
done <<'EOF'
v5|--require-luo|HO_ERR_NO_LUO
v5|--require-luo-v5|-
v5|--require-luo-any|-
v5|--require-luo --require-luo-v5|-
default|--require-luo-v5|HO_ERR_NO_LUO_V5
default|--require-luo-any|-
default|--require-luo --require-luo-v5|-
kho-no-luo|--require-luo-any|HO_ERR_NO_LUO_ANY
kho-no-luo|--require-luo --require-luo-v5|HO_ERR_NO_LUO_ANY
EOF

# dump --phys of an upstream handover: sessions, files, tokens, memfd sizes.
out=$("$LUO_FDT_SAN" dump --phys "$T/h-v5/phys" "$T/h-v5/kho.dtb" 2>&1)
rc=$?
[ "$rc" -eq 0 ] && [[ "$out" == *'session 1: "gen-session-1", 2 files'* ]] &&
	[[ "$out" == *'token 0x3eb, compatible "memfd-v2"'*': size 20380, pos 100, seals 0x9, 4 folios'* ]] &&
	[[ "$out" == *'flb 0: "gen-flb-v1"'* ]]
expect "dump --phys shows luo-v5 sessions, files and memfd sizes" $? "exit $rc" "$out"
out=$("$LUO_FDT_SAN" dump --phys "$T/h-v5-folio-flags/phys" "$T/h-v5-folio-flags/kho.dtb" 2>&1)
rc=$?
[ "$rc" -eq 1 ] && [[ "$out" == *HO_ERR_FOLIO_FLAGS* ]]
expect "dump --phys of a defective luo-v5 handover fails with its error" $? "exit $rc" "$out"

# The purgatory's fault classes on a whole handover (check --test-fault,
# ho/fault.h): a luo-v5 one refused with its error, a luo-rfc one too; the
# same fault on a handover without that LUO damages nothing (usage error).
echo "# check --test-fault"
while IFS='|' read -r h fault want; do
	out=$("$LUO_FDT_SAN" check --memmap "$T/h-$h/memmap.txt" --phys "$T/h-$h/phys" \
		--test-fault "$fault" --kho-data "$T/h-$h/kho_data.bin" 2>&1)
	rc=$?
	if [ "$want" = usage ]; then
		[ $rc -eq 2 ] && [[ "$out" == *"found nothing to damage"* ]]
	else
		failed_with "$want"
	fi
	expect "$h with --test-fault $fault: $want" $? "exit $rc" "$out"
done <<'FAULTS'
v5|luo-v5-block-count|HO_ERR_BLOCK_COUNT
v5-many|luo-v5-block-count|HO_ERR_BLOCK_COUNT
default|luo-compatible|HO_ERR_BAD_COMPATIBLE
default|luo-v5-block-count|usage
v5-no-files|luo-v5-block-count|usage
FAULTS

# --phys ram:FILE@BASE with a phys:ADDR:SIZE input: the gen handover laid
# out in one RAM image (what tests/vm/capture.sh reads from a guest) gives
# the same verdicts as the directory of blobs.
echo "# check --phys ram:"
ram_image() {	# ram_image DIR IMAGE: prints BASE and the KHO FDT's phys:ADDR:SIZE
	python3 - "$1" "$2" <<'PY'
import os, struct, sys
d, img = sys.argv[1], sys.argv[2]
blobs = {int(f[:-4], 16): open(os.path.join(d, "phys", f), "rb").read()
         for f in os.listdir(os.path.join(d, "phys")) if f.endswith(".bin")}
base = min(blobs) & ~0xfffff
end = max(a + len(b) for a, b in blobs.items())
with open(img, "wb") as f:
    f.truncate(end - base)
    for a, b in blobs.items():
        f.seek(a - base)
        f.write(b)
fdt, size = struct.unpack("<QQ", open(os.path.join(d, "kho_data.bin"), "rb").read(16))
print("%#x phys:%#x:%#x" % (base, fdt, size))
PY
}
for h in v5 default; do
	read -r base spec < <(ram_image "$T/h-$h" "$T/ram-$h")
	out=$("$LUO_FDT_SAN" check --require-luo-any --phys "ram:$T/ram-$h@$base" "$spec" 2>&1)
	expect "$h as a RAM image ($spec): valid" $? "$out"
	out=$("$LUO_FDT_SAN" dump --phys "ram:$T/ram-$h@$base" "$spec" 2>&1)
	rc=$?
	[ $rc -eq 0 ] && { [ $h != v5 ] || [[ "$out" == *'session 1: "gen-session-1", 2 files'* ]]; }
	expect "$h as a RAM image: dump" $? "exit $rc" "$out"
done
read -r base spec < <(ram_image "$T/h-v5" "$T/ram-v5")
cp "$T/ram-v5" "$T/ram-v5.orig"
out=$("$LUO_FDT_SAN" check --require-luo-v5 --phys "ram:$T/ram-v5@$base" \
	--test-fault luo-v5-block-count "$spec" 2>&1)
rc=$?
failed_with HO_ERR_BLOCK_COUNT
expect "v5 as a RAM image, --test-fault luo-v5-block-count: HO_ERR_BLOCK_COUNT" $? "exit $rc" "$out"
cmp -s "$T/ram-v5" "$T/ram-v5.orig"
expect "--test-fault damages a copy-on-write map, not the RAM image file" $? "image changed"
out=$("$LUO_FDT_SAN" check --phys "ram:$T/ram-v5@$base" "phys:0x10:0" 2>&1)
rc=$?
[ $rc -eq 2 ] && [[ "$out" == *"expected phys:ADDR:SIZE"* ]]
expect "phys:ADDR:0 is a usage error" $? "exit $rc" "$out"
out=$("$LUO_FDT_SAN" check --phys "ram:$T/no-such-image@0" "phys:0x1000:0x100" 2>&1)
rc=$?
[ $rc -eq 2 ]
expect "a missing RAM image is a usage error" $? "exit $rc" "$out"
out=$("$LUO_FDT_SAN" check --phys "ram:$T/ram-v5@$base" "phys:0x10:0x100" 2>&1)
rc=$?
[ $rc -eq 2 ] && [[ "$out" == *"no memory behind it"* ]]
expect "phys: below the RAM image's base is a usage error" $? "exit $rc" "$out"

# The receiving kernel's page size (check --page-size, struct ho_env
# page_size): gen's layout is made of 4 KiB pages, so a 4 KiB kernel takes
# it and a 64 KiB one cannot: its radix tree pages are 64 KiB, and gen
# wrote 4 KiB ones.
echo "# check --page-size"
for ps in 4096 65536; do
	out=$("$LUO_FDT_SAN" check --page-size $ps --memmap "$T/h-default/memmap.txt" \
		--phys "$T/h-default/phys" "$T/h-default/kho.dtb" 2>&1)
	rc=$?
	if [ $ps = 4096 ]; then
		expect "whole handover default, --page-size 4096: valid" "$rc" "$out"
	else
		failed_with HO_ERR_ADDR_UNMAPPED && [[ "$out" == *"radix tree page"* ]]
		expect "whole handover default, --page-size 65536: HO_ERR_ADDR_UNMAPPED (radix tree page)" $? "exit $rc" "$out"
	fi
done
[[ $(verdict "$T/h-default" "$T/h-default/kho.dtb") == "exit 0 " ]]
expect "negative control: the valid handover is valid" $?
while read -r defect errname mode; do
	[[ -z "$defect" || "$defect" == \#* ]] && continue
	agree "defect $defect" "$T/h-$defect"
done < "$HERE/defects.txt"

# ---- 4. schema tables alone: a valid and an invalid example per node type ----

echo "# schema tables alone (check --schema-only), per node type"
# node type | gen arguments | expected error (- = valid)
while IFS='|' read -r node args errname; do
	[[ -z "$node" || "$node" == \#* ]] && continue
	# shellcheck disable=SC2086
	"$LUO_FDT" gen $args -o "$T/s.dtb" || { fail "schema $node: gen $args"; continue; }
	run_check --schema-only --memmap "$MM" "$T/s.dtb"
	errname=${errname// /}
	if [ "$errname" = - ]; then
		expect "schema $node: valid example passes" "$rc" "exit $rc" "$out"
	else
		failed_with "$errname"
		expect "schema $node: invalid example fails with $errname ($args)" \
			$? "exit $rc" "$out"
	fi
done < "$HERE/nodes.txt"

# ---- 5. changing the YAML changes validation -------------------------------

echo "# changing the YAML changes validation"
# A checker built from edited copies of the schemas: the same luo-fdt
# objects, linked against tables generated from the copies.
build_checker() {	# DIR: DIR/*.yaml -> DIR/luo-fdt
	python3 "$GEN_TABLES" -c "$1/tables.c" "$1"/*.yaml &&
	"${CC_A[@]}" "${CFLAGS_A[@]}" -I"$HO_INCLUDE" -c -o "$1/tables.o" \
		"$1/tables.c" &&
	"${CC_A[@]}" "${CFLAGS_A[@]}" -o "$1/luo-fdt" "${OBJS_A[@]}" \
		"$1/tables.o" "${LIBS_A[@]}"
}
# verdict NAME CHECKER BLOB WANT: WANT is - (valid) or an error name.
verdict() {
	local o r
	o=$("$2" check --memmap "$MM" "$3" 2>&1); r=$?
	if [ "$4" = - ]; then
		expect "$1: valid" "$r" "exit $r" "$o"
	elif [ "$r" -eq 1 ] && [[ "$o" == *": $4: "* ]]; then
		pass "$1: $4"
	else
		fail "$1: $4" "exit $r" "$o"
	fi
}
while IFS='~' read -r name file edit args before after; do
	[[ -z "$name" || "$name" == \#* ]] && continue
	M=$T/edit-$name
	mkdir -p "$M"
	cp "$TOP"/fdt-schema/*.yaml "$M"/
	if ! python3 "$HERE/edit-yaml.py" "$M/$file" "$edit" ||
	   ! build_checker "$M" > "$M/build.log" 2>&1; then
		fail "$name: checker from the edited YAML" "$(tail -n 5 "$M/build.log")"
		continue
	fi
	# shellcheck disable=SC2086
	"$LUO_FDT" gen $args -o "$M/blob.dtb"
	verdict "$name: committed YAML" "$LUO_FDT" "$M/blob.dtb" "$before"
	verdict "$name: edited YAML" "$M/luo-fdt" "$M/blob.dtb" "$after"
done < "$HERE/yaml-edits.txt"

# ---- 6. the command line ------------------------------------------------------

echo "# command line"
out=$("$LUO_FDT" --help 2>&1); rc=$?
lines=$(printf '%s\n' "$out" | wc -l)
wide=$(printf '%s\n' "$out" | awk 'length > 80' | wc -l)
[ "$rc" -eq 0 ] && [ "$lines" -le 24 ] && [ "$wide" -eq 0 ]
expect "--help exits 0 and fits a screen (24x80)" $? "exit $rc, $lines lines, $wide wide"

for c in check dump gen; do
	"$LUO_FDT" $c --help > /dev/null 2>&1
	expect "$c --help exits 0" $?
done

printf '0x1000 0xfff System RAM\n' > "$T/bad-memmap.txt"
# args | expected exit | expected stderr text
while IFS='|' read -r args want text; do
	[[ -z "$args" || "$args" == \#* ]] && continue
	# shellcheck disable=SC2086
	out=$(cd "$T" && "$LUO_FDT" $args 2>&1 > /dev/null); rc=$?
	if [ "$rc" -eq "$want" ] && [[ "$out" == "luo-fdt: "*"$text"* ]]; then
		pass "'luo-fdt $args' exits $want with an error on stderr"
	else
		fail "'luo-fdt $args' exits $want with an error on stderr" "exit $rc" "$out"
	fi
done <<'EOF'
frobnicate|2|unknown command
check|2|expected a FILE
check no-such-file.dtb|2|No such file
check --memmap no-such-map v-kho.dtb|2|No such file
check --memmap bad-memmap.txt v-kho.dtb|2|expected "START END TYPE"
check --memmap memmap.txt --memmap-sysfs . v-kho.dtb|2|exclude each other
dump|2|expected one FILE
dump d-bad-magic.dtb|1|HO_ERR_BAD_MAGIC
gen --kind nope|2|unknown kind
gen --defect nope|2|unknown defect
gen --kind memfd --defect luo-dup-token|2|is for --kind luo
gen --files 1 --sessions 0|2|at least one session
gen --files 99999|2|--files wants a number
gen -o /nonexistent/dir/x.dtb|2|No such file
gen --defect folio-order|2|needs --out-dir
gen --files 100 --folios 1000|2|must be at most
gen --out-dir h -o x.dtb|2|exclude each other
check --phys no-such-dir v-kho.dtb|2|No such file
check --page-size 3000 v-kho.dtb|2|not a power of two
check --page-size 131072 v-kho.dtb|2|not a power of two
check --page-size 2048 v-kho.dtb|2|not a power of two
EOF

# A memory map given as a /sys/firmware/memmap-like directory.
mkdir -p "$T/sysfs"
i=0
grep -v '^#' "$MM" | while read -r s e type; do
	mkdir -p "$T/sysfs/$i"
	echo "$s" > "$T/sysfs/$i/start"
	echo "$e" > "$T/sysfs/$i/end"
	echo "$type" > "$T/sysfs/$i/type"
	i=$((i + 1))
done
run_check --memmap-sysfs "$T/sysfs" "$T/v-kho.dtb"
expect "check --memmap-sysfs DIR accepts a valid blob" "$rc" "exit $rc" "$out"
run_check --memmap-sysfs "$T/sysfs" "$T/d-kho-memory-map-reserved.dtb"
[ "$rc" -eq 1 ] && [[ "$out" == *HO_ERR_ADDR_OUTSIDE_RAM* ]]
expect "check --memmap-sysfs DIR finds an address outside RAM" $? "exit $rc" "$out"

"$LUO_FDT" gen | "$LUO_FDT" check -q -
expect "gen | check - (stdin, stdout)" $?

# Several files: every one reported, the worst decides the exit status.
run_check --memmap "$MM" "$T/v-kho.dtb" "$T/d-luo-dup-token.dtb" "$T/v-memfd.dtb"
[ "$rc" -eq 1 ] && [ "$(grep -c ': valid ' <<< "$out")" -eq 2 ] &&
	[[ "$out" == *"d-luo-dup-token.dtb: luo:/file-descriptors/fff: HO_ERR_DUP_TOKEN: "* ]]
expect "check FILE... reports every file, exit 1 if one is invalid" $? "exit $rc" "$out"
run_check "$T/v-kho.dtb" "$T/no-such.dtb" "$T/d-bad-magic.dtb"
[ "$rc" -eq 2 ] && [[ "$out" == *HO_ERR_BAD_MAGIC* ]]
expect "check FILE... exits 2 when a file is unreadable" $? "exit $rc" "$out"

# ---- 7. dump -----------------------------------------------------------------

echo "# dump"
# blob | text the dump must contain
while IFS='|' read -r blob text; do
	[[ -z "$blob" ]] && continue
	out=$("$LUO_FDT" dump "$T/$blob" 2>&1); rc=$?
	if [ "$rc" -eq 0 ] && [[ "$out" == *"$text"* ]]; then
		pass "dump $blob shows '$text'"
	else
		fail "dump $blob shows '$text'" "exit $rc" "$out"
	fi
done <<'EOF'
v-kho.dtb|compatible = "kho-v4";
v-kho.dtb|preserved-memory-map = phys 0x1000000;
v-kho.dtb|preserved-data = phys 0x8000000; /* [0x8000000, 0x800
v-luo.dtb|liveupdate-count = 1;
v-luo.dtb|session = 0;
v-luo.dtb|name = "session-0";
v-memfd.dtb|folios = phys 0x2100000; /* kho_vmalloc chunk [0x2100000, 0x2101000), table pages 1 */
v-memfd.dtb|seals = 9;
d-luo-name-no-nul.dtb|name = "session" /* no NUL */;
d-kho-memory-map-u32.dtb|/* 4 bytes, not a u64 */
d-luo-unknown-node.dtb|/* not in the schema */
EOF

# ---- 8. robustness: broken blobs under ASan + UBSan -----------------------

echo "# robustness: luo-fdt-san check and dump on defect blobs and mutants"
# san_run FILE...: each through check --memmap and dump; exit 0 or 1 only,
# no sanitizer report. Sets $bad to the offenders.
san_run() {
	local f cmd o r
	bad=()
	for f in "$@"; do
		for cmd in "check --memmap $MM" dump; do
			# shellcheck disable=SC2086
			o=$("$LUO_FDT_SAN" $cmd "$f" 2>&1 > /dev/null); r=$?
			if [ "$r" -gt 1 ] || [[ "$o" == *Sanitizer* ]] ||
			   [[ "$o" == *"runtime error"* ]]; then
				bad+=("${f##*/} ($cmd): exit $r ${o:0:300}")
			fi
		done
	done
}
san_run "$T"/d-*.dtb "$T"/v-*.dtb
expect "every valid and defect blob: no crash, no sanitizer report" \
	"${#bad[@]}" "${bad[@]}"

mkdir -p "$T/mut"
python3 "$HERE/mutate.py" "$T/mut" 40 "$T/v-kho.dtb" "$T/v-luo.dtb" \
	"$T/v-memfd.dtb"
for v in kho luo memfd; do
	san_run "$T"/mut/v-$v-*.dtb
	expect "40 mutants of v-$v.dtb: no crash, no sanitizer report" \
		"${#bad[@]}" "${bad[@]}"
done

echo "# $n cases, $failed failed"
[ "$failed" -eq 0 ]
