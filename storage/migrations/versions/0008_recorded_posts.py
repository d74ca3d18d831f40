"""public posts recorded before they are sent; reconciliation from the first claim

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 11:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


import storage.types

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_claimed_at', storage.types.UTCDateTime(timezone=True), nullable=True))
    # Rows claimed before this revision: their last claim is the best first-claim we know.
    op.execute("UPDATE agenda_item SET first_claimed_at = claimed_at WHERE claimed_at IS NOT NULL")

    with op.batch_alter_table('deviation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('agenda_id', sa.Integer(), nullable=True))
        batch_op.alter_column('channel_id', existing_type=sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        batch_op.alter_column('ts', existing_type=sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        batch_op.create_unique_constraint('uq_deviation_request', ['program_id', 'request_key'])
        batch_op.create_unique_constraint('uq_deviation_agenda_id', ['agenda_id'])
        batch_op.create_foreign_key('fk_deviation_agenda_id', 'agenda_item', ['agenda_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('deviation', schema=None) as batch_op:
        batch_op.drop_constraint('fk_deviation_agenda_id', type_='foreignkey')
        batch_op.drop_constraint('uq_deviation_agenda_id', type_='unique')
        batch_op.drop_constraint('uq_deviation_request', type_='unique')
        batch_op.alter_column('ts', existing_type=sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False)
        batch_op.alter_column('channel_id', existing_type=sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False)
        batch_op.drop_column('agenda_id')
        batch_op.drop_column('request_key')

    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_column('first_claimed_at')
