CREATE INDEX `export_skips_first_run` ON `export_skips` (`first_run_id`);--> statement-breakpoint
CREATE INDEX `export_skips_last_run` ON `export_skips` (`last_run_id`);--> statement-breakpoint
CREATE INDEX `quarantine_first_run` ON `quarantine` (`first_run_id`);--> statement-breakpoint
CREATE INDEX `quarantine_last_run` ON `quarantine` (`last_run_id`);--> statement-breakpoint
CREATE INDEX `runs_status_started_at` ON `runs` (`status`,`started_at`);