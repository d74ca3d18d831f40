"""setup sprint: criteria, pods, leaders, baselines, deviations

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 07:16:02.377406
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


import storage.types

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('criterion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('metric_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('definition_json', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['program_id'], ['program.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('program_id', 'metric_id', name='uq_criterion_metric')
    )
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_criterion_program_id'), ['program_id'], unique=False)

    op.create_table('deviation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('requested_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('channel_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('ts', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('used_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['program_id'], ['program.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('deviation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deviation_program_id'), ['program_id'], unique=False)

    op.create_table('pod',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('coach_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('session_ordinal', sa.Integer(), nullable=True),
    sa.Column('session_weekday', sa.Integer(), nullable=True),
    sa.Column('session_time', sa.Time(), nullable=True),
    sa.ForeignKeyConstraint(['program_id'], ['program.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('program_id', 'name', name='uq_pod_name')
    )
    with op.batch_alter_table('pod', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pod_program_id'), ['program_id'], unique=False)

    op.create_table('leader',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('pod_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('manager_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('one_on_one_weekday', sa.Integer(), nullable=True),
    sa.Column('one_on_one_time', sa.Time(), nullable=True),
    sa.Column('added_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['pod_id'], ['pod.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['program_id'], ['program.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('program_id', 'user_id', name='uq_leader_program_user')
    )
    with op.batch_alter_table('leader', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leader_pod_id'), ['pod_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_leader_program_id'), ['program_id'], unique=False)

    op.create_table('baseline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('metric_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=True),
    sa.Column('pod_id', sa.Integer(), nullable=True),
    sa.Column('value', sa.Numeric(precision=14, scale=4), nullable=False),
    sa.Column('details', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('recorded_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['leader_id'], ['leader.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pod_id'], ['pod.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['program_id'], ['program.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('baseline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_baseline_program_id'), ['program_id'], unique=False)

    op.create_table('direct_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.ForeignKeyConstraint(['leader_id'], ['leader.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('leader_id', 'user_id', name='uq_direct_report')
    )
    with op.batch_alter_table('direct_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_direct_report_leader_id'), ['leader_id'], unique=False)

    with op.batch_alter_table('program', schema=None) as batch_op:
        batch_op.add_column(sa.Column('eligibility_conditions', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True))
        batch_op.add_column(sa.Column('eligibility_override', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('coach_decision', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('coach_decided_at', storage.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('criteria_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('signoff_requested_at', storage.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('signed_off_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('signed_off_at', storage.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('anonymity_threshold', sa.Integer(), nullable=False, server_default='3'))
        batch_op.add_column(sa.Column('committed_at', storage.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('commitment_channel_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('commitment_ts', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('program', schema=None) as batch_op:
        batch_op.drop_column('commitment_ts')
        batch_op.drop_column('commitment_channel_id')
        batch_op.drop_column('committed_at')
        batch_op.drop_column('anonymity_threshold')
        batch_op.drop_column('signed_off_at')
        batch_op.drop_column('signed_off_by')
        batch_op.drop_column('signoff_requested_at')
        batch_op.drop_column('criteria_hash')
        batch_op.drop_column('coach_decided_at')
        batch_op.drop_column('coach_decision')
        batch_op.drop_column('eligibility_override')
        batch_op.drop_column('eligibility_conditions')

    with op.batch_alter_table('direct_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_direct_report_leader_id'))

    op.drop_table('direct_report')
    with op.batch_alter_table('baseline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_baseline_program_id'))

    op.drop_table('baseline')
    with op.batch_alter_table('leader', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leader_program_id'))
        batch_op.drop_index(batch_op.f('ix_leader_pod_id'))

    op.drop_table('leader')
    with op.batch_alter_table('pod', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pod_program_id'))

    op.drop_table('pod')
    with op.batch_alter_table('deviation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deviation_program_id'))

    op.drop_table('deviation')
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_criterion_program_id'))

    op.drop_table('criterion')
