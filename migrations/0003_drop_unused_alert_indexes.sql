DROP INDEX IF EXISTS `alert_ledger_event`;--> statement-breakpoint
DROP INDEX IF EXISTS `alert_ledger_title`;