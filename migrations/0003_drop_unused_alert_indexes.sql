DROP INDEX `alert_ledger_event`;--> statement-breakpoint
DROP INDEX `alert_ledger_title`;