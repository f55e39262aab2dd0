# VM tests: real kernels in QEMU, real kexecs (see tests/vm/README.md).
VM_VARIANTS = $(sort $(shell awk '!/^#/ && NF {print $$2}' $(TOP)/tests/vm/cases))

.PHONY: check-vm vm-images
CHECK_SUITES += vm
vm-images: $(addprefix vm-image-,$(VM_VARIANTS))
check-vm: vm-images
	@mkdir -p $(B)/vm/logs
	@$(TOP)/tests/vm/run-cases.sh

# arm64 (issue 13): tests/vm/cases-arm64 on qemu-system-aarch64. Not in
# CHECK_SUITES yet: its kernels are not yet measured against the CI budget.
VM_VARIANTS_arm64 = $(sort $(shell awk '!/^#/ && NF {print $$2}' $(TOP)/tests/vm/cases-arm64))
.PHONY: check-vm-arm64
check-vm-arm64: $(addprefix vm-image-,$(VM_VARIANTS_arm64))
	@mkdir -p $(B)/vm/logs
	@$(TOP)/tests/vm/run-cases.sh $(TOP)/tests/vm/cases-arm64
