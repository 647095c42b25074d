"""The photo registry of the build in progress (one per build, so each rebuild
of `make devserver` starts afresh)."""

registry = None
