"""live room: posting terms viewers ask about, a session's fair and stream, its queue, airings, questions,
applications from the card and viewers per process

Revision ID: 0006
Revises: 0004
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('live_airings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('ended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('viewers', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['live_sessions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('live_airings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_airings_session_id'), ['session_id'], unique=False)

    op.create_table('live_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['live_sessions.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('session_id', 'application_id', name='uq_live_application')
    )
    with op.batch_alter_table('live_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_applications_session_id'), ['session_id'], unique=False)

    op.create_table('live_presence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('process', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('viewers', sa.Integer(), nullable=False),
    sa.Column('user_ids', sa.JSON(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['live_sessions.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('session_id', 'process', name='uq_live_presence')
    )
    with op.batch_alter_table('live_presence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_presence_session_id'), ['session_id'], unique=False)

    op.create_table('live_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('answer', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['live_sessions.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('live_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_questions_session_id'), ['session_id'], unique=False)

    op.create_table('live_queue_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('aired_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['live_sessions.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('session_id', 'job_id', name='uq_live_queue_session_job')
    )
    with op.batch_alter_table('live_queue_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_queue_items_session_id'), ['session_id'], unique=False)

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pay_cycle', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch_op.add_column(sa.Column('couple_rooms', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('shift_pattern', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch_op.add_column(sa.Column('hours_per_day', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('work_hours', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column('meals', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))

    with op.batch_alter_table('live_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fair_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('stream_url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
        batch_op.create_index(batch_op.f('ix_live_sessions_fair_id'), ['fair_id'], unique=False)
        batch_op.create_foreign_key('fk_live_sessions_fair_id', 'fairs', ['fair_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('live_sessions', schema=None) as batch_op:
        batch_op.drop_constraint('fk_live_sessions_fair_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_live_sessions_fair_id'))
        batch_op.drop_column('stream_url')
        batch_op.drop_column('fair_id')

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_column('meals')
        batch_op.drop_column('work_hours')
        batch_op.drop_column('hours_per_day')
        batch_op.drop_column('shift_pattern')
        batch_op.drop_column('couple_rooms')
        batch_op.drop_column('pay_cycle')

    with op.batch_alter_table('live_queue_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_queue_items_session_id'))

    op.drop_table('live_queue_items')
    with op.batch_alter_table('live_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_questions_session_id'))

    op.drop_table('live_questions')
    with op.batch_alter_table('live_presence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_presence_session_id'))

    op.drop_table('live_presence')
    with op.batch_alter_table('live_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_applications_session_id'))

    op.drop_table('live_applications')
    with op.batch_alter_table('live_airings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_airings_session_id'))

    op.drop_table('live_airings')
