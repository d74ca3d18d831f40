"""answers and checkpoint values

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 07:52:55.653704
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


import storage.types

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('survey_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('leader_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('occasion', sa.Date(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['program_id'], ['program.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_answer_program_id'), ['program_id'], unique=False)

    op.create_table('rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agenda_id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('rater_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('about_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('decided', sa.Text(), nullable=True),
    sa.Column('say_no', sa.Text(), nullable=True),
    sa.Column('rated_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agenda_id'], ['agenda_item.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['program_id'], ['program.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('agenda_id')
    )
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_program_id'), ['program_id'], unique=False)

    op.create_table('session_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agenda_id', sa.Integer(), nullable=False),
    sa.Column('held', sa.Boolean(), nullable=False),
    sa.Column('logged_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('logged_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agenda_id'], ['agenda_item.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('agenda_id')
    )
    op.create_table('survey_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agenda_id', sa.Integer(), nullable=False),
    sa.Column('responded_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['agenda_id'], ['agenda_item.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('agenda_id')
    )
    op.create_table('checkpoint_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('metric_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=14, scale=4), nullable=False),
    sa.Column('details', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('recorded_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['leader_id'], ['leader.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['program_id'], ['program.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('program_id', 'metric_id', 'leader_id', 'month', name='uq_checkpoint_value')
    )
    with op.batch_alter_table('checkpoint_value', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkpoint_value_program_id'), ['program_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('checkpoint_value', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkpoint_value_program_id'))

    op.drop_table('checkpoint_value')
    op.drop_table('survey_response')
    op.drop_table('session_log')
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_program_id'))

    op.drop_table('rating')
    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_answer_program_id'))

    op.drop_table('survey_answer')
