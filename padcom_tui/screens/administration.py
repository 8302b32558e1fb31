"""Administration: organizations, people, API tokens, services and the audit trail, in tabs.

Admins change things here (a new organization, an invitation, a role, deactivation,
sign out everywhere, a reset second factor, a revoked token, a service); agents
see the same tables read-only. The tokens tab shows the person highlighted in
the people tab (or your own), the services tab the organization highlighted in
the organizations tab. Every change goes through the API's rules and is in the
audit tab at once. Search (``/``) filters the tab in view, as in the queue.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Input, Static, TabbedContent, TabPane

from padcom_cli.client import admin as calls
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.vocabulary import Role, ServiceKind
from padcom_tui.background import in_background
from padcom_tui.screens.base import PadcomScreen
from padcom_tui.screens.choice import ChoiceScreen
from padcom_tui.screens.confirm import ConfirmScreen
from padcom_tui.screens.form import FormScreen
from padcom_tui.widgets import admin_rows as rows
from padcom_tui.widgets.keys_footer import KeysFooter

TABS = ("orgs", "people", "tokens", "services", "audit")
TITLES = {"orgs": "Organizations", "people": "People", "tokens": "Tokens",
          "services": "Services", "audit": "Audit"}  # fmt: skip
ROLES = tuple(str(r) for r in Role)
SERVICE_KINDS = tuple(str(k) for k in ServiceKind)
READ_ONLY = "Only administrators change administration; agents may look."
AUDIT_FOR_ADMINS = "The audit trail is for administrators."
ADMIN_ACTIONS = ("new", "role", "toggle_active", "sign_out", "reset_totp", "revoke", "agents_totp")


class AdministrationScreen(PadcomScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("slash", "search", "Search", key_display="/"),
        Binding("n", "new", "New"),
        Binding("l", "role", "Role"),
        Binding("x", "toggle_active", "(De)activate"),
        Binding("o", "sign_out", "Sign out"),
        Binding("t", "reset_totp", "Reset 2FA"),
        Binding("v", "revoke", "Revoke"),
        Binding("f", "agents_totp", "2FA for agents"),
        Binding("ctrl+r", "reload", "Reload", show=False),
        *[
            Binding(str(i + 1), f"tab('{tab}')", TITLES[tab], show=False)
            for i, tab in enumerate(TABS)
        ],
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[Json]] = {tab: [] for tab in TABS}
        self.search: dict[str, str] = {}
        self.totp_required: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(Text("Administration", style="bold"), id="admin-title")
        yield Input(placeholder="search the tab in view (enter)", id="admin-search")
        with TabbedContent(id="admin-tabs"):
            for tab in TABS:
                with TabPane(TITLES[tab], id=f"tab-{tab}"):
                    table: DataTable[Text] = DataTable(
                        id=f"table-{tab}", cursor_type="row", zebra_stripes=True
                    )
                    table.add_columns(*rows.COLUMNS[tab])
                    yield table
        yield Static("", id="admin-note")
        yield KeysFooter()

    # -- loading ------------------------------------------------------------------

    @property
    def is_admin(self) -> bool:
        return bool(self.padcom.me and self.padcom.me.get("role") == "admin")

    @property
    def tab(self) -> str:
        active = self.query_one("#admin-tabs", TabbedContent).active
        return active.removeprefix("tab-") if active else "orgs"

    def on_mount(self) -> None:
        self.query_one("#table-orgs", DataTable).focus()
        for tab in ("orgs", "people", "audit"):
            self.load(tab)
        self.load("tokens")
        self._load_security()

    def _load_security(self) -> None:
        client = self.padcom.client
        in_background(
            self, lambda: calls.security(client), self._show_security, group="admin-security"
        )

    def _show_security(self, found: Json) -> None:
        self.totp_required = [str(r) for r in found["totp_required"]]
        roles = ", ".join(self.totp_required) or "nobody"
        self.query_one("#admin-title", Static).update(
            Text.assemble(
                ("Administration", "bold"), f"  ·  two-factor sign-in required for: {roles}"
            )
        )

    def _selected(self, tab: str) -> Json | None:
        table = self.query_one(f"#table-{tab}", DataTable)
        items = self.data[tab]
        return items[table.cursor_row] if items and 0 <= table.cursor_row < len(items) else None

    def _fetch(self, tab: str) -> Callable[[], list[Json]]:
        client, q = self.padcom.client, self.search.get(tab) or None
        if tab == "orgs":
            return lambda: calls.organizations(client, q)
        if tab == "people":
            return lambda: calls.users(client, q=q)
        if tab == "tokens":
            person = self._selected("people")
            wanted = person["id"] if person and self.is_admin else None
            return lambda: calls.tokens(client, wanted)
        if tab == "services":
            org = self._selected("orgs")
            return (lambda: calls.services(client, org["id"])) if org else list
        return lambda: calls.audit(client, q=q, limit=200)["items"]

    def load(self, tab: str) -> None:
        if tab == "audit" and not self.is_admin and self.padcom.me is not None:
            return  # said when the tab is opened (_opened_tab)
        in_background(
            self, self._fetch(tab), lambda found: self._show(tab, found), group=f"admin-{tab}"
        )

    def _show(self, tab: str, found: list[Json]) -> None:
        self.data[tab] = found
        draw = {"orgs": rows.org_row, "people": rows.person_row, "tokens": rows.token_row,
                "services": rows.service_row, "audit": rows.audit_row}[tab]  # fmt: skip
        table = self.query_one(f"#table-{tab}", DataTable)
        cells = [draw(item) for item in found]
        labels = rows.COLUMNS[tab]
        table.clear(columns=True)
        for label, width in zip(labels, rows.column_widths(labels, cells), strict=True):
            table.add_column(label, width=width)
        table.add_rows(cells)

    @on(TabbedContent.TabActivated)
    def _opened_tab(self) -> None:
        if self.is_admin:
            self._note("")
        else:
            self._note(AUDIT_FOR_ADMINS if self.tab == "audit" else READ_ONLY)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """An agent's footer shows the changes dimmed: theirs to see, an admin's to make."""
        return None if action in ADMIN_ACTIONS and not self.is_admin else True

    def _note(self, words: str) -> None:
        self.query_one("#admin-note", Static).update(Text(words))

    @on(DataTable.RowHighlighted)
    def _follow(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "table-people":
            self.load("tokens")
        elif event.data_table.id == "table-orgs":
            self.load("services")

    # -- keys -------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_tab(self, tab: str) -> None:
        self.query_one("#admin-tabs", TabbedContent).active = f"tab-{tab}"
        self.query_one(f"#table-{tab}", DataTable).focus()

    def action_search(self) -> None:
        self.query_one("#admin-search", Input).focus()

    @on(Input.Submitted, "#admin-search")
    def _searched(self, event: Input.Submitted) -> None:
        self.search[self.tab] = event.value.strip()
        self.load(self.tab)
        self.query_one(f"#table-{self.tab}", DataTable).focus()

    def action_reload(self) -> None:
        for tab in TABS:
            self.load(tab)

    def _change(self, call: Callable[[], Any], said: str, *reload: str) -> None:
        """Run an admin's change, say so, and refresh what it touched and the audit."""

        def done(_result: Any) -> None:
            self.notify(said, markup=False)
            for tab in (*reload, "audit"):
                self.load(tab)

        in_background(self, call, done)

    def action_new(self) -> None:
        if not self.is_admin:
            return
        client = self.padcom.client
        if self.tab == "orgs":
            fields = [
                ("name", "Name", "Bäckerei Huber"),
                ("customer_number", "Customer number", "C10001"),
            ]

            def made(v: dict[str, str] | None) -> None:
                if v:
                    self._change(lambda: calls.add_organization(client, v["name"], v["customer_number"]),
                                 f"Added {v['name']}.", "orgs")  # fmt: skip

            self.app.push_screen(FormScreen("New organization", fields), made)
        elif self.tab == "people":
            org = self._selected("orgs")
            fields = [("email", "Email", "someone@example.com"), ("name", "Name", ""),
                      ("role", f"Role ({', '.join(ROLES)})", "customer"),
                      ("organization", "Organization id (customers)", "")]  # fmt: skip
            start = {"role": "customer", "organization": str(org["id"]) if org else ""}

            def invited(v: dict[str, str] | None) -> None:
                if v:
                    org_id = int(v["organization"]) if v["organization"].isdigit() else None
                    self._change(lambda: calls.invite(client, v["email"], v["name"], v["role"] or "customer", org_id),
                                 f"Invited {v['email']}; the mail is on its way.", "people")  # fmt: skip

            self.app.push_screen(FormScreen("Invite someone", fields, start), invited)
        elif self.tab == "services":
            org = self._selected("orgs")
            if org is None:
                self._note("Highlight an organization in the Organizations tab first.")
                return
            fields = [("kind", f"Kind ({', '.join(SERVICE_KINDS)})", "vps"), ("label", "Label", "vps1.example.net"),
                      ("plan", "Plan", ""), ("datacenter", "Datacenter", "")]  # fmt: skip

            def added(v: dict[str, str] | None) -> None:
                if v:
                    self._change(lambda: calls.add_service(client, org["id"], v),
                                 f"Added {v['label']} to {org['name']}.", "services")  # fmt: skip

            self.app.push_screen(FormScreen(f"New service of {org['name']}", fields), added)

    def _person(self) -> Json | None:
        if self.tab != "people" or not self.is_admin:
            return None
        return self._selected("people")

    def action_role(self) -> None:
        person = self._person()
        if person is None:
            return
        client = self.padcom.client

        def chosen(role: str | None) -> None:
            if role and role != person["role"]:
                values: Json = {"role": role}
                if role != "customer":
                    values["organization"] = None
                self._change(lambda: calls.change_user(client, person["id"], values),
                             f"{person['email']} is now {role}.", "people")  # fmt: skip

        options = [(str(r), str(r)) for r in ROLES]
        self.app.push_screen(
            ChoiceScreen(f"Role of {person['email']}", options, person["role"]), chosen
        )

    def action_toggle_active(self) -> None:
        person = self._person()
        if person is None:
            return
        client, active = self.padcom.client, not person["active"]
        verb = "Reactivate" if active else "Deactivate"

        def sure(yes: bool | None) -> None:
            if yes:
                self._change(lambda: calls.change_user(client, person["id"], {"active": active}),
                             f"{verb}d {person['email']}.", "people", "tokens")  # fmt: skip

        self.app.push_screen(ConfirmScreen(f"{verb} {person['email']}?", verb), sure)

    def action_sign_out(self) -> None:
        person = self._person()
        if person is not None:
            client = self.padcom.client
            self._change(lambda: calls.sign_out(client, person["id"]),
                         f"Signed {person['email']} out everywhere.", "tokens")  # fmt: skip

    def action_reset_totp(self) -> None:
        person = self._person()
        if person is None:
            return
        client = self.padcom.client

        def sure(yes: bool | None) -> None:
            if yes:
                self._change(lambda: calls.reset_totp(client, person["id"]),
                             f"Two-factor sign-in of {person['email']} reset.", "people", "tokens")  # fmt: skip

        self.app.push_screen(
            ConfirmScreen(f"Reset two-factor sign-in of {person['email']}?", "Reset"), sure
        )

    def action_agents_totp(self) -> None:
        """Require two-factor sign-in of agents, or stop requiring it (admins always)."""
        if not self.is_admin:
            return
        client = self.padcom.client
        on = "agent" not in self.totp_required
        roles = [r for r in self.totp_required if r != "agent"] + (["agent"] if on else [])
        question = ("Require two-factor sign-in for agents?" if on
                    else "Stop requiring two-factor sign-in for agents?")  # fmt: skip

        def sure(yes: bool | None) -> None:
            if yes:
                said = (
                    "Agents now need two-factor sign-in."
                    if on
                    else "Agents may sign in without it."
                )

                def done(found: Json) -> None:
                    self._show_security(found)
                    self.notify(said, markup=False)
                    self.load("audit")

                in_background(self, lambda: calls.set_security(client, roles), done)

        self.app.push_screen(ConfirmScreen(question, "Require" if on else "Stop"), sure)

    def action_revoke(self) -> None:
        if self.tab != "tokens" or not self.is_admin:
            return
        token = self._selected("tokens")
        if token is None or token.get("revoked_at"):
            return
        client = self.padcom.client
        self._change(
            lambda: calls.revoke_token(client, token["id"]),
            f"Revoked token {token['id']}.",
            "tokens",
        )
