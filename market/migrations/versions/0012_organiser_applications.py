"""organiser applications

Revision ID: 0012
Revises: 0004
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0012'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('organiser_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=11), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('organisation', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('adcode', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('review_note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('organiser_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organiser_applications_phone'), ['phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_organiser_applications_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('organiser_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organiser_applications_status'))
        batch_op.drop_index(batch_op.f('ix_organiser_applications_phone'))
    op.drop_table('organiser_applications')
