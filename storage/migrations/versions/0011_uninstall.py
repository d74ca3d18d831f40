"""uninstall: a workspace remembers when emcoach was removed from it

Revision ID: 0011
Revises: 0013
Create Date: 2026-12-05 11:30:00.000000

``workspace.uninstalled_at``: set by ``app_uninstalled`` / ``tokens_revoked`` or a call that
Slack answers ``token_revoked``; the dispatcher claims nothing of such a workspace until a
reinstall clears it. Nullable, no backfill: every existing workspace is installed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0011"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workspace", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("uninstalled_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("workspace", schema=None) as batch_op:
        batch_op.drop_column("uninstalled_at")
