"""site-wide audit entries (user administration): an entry may have no organisation; the
entries about a record and those of one person are found by index

Revision ID: 0028_user_admin
Revises: 0027_practice_retry
Create Date: 2026-12-02 11:26:04.082308

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0028_user_admin'
down_revision = '0027_practice_retry'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.alter_column('organisation_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index('ix_audit_entry_actor_id_at', ['actor_id', 'at'], unique=False)
        batch_op.create_index('ix_audit_entry_subject_at', ['subject', 'at'], unique=False)


def downgrade():
    # The previous schema has no place for site-wide entries: they go.
    op.execute("DELETE FROM audit_entry WHERE organisation_id IS NULL")
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entry_subject_at')
        batch_op.drop_index('ix_audit_entry_actor_id_at')
        batch_op.alter_column('organisation_id',
               existing_type=sa.INTEGER(),
               nullable=False)
