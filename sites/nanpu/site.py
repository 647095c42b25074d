"""南浦社区: a community site of the 望川街道 network, served under the
街道 portal's host (https://wangchuan.example.org/nanpu/)."""

SITENAME = "南浦社区"
SITE_SUBTITLE = "云溪市临江区望川街道南浦社区居民委员会"
SITE_DESCRIPTION = "南浦社区居民委员会门户：社区新闻、通知公告与办事指南。"
SITE_OPERATOR = "望川街道南浦社区居民委员会"
SITE_CONTACT = "云溪市临江区望川街道南浦街 9 号 · 电话 0871-6555 0358"
SITE_EMAIL = "nanpu-sq@example.org"
AUTHOR = "南浦社区"
COPYRIGHT_NOTICE = (
    "本站原创稿件版权归南浦社区居民委员会所有，转载请注明来源并保留原文链接。"
)
ICP_NUMBER = "滇ICP备00000000号-3"  # the portal host's filing (portal/site.py): this site is served under it
PSB_NUMBER = "滇公网安备 00000000000002号"
# Numbers that may be published: the office's own line and the citizens' hotline.
PII_ALLOW = ["0871-6555 0358", "12345"]

CANONICAL_SITEURL = "https://wangchuan.example.org/nanpu"
BRAND_COLOUR = "blue"

# The 街道 portal's directory (plugins/network/README.md).
STREET = "望川街道"
OFFICE_ADDRESS = "云溪市临江区望川街道南浦街 9 号"
OFFICE_PHONE = "0871-6555 0358"
OFFICE_HOURS = "周一至周五 9:00–12:00、14:00–17:30；周六上午值班"
COMPOUNDS = ["南浦新村", "浦滨苑", "江畔花园"]
MAP_URL = "https://uri.amap.com/search?keyword=%E5%8D%97%E6%B5%A6%E7%A4%BE%E5%8C%BA%E5%B1%85%E5%A7%94%E4%BC%9A"

# make deploy-all: rsync target.
DEPLOY_TARGET = "www@web.example.org:/var/www/wangchuan/nanpu/"

# No albums yet: the header leaves out 活动相册 until the first one is added.
NAV_LINKS = [("通知公告", "notices/"), ("办事指南", "guide/")]
