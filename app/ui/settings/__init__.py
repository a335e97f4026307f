"""设置 tabs beyond the account: 备份与恢复, 部署与密钥, and the backup reminder bar."""
