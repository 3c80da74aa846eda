"""The LINE channel adapter: the only package that imports line-bot-sdk."""
