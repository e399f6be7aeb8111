"""item source

Items converted from Label Studio or COCO keep where they came from (task id, control names and
data URL; image id, file name and category ids), so a trainee's answers export back into the
source project. Existing items have none.

Revision ID: 0010_item_source
Revises: 0009_cohort_leavers
Create Date: 2026-12-01 15:40:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0010_item_source'
down_revision = '0009_cohort_leavers'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.JSON().with_variant(
            postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True))


def downgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_column('source')
