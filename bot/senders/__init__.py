"""The channel senders: each turns rendered deliveries into its chat app's calls."""
