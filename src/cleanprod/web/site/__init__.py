"""The platform's frame: home page, sign-in, navigation, the audit trail's pages, and the
commands that start the platform and load its demo data."""
