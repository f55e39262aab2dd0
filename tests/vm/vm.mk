# VM tests: real kernels in QEMU, real kexecs (see tests/vm/README.md).
VM_VARIANTS = $(sort $(shell awk '!/^#/ && NF {print $$2}' $(TOP)/tests/vm/cases))

.PHONY: check-vm vm-images
CHECK_SUITES += vm
vm-images: $(addprefix vm-image-,$(VM_VARIANTS))
check-vm: vm-images
	@mkdir -p $(B)/vm/logs
	@$(TOP)/tests/vm/run-cases.sh

# arm64 (issue 13): tests/vm/cases-arm64 on qemu-system-aarch64 (suite
# vm-arm64), 4 KiB and 64 KiB pages.
CHECK_SUITES += vm-arm64
VM_VARIANTS_arm64 = $(sort $(shell awk '!/^\#/ && NF {print $$2}' $(TOP)/tests/vm/cases-arm64))
.PHONY: check-vm-arm64
check-vm-arm64: $(addprefix vm-image-,$(VM_VARIANTS_arm64))
	@mkdir -p $(B)/vm/logs
	@$(TOP)/tests/vm/run-cases.sh $(TOP)/tests/vm/cases-arm64

# Large folios (issue 16): tests/vm/cases-thp on the ours-thp variant,
# outside make check (one more kernel build).
VM_VARIANTS_thp = $(sort $(shell awk '!/^\#/ && NF {print $$2}' $(TOP)/tests/vm/cases-thp))
.PHONY: check-vm-thp
check-vm-thp: $(addprefix vm-image-,$(VM_VARIANTS_thp))
	@mkdir -p $(B)/vm/logs
	@$(TOP)/tests/vm/run-cases.sh $(TOP)/tests/vm/cases-thp

# The real handover Linux's own LUO writes, captured from the guest's RAM
# and checked by luo-fdt on the host (tests/vm/capture.sh, issue 17).
CHECK_SUITES += vm-capture
.PHONY: check-vm-capture
check-vm-capture: vm-image-upstream vm-image-arm64-upstream $(B)/bin/luo-fdt
	@mkdir -p $(B)/vm/logs
	@$(TOP)/tests/vm/capture.sh
