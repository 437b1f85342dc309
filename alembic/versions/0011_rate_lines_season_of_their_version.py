"""Rate lines: one composite key to their season (tenant, version, season) replaces the two
keys to the version and to the season. It proves both, and more: a line's season is a season
of the line's version. A bulk import checks one key less per line.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 19:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SEASON_KEY = "fk_rate_lines_tenant_id_version_id_season_id_rate_seasons"


def upgrade() -> None:
    with op.batch_alter_table("rate_seasons") as batch:
        batch.create_unique_constraint(
            "uq_rate_seasons_tenant_id_version_id_id", ["tenant_id", "version_id", "id"]
        )
    with op.batch_alter_table("rate_lines") as batch:
        batch.drop_constraint(
            "fk_rate_lines_tenant_id_version_id_rate_list_versions", type_="foreignkey"
        )
        batch.drop_constraint("fk_rate_lines_tenant_id_season_id_rate_seasons", type_="foreignkey")
        batch.create_foreign_key(
            _SEASON_KEY,
            "rate_seasons",
            ["tenant_id", "version_id", "season_id"],
            ["tenant_id", "version_id", "id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("rate_lines") as batch:
        batch.drop_constraint(_SEASON_KEY, type_="foreignkey")
        batch.create_foreign_key(
            "fk_rate_lines_tenant_id_season_id_rate_seasons",
            "rate_seasons",
            ["tenant_id", "season_id"],
            ["tenant_id", "id"],
            ondelete="CASCADE",
        )
        batch.create_foreign_key(
            "fk_rate_lines_tenant_id_version_id_rate_list_versions",
            "rate_list_versions",
            ["tenant_id", "version_id"],
            ["tenant_id", "id"],
            ondelete="CASCADE",
        )
    with op.batch_alter_table("rate_seasons") as batch:
        batch.drop_constraint("uq_rate_seasons_tenant_id_version_id_id", type_="unique")
