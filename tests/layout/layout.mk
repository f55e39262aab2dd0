# Layout rules of the tree (issue 12): tests/layout/arch-names.sh.
CHECK_SUITES += layout
.PHONY: check-layout
check-layout:
	@$(TOP)/tests/layout/arch-names.sh $(TOP)

# The kernel standards (checkpatch --strict, kernel-doc, format-patch form)
# over kernel/: tests/layout/kernel-style.sh.
CHECK_SUITES += kernel-style
.PHONY: check-kernel-style
check-kernel-style:
	@$(TOP)/tests/layout/kernel-style.sh $(TOP)

# The per-function error lists (docs/errors.md) match the sources.
.PHONY: errors-doc
errors-doc:
	python3 $(TOP)/scripts/error-lists.py $(TOP) > $(TOP)/docs/errors.md
CHECK_SUITES += error-lists
.PHONY: check-error-lists
check-error-lists:
	@$(TOP)/tests/layout/error-lists.sh $(TOP)
