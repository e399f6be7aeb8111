"""national certificate form: the holder's identity document, the national number

The MOHRSS 2022 certificate style names the holder's identity document (证件类型, 证件号码)
and the national certificate number (证书编号) the authority assigns. The document is kept
once per account in ``holder_identity`` and goes with the account; the national number is a
nullable, unique column of ``certificate``.

Revision ID: 0012_national_certificate_form
Revises: 0011_certificates_without_expiry
Create Date: 2026-12-03 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012_national_certificate_form'
down_revision = '0011_certificates_without_expiry'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'holder_identity',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('id_type', sa.String(length=32), nullable=False),
        sa.Column('id_number', sa.String(length=20), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "id_type IN ('resident_id', 'hk_macao_permit', 'taiwan_permit', 'passport', "
            "'foreign_permanent_residence')", name=op.f('ck_holder_identity_id_type_known')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_holder_identity_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_holder_identity')),
    )
    with op.batch_alter_table('holder_identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_holder_identity_id_number'), ['id_number'],
                              unique=False)
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('national_number', sa.String(length=22), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_certificate_national_number'),
                                          ['national_number'])


def downgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_certificate_national_number'), type_='unique')
        batch_op.drop_column('national_number')
    with op.batch_alter_table('holder_identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_holder_identity_id_number'))
    op.drop_table('holder_identity')
