"""a piece rate has no monthly wage

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.alter_column('wage_monthly_max', existing_type=sa.Integer(), nullable=True)
    # One rule for a month's wage (vocab.terms.monthly): a rate per piece is not a month's pay.
    op.execute("UPDATE jobs SET wage_monthly_max = NULL WHERE wage_unit = 'piece'")


def downgrade() -> None:
    op.execute("UPDATE jobs SET wage_monthly_max = wage_max WHERE wage_monthly_max IS NULL")
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.alter_column('wage_monthly_max', existing_type=sa.Integer(), nullable=False)
