# Layout rules of the tree (issue 12): tests/layout/arch-names.sh.
.PHONY: check-layout
check-layout:
	@$(TOP)/tests/layout/arch-names.sh $(TOP)
