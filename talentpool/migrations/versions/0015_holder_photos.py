"""holder photos: the holder's photo (照片) printed on the certificate once a reviewer approved it

The MOHRSS 2022 certificate style carries the holder's photo. ``holder_photo`` keeps the
re-encoded JPEG in the database (no file store to back up or leak), at most one row per person
and state (pending, approved, rejected), with who decided and when; rows go with the account.

Revision ID: 0015_holder_photos
Revises: 0014_evaluation_organisations
Create Date: 2026-12-01 18:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015_holder_photos'
down_revision = '0014_evaluation_organisations'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'holder_photo',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(length=32), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.Enum('pending', 'approved', 'rejected', native_enum=False,
                                   length=16, create_constraint=True, name='photo_state'),
                  nullable=False),
        sa.Column('jpeg', sa.LargeBinary(), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'],
                                name=op.f('fk_holder_photo_decided_by_id_user'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_holder_photo_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_holder_photo')),
        sa.UniqueConstraint('public_id', name=op.f('uq_holder_photo_public_id')),
        sa.UniqueConstraint('user_id', 'state', name='uq_holder_photo_user_state'),
    )


def downgrade():
    op.drop_table('holder_photo')
