"""Getting text from the person: flags, a file, standard input, a prompt or their editor.

Prompts happen only on a terminal (standard input is a TTY) and are written to
stderr, so a piped ``--json`` stays clean. Without a terminal, whatever is
missing is a usage error (exit 2): a script must never hang on a prompt.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import typer

from padcom_cli.output import note, usage_error

SCISSORS = "# ------------------------ >8 ------------------------"
"""Everything from this line on is dropped from an edited text (as in ``git commit``)."""


def interactive() -> bool:
    """True when someone can answer prompts: standard input is a terminal."""
    return sys.stdin.isatty()


def editor_command() -> str | None:
    """``$VISUAL``, else ``$EDITOR``, else None."""
    return os.environ.get("VISUAL") or os.environ.get("EDITOR") or None


def repaired(value: str | None) -> str | None:
    """An argument with bytes that were not UTF-8 (surrogate escapes) turned into U+FFFD."""
    if value is None:
        return None
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def read_stdin() -> str:
    """All of standard input as text; bytes that are not UTF-8 become U+FFFD."""
    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else data


def read_body(body: str | None, body_file: str | None) -> str | None:
    """The text given by ``--body`` or ``--body-file`` (``-`` is standard input), if any."""
    if body is not None and body_file is not None:
        usage_error("give either --body or --body-file, not both")
    if body_file == "-":
        return read_stdin()
    if body_file is not None:
        try:
            return Path(body_file).read_bytes().decode("utf-8", "replace")
        except OSError as exc:
            usage_error(f"cannot read {body_file}: {exc.strerror or exc}")
    return repaired(body)


def edit_text(initial: str, help_text: str) -> str:
    """Open the person's editor on ``initial``; returns what is above the scissors line.

    Falls back to ``vi`` when neither ``$VISUAL`` nor ``$EDITOR`` is set. An
    editor that fails (non-zero exit) is a usage error and nothing is sent.
    """
    command = shlex.split(editor_command() or "vi")
    template = f"{initial}\n\n{SCISSORS}\n{help_text}\n"
    with tempfile.TemporaryDirectory(prefix="padcom-") as folder:
        path = Path(folder) / "PADCOM_EDITMSG.md"
        path.write_text(template, encoding="utf-8")
        try:
            finished = subprocess.run([*command, str(path)], check=False)
        except OSError as exc:
            usage_error(f"cannot start the editor {command[0]}: {exc.strerror or exc}")
        if finished.returncode != 0:
            usage_error(f"the editor exited with status {finished.returncode}; nothing was sent")
        text = path.read_bytes().decode("utf-8", "replace")
    return text.split(SCISSORS, 1)[0].rstrip()


def ask(label: str, default: str | None = None) -> str:
    """One line from the person (on stderr); only call when ``interactive()``."""
    answer: str = typer.prompt(label, default=default, err=True)
    return answer.strip()


def choose(label: str, options: list[str], default: str) -> str:
    """One of ``options``, asked until the answer is one; only call when ``interactive()``."""
    while True:
        answer = ask(f"{label} ({', '.join(options)})", default=default).lower()
        if answer in options:
            return answer
        note(f"Please answer one of: {', '.join(options)}")


def ask_body(help_text: str, initial: str = "") -> str:
    """A multi-line text: in the editor when one is configured, else typed until Ctrl-D."""
    if editor_command():
        return edit_text(initial, help_text)
    note("Type the text; finish with Ctrl-D on a line of its own.")
    return read_stdin().rstrip()


def need_body(body: str | None, body_file: str | None, help_text: str) -> str:
    """The text from the flags, or asked for on a terminal; exit 2 when missing or empty."""
    text = read_body(body, body_file)
    if text is None:
        if not interactive():
            usage_error("missing --body or --body-file (no terminal to ask on)")
        text = ask_body(help_text)
    if not text.strip():
        usage_error("the text is empty; nothing was sent")
    return text


def confirm(question: str) -> bool:
    """A yes/no question (default no); only call when ``interactive()``."""
    answer: bool = typer.confirm(question, default=False, err=True)
    return answer
