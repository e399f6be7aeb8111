"""identity numbers encrypted at rest with a blind index

Revision ID: 0018_sealed_identity_numbers
Revises: 0017_office_roles_audit
Create Date: 2026-12-01 19:15:18.770240

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_sealed_identity_numbers'
down_revision = '0017_office_roles_audit'
branch_labels = None
depends_on = None


COLUMN = "holder_identity.id_number"


def upgrade():
    """Encrypt the stored numbers with the field key (``field_crypto``) and drop the plain
    column."""
    from talentpool import field_crypto

    with op.batch_alter_table('holder_identity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_number_sealed', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('id_number_index', sa.String(length=64), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT user_id, id_number FROM holder_identity")).all()
    for user_id, number in rows:
        bind.execute(sa.text(
            "UPDATE holder_identity SET id_number_sealed = :sealed, id_number_index = :index "
            "WHERE user_id = :user_id"),
            {"sealed": field_crypto.seal(number, COLUMN),
             "index": field_crypto.blind_index(number, COLUMN), "user_id": user_id})
    with op.batch_alter_table('holder_identity', schema=None) as batch_op:
        batch_op.alter_column('id_number_sealed', existing_type=sa.Text(), nullable=False)
        batch_op.alter_column('id_number_index', existing_type=sa.String(length=64),
                              nullable=False)
        batch_op.drop_index(batch_op.f('ix_holder_identity_id_number'))
        batch_op.create_index(batch_op.f('ix_holder_identity_id_number_index'), ['id_number_index'], unique=False)
        batch_op.drop_column('id_number')


def downgrade():
    """Decrypt the numbers back into a plain column (needs the field keys)."""
    from talentpool import field_crypto

    with op.batch_alter_table('holder_identity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_number', sa.VARCHAR(length=20), nullable=True))
    bind = op.get_bind()
    for user_id, sealed in bind.execute(sa.text(
            "SELECT user_id, id_number_sealed FROM holder_identity")).all():
        bind.execute(sa.text("UPDATE holder_identity SET id_number = :number "
                             "WHERE user_id = :user_id"),
                     {"number": field_crypto.open_sealed(sealed, COLUMN), "user_id": user_id})
    with op.batch_alter_table('holder_identity', schema=None) as batch_op:
        batch_op.alter_column('id_number', existing_type=sa.VARCHAR(length=20), nullable=False)
        batch_op.drop_index(batch_op.f('ix_holder_identity_id_number_index'))
        batch_op.create_index(batch_op.f('ix_holder_identity_id_number'), ['id_number'], unique=False)
        batch_op.drop_column('id_number_index')
        batch_op.drop_column('id_number_sealed')
