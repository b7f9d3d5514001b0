"""Organisations and people: CP centres, partners, and the roles of their users."""
