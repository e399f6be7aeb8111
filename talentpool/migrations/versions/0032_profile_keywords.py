"""keyword search text of talent profiles

Revision ID: 0032_profile_keywords
Revises: 0031_user_timezone
Create Date: 2026-12-02 14:32:55.534170

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0032_profile_keywords'
down_revision = '0031_user_timezone'
branch_labels = None
depends_on = None

INDEX = "ix_profile_search_text_trgm"
CHUNK = 5000


def upgrade():
    """A table of each profile's search text, filled from what the person shows (the same rule
    as the service, directory/keywords.py), indexed by trigrams on PostgreSQL."""
    op.create_table('profile_search_text',
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['talent_profile.id'],
                            name=op.f('fk_profile_search_text_profile_id_talent_profile'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('profile_id', name=op.f('pk_profile_search_text'))
    )
    bind = op.get_bind()
    _fill(bind)
    if bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        # Qualified: the extension may live in a schema outside the search path.
        schema = bind.execute(sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'")).scalar_one()
        op.execute(f'CREATE INDEX {INDEX} ON profile_search_text USING gin '
                   f'(text "{schema}".gin_trgm_ops)')


def _fill(bind) -> None:
    """Chunk by chunk of profile ids, so that memory stays flat on a large pool."""
    from talentpool.directory.keywords import searchable_text, shown_texts

    after = 0
    while True:
        rows = bind.execute(sa.text(
            'SELECT p.id, p.pool_name, p.headline, p.region, p.share_region, '
            'p.share_real_name, u.display_name FROM talent_profile p '
            'JOIN "user" u ON u.id = p.user_id WHERE p.id > :after ORDER BY p.id LIMIT :n'),
            {"after": after, "n": CHUNK}).all()
        if not rows:
            return
        after = rows[-1].id
        tracks: dict[int, list[str]] = {}
        for profile_id, track in bind.execute(sa.text(
                "SELECT profile_id, track FROM profile_skill WHERE profile_id BETWEEN :low "
                "AND :high"), {"low": rows[0].id, "high": after}):
            tracks.setdefault(profile_id, []).append(track)
        bind.execute(sa.text(
            "INSERT INTO profile_search_text (profile_id, text) VALUES (:id, :text)"), [
            {"id": row.id, "text": searchable_text(shown_texts(
                row.pool_name, row.headline, tracks.get(row.id, []), row.region,
                bool(row.share_region), row.display_name, bool(row.share_real_name)))}
            for row in rows])


def downgrade():
    op.drop_table('profile_search_text')
