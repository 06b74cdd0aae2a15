ALTER TABLE `candidates` ADD `queue_entry_id` text;--> statement-breakpoint
ALTER TABLE `candidates` ADD `expires_at` integer;--> statement-breakpoint
ALTER TABLE `candidates` ADD `scheduler_run_id` text;--> statement-breakpoint
ALTER TABLE `candidates` ADD `decision_id` text;--> statement-breakpoint
ALTER TABLE `candidates` ADD `permit_id` text;--> statement-breakpoint
ALTER TABLE `candidates` ADD `posted_post_id` text;--> statement-breakpoint
-- A candidate actor's snapshot moves into its candidates row: its context's ids and expiry
-- (state, reason, tier and score were already there), then its actors row goes. A live
-- candidate whose snapshot this build could not have read is quarantined, as boot would have.
UPDATE `candidates` SET
  `queue_entry_id` = json_extract(a.`snapshot`, '$.context.queueEntryId'),
  `expires_at` = json_extract(a.`snapshot`, '$.context.expiresAt'),
  `scheduler_run_id` = json_extract(a.`snapshot`, '$.context.schedulerRunId'),
  `decision_id` = json_extract(a.`snapshot`, '$.context.decisionId'),
  `permit_id` = json_extract(a.`snapshot`, '$.context.permitId'),
  `posted_post_id` = json_extract(a.`snapshot`, '$.context.postedPostId')
FROM `actors` a
WHERE a.`id` = `candidates`.`id` AND a.`kind` = 'candidate' AND json_valid(a.`snapshot`);
--> statement-breakpoint
CREATE TEMP TABLE `unreadable_candidates` AS
SELECT a.`id`, a.`machine`, a.`version`, a.`state`,
  CASE WHEN a.`machine` <> 'candidate' THEN 'unknown_machine'
       WHEN NOT json_valid(a.`snapshot`) THEN 'unreadable_snapshot'
       ELSE 'unknown_version' END AS `code`
FROM `actors` a JOIN `candidates` c ON c.`id` = a.`id`
WHERE a.`kind` = 'candidate' AND a.`status` = 'active'
  AND (a.`machine` <> 'candidate' OR NOT json_valid(a.`snapshot`) OR a.`version` <> 1);
--> statement-breakpoint
INSERT INTO `events` (`at`, `type`, `severity`, `actor_id`, `candidate_id`, `data`)
SELECT CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), 'actor_quarantined', 'error', u.`id`, u.`id`,
  json_object('reason', 'snapshot unreadable when candidates moved into their rows', 'code', u.`code`,
    'kind', 'candidate', 'machine', u.`machine`, 'version', u.`version`, 'state', u.`state`, 'status', 'active')
FROM `unreadable_candidates` u;
--> statement-breakpoint
UPDATE `queue_entries` SET `status` = 'dropped'
WHERE `status` IN ('queued', 'selected') AND `candidate_id` IN (SELECT `id` FROM `unreadable_candidates`);
--> statement-breakpoint
UPDATE `candidates` SET `state` = 'quarantined', `reason_code` = (SELECT u.`code` FROM `unreadable_candidates` u WHERE u.`id` = `candidates`.`id`)
WHERE `id` IN (SELECT `id` FROM `unreadable_candidates`);
--> statement-breakpoint
DROP TABLE `unreadable_candidates`;
--> statement-breakpoint
DELETE FROM `timers` WHERE `actor_id` IN (SELECT `id` FROM `actors` WHERE `kind` = 'candidate');
--> statement-breakpoint
DELETE FROM `actors` WHERE `kind` = 'candidate';
