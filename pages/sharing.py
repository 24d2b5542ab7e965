"""Sharing: invite a teacher, see who can see your practice, stop sharing; and the page an invitation opens."""

from __future__ import annotations

import json
import uuid

from fastapi.responses import RedirectResponse
from nicegui import app, ui

from components.auth_card import forget_url_token
from components.browser_sign_in import Me, act
from components.feedback import page_dialog, show_error
from components.format import short_date
from components.frame import frame
from components.page_route import signed_in_page
from core.i18n import _, ngettext
from services import sharing
from services.errors import ServiceError
from services.sharing import INVITE_LIFETIME, Invitation, ShareOut


@signed_in_page("/sharing")
async def sharing_page(me: Me) -> RedirectResponse | None:
    with frame(_("Share with a teacher"), me):
        view = SharingView(me)
        await view.load()
    return None


class SharingView:
    def __init__(self, me: Me) -> None:
        self.me = me
        with ui.card().classes("w-full gap-3"):
            ui.label(
                _("Your teacher sees your dashboard, streaks and charts, read-only, until you stop sharing.")
            ).classes("text-grey-8")
            with ui.row().classes("w-full items-start gap-2"):
                self.email = (
                    ui.input(_("Teacher's email address"))
                    .props("outlined dense type=email autocomplete=email")
                    .classes("grow min-w-[16rem]")
                    .mark("invite-email")
                )
                ui.button(_("Send invitation"), icon="send", on_click=self.invite_by_email).props(
                    "unelevated color=primary no-caps"
                ).mark("invite-send")
                ui.button(_("Create a link instead"), icon="link", on_click=self.invite_by_link).props(
                    "flat no-caps"
                ).mark("invite-link")
            self.link_box = ui.column().classes("w-full")
            self.link_shown_for: uuid.UUID | None = None  # the share whose link the box shows
        self.list = ui.column().classes("w-full gap-2")

    async def load(self) -> None:
        shares = await act(sharing.shares_of_student, write=False)
        self.list.clear()
        with self.list:
            if not shares:
                ui.label(_("Nobody can see your practice.")).classes("text-grey-7").mark("no-shares")
            for share in shares:
                self._row(share)

    async def invite_by_email(self) -> None:
        invitation = await self._invite({"email": (self.email.value or "").strip()})
        if invitation is None:
            return
        self.email.set_value("")  # the mail went out after the commit (core.effects)
        ui.notify(_("Invitation sent to {email}.", email=invitation.share.invite_email), type="positive")

    async def invite_by_link(self) -> None:
        invitation = await self._invite({})
        if invitation is None:
            return
        self.link_box.clear()
        self.link_shown_for = invitation.share.id
        with self.link_box:
            give = ngettext(
                "Give this link to your teacher. It works once, for {n} days.",
                "Give this link to your teacher. It works once, for {n} days.",
                INVITE_LIFETIME.days,
            )
            ui.label(give).classes("text-caption text-grey-7")
            with ui.row().classes("w-full items-center no-wrap gap-2"):
                ui.input(_("Invitation link"), value=invitation.link).props("outlined dense readonly").classes(
                    "grow"
                ).mark("invite-url")
                ui.button(icon="content_copy", on_click=lambda: _copy(invitation.link)).props(
                    "flat round aria-label=" + json.dumps(_("Copy the link"))
                )

    async def _invite(self, data: dict[str, str]) -> Invitation | None:
        try:
            invitation = await act(
                sharing.invite_teacher, data=data, links=app.state.invite_links, limiter=app.state.limiter
            )
        except ServiceError as error:
            show_error(error)
            return None
        await self.load()
        return invitation

    def _row(self, share: ShareOut) -> None:
        with ui.card().classes("w-full q-py-sm").mark(f"share-{share.status}"):
            with ui.row().classes("w-full items-center no-wrap gap-3"):
                ui.icon("visibility" if share.status == "active" else "schedule_send", color="primary")
                with ui.column().classes("gap-0 grow min-w-0"):
                    if share.teacher:
                        ui.label(share.teacher.display_name or share.teacher.email).classes("ellipsis")
                        since = short_date(share.accepted_at)
                        ui.label(_("Can see your practice since {day}", day=since)).classes("text-caption text-grey-7")
                    else:
                        ui.label(share.invite_email or _("Invitation link")).classes("ellipsis")
                        expires = short_date(share.expires_at)
                        ui.label(_("Invited, not accepted yet · expires {day}", day=expires)).classes(
                            "text-caption text-grey-7"
                        )
                label = _("Stop sharing") if share.status == "active" else _("Withdraw")
                ui.button(label, on_click=lambda s=share: self._confirm_revoke(s)).props(
                    "outline no-caps color=negative"
                ).mark("revoke-share")

    def _confirm_revoke(self, share: ShareOut) -> None:
        pending = share.teacher is None
        who = (
            share.teacher.display_name or share.teacher.email if share.teacher else share.invite_email or _("the link")
        )
        with page_dialog() as dialog, ui.card():
            if pending:
                ui.label(_("Withdraw this invitation?")).classes("text-subtitle1")
                ui.label(_("Its link stops working at once; nobody can accept it any more.")).classes("text-grey-7")
            else:
                ui.label(_("Stop sharing with {who}?", who=who)).classes("text-subtitle1")
                ui.label(_("They will no longer see your practice, from their next click.")).classes("text-grey-7")
            with ui.row().classes("w-full justify-end"):
                ui.button(_("Cancel"), on_click=dialog.close).props("flat")

                async def revoke() -> None:
                    dialog.close()
                    await act(sharing.revoke_share, share_id=share.id)
                    await self.load()
                    if pending:
                        if self.link_shown_for == share.id:
                            self.link_box.clear()
                        ui.notify(_("Invitation withdrawn. The invitation link no longer works."))
                    else:
                        ui.notify(_("{who} can no longer see your practice.", who=who))

                ui.button(_("Withdraw") if pending else _("Stop sharing"), on_click=revoke).props(
                    "unelevated color=negative"
                ).mark("revoke-confirm")


