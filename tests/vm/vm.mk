# VM tests: real kernels in QEMU, real kexecs (see tests/vm/README.md).
VM_VARIANTS = $(sort $(shell awk '!/^#/ && NF {print $$2}' $(TOP)/tests/vm/cases))

.PHONY: check-vm vm-images
CHECK_SUITES += vm
vm-images: $(addprefix vm-image-,$(VM_VARIANTS))
check-vm: vm-images
	@mkdir -p $(B)/vm/logs
	@$(TOP)/tests/vm/run-cases.sh
