"""A piece whose ``template:`` names a template the theme does not have (a
typo, a value copied from another site) is an error naming its file and line,
found before anything is written — Pelican would stop in the middle of
writing with PelicanTemplateNotFound and a traceback naming no file."""

import difflib
import marshal
import os

from jinja2.bccache import Bucket, BytecodeCache
from pelican.generators import PelicanTemplateNotFound

from .. import build_record
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
    The environments share the compiled code here, in memory, and the build
    record keeps it for the next build (section ``templates``): a one-edit
    rebuild of a big site spent an eighth of its time compiling.
    What Jinja compiles depends on the template's source (checked by Jinja
    against each entry), the compiler's options and how each filter and test
    takes its arguments. Jinja also calls a filter on constant arguments
    while compiling, and prints what it returns: a filter whose result is
    the build's (``asset``: a theme file's hashed name) takes the context
    (``jinja2.pass_context``), which Jinja never does at compile time. So
    one compiled theme serves every build of every site a process makes
    (`make html-all`'s forty, the tests' fork server), whatever their settings."""

    def __init__(self):
        self.compiled = {}  # key -> (source checksum, code)
        self.used = set()  # keys this build loaded or compiled
        self.added = False  # this build compiled something

    def load_bytecode(self, bucket):
        checksum, code = self.compiled.get(bucket.key, (None, None))
        if checksum == bucket.checksum:
            bucket.code = code
            self.used.add(bucket.key)

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = (bucket.checksum, bucket.code)
        self.used.add(bucket.key)
        self.added = True

    def read(self, stored):
        """A build starts, with what the last one kept."""
        self.used, self.added = set(), False
        for key, (checksum, code) in (stored or {}).items():
            if key not in self.compiled:
                try:
                    self.compiled[key] = (checksum, marshal.loads(code))
                except (ValueError, EOFError, TypeError):  # another Python's: compiled again
                    continue

    def stored(self):
        """What this build used, for the next one (a template edited away is dropped)."""
        return {key: (self.compiled[key][0], marshal.dumps(self.compiled[key][1])) for key in sorted(self.used)}

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
        # What the compiled code passes a filter or test first (context, environment …).
        sorted((name, str(getattr(function, "jinja_pass_arg", None))) for name, function in environment.filters.items()),
        sorted((name, str(getattr(function, "jinja_pass_arg", None))) for name, function in environment.tests.items()),
    ))


def share_compiled_templates(generator):
    """``generator_init``: the build's environments use one store of compiled templates."""
    environment = getattr(generator, "env", None)
    if environment is not None and environment.bytecode_cache is None:
        environment.bytecode_cache = COMPILED


def compile_theme(settings):
    """Compile every template of the theme into the shared store, in an
    environment made as the builds' are, and return the environment. It
    registers the settings' plugins (for their filters): call it in a
    process of its own and hand the store on (``COMPILED.stored()``)."""
    from pelican.generators import Generator
    from pelican.plugins._utils import load_plugins

    for plugin in load_plugins(settings):
        plugin.register()
    generator = Generator(context={}, settings=settings, path=settings["PATH"], theme=settings["THEME"],
                          output_path=settings["OUTPUT_PATH"])
    extensions = tuple(settings["TEMPLATE_EXTENSIONS"])
    for name in generator.env.list_templates():
        if name.endswith(extensions):
            try:
                generator.env.get_template(name)
            except Exception:  # noqa: BLE001 - a broken template is the build's to report
                continue
    return generator.env


COMPILED = CompiledTemplates()
SECTION = "templates"


def load_compiled_templates(pelican):
    """``get_generators``: what the last build of this output compiled."""
    COMPILED.read(build_record.of(pelican).get(SECTION))


def keep_compiled_templates(pelican, **_):
    """``site_swapped``: the record keeps what this build compiled, when it compiled anything."""
    if COMPILED.added:
        build_record.of(pelican).put(SECTION, COMPILED.stored())
