"""The content archive: a portable .tar.gz of publishers, journals, issues and articles.

`manifest` holds the pure rules (manifest build and check, member names, the safety
checks on a tar member); `export` and `restore` are the Django side. Usage, sales and
accounts are not content: they live in the database backup (README, Backup and restore).
"""
