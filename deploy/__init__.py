"""Publishing the built site: rsync to a server running nginx
(``deploy/nginx.conf``), or S3-compatible object storage behind a CDN, and the
daily rebuild that deploys only when the output changed. See the README's
operator's guide."""
