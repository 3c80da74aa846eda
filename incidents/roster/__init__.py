"""The roster: people, their roles, invitations, and unknown accounts."""
