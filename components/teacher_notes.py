"""What teachers left for a student: assignments with the practice toward them, and comments on logs."""

from __future__ import annotations

from nicegui import ui

from components.format import ACTIVITY_LABELS, day_month, duration, weekday_day_month
from core.i18n import _, ngettext
from services.take_feedback import TakeCommentOut
from services.teaching import AssignmentOut, CommentOut


def assignment_row(item: AssignmentOut) -> None:
    """One assignment: what, by when, and how much has been practised toward it."""
    with ui.row().classes("w-full items-start no-wrap gap-3 q-py-xs").mark("assignment"):
        ui.icon("assignment", color="warning" if item.overdue else "primary")
        with ui.column().classes("gap-0 grow min-w-0"):
            what = f"{item.composer}: {item.title}" if item.composer else item.title
            if item.activity_type:
                activity = _(ACTIVITY_LABELS.get(item.activity_type, item.activity_type))
                what += f" ({activity})"
            ui.label(what).classes("ellipsis w-full")
            ui.label(_progress_line(item)).classes("text-caption text-grey-7")
            details = ", ".join(item.focus_areas)
            if item.notes or details:
                ui.label(" · ".join(part for part in (details, item.notes or "") if part)).classes("text-caption")


def _progress_line(item: AssignmentOut) -> str:
    if item.overdue:
        due = _("overdue since {date}", date=day_month(item.due_date))
    else:
        due = _("due {date}", date=weekday_day_month(item.due_date))
    if item.practice_logs:
        # Translators: {duration} is the time practised toward an assignment, e.g. "1 h 05 min in 3 logs".
        done = ngettext(
            "{duration} in {n} log",
            "{duration} in {n} logs",
            item.practice_logs,
            duration=duration(item.practised_seconds),
        )
    else:
        done = _("not practised yet")
    if item.target_tempo:
        if item.best_tempo:
            tempo = _("best {best} of {target} BPM", best=item.best_tempo, target=item.target_tempo)
        else:
            tempo = _("target {target} BPM", target=item.target_tempo)
        done += f" · {tempo}"
    return f"{due} · {done}"


def comment_row(comment: CommentOut) -> None:
    with ui.row().classes("w-full items-start no-wrap gap-3 q-py-xs").mark("teacher-comment"):
        ui.icon("chat_bubble_outline", color="secondary")
        with ui.column().classes("gap-0 grow min-w-0"):
            ui.label(comment.body).classes("w-full")
            when = f"{comment.created_at:%d %b %H:%M}"
            if comment.log_title:
                # Translators: who commented, on which log (its title), and when.
                line = _(
                    "{author} on {log} · {when}",
                    author=comment.author_name,
                    log=comment.log_title.replace("_", " "),
                    when=when,
                )
            else:
                line = f"{comment.author_name} · {when}"
            ui.label(line).classes("text-caption text-grey-7")


def from_your_teacher(
    assignments: list[AssignmentOut], comments: list[CommentOut], take_feedback: list[TakeCommentOut] | None = None
) -> None:
    """The dashboard card; nothing at all when no teacher left anything."""
    if not assignments and not comments and not take_feedback:
        return
    with ui.card().classes("w-full").mark("from-teacher"):
        ui.label(_("From your teacher")).classes("text-subtitle1 text-weight-medium")
        for item in assignments:
            assignment_row(item)
        for comment in comments:
            comment_row(comment)
        for feedback in take_feedback or []:
            take_feedback_row(feedback)


def take_feedback_row(comment: TakeCommentOut) -> None:
    """Feedback on a recording: where in the take and which bars, one click from the player."""
    seconds = comment.at_ms // 1000
    where = f"{seconds // 60}:{seconds % 60:02d}"
    if comment.bar_from and not comment.bar_to:
        # Translators: a moment in a recording (minutes:seconds) and the bar of the score it is about.
        where = _("{time}, bar {bar}", time=where, bar=comment.bar_from)
    elif comment.bar_from:
        # Translators: a moment in a recording (minutes:seconds) and the bars of the score it is about.
        where = _("{time}, bars {first}–{last}", time=where, first=comment.bar_from, last=comment.bar_to)
    with (
        ui.row()
        .classes("w-full items-start no-wrap gap-3 q-py-xs")
        .props("data-testid=take-feedback")
        .mark("take-feedback")
    ):
        ui.icon("graphic_eq", color="secondary")
        with ui.column().classes("gap-0 grow min-w-0"):
            ui.label(comment.body).classes("w-full")
            if comment.log_title:
                # Translators: a recording, where in it, and its log: "Take 2 (0:42, bar 12) of Minuet".
                on = _("{take} ({where}) of {log}", take=comment.take_name, where=where, log=comment.log_title)
            else:
                on = f"{comment.take_name} ({where})"
            when = f"{comment.created_at:%d %b %H:%M}"
            # Translators: who left feedback, on what (a recording and where in it), and when.
            ui.label(_("{author} on {on} · {when}", author=comment.author_name, on=on, when=when)).classes(
                "text-caption text-grey-7"
            )
        ui.link(_("Listen"), f"/log/{comment.log_id}/edit").classes("text-primary whitespace-nowrap")
