"""company survey values: a checkpoint value for a pod, not only for a leader

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-05 14:00:00.000000

When 1:1 quality is measured on the company's own engineering survey, an owner enters each
pod's result at month 3 and month 6 as at baseline. ``checkpoint_value.pod_id`` holds the pod
of such a value; ``leader_id`` is empty on those rows. One value per (pod, criterion, month).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('checkpoint_value', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pod_id', sa.Integer(), nullable=True))
        batch_op.alter_column('leader_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(
            'fk_checkpoint_value_pod_id_pod', 'pod', ['pod_id'], ['id'], ondelete='CASCADE'
        )
        batch_op.create_unique_constraint(
            'uq_checkpoint_pod_value', ['program_id', 'metric_id', 'pod_id', 'month']
        )


def downgrade() -> None:
    op.execute("DELETE FROM checkpoint_value WHERE leader_id IS NULL")
    with op.batch_alter_table('checkpoint_value', schema=None) as batch_op:
        batch_op.drop_constraint('uq_checkpoint_pod_value', type_='unique')
        batch_op.drop_constraint('fk_checkpoint_value_pod_id_pod', type_='foreignkey')
        batch_op.alter_column('leader_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('pod_id')
