"""望川街道社区之窗: the 街道 portal of the network. It owns the host
(https://wangchuan.example.org); 柳树社区 and 南浦社区 are served under it
(/liushu/, /nanpu/), 青禾社区 keeps its own host (plugins/network/README.md)."""

SITENAME = "望川街道社区之窗"
SITE_SUBTITLE = "云溪市临江区望川街道办事处"
SITE_DESCRIPTION = "望川街道各社区的新闻、通知公告和便民服务信息汇总。"
SITE_OPERATOR = "云溪市临江区望川街道办事处"
SITE_CONTACT = "云溪市临江区望川街道临川大道 200 号 · 电话 0871-6555 0100"
SITE_EMAIL = "wangchuan-jd@example.org"
AUTHOR = "望川街道"
COPYRIGHT_NOTICE = (
    "本站汇集的新闻和通知来自望川街道各社区居民委员会，版权归发布单位所有；"
    "转载请注明来源并保留原文链接。"
)
ICP_NUMBER = "滇ICP备00000000号-3"  # the host's filing, shared by liushu and nanpu
PSB_NUMBER = "滇公网安备 00000000000002号"
# Numbers that may be published: the service centre's line and the citizens' hotline.
PII_ALLOW = ["0871-6555 0100", "12345"]

CANONICAL_SITEURL = "https://wangchuan.example.org"
BRAND_COLOUR = "teal"

STREET = "望川街道"
OFFICE_ADDRESS = "云溪市临江区望川街道临川大道 200 号"
OFFICE_PHONE = "0871-6555 0100"
OFFICE_HOURS = "周一至周五 9:00–12:00、13:30–17:30；周六 9:00–12:00 延时服务"
MAP_URL = "https://uri.amap.com/search?keyword=%E6%9C%9B%E5%B7%9D%E8%A1%97%E9%81%93%E5%8A%9E%E4%BA%8B%E5%A4%84"

# make deploy-all: rsync target (the host's root; the communities deploy below it).
DEPLOY_TARGET = "www@web.example.org:/var/www/wangchuan/"
