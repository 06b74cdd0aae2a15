DROP INDEX `actors_kind_state`;--> statement-breakpoint
DROP INDEX `candidates_author`;--> statement-breakpoint
DROP INDEX `events_actor`;