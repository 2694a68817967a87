CREATE TABLE `alert_actions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`kind` text NOT NULL,
	`darktrace_id` text NOT NULL,
	`action` text NOT NULL,
	`threatq_event_id` integer,
	`at` integer NOT NULL,
	`detail_json` text
);
--> statement-breakpoint
CREATE INDEX `alert_actions_alert` ON `alert_actions` (`kind`,`darktrace_id`);--> statement-breakpoint
CREATE INDEX `alert_actions_run` ON `alert_actions` (`run_id`);--> statement-breakpoint
CREATE TABLE `alert_ledger` (
	`kind` text NOT NULL,
	`darktrace_id` text NOT NULL,
	`content_hash` text NOT NULL,
	`state` text NOT NULL,
	`title` text NOT NULL,
	`threatq_event_id` integer,
	`alert_time` integer NOT NULL,
	`first_run_id` integer NOT NULL,
	`last_run_id` integer NOT NULL,
	`first_synced_at` integer,
	`last_synced_at` integer,
	PRIMARY KEY(`kind`, `darktrace_id`)
);
--> statement-breakpoint
CREATE INDEX `alert_ledger_state` ON `alert_ledger` (`state`);--> statement-breakpoint
CREATE INDEX `alert_ledger_event` ON `alert_ledger` (`threatq_event_id`);--> statement-breakpoint
CREATE INDEX `alert_ledger_title` ON `alert_ledger` (`title`);--> statement-breakpoint
CREATE TABLE `device_ledger` (
	`device_key` text PRIMARY KEY NOT NULL,
	`content_hash` text NOT NULL,
	`indicator_ids_json` text NOT NULL,
	`asset_id` integer,
	`last_run_id` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `export_actions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`value` text NOT NULL,
	`action` text NOT NULL,
	`collections_json` text NOT NULL,
	`expires_at` integer,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `export_actions_value` ON `export_actions` (`value`);--> statement-breakpoint
CREATE INDEX `export_actions_run` ON `export_actions` (`run_id`);--> statement-breakpoint
CREATE TABLE `export_ledger` (
	`value` text PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`collections_json` text NOT NULL,
	`expires_at` integer,
	`first_added_at` integer,
	`last_pushed_at` integer,
	`removed_at` integer,
	`first_run_id` integer NOT NULL,
	`last_run_id` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `export_ledger_state_expiry` ON `export_ledger` (`state`,`expires_at`);--> statement-breakpoint
CREATE TABLE `export_skips` (
	`raw_value` text NOT NULL,
	`reason` text NOT NULL,
	`collections_json` text NOT NULL,
	`indicator_type` text NOT NULL,
	`first_run_id` integer NOT NULL,
	`last_run_id` integer NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	PRIMARY KEY(`raw_value`, `reason`)
);
--> statement-breakpoint
CREATE INDEX `export_skips_last_seen` ON `export_skips` (`last_seen_at`);--> statement-breakpoint
CREATE TABLE `quarantine` (
	`kind` text NOT NULL,
	`darktrace_id` text NOT NULL,
	`reason` text NOT NULL,
	`excerpt` text NOT NULL,
	`first_run_id` integer NOT NULL,
	`last_run_id` integer NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`resolved_at` integer,
	PRIMARY KEY(`kind`, `darktrace_id`)
);
--> statement-breakpoint
CREATE INDEX `quarantine_last_seen` ON `quarantine` (`last_seen_at`);