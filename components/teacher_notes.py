"""What teachers left for a student: assignments with the practice toward them, and comments on logs."""

from __future__ import annotations

from nicegui import ui

from components.format import ACTIVITY_LABELS, duration
from services.take_feedback import TakeCommentOut
from services.teaching import AssignmentOut, CommentOut


def assignment_row(item: AssignmentOut) -> None:
    """One assignment: what, by when, and how much has been practised toward it."""
    with ui.row().classes("w-full items-start no-wrap gap-3 q-py-xs").mark("assignment"):
        ui.icon("assignment", color="warning" if item.overdue else "primary")
        with ui.column().classes("gap-0 grow min-w-0"):
            what = f"{item.composer}: {item.title}" if item.composer else item.title
            if item.activity_type:
                what += f" ({ACTIVITY_LABELS.get(item.activity_type, item.activity_type)})"
            ui.label(what).classes("ellipsis w-full")
            ui.label(_progress_line(item)).classes("text-caption text-grey-7")
            details = ", ".join(item.focus_areas)
            if item.notes or details:
                ui.label(" · ".join(part for part in (details, item.notes or "") if part)).classes("text-caption")


def _progress_line(item: AssignmentOut) -> str:
    due = f"overdue since {item.due_date:%d %b}" if item.overdue else f"due {item.due_date:%a %d %b}"
    if item.practice_logs:
        logs = "log" if item.practice_logs == 1 else "logs"
        done = f"{duration(item.practised_seconds)} in {item.practice_logs} {logs}"
    else:
        done = "not practised yet"
    if item.target_tempo:
        done += (
            f" · best {item.best_tempo} of {item.target_tempo} BPM"
            if item.best_tempo
            else f" · target {item.target_tempo} BPM"
        )
    return f"{due} · {done}"


def comment_row(comment: CommentOut) -> None:
    with ui.row().classes("w-full items-start no-wrap gap-3 q-py-xs").mark("teacher-comment"):
        ui.icon("chat_bubble_outline", color="secondary")
        with ui.column().classes("gap-0 grow min-w-0"):
            ui.label(comment.body).classes("w-full")
            on = f" on {comment.log_title.replace('_', ' ')}" if comment.log_title else ""
            ui.label(f"{comment.author_name}{on} · {comment.created_at:%d %b %H:%M}").classes(
                "text-caption text-grey-7"
            )


def from_your_teacher(
    assignments: list[AssignmentOut], comments: list[CommentOut], take_feedback: list[TakeCommentOut] | None = None
) -> None:
    """The dashboard card; nothing at all when no teacher left anything."""
    if not assignments and not comments and not take_feedback:
        return
    with ui.card().classes("w-full").mark("from-teacher"):
        ui.label("From your teacher").classes("text-subtitle1 text-weight-medium")
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
    if comment.bar_from:
        where += f", bar {comment.bar_from}" if not comment.bar_to else f", bars {comment.bar_from}–{comment.bar_to}"
    with (
        ui.row()
        .classes("w-full items-start no-wrap gap-3 q-py-xs")
        .props("data-testid=take-feedback")
        .mark("take-feedback")
    ):
        ui.icon("graphic_eq", color="secondary")
        with ui.column().classes("gap-0 grow min-w-0"):
            ui.label(comment.body).classes("w-full")
            on = f"{comment.take_name} ({where})" + (f" of {comment.log_title}" if comment.log_title else "")
            ui.label(f"{comment.author_name} on {on} · {comment.created_at:%d %b %H:%M}").classes(
                "text-caption text-grey-7"
            )
        ui.link("Listen", f"/log/{comment.log_id}/edit").classes("text-primary whitespace-nowrap")
