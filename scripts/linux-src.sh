#!/bin/bash
# Print the pristine Linux source directory (fetch + extract on first use).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/common.sh"
linux_source_dir
