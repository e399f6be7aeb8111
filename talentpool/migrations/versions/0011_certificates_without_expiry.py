"""certificates without expiry

The national 职业技能等级证书 has no expiry date, so ``certificate.valid_until`` becomes
optional: NULL means the certificate never expires. Certificates issued before keep the date
their signed credential states. A downgrade gives never-expiring certificates the last day
that can be stored, so the older code still reads them as valid.

Revision ID: 0011_certificates_without_expiry
Revises: 0010_item_source
Create Date: 2026-12-02 10:00:00.000000

"""
from datetime import datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011_certificates_without_expiry'
down_revision = '0010_item_source'
branch_labels = None
depends_on = None

NEVER = datetime(9999, 12, 31, 23, 59, 59)


def upgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.alter_column('valid_until', existing_type=sa.DateTime(), nullable=True)


def downgrade():
    certificate = sa.table('certificate', sa.column('valid_until', sa.DateTime()))
    op.execute(certificate.update().where(certificate.c.valid_until.is_(None))
               .values(valid_until=NEVER))
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.alter_column('valid_until', existing_type=sa.DateTime(), nullable=False)
