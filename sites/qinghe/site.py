"""青禾社区: the checkout's first site. Its content stayed in content/ when
the 街道 network came (PATH below), and it keeps its own address."""

SITENAME = "青禾社区"
SITE_SUBTITLE = "云溪市临江区望川街道青禾社区居民委员会"
PATH = "content"  # relative to the project; a new community's is sites/<name>/content
CANONICAL_SITEURL = "https://qinghe.example.org"
BRAND_COLOUR = "red"

# The 街道 portal's directory (plugins/network/README.md).
STREET = "望川街道"
OFFICE_ADDRESS = "云溪市临江区望川街道禾丰路 18 号"
OFFICE_PHONE = "0871-6555 0123"
OFFICE_HOURS = "周一至周五 8:30–12:00、14:00–17:30；周六上午值班"
COMPOUNDS = ["禾丰苑", "青禾家园", "望川里小区", "禾盛公寓"]
MAP_URL = "https://uri.amap.com/search?keyword=%E9%9D%92%E7%A6%BE%E7%A4%BE%E5%8C%BA%E5%B1%85%E5%A7%94%E4%BC%9A"

# make deploy-all: rsync target (or DEPLOY_METHOD = "s3" with S3_BUCKET …).
DEPLOY_TARGET = "www@web.example.org:/var/www/qinghe/"
