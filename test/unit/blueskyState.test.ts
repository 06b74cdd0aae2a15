import { describe, expect, it } from 'vitest';
import { BlueskyState, type StoredSession } from '../../src/platforms/bluesky/state.ts';

const session: StoredSession = {
  accessJwt: 'a',
  refreshJwt: 'r',
  handle: 'bot',
  did: 'did:plc:bot',
  active: true,
};

describe('BlueskyState', () => {
  it('keeps one session per service and identifier, case-insensitive, until it is cleared', () => {
    const state = new BlueskyState(':memory:');
    expect(state.loadSession('https://pds', 'Bot')).toBeNull();
    state.saveSession('https://pds', 'Bot', session, 1);
    expect(state.loadSession('https://pds', 'bot')).toEqual(session);
    expect(state.loadSession('https://other', 'bot')).toBeNull();
    state.saveSession('https://pds', 'BOT', { ...session, accessJwt: 'b' }, 2);
    expect(state.loadSession('https://pds', 'bot')?.accessJwt).toBe('b');
    state.saveSession('https://pds', 'bot', null, 3);
    expect(state.loadSession('https://pds', 'bot')).toBeNull();
    state.close();
  });

  it('counts logins and refreshes since a time', () => {
    const state = new BlueskyState(':memory:');
    state.logSession('login', 10);
    state.logSession('login', 20);
    state.logSession('refresh', 30);
    expect(state.sessionEventsSince('login', 15)).toBe(1);
    expect(state.sessionEventsSince('login', 0)).toBe(2);
    expect(state.sessionEventsSince('refresh', 31)).toBe(0);
    state.close();
  });

  it('plans a reply once per key, and moves to the next candidate when a record key is taken', () => {
    const state = new BlueskyState(':memory:');
    const make = (createdAt: number) => (bump: number) => ({ rkey: `rkey${bump}`, record: '{}', createdAt });
    const first = state.planOnce('permit-1', make(1));
    expect(first).toEqual({ idempotencyKey: 'permit-1', rkey: 'rkey0', record: '{}', createdAt: 1 });
    expect(state.planOnce('permit-1', make(99))).toEqual(first);
    expect(state.planOnce('permit-2', make(2)).rkey).toBe('rkey1');
    expect(state.plan('permit-2')?.createdAt).toBe(2);
    expect(state.plan('permit-3')).toBeNull();
    state.close();
  });
});
