"""work log, complaint life cycle and history, posting reports, employers' accepted complaint count

Revision ID: 0007
Revises: 0004
"""

from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0007'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('posting_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], ),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('job_id', 'reporter_id', name='uq_posting_report_job_reporter')
    )
    with op.batch_alter_table('posting_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_posting_reports_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_posting_reports_job_id'), ['job_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posting_reports_reporter_id'), ['reporter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posting_reports_status'), ['status'], unique=False)

    op.create_table('complaint_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('from_status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('to_status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('sms_sent', sa.Boolean(), nullable=True),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['complaint_id'], ['wage_complaints.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_events_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_events_complaint_id'), ['complaint_id'], unique=False)

    op.create_table('work_log_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('work_date', sa.Date(), nullable=False),
    sa.Column('days', sa.Float(), nullable=False),
    sa.Column('hours', sa.Float(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('dispute_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], ),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], ),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('application_id', 'work_date', name='uq_work_log_application_day')
    )
    with op.batch_alter_table('work_log_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_log_entries_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_log_entries_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_log_entries_job_id'), ['job_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_log_entries_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_log_entries_work_date'), ['work_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_log_entries_worker_id'), ['worker_id'], unique=False)

    with op.batch_alter_table('employers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('open_wage_complaints', sa.Integer(), nullable=False, server_default='0'))

    with op.batch_alter_table('wage_complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handler_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch_op.add_column(sa.Column('due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('evidence', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
        batch_op.create_index(batch_op.f('ix_wage_complaints_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_wage_complaints_handler_id'), ['handler_id'], unique=False)
        batch_op.create_foreign_key('fk_wage_complaints_handler_id_users', 'users', ['handler_id'], ['id'])

    _carry_over_existing_complaints()


def _carry_over_existing_complaints() -> None:
    """Complaints filed before this revision: a history that starts with their filing and their last step
    (with the note that step left), a deadline when still open, and the employers' accepted count."""
    bind = op.get_bind()
    complaints = sa.table("wage_complaints", sa.column("id"), sa.column("status"), sa.column("resolution_note"),
                          sa.column("handled_by"), sa.column("created_at"), sa.column("updated_at"),
                          sa.column("due_on"), sa.column("worker_id"))
    events = sa.table("complaint_events", sa.column("complaint_id"), sa.column("actor_id"), sa.column("action"),
                      sa.column("from_status"), sa.column("to_status"), sa.column("note"), sa.column("at"))
    steps = {"in_progress": "accept", "resolved": "resolve", "dismissed": "dismiss"}
    rows = bind.execute(sa.select(complaints.c.id, complaints.c.status, complaints.c.resolution_note,
                                  complaints.c.handled_by, complaints.c.created_at, complaints.c.updated_at)).all()
    for cid, status, note, handler, created, updated in rows:
        bind.execute(events.insert().values(complaint_id=cid, actor_id=None, action="filed", from_status=None,
                                            to_status="filed", note="", at=created))
        if status in steps:
            bind.execute(events.insert().values(complaint_id=cid, actor_id=handler, action=steps[status],
                                                from_status="filed", to_status=status, note=note or "", at=updated))
        if status in ("filed", "in_progress"):
            days = 7 if status == "filed" else 84
            start = (created if status == "filed" else updated) or created
            if isinstance(start, str):  # SQLite hands back the stored text
                start = datetime.fromisoformat(start)
            bind.execute(complaints.update().where(complaints.c.id == cid)
                         .values(due_on=(start + timedelta(days=days)).date()))
    bind.execute(sa.text(
        "UPDATE employers SET open_wage_complaints = (SELECT count(*) FROM wage_complaints c "
        "WHERE c.employer_id = employers.id AND c.status = 'in_progress' AND EXISTS ("
        "SELECT 1 FROM applications a JOIN jobs j ON j.id = a.job_id "
        "WHERE a.worker_id = c.worker_id AND j.employer_id = employers.id))"))



def downgrade() -> None:
    with op.batch_alter_table('wage_complaints', schema=None) as batch_op:
        batch_op.drop_constraint('fk_wage_complaints_handler_id_users', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_wage_complaints_handler_id'))
        batch_op.drop_index(batch_op.f('ix_wage_complaints_due_on'))
        batch_op.drop_column('evidence')
        batch_op.drop_column('due_on')
        batch_op.drop_column('stage')
        batch_op.drop_column('handler_id')

    with op.batch_alter_table('employers', schema=None) as batch_op:
        batch_op.drop_column('open_wage_complaints')

    with op.batch_alter_table('work_log_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_log_entries_worker_id'))
        batch_op.drop_index(batch_op.f('ix_work_log_entries_work_date'))
        batch_op.drop_index(batch_op.f('ix_work_log_entries_status'))
        batch_op.drop_index(batch_op.f('ix_work_log_entries_job_id'))
        batch_op.drop_index(batch_op.f('ix_work_log_entries_employer_id'))
        batch_op.drop_index(batch_op.f('ix_work_log_entries_application_id'))

    op.drop_table('work_log_entries')
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_events_complaint_id'))
        batch_op.drop_index(batch_op.f('ix_complaint_events_at'))

    op.drop_table('complaint_events')
    with op.batch_alter_table('posting_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_posting_reports_status'))
        batch_op.drop_index(batch_op.f('ix_posting_reports_reporter_id'))
        batch_op.drop_index(batch_op.f('ix_posting_reports_job_id'))
        batch_op.drop_index(batch_op.f('ix_posting_reports_created_at'))

    op.drop_table('posting_reports')
