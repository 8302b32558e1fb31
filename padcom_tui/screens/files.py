"""The files on a ticket: view a text file (sanitised like any ticket text), save one, or
open it with this machine's viewer when the app runs here (not over SSH)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from padcom_cli.client import files
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.sanitize import clean
from padcom_tui.background import in_background
from padcom_tui.screens.base import admin_of


def file_label(item: Json) -> Text:
    """One row of the list: name, size, type, and where it is."""
    label = Text(clean(str(item.get("filename", "")), single_line=True), style="bold")
    label.append(f"  {files.human_size(int(item.get('size') or 0))}  ", style="dim")
    label.append(clean(str(item.get("content_type", "")), single_line=True), style="dim")
    if item.get("internal"):
        label.append("  internal note", style="yellow")
    elif item.get("message") is None:
        label.append("  description", style="dim")
    return label


def runs_locally() -> bool:
    """Whether a viewer opened here would show on the person's own screen."""
    return not os.environ.get("SSH_CONNECTION") and shutil.which("xdg-open") is not None


class TextFileScreen(ModalScreen[None]):
    """A text attachment, shown as data: control characters made visible, no markup."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Close")]

    def __init__(self, name: str, text: str, cut: bool) -> None:
        super().__init__()
        self.file_name, self.text, self.cut = name, text, cut

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog compose"):
            yield Static(
                Text(clean(self.file_name, single_line=True), style="bold"), classes="title"
            )
            with VerticalScroll():
                yield Static(Text(clean(self.text)))
            more = " · only the first 1 MiB: save it for the rest" if self.cut else ""
            yield Static(Text(f"esc close{more}", style="dim"))


class FilesScreen(ModalScreen[None]):
    """The ticket's files; enter views a text file, s saves, o opens with the local viewer."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close"),
        Binding("s", "save", "Save"),
        Binding("o", "open", "Open", show=False),
    ]

    def __init__(self, number: int) -> None:
        super().__init__()
        self.number = number
        self.items: list[Json] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog files"):
            yield Static(Text(f"Files on #{self.number}", style="bold"), classes="title")
            yield OptionList()
            yield Input(placeholder="save as…", id="save-as", classes="hidden")
            keys = "enter view text · s save · esc close"
            if runs_locally():
                keys = "enter view text · s save · o open · esc close"
            yield Static(Text(keys, style="dim"))

    def on_mount(self) -> None:
        client = admin_of(self).client
        in_background(self, lambda: client.attachments(self.number), self.listed)

    def listed(self, items: list[Json]) -> None:
        self.items = items
        options = self.query_one(OptionList)
        options.clear_options()
        if not items:
            options.add_option(Option(Text("No files on this ticket."), disabled=True))
            return
        options.add_options([Option(file_label(item), id=str(item["id"])) for item in items])
        options.highlighted = 0

    def _current(self) -> Json | None:
        index = self.query_one(OptionList).highlighted
        return self.items[index] if index is not None and index < len(self.items) else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        item = self._current()
        if item is None:
            return
        if not str(item.get("content_type", "")).startswith("text/plain"):
            self.notify("Not a text file: s saves it.", markup=False)
            return
        client = admin_of(self).client
        name = str(item["filename"])
        in_background(
            self,
            lambda: files.read_text(client, self.number, int(item["id"])),
            lambda read: self.app.push_screen(TextFileScreen(name, *read)),
        )

    def action_save(self) -> None:
        item = self._current()
        if item is None:
            return
        box = self.query_one("#save-as", Input)
        box.value = str(Path.cwd() / files.local_name(str(item["filename"])))
        box.remove_class("hidden")
        box.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        item = self._current()
        event.input.add_class("hidden")
        self.query_one(OptionList).focus()
        if item is None or not event.value.strip():
            return
        client = admin_of(self).client
        target = Path(event.value.strip()).expanduser()

        def saved(path: Path | str) -> None:
            self.notify(f"Saved {clean(str(path), single_line=True)}", markup=False)

        def run() -> Path | str:
            try:
                return files.save(client, self.number, int(item["id"]), target, force=False)
            except FileExistsError:
                return f"nothing: {target} exists"
            except OSError as exc:
                return f"nothing: {exc.strerror or exc}"

        in_background(self, run, saved)

    def action_open(self) -> None:
        item = self._current()
        if item is None or not runs_locally():
            return
        client = admin_of(self).client
        folder = Path(tempfile.mkdtemp(prefix="padcom-files-"))

        def run() -> Path:
            return files.save(client, self.number, int(item["id"]), folder, force=False)

        def opened(path: Path) -> None:
            subprocess.Popen(["xdg-open", str(path)], start_new_session=True)

        in_background(self, run, opened)
