"""Make the project's templates/ available when the archive is served without ``datasette .``."""

from datasette import hookimpl
from jinja2 import ChoiceLoader, FileSystemLoader

from news_archive import site


@hookimpl
def prepare_jinja2_environment(env, datasette):
    # Appended: a --template-dir or config directory the user gives still takes precedence.
    env.loader = ChoiceLoader([env.loader, FileSystemLoader(str(site.templates_dir()))])
