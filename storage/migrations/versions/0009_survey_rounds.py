"""survey rounds: one answer a person a round, and rounds that close

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 11:00:00.000000

``survey_response`` learns the round (program, occasion) and who responded, unique together,
so a report of two leaders answers once a round. Responses recorded before are backfilled from
their agenda rows; a person's second response to one round (possible before) keeps a NULL
respondent, so the constraint holds and no stored answer is lost.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


import storage.types

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('survey_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('occasion', sa.Date(), nullable=False),
    sa.Column('closed_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('respondents', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['program_id'], ['program.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('program_id', 'occasion', name='uq_survey_round')
    )
    with op.batch_alter_table('survey_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_round_program_id'), ['program_id'], unique=False)

    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('program_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('occasion', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('respondent', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))

    op.execute(
        "UPDATE survey_response SET "
        "program_id = (SELECT agenda_item.program_id FROM agenda_item "
        "WHERE agenda_item.id = survey_response.agenda_id), "
        "occasion = (SELECT agenda_item.occasion FROM agenda_item "
        "WHERE agenda_item.id = survey_response.agenda_id), "
        "respondent = (SELECT agenda_item.recipient FROM agenda_item "
        "WHERE agenda_item.id = survey_response.agenda_id)"
    )
    op.execute(
        "UPDATE survey_response SET respondent = NULL WHERE id NOT IN ("
        "SELECT first_id FROM (SELECT MIN(id) AS first_id FROM survey_response "
        "GROUP BY program_id, occasion, respondent) AS firsts)"
    )

    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.alter_column('program_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('occasion', existing_type=sa.Date(), nullable=False)
        batch_op.create_foreign_key('fk_survey_response_program_id', 'program', ['program_id'], ['id'], ondelete='CASCADE')
        batch_op.create_unique_constraint('uq_survey_response_person', ['program_id', 'occasion', 'respondent'])


def downgrade() -> None:
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.drop_constraint('uq_survey_response_person', type_='unique')
        batch_op.drop_constraint('fk_survey_response_program_id', type_='foreignkey')
        batch_op.drop_column('respondent')
        batch_op.drop_column('occasion')
        batch_op.drop_column('program_id')

    with op.batch_alter_table('survey_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_round_program_id'))

    op.drop_table('survey_round')
