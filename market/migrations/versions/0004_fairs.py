"""job fairs

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('fairs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('online', sa.Boolean(), nullable=False),
    sa.Column('adcode', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=True),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('target_groups', sa.JSON(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organiser_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('fairs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fairs_organiser_id'), ['organiser_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fairs_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_fairs_starts_on'), ['starts_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_fairs_ends_on'), ['ends_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_fairs_adcode'), ['adcode'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('fairs', schema=None) as batch_op:
        for name in ('adcode', 'ends_on', 'starts_on', 'kind', 'organiser_id'):
            batch_op.drop_index(batch_op.f(f'ix_fairs_{name}'))
    op.drop_table('fairs')
