# Linli — two commands for a newcomer: `make html`, then `make test`.
PY_SYS ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PELICAN := $(PY) -m pelican
CONTENT := content
OUTPUT := output
BUILD_DATE ?=
PORT ?= 8000
# make devserver BIND=0.0.0.0 lets a phone on the office network see the preview.
BIND ?=
# Extra settings for one build, e.g. make html SETTINGS='BUILD_DATE="2026-11-20"'
SETTINGS ?=
# A network (plugins/network/README.md): SITE=name builds sites/<name>/ (or
# SITE=portal the 街道 portal) with its own content, output and caches.
SITE ?=
SITE_ENV := $(if $(SITE),LINLI_SITE=$(SITE))
FOLDERS := $(if $(SITE),,$(CONTENT) -o $(OUTPUT))
EXTRA := $(if $(BUILD_DATE),-e BUILD_DATE='"$(BUILD_DATE)"') $(if $(SETTINGS),-e $(SETTINGS))

.PHONY: html-all publish-all check-all deploy-all serve-all help html serve devserver publish deploy deploy-s3 publish-if-changed clean test bench check fix new-article new-notice new-album import

help:
	@echo "make html          构建演示站点到 output/ / build the site into output/"
	@echo "make serve         在 http://localhost:$(PORT) 预览 / preview"
	@echo "make devserver     实时预览：保存后浏览器自动刷新 / live preview, reloads on save"
	@echo "make publish       正式发布构建（publishconf.py）/ production build"
	@echo "make test          运行测试 / run the test suite"
	@echo "make check         发布前检查全部稿件（不生成网站），报告写到 output-check/report.html / check all content"
	@echo "make fix [FILE=稿件.md] [DRY_RUN=1]  自动改正标点、全角数字等，先显示改动 / apply the safe fixes, diff first"
	@echo "make deploy DEPLOY_TARGET=host:/var/www/site  正式构建并同步到服务器 / publish and rsync [DRY_RUN=1]"
	@echo "make deploy-s3 S3_BUCKET=… S3_ENDPOINT=…  正式构建并上传到对象存储 / publish to OSS/COS/MinIO/S3 [DRY_RUN=1]"
	@echo "make publish-if-changed DEPLOY_TARGET=…  每日重建：有变化才部署 / daily rebuild, deploy only on change [DEPLOY_METHOD=s3]"
	@echo "make new-article TITLE=标题 [COLUMN=栏目]  新建文章 / scaffold an article"
	@echo "make new-notice TITLE=标题 [KIND=通知|公告|公示]  新建通知 / scaffold a notice"
	@echo "make new-album SLUG=英文名 [TITLE=标题]  新建相册（先把照片放进 content/photos/英文名/）/ scaffold an album"
	@echo "make import FILE=稿件.docx [COLUMN=栏目] [FORCE=1]  导入 Word/WPS 稿件（可给文件夹）/ import .docx"
	@echo "make html-all      构建全部社区网站和街道门户（sites/、portal/）/ build every community and the portal [JOBS=N]"
	@echo "make publish-all   全部正式构建 / production builds of the whole network"
	@echo "make check-all     检查全部社区的稿件 / check every community's content"
	@echo "make deploy-all    全部发布并各自同步到 site.py 的 DEPLOY_TARGET，门户最后 / deploy every site, the portal last"
	@echo "make serve-all     在一个端口预览整个网络 / preview the whole network on one port"
	@echo "make bench         构建与照片处理基准（对比原版 Pelican 与 vipsthumbnail）/ benchmarks [ARTICLES=5000] [N=12]"
	@echo "make clean         删除 output/ 与缓存 / remove output and caches"

# The venv is rebuilt only when a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PY_SYS) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

html: $(VENV)/.installed
	$(SITE_ENV) $(PELICAN) $(FOLDERS) -s pelicanconf.py $(EXTRA)

publish: $(VENV)/.installed
	$(SITE_ENV) $(PELICAN) $(FOLDERS) -s publishconf.py $(EXTRA)

serve: $(VENV)/.installed
	@test -n "$(SITE)" || test -d $(OUTPUT) || $(MAKE) html
	$(SITE_ENV) $(PELICAN) -l -p $(PORT) -s pelicanconf.py $(if $(SITE),,-o $(OUTPUT))

# Live preview: rebuilds on save, the open page reloads itself and shows build
# errors (plugins/devserver/README.md).
devserver: $(VENV)/.installed
	$(SITE_ENV) $(PY) -m plugins.devserver $(FOLDERS) -s pelicanconf.py -p $(PORT) $(if $(BIND),-b $(BIND)) $(EXTRA)

test: $(VENV)/.installed node_modules/axe-core/axe.min.js
	$(PY) -m pytest -n auto --dist loadscope

# axe-core for the browser tests; without npm those tests say how to get it.
node_modules/axe-core/axe.min.js: package-lock.json
	-command -v npm >/dev/null && npm ci --no-audit --no-fund

new-article: $(VENV)/.installed
	@$(SITE_ENV) $(PY) -m plugins.editorial.scaffold article "$(TITLE)" "$(COLUMN)"

