"""partial index for sending rows

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 08:36:18.139942
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


import storage.types

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.create_index('ix_agenda_sending', ['claimed_at'], unique=False, sqlite_where=sa.text("state = 'sending'"), postgresql_where=sa.text("state = 'sending'"))



def downgrade() -> None:
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_index('ix_agenda_sending', sqlite_where=sa.text("state = 'sending'"), postgresql_where=sa.text("state = 'sending'"))

