"""locked analysis: the baselines printed at commit, and each criterion's instrument

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 12:00:00.000000

``locked_baseline`` keeps each criterion's pooled baseline (figure, n, instrument) as the
pre-commitment printed it, so every later post prints the same figure. ``criterion.instrument``
records where a criterion's values come from (NULL: the metric's default instrument).
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('locked_baseline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('metric_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('figure', sa.Numeric(precision=14, scale=4), nullable=True),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('instrument', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('locked_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['program_id'], ['program.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('program_id', 'metric_id', name='uq_locked_baseline')
    )
    with op.batch_alter_table('locked_baseline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_locked_baseline_program_id'), ['program_id'], unique=False)

    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('instrument', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.drop_column('instrument')

    with op.batch_alter_table('locked_baseline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_locked_baseline_program_id'))

    op.drop_table('locked_baseline')
