CREATE TABLE `platform_billed` (
	`platform` text NOT NULL,
	`day` text NOT NULL,
	`unit` text NOT NULL,
	`resource_id` text NOT NULL,
	PRIMARY KEY(`platform`, `day`, `unit`, `resource_id`)
);
--> statement-breakpoint
CREATE TABLE `platform_calls` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`platform` text NOT NULL,
	`at` integer NOT NULL,
	`operation` text NOT NULL,
	`outcome` text NOT NULL,
	`unit` text NOT NULL,
	`items` integer NOT NULL,
	`billed` integer NOT NULL,
	`cost_usd` real NOT NULL
);
--> statement-breakpoint
CREATE INDEX `platform_calls_at` ON `platform_calls` (`at`);