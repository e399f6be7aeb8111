"""Item drafts and their second-person review: who imported an item's revision, the live content a draft replaces, review decisions

Items already in the bank stay active; no review rows are made for them (they were not reviewed
in the product).

Revision ID: 0024_item_review
Revises: 0023_panel_review
Create Date: 2026-12-02 03:48:52.083576

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0024_item_review'
down_revision = '0023_panel_review'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('item_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_item_review_item_id_item'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], name=op.f('fk_item_review_reviewer_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user.id'], name=op.f('fk_item_review_submitted_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_review'))
    )
    with op.batch_alter_table('item_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_review_item_id'), ['item_id'], unique=False)

    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('imported_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('previous_content', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_item_imported_by_id_user'), 'user', ['imported_by_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_item_imported_by_id_user'), type_='foreignkey')
        batch_op.drop_column('previous_content')
        batch_op.drop_column('imported_by_id')

    with op.batch_alter_table('item_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_review_item_id'))

    op.drop_table('item_review')
