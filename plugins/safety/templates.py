"""A piece whose ``template:`` names a template the theme does not have (a
typo, a value copied from another site) is an error naming its file and line,
found before anything is written — Pelican would stop in the middle of
writing with PelicanTemplateNotFound and a traceback naming no file."""

import difflib
import os

from jinja2.bccache import Bucket, BytecodeCache
from pelican.generators import PelicanTemplateNotFound

from ..common import report_error

PIECES = ("articles", "hidden_articles", "drafts", "pages", "hidden_pages", "draft_pages",
          "notices", "hidden_notices", "albums", "hidden_albums")


def _available(generator):
    names = set()
    for loader_path in getattr(generator, "_templates_path", None) or []:
        for folder, _, files in os.walk(loader_path):
            for name in files:
                if name.endswith(tuple(generator.settings["TEMPLATE_EXTENSIONS"])):
                    names.add(os.path.splitext(os.path.relpath(os.path.join(folder, name), loader_path))[0])
    return sorted(name for name in names if not name.startswith("partials"))


def check_templates(generators):
    for generator in generators:
        if not hasattr(generator, "get_template"):
            continue
        for attribute in PIECES:
            for piece in getattr(generator, attribute, None) or []:
                name = getattr(piece, "template", None)
                if not name:
                    continue
                try:
                    generator.get_template(name)
                except PelicanTemplateNotFound:
                    line = (piece.metadata.get("metadata_lines") or {}).get("template")
                    available = _available(generator)
                    close = difflib.get_close_matches(str(name), available, 1, 0.6)
                    hint = (f"是否应为 {close[0]}？", f"; did you mean {close[0]}?") if close else ("", "")
                    report_error(
                        piece.source_path, line,
                        f"模板“{name}”不存在，{hint[0]}可用的有：{'、'.join(available)}；不写 template 即用默认模板 / "
                        f"no template {name!r} in the theme{hint[1]}; leave template out for the default",
                    )
                    # `make check` and `make devserver` go on rendering: with the default.
                    piece.template = piece.default_template


class CompiledTemplates(BytecodeCache):
    """Each of Pelican's generators has its own Jinja environment, so every
    template was compiled once per generator: half of a small site's build.
    The environments share the compiled code here, in memory. Compiling is a
    pure function of the source and the compiler's options: Jinja checks
    each entry against the template's source, and the key holds the options,
    should a plugin's environment differ. So one store serves every build
    of the process (the devserver's too)."""

    def __init__(self):
        self.compiled = {}

    def load_bytecode(self, bucket):
        checksum, code = self.compiled.get(bucket.key, (None, None))
        if checksum == bucket.checksum:
            bucket.code = code

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = (bucket.checksum, bucket.code)

    def get_bucket(self, environment, name, filename, source):
        key = self.get_cache_key(name, filename) + _compiler_options(environment)
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket


def _compiler_options(environment):
    return repr((
        environment.block_start_string, environment.block_end_string, environment.variable_start_string,
        environment.variable_end_string, environment.comment_start_string, environment.comment_end_string,
        environment.line_statement_prefix, environment.line_comment_prefix, environment.trim_blocks,
        environment.lstrip_blocks, environment.newline_sequence, environment.keep_trailing_newline,
        environment.optimized, environment.autoescape, sorted(environment.extensions),
    ))


def share_compiled_templates(generator):
    """``generator_init``: the build's environments use one store of compiled templates."""
    environment = getattr(generator, "env", None)
    if environment is not None and environment.bytecode_cache is None:
        environment.bytecode_cache = COMPILED


COMPILED = CompiledTemplates()
