"""Disclosure plugin: the 居务公开 catalogue with deadlines the build
enforces, finance tables whose totals are checked, and 政策解读 linked with
their originals (issue 20). See README.md."""

from pelican import signals

from .generator import DisclosureGenerator
from .tables import process


def get_generators(pelican):
    return DisclosureGenerator


def register():
    signals.get_generators.connect(get_generators)
    signals.content_object_init.connect(process)
