import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isCreateCall, loadProfile, newPostId, profileUrl } from '../../src/platforms/browser/profile.ts';

const sandbox = loadProfile('sandbox');
const dir = mkdtempSync(join(tmpdir(), 'browser-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function profileFile(patch: Record<string, unknown>): string {
  const file = join(dir, `p${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ ...structuredClone(sandbox), ...patch }));
  return file;
}

describe('browser profiles', () => {
  it('the sandbox profile finds the composer by role and name, and names its login form', () => {
    expect(sandbox.composer).toEqual({ role: 'textbox', name: 'Reply text', exact: true });
    expect(sandbox.submit).toEqual({ role: 'button', name: 'Post', exact: true });
    expect(sandbox.login?.password).toEqual({ label: 'Password', exact: true });
  });

  it.each([
    ['a post URL without {postId}', { postUrl: '/posts/' }, 'postUrl'],
    ['a bad create-call regex', { createCall: { method: 'POST', path: '([' } }, 'createCall.path'],
    ['an unknown role', { submit: { role: 'div', name: 'Post' } }, 'submit'],
    ['an unknown key', { selectors: {} }, 'profile'],
    ['a JSON path with brackets', { newIdPath: 'data[0].id' }, 'newIdPath'],
  ])('refuses %s', (_why, patch, where) => {
    expect(() => loadProfile(profileFile(patch))).toThrow(where);
  });

  it('another site is a new JSON file', () => {
    const file = profileFile({
      name: 'elsewhere',
      postUrl: 'https://social.example/@x/{postId}',
      newIdPath: 'data.post.id',
      login: undefined,
    });
    const profile = loadProfile(file);
    expect(profile.login).toBeUndefined();
    expect(profileUrl(profile.postUrl, 'http://ignored.test', '42')).toBe('https://social.example/@x/42');
    expect(newPostId(profile, { data: { post: { id: 'abc' } } })).toBe('abc');
  });

  it.each([
    ['/posts/{postId}', 'http://127.0.0.1:8081', '17', 'http://127.0.0.1:8081/posts/17'],
    ['/posts/{postId}', 'http://127.0.0.1:8081/', 'a/b', 'http://127.0.0.1:8081/posts/a%2Fb'],
    ['/login', 'http://127.0.0.1:8081', undefined, 'http://127.0.0.1:8081/login'],
  ])('profileUrl(%s, %s, %s) = %s', (template, base, id, url) => {
    expect(profileUrl(template, base, id)).toBe(url);
  });

  it.each([
    [{ id: '1000001' }, '1000001'],
    [{ id: 1000001 }, '1000001'],
    [{ id: '' }, null],
    [{ id: null }, null],
    [{ error: 'x' }, null],
    ['not json', null],
    [undefined, null],
  ])('newPostId(%j) = %s', (body, id) => {
    expect(newPostId(sandbox, body)).toBe(id);
  });

  it.each([
    ['POST', 'http://h/api/posts', true],
    ['post', 'http://h/api/posts?x=1', true],
    ['GET', 'http://h/api/posts', false],
    ['POST', 'http://h/api/posts/12', false],
    ['POST', 'http://h/login', false],
  ])('isCreateCall(%s %s) = %s', (method, url, expected) => {
    expect(isCreateCall(sandbox, method, url)).toBe(expected);
  });
});
