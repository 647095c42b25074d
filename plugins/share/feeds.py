"""Feeds are read outside the site, by feed readers: their links and the
images in their content must be absolute even in a relative-URL preview
build, so they use CANONICAL_SITEURL."""

from pelican.writers import Writer


class AbsoluteFeedWriter(Writer):
    def write_feed(self, elements, context, *args, **kwargs):
        canonical = self.settings.get("CANONICAL_SITEURL")
        if canonical:
            context = {**context, "SITEURL": canonical}
        return super().write_feed(elements, context, *args, **kwargs)


def feed_writer(pelican):
    return AbsoluteFeedWriter
