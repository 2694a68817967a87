CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `run_lock` (
	`id` integer PRIMARY KEY NOT NULL,
	`pid` integer NOT NULL,
	`hostname` text NOT NULL,
	`proc_start` text NOT NULL,
	`acquired_at` integer NOT NULL,
	`run_id` integer,
	`command` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`command` text NOT NULL,
	`status` text NOT NULL,
	`exit_code` integer,
	`options_json` text NOT NULL,
	`version` text NOT NULL,
	`differential` integer DEFAULT 1 NOT NULL,
	`counts_json` text DEFAULT '{}' NOT NULL,
	`error_code` text,
	`error_message` text,
	`pid` integer NOT NULL,
	`hostname` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `runs_started_at` ON `runs` (`started_at`);--> statement-breakpoint
CREATE INDEX `runs_command_status` ON `runs` (`command`,`status`);--> statement-breakpoint
CREATE TABLE `token_cache` (
	`name` text PRIMARY KEY NOT NULL,
	`access_token` text NOT NULL,
	`refresh_token` text NOT NULL,
	`expires_at` integer NOT NULL,
	`identity` text NOT NULL
);
