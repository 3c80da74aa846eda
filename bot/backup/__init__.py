"""Backups of the deployment: the database and the files folder, with a manifest."""
