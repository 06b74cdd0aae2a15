CREATE TABLE `actors` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`machine` text NOT NULL,
	`version` integer NOT NULL,
	`state` text NOT NULL,
	`status` text NOT NULL,
	`snapshot` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `actors_kind_state` ON `actors` (`kind`,`state`);--> statement-breakpoint
CREATE INDEX `actors_status` ON `actors` (`status`,`kind`);--> statement-breakpoint
CREATE TABLE `candidates` (
	`id` text PRIMARY KEY NOT NULL,
	`platform` text NOT NULL,
	`post_id` text NOT NULL,
	`author` text NOT NULL,
	`text` text NOT NULL,
	`post_created_at` integer NOT NULL,
	`in_reply_to_post_id` text,
	`is_root` integer,
	`conversation_id` text,
	`source` text NOT NULL,
	`fetch_run_id` text,
	`consent` text NOT NULL,
	`state` text NOT NULL,
	`reason_code` text,
	`score` real,
	`tier` integer,
	`discovered_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `candidates_platform_post` ON `candidates` (`platform`,`post_id`);--> statement-breakpoint
CREATE INDEX `candidates_state` ON `candidates` (`state`,`updated_at`);--> statement-breakpoint
CREATE INDEX `candidates_author` ON `candidates` (`author`);--> statement-breakpoint
CREATE TABLE `controls` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `decisions` (
	`id` text PRIMARY KEY NOT NULL,
	`candidate_id` text NOT NULL,
	`queue_entry_id` text NOT NULL,
	`scheduler_run_id` text NOT NULL,
	`platform` text NOT NULL,
	`target_post_id` text NOT NULL,
	`target_root_post_id` text,
	`text` text NOT NULL,
	`content_hash` text NOT NULL,
	`generator` text NOT NULL,
	`model` text,
	`cost_usd` real DEFAULT 0 NOT NULL,
	`latency_ms` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`candidate_id`) REFERENCES `candidates`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `decisions_candidate` ON `decisions` (`candidate_id`);--> statement-breakpoint
CREATE INDEX `decisions_run` ON `decisions` (`scheduler_run_id`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`type` text NOT NULL,
	`severity` text DEFAULT 'info' NOT NULL,
	`actor_id` text,
	`fetch_run_id` text,
	`candidate_id` text,
	`queue_entry_id` text,
	`scheduler_run_id` text,
	`decision_id` text,
	`permit_id` text,
	`post_id` text,
	`data` text
);
--> statement-breakpoint
CREATE INDEX `events_type_at` ON `events` (`type`,`at`);--> statement-breakpoint
CREATE INDEX `events_at` ON `events` (`at`);--> statement-breakpoint
CREATE INDEX `events_actor` ON `events` (`actor_id`);--> statement-breakpoint
CREATE INDEX `events_permit` ON `events` (`permit_id`);--> statement-breakpoint
CREATE INDEX `events_candidate` ON `events` (`candidate_id`);--> statement-breakpoint
CREATE TABLE `ghosts` (
	`id` text PRIMARY KEY NOT NULL,
	`platform` text NOT NULL,
	`post_id` text NOT NULL,
	`text` text NOT NULL,
	`in_reply_to_post_id` text,
	`posted_at` integer NOT NULL,
	`detected_at` integer NOT NULL,
	`kind` text NOT NULL,
	`permit_id` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ghosts_platform_post_kind` ON `ghosts` (`platform`,`post_id`,`kind`);--> statement-breakpoint
CREATE INDEX `ghosts_detected` ON `ghosts` (`detected_at`);--> statement-breakpoint
CREATE TABLE `job_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`job` text NOT NULL,
	`status` text NOT NULL,
	`started_at` integer NOT NULL,
	`deadline_at` integer NOT NULL,
	`ended_at` integer,
	`reason` text,
	`stats` text
);
--> statement-breakpoint
CREATE INDEX `job_runs_job_started` ON `job_runs` (`job`,`started_at`);--> statement-breakpoint
CREATE INDEX `job_runs_status` ON `job_runs` (`status`);--> statement-breakpoint
CREATE TABLE `opt_outs` (
	`platform` text NOT NULL,
	`author` text NOT NULL,
	`source_post_id` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `opt_outs_platform_author` ON `opt_outs` (`platform`,`author`);--> statement-breakpoint
CREATE TABLE `permits` (
	`id` text PRIMARY KEY NOT NULL,
	`decision_id` text NOT NULL,
	`candidate_id` text NOT NULL,
	`queue_entry_id` text NOT NULL,
	`scheduler_run_id` text NOT NULL,
	`pipeline_source` text NOT NULL,
	`platform` text NOT NULL,
	`target_post_id` text NOT NULL,
	`target_author` text NOT NULL,
	`target_is_root` integer,
	`target_in_reply_to_post_id` text,
	`text` text NOT NULL,
	`content_hash` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`state` text NOT NULL,
	`reason_code` text,
	`actual_post_id` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`posting_started_at` integer,
	`used_at` integer,
	FOREIGN KEY (`decision_id`) REFERENCES `decisions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `permits_one_per_target` ON `permits` (`platform`,`target_post_id`) WHERE state in ('pending','awaiting_approval','approved','posting','unconfirmed','used');--> statement-breakpoint
CREATE UNIQUE INDEX `permits_actual_post` ON `permits` (`platform`,`actual_post_id`) WHERE actual_post_id is not null;--> statement-breakpoint
CREATE UNIQUE INDEX `permits_idempotency_key` ON `permits` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `permits_state` ON `permits` (`state`,`updated_at`);--> statement-breakpoint
CREATE INDEX `permits_created` ON `permits` (`created_at`);--> statement-breakpoint
CREATE INDEX `permits_author_used` ON `permits` (`target_author`,`used_at`);--> statement-breakpoint
CREATE TABLE `queue_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`candidate_id` text NOT NULL,
	`tier` integer NOT NULL,
	`score` real NOT NULL,
	`status` text NOT NULL,
	`enqueued_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`selected_by_run_id` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`candidate_id`) REFERENCES `candidates`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `queue_entries_candidate` ON `queue_entries` (`candidate_id`);--> statement-breakpoint
CREATE INDEX `queue_pick` ON `queue_entries` (`status`,`tier`,`score`,`expires_at`);--> statement-breakpoint
CREATE INDEX `queue_expiry` ON `queue_entries` (`status`,`expires_at`);--> statement-breakpoint
CREATE TABLE `schema_migrations` (
	`version` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`checksum` text NOT NULL,
	`applied_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `slo_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`scheduler_run_id` text NOT NULL,
	`at` integer NOT NULL,
	`posted` integer NOT NULL,
	`reason` text NOT NULL,
	`queue_size` integer NOT NULL,
	`candidate_id` text,
	`queue_entry_id` text,
	`decision_id` text,
	`permit_id` text,
	`detail` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `slo_events_run` ON `slo_events` (`scheduler_run_id`);--> statement-breakpoint
CREATE INDEX `slo_events_at` ON `slo_events` (`at`);--> statement-breakpoint
CREATE TABLE `source_cursors` (
	`source` text PRIMARY KEY NOT NULL,
	`cursor` text,
	`backoff_until` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `timers` (
	`actor_id` text NOT NULL,
	`event` text NOT NULL,
	`due_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `timers_actor_event` ON `timers` (`actor_id`,`event`);--> statement-breakpoint
CREATE INDEX `timers_due` ON `timers` (`due_at`);