"""The wallet: keys from a recovery phrase, an encrypted wallet file, amounts in coins."""
