"""`make devserver`: live preview for editors (see README.md here).

Not a Pelican plugin and never in PLUGINS: the reload script is added by the
preview server to the pages it serves, so no build — preview or published —
writes it into output/.
"""
