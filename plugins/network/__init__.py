"""Network plugin: a 街道's community sites and its portal from one checkout
(README.md). A community's build puts what the portal shows into its build
record (summary.py); the portal's build (LINLI_SITE=portal) makes its pages
from those records (portal.py). `python -m plugins.network` builds, checks
and deploys them all (build.py)."""

from pelican import signals
from pelican.generators import Generator

from .. import build_record
from ..events import site_swapped
from ..sites import PORTAL
from .portal import PortalGenerator
from .summary import SECTION, community_summary, published_pages


class CommunitySummaryGenerator(Generator):
    """Writes nothing: once every generator has read the site, it makes the
    community's summary for the portal (kept by the build it belongs to)."""

    build = None  # the Pelican instance (set per build by get_generators)

    def generate_context(self):
        pass

    def generate_output(self, writer):
        # After every generate_context: the articles and notices are all read.
        self.build.linli_network_summary = community_summary(self.settings, self.context)


def get_generators(pelican):
    site = pelican.settings.get("NETWORK_SITE")
    pelican.linli_network_summary = None
    if not site or pelican.settings.get("LINLI_CHECK_ONLY"):
        return None
    if site == PORTAL:
        return PortalGenerator
    return type("CommunitySummaryGenerator", (CommunitySummaryGenerator,), {"build": pelican})


def keep_summary(pelican, target, **_):
    """The published build's summary goes into its record (a quick rebuild
    changes no header: it keeps the one it found). A renamed community's
    summary lists its pages, for the redirects from its former address."""
    summary = getattr(pelican, "linli_network_summary", None)
    if summary is None or not pelican.settings.get("CACHE_PATH"):
        return
    if pelican.settings.get("FORMER_ADDRESSES"):
        summary["pages"] = published_pages(target)
    build_record.of(pelican).put(SECTION, summary)


def register():
    signals.get_generators.connect(get_generators)
    site_swapped.connect(keep_summary)
