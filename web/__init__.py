"""The web log: server-rendered Thai pages over the incidents, served by the bot's process."""
