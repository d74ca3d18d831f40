"""heartbeat: each scheduler process's last completed tick and its dispatch totals

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 12:00:00.000000

``emcoach health`` reads the newest beat of a process kind; ``/metrics`` reads the totals.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


import storage.types

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('heartbeat',
    sa.Column('process', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('started_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('beat_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('stats', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('process')
    )
    with op.batch_alter_table('heartbeat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_heartbeat_kind'), ['kind'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('heartbeat', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_heartbeat_kind'))
    op.drop_table('heartbeat')