new-notice: $(VENV)/.installed
	@$(SITE_ENV) $(PY) -m plugins.notices.scaffold "$(TITLE)" "$(KIND)"

new-album: $(VENV)/.installed
	@$(SITE_ENV) $(PY) -m plugins.gallery.scaffold "$(SLUG)" "$(TITLE)"

# FILE: a .docx, a folder of them, or several names/patterns in one string.
import: $(VENV)/.installed
	@$(SITE_ENV) $(PY) -m plugins.wordimport $(if $(COLUMN),--column "$(COLUMN)") $(if $(FORCE),--force) -- "$(FILE)"

# Site builds vs vanilla Pelican on ../shared/bench (ARTICLES=5000 for the big
# run), photo pipeline vs Debian's vipsthumbnail (apt-get install
# libvips-tools), each measured in the same run; then the devserver's
# edit-to-visible time in Chromium on the same corpus. NETWORK=1: only the
# network (bench/network.py): SITES communities × ARTICLES (here 250) + portal.
ARTICLES ?= 1000
NETWORK ?=
SITES ?= 40
bench: $(VENV)/.installed
ifeq ($(NETWORK),1)
	$(PY) bench/network.py --sites $(SITES) --articles $(if $(filter file,$(origin ARTICLES)),250,$(ARTICLES))
else
	$(PY) bench/site.py --articles $(ARTICLES)
	$(PY) bench/photos.py $(if $(N),-n $(N))
	$(PY) bench/preview.py --site corpus --articles $(ARTICLES) --edits 3
endif

# Deploy (deploy/, README "Operator's guide"): rsync to a server, or S3-compatible
# object storage; DRY_RUN=1 lists what would change and changes nothing.
DEPLOY_TARGET ?=
DEPLOY_METHOD ?= rsync
DRY_RUN ?=
export S3_BUCKET S3_ENDPOINT S3_REGION S3_PREFIX S3_ADDRESSING_STYLE
deploy: $(VENV)/.installed
	@$(PY) -m deploy.rsync "$(DEPLOY_TARGET)" --output $(OUTPUT) --check-target
	$(MAKE) --no-print-directory publish
	$(PY) -m deploy.rsync "$(DEPLOY_TARGET)" --output $(OUTPUT) $(if $(DRY_RUN),--dry-run)

deploy-s3: $(VENV)/.installed
	@$(PY) -m deploy.s3 --check-config
	$(MAKE) --no-print-directory publish
	$(PY) -m deploy.s3 --output $(OUTPUT) $(if $(DRY_RUN),--dry-run)

publish-if-changed: $(VENV)/.installed
	@$(if $(filter rsync,$(DEPLOY_METHOD)),$(PY) -m deploy.rsync "$(DEPLOY_TARGET)" --output $(OUTPUT) --check-target,$(PY) -m deploy.s3 --check-config)
	$(MAKE) --no-print-directory publish
	$(PY) -m deploy.changed $(DEPLOY_METHOD) --output $(OUTPUT) $(if $(filter rsync,$(DEPLOY_METHOD)),"$(DEPLOY_TARGET)")

# A 街道's network (plugins/network/README.md): every sites/<name>/ in
# parallel, then the portal (portal/). JOBS=N sites at once (default: cores).
JOBS ?=
NETWORK := $(PY) -m plugins.network
NETWORK_EXTRA := $(if $(JOBS),--jobs $(JOBS)) $(if $(BUILD_DATE),BUILD_DATE='"$(BUILD_DATE)"') $(SETTINGS)
html-all: $(VENV)/.installed
	$(NETWORK) build $(NETWORK_EXTRA)

publish-all: $(VENV)/.installed
	$(NETWORK) build --publish $(NETWORK_EXTRA)

check-all: $(VENV)/.installed
	$(NETWORK) check

deploy-all: $(VENV)/.installed
	$(MAKE) --no-print-directory publish-all
	$(NETWORK) deploy $(if $(DRY_RUN),--dry-run)

serve-all: $(VENV)/.installed
	$(NETWORK) serve --port $(PORT) $(if $(BIND),--bind $(BIND))

clean:
	rm -rf $(OUTPUT) $(OUTPUT).building $(OUTPUT).previous $(OUTPUT).*.deleting .cache
	rm -rf sites/*/output sites/*/output.* sites/*/output-check sites/*/.cache portal/output portal/output.* portal/output-check portal/.cache

check: $(VENV)/.installed
	$(SITE_ENV) $(PY) -m plugins.safety publishconf.py $(if $(BUILD_DATE),BUILD_DATE='"$(BUILD_DATE)"')

# The proofreader's safe fixes (plugins/proofread/README.md): punctuation,
# full-width digits, 错别字 marked 自动. FILE: files, folders or patterns in one
# string; without it every Markdown file in content/. The diff is shown first;
# DRY_RUN=1 only shows it.
fix: $(VENV)/.installed
	@$(SITE_ENV) $(PY) -m plugins.proofread $(if $(DRY_RUN),--dry-run) -- $(if $(FILE),"$(FILE)")
