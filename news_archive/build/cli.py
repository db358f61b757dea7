"""The build_db command line: options, the summary line and warnings printed, BuildFailed as exit 1."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import BuildFailed
from .run import build


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("archive.db"),
              show_default=True, help="The database to write (replaced only when the build succeeds).")
@click.option("--strict", is_flag=True, help="Fail, leaving the old database, if any file has an error or warning.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Parallel parser processes  [default: one per CPU core]")
@click.option("--full", is_flag=True,
              help="Parse every file again, not only those new or changed since the previous build.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no warnings; the summary line only.")
def main(inputs: tuple[Path, ...], output: Path, strict: bool, jobs: int | None, full: bool, quiet: bool) -> None:
    """Build a SQLite database of news articles from INPUTS (files or folders; default: seeds/).

    Each file holds one article: optional YAML front matter, a <!--epoch-ms--> line, a [title](url)
    line, a ------ line, then the article's HTML. Folders are read recursively. A file that cannot be
    read is recorded in the build_errors table with the reason, and every other file still loads.

    Builds are incremental: files unchanged since the previous build (same size and modification
    time, or same SHA-256) are not parsed again, and a build that finds nothing changed does nothing.
    """
    try:
        summary = build(list(inputs) or [Path("seeds")], output, strict=strict, jobs=jobs, full=full,
                        progress=not quiet and sys.stderr.isatty())
    except BuildFailed as error:
        raise click.ClickException(str(error)) from None
    if not quiet:
        for file, level, message in summary.problems:
            click.echo(f"{level}: {file}: {message}", err=True)
    click.echo(f"{output}: {summary.line()}")
