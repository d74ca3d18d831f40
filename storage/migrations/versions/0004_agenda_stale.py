"""agenda_stale flag

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 07:49:17.410241
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


import storage.types

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('program', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agenda_stale', sa.Boolean(), nullable=False, server_default=sa.false()))



def downgrade() -> None:
    with op.batch_alter_table('program', schema=None) as batch_op:
        batch_op.drop_column('agenda_stale')

