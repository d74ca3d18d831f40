"""deviations say what changed: the old and new values of the change a deviation allowed

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-05 12:00:00.000000

``deviation.change_json`` holds the change made under the deviation, as
``[{"what": ..., "old": ..., "new": ...}]``; empty until the change is made (and for the
deviations used before this revision, whose old values were not kept).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('deviation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('change_json', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('deviation', schema=None) as batch_op:
        batch_op.drop_column('change_json')
