"""Walks the migrated database and compares it with the tables of the system design."""

from __future__ import annotations

from sqlalchemy import inspect

# From the system design: columns, CHECKed columns, UNIQUE sets, foreign keys with their ON DELETE
# rule, and indexes by name. Our additions (role, timezone, version, ...) may come on top.
SPEC = {
    "users": {
        "columns": "id email display_name avatar_url primary_instrument skill_level created_at updated_at "
        "last_login_at preferences is_active role timezone",
        "checks": {"primary_instrument", "skill_level", "role"},
        "unique": [("email",)],
        "foreign_keys": {},
        "indexes": {"idx_users_email": ["email"], "idx_users_last_login": ["last_login_at"]},
    },
    "sheet_music": {
        "columns": "id title composer opus catalog_number instrument difficulty_level grade_level duration_seconds "
        "time_signature key_signature tempo_marking suggested_tempo style_period tags source_type "
        "source_attribution license_type notation_data audio_reference_url created_at updated_at is_active",
        "checks": {"instrument", "difficulty_level", "source_type"},
        "unique": [],
        "foreign_keys": {},
        "indexes": {
            "idx_sheet_music_instrument": ["instrument"],
            "idx_sheet_music_difficulty": ["difficulty_level"],
            "idx_sheet_music_style": ["style_period"],
            "idx_sheet_music_grade": ["grade_level"],
        },
    },
    "practice_sessions": {
        "columns": "id user_id session_date start_time end_time duration_seconds session_type total_exercises "
        "completed_exercises accuracy_percentage notes created_at",
        "checks": {"session_type"},
        "unique": [],
        "foreign_keys": {"user_id": ("users", "CASCADE")},
        "indexes": {"idx_sessions_user_date": ["user_id", "session_date"], "idx_sessions_date": ["session_date"]},
    },
    "practice_logs": {
        "columns": "id user_id session_id sheet_music_id activity_type instrument start_time end_time "
        "duration_seconds composer work_title opus_number movement_section tempo_practiced target_tempo "
        "focus_areas self_rating accuracy_percentage notes_played notes_correct practice_notes "
        "audio_recording_url created_at updated_at is_active version",
        "checks": {"activity_type", "instrument", "self_rating"},
        "unique": [],
        "foreign_keys": {
            "user_id": ("users", "CASCADE"),
            "session_id": ("practice_sessions", "SET NULL"),
            "sheet_music_id": ("sheet_music", "SET NULL"),
        },
        "indexes": {
            "idx_logs_user_date": ["user_id", "start_time"],
            "idx_logs_activity": ["activity_type"],
            "idx_logs_session": ["session_id"],
            "idx_logs_sheet_music": ["sheet_music_id"],
        },
    },
    "progress_tracking": {
        "columns": "id user_id instrument skill_area current_level current_grade experience_points "
        "total_practice_time consecutive_days last_practice_date accuracy_trend speed_trend achievements "
        "milestones created_at updated_at",
        "checks": set(),
        "unique": [("user_id", "instrument", "skill_area")],
        "foreign_keys": {"user_id": ("users", "CASCADE")},
        "indexes": {"idx_progress_user": ["user_id"], "idx_progress_instrument": ["user_id", "instrument"]},
    },
    "user_sheet_music_progress": {
        "columns": "id user_id sheet_music_id first_attempted_at last_attempted_at times_practiced best_accuracy "
        "average_accuracy best_tempo is_completed is_starred is_bookmarked difficulty_rating notes",
        "checks": {"difficulty_rating"},
        "unique": [("user_id", "sheet_music_id")],
        "foreign_keys": {"user_id": ("users", "CASCADE"), "sheet_music_id": ("sheet_music", "CASCADE")},
        "indexes": {
            "idx_user_music_progress": ["user_id", "sheet_music_id"],
            "idx_user_music_starred": ["user_id", "is_starred"],
        },
    },
    "practice_templates": {
        "columns": "id user_id template_name activity_type composer work_title opus_number movement_section tempo "
        "focus_areas is_active created_at",
        "checks": set(),
        "unique": [],
        "foreign_keys": {"user_id": ("users", "CASCADE")},
        "indexes": {},
    },
}


def test_every_spec_table_has_its_columns_constraints_keys_and_indexes(migrated_database):
    inspector = inspect(migrated_database.engine)
    for table, spec in SPEC.items():
        columns = {c["name"]: c for c in inspector.get_columns(table)}
        assert set(spec["columns"].split()) <= columns.keys(), table
        assert inspector.get_pk_constraint(table)["constrained_columns"] == ["id"], table

        checks = " ".join(c["sqltext"] for c in inspector.get_check_constraints(table))
        for column in spec["checks"]:
            assert column in checks, f"{table}: no CHECK on {column}"

        uniques = {tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)}
        for unique in spec["unique"]:
            assert unique in uniques, f"{table}: no UNIQUE{unique}"

        keys = {fk["constrained_columns"][0]: fk for fk in inspector.get_foreign_keys(table)}
        for column, (target, rule) in spec["foreign_keys"].items():
            assert keys[column]["referred_table"] == target, f"{table}.{column}"
            assert keys[column]["options"].get("ondelete", "").upper() == rule, f"{table}.{column} ON DELETE"

        indexes = {i["name"]: i["column_names"] for i in inspector.get_indexes(table)}
        for name, indexed in spec["indexes"].items():
            assert indexes.get(name) == indexed, f"{table}: index {name}"


def test_required_columns_are_not_null(migrated_database):
    inspector = inspect(migrated_database.engine)
    required = {
        "users": ["email"],
        "sheet_music": ["title", "instrument"],
        "practice_sessions": ["user_id", "session_date", "start_time"],
        "practice_logs": ["user_id", "activity_type", "instrument", "start_time"],
        "progress_tracking": ["user_id", "instrument", "skill_area"],
        "user_sheet_music_progress": ["user_id", "sheet_music_id"],
        "practice_templates": ["user_id", "template_name", "activity_type"],
    }
    for table, names in required.items():
        columns = {c["name"]: c for c in inspector.get_columns(table)}
        for name in names:
            assert columns[name]["nullable"] is False, f"{table}.{name}"
