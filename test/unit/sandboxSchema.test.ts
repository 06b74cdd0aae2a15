import { getTableConfig } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openDriver } from '../../db/drivers/open.ts';
import * as schema from '../../src/sandbox/schema.ts';

const tableInfo = z.array(z.object({ name: z.string(), notnull: z.number(), pk: z.number() }));

describe('the sandbox schema', () => {
  it('types exactly the columns its DDL creates', async () => {
    const driver = await openDriver(':memory:');
    schema.ensureSandboxSchema(driver);
    const tables = [
      schema.sandboxUsers,
      schema.sandboxPosts,
      schema.sandboxMentions,
      schema.sandboxSessions,
      schema.sandboxMeta,
    ];
    for (const table of tables) {
      const config = getTableConfig(table);
      const created = tableInfo.parse(driver.prepare(`PRAGMA table_info(${config.name})`).all());
      const typed = config.columns.map((c) => ({ name: c.name, notNull: c.notNull || c.primary }));
      expect(
        typed.sort((a, b) => a.name.localeCompare(b.name)),
        config.name,
      ).toEqual(
        created
          .map((c) => ({ name: c.name, notNull: c.notnull === 1 || c.pk > 0 }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      );
    }
    driver.close();
  });
});