def _sign_in_first() -> None:
    forget_url_token()
    with ui.column().classes("absolute-center items-center gap-3 q-pa-md"):
        ui.label(_("Sign in to accept this invitation")).classes("text-h6")
        ui.label(_("Then open the invitation link again.")).classes("text-grey-7")
        ui.button(_("Sign in"), on_click=lambda: ui.navigate.to("/login")).props("unelevated color=primary")


@signed_in_page("/share/accept", signed_out=_sign_in_first)
async def accept_page(me: Me, token: str = "") -> RedirectResponse | None:
    forget_url_token()
    with frame(_("Invitation"), me), ui.card().classes("w-full max-w-lg gap-3").mark("invitation"):
        try:
            share = await act(sharing.invitation_for, write=False, token=token, links=app.state.invite_links)
        except ServiceError as error:
            ui.label(error.message).classes("text-negative").mark("invitation-problem")
            ui.link(_("Your studio"), "/studio")
            return None
        student = share.student.display_name or share.student.email
        ui.label(_("{student} would like you to see their practice", student=student)).classes("text-h6")
        ui.label(_("Their dashboard, streaks, progress and charts, read-only, until they stop sharing.")).classes(
            "text-grey-7"
        )

        async def accept() -> None:
            try:
                await act(sharing.accept_invite, data={"token": token}, links=app.state.invite_links)
            except ServiceError as error:
                show_error(error)
                return
            ui.navigate.to(f"/studio/{share.student.id}")

        ui.button(_("Accept"), icon="check", on_click=accept).props("unelevated color=primary").mark("accept-invite")
    return None


def _copy(text: str) -> None:
    ui.clipboard.write(text)
    ui.notify(_("Link copied."))
