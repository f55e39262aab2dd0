# Layout rules of the tree (issue 12): tests/layout/arch-names.sh.
CHECK_SUITES += layout
.PHONY: check-layout
check-layout:
	@$(TOP)/tests/layout/arch-names.sh $(TOP)
