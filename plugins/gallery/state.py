"""The photo registry of the build in progress (one per build, so each rebuild
of `make devserver` starts afresh)."""

registry = None


def current():
    return registry


def use(other):
    """Make an earlier build's registry the current one (plugins/events.py
    ``rendering_with``: a fast path renders with that build's context)."""
    global registry
    registry = other
