"""Serve archive databases' pages with the project's templates/ (news_archive.pages.site_templates)."""

from datasette import hookimpl
from jinja2 import ChoiceLoader, FileSystemLoader

from news_archive.pages import site
from news_archive.pages.site_templates import ArchiveTemplateLoader, archive_css_classes


@hookimpl
def prepare_jinja2_environment(env, datasette):
    templates = site.templates_dir()
    archive_pages = ArchiveTemplateLoader(templates, lambda: archive_css_classes(datasette), datasette.template_dir)
    # First: the front, database, table and row pages of archive databases (only names the user's
    # --template-dir lacks). Last: our other templates by their own names, after anything the user gives.
    env.loader = ChoiceLoader([archive_pages, env.loader, FileSystemLoader(str(templates))])
