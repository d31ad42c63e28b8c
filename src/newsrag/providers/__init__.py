"""What remote model providers share: failure diagnosis and retries."""
