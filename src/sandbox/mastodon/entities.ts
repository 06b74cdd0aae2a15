import type { SandboxPlatform } from '../platform.ts';
import { MAX_TEXT_LENGTH, type SandboxPost, type SandboxUser } from '../types.ts';
import { type AccountDirectory, accountIdOf } from './accountIds.ts';
import { type MentionTarget, mentionedAccounts, statusHtml } from './statusHtml.ts';

/**
 * The sandbox's users and posts in Mastodon's JSON shapes (snake_case, ids as strings, times
 * as ISO 8601 with milliseconds, `content` as HTML). Only the fields a client reads are
 * filled with meaning; the rest carry Mastodon's neutral values so strict clients parse them.
 */
export class MastodonEntities {
  readonly platform: SandboxPlatform;
  readonly directory: AccountDirectory;
  readonly baseUrl: string;
  readonly domain: string;

  constructor(platform: SandboxPlatform, directory: AccountDirectory, baseUrl: string) {
    this.platform = platform;
    this.directory = directory;
    this.baseUrl = baseUrl;
    this.domain = new URL(baseUrl).host;
  }

  /** A handle with a domain (`carol@elsewhere.example`) plays an account of another server. */
  account(user: SandboxUser) {
    const [username, domain] = user.handle.split('@') as [string, string | undefined];
    const url = domain ? `https://${domain}/@${username}` : `${this.baseUrl}/@${user.handle}`;
    return {
      id: accountIdOf(user.handle),
      username,
      acct: user.handle,
      display_name: user.displayName,
      locked: false,
      bot: user.isBot,
      discoverable: true,
      group: false,
      created_at: new Date(user.createdAt).toISOString(),
      note: user.isParody ? '<p>Parody account.</p>' : '',
      url,
      uri: domain ? `https://${domain}/users/${username}` : `${this.baseUrl}/users/${user.handle}`,
      avatar: `${this.baseUrl}/avatars/original/missing.png`,
      avatar_static: `${this.baseUrl}/avatars/original/missing.png`,
      header: `${this.baseUrl}/headers/original/missing.png`,
      header_static: `${this.baseUrl}/headers/original/missing.png`,
      followers_count: user.followers,
      following_count: 0,
      statuses_count: 0,
      last_status_at: null,
      emojis: [],
      fields: [],
    };
  }

  /** The account with its `source`, as `verify_credentials` returns it. */
  credentialAccount(user: SandboxUser) {
    return {
      ...this.account(user),
      source: {
        privacy: 'public',
        sensitive: false,
        language: 'en',
        note: '',
        fields: [],
        follow_requests_count: 0,
      },
    };
  }

  status(post: SandboxPost) {
    const author = this.#user(post.author);
    const resolve = (username: string, domain: string | null) => this.#mentionTarget(username, domain);
    const mentions = mentionedAccounts(post.text, resolve).map((m) => ({
      id: accountIdOf(m.acct),
      username: m.username,
      url: m.url,
      acct: m.acct,
    }));
    const tags = [...post.text.matchAll(/(?<![\p{L}\p{N}_&/])#([\p{L}\p{N}_]+)/gu)].map((m) => ({
      name: m[1]!.toLowerCase(),
      url: `${this.baseUrl}/tags/${encodeURIComponent(m[1]!.toLowerCase())}`,
    }));
    return {
      id: post.id,
      uri: `${this.baseUrl}/users/${post.author}/statuses/${post.id}`,
      url: `${this.baseUrl}/@${post.author}/${post.id}`,
      created_at: new Date(post.createdAt).toISOString(),
      edited_at: null,
      account: this.account(author),
      content: statusHtml(post.text, resolve, this.baseUrl),
      visibility: post.visibility,
      sensitive: false,
      spoiler_text: '',
      language: 'en',
      in_reply_to_id: post.inReplyToId,
      in_reply_to_account_id: post.inReplyToAuthor === null ? null : accountIdOf(post.inReplyToAuthor),
      mentions,
      tags,
      emojis: [],
      media_attachments: [],
      application: post.origin === 'api' ? { name: 'replywright', website: null } : null,
      reblogs_count: post.metrics.reposts,
      favourites_count: post.metrics.likes,
      replies_count: post.metrics.replies,
      reblog: null,
      poll: null,
      card: null,
      favourited: false,
      reblogged: false,
      muted: false,
      bookmarked: false,
    };
  }

  notification(post: SandboxPost) {
    return {
      id: post.id,
      type: 'mention',
      group_key: `ungrouped-${post.id}`,
      created_at: new Date(post.createdAt).toISOString(),
      account: this.account(this.#user(post.author)),
      status: this.status(post),
    };
  }

  source(post: SandboxPost) {
    return { id: post.id, text: post.text, spoiler_text: '' };
  }

  instance() {
    const bot = this.#user(this.platform.account);
    return {
      domain: this.domain,
      title: 'replywright sandbox',
      version: '4.3.0 (compatible; replywright sandbox)',
      source_url: 'https://github.com/mastodon/mastodon',
      description: 'The replywright sandbox speaking a subset of the Mastodon REST API.',
      usage: { users: { active_month: this.platform.listUsers().length } },
      thumbnail: { url: `${this.baseUrl}/packs/media/images/preview.png` },
      languages: ['en'],
      configuration: {
        urls: { streaming: this.baseUrl.replace(/^http/, 'ws') },
        accounts: { max_featured_tags: 10, max_pinned_statuses: 5 },
        statuses: {
          max_characters: MAX_TEXT_LENGTH,
          max_media_attachments: 4,
          characters_reserved_per_url: 23,
        },
        media_attachments: {
          supported_mime_types: [],
          image_size_limit: 0,
          image_matrix_limit: 0,
          video_size_limit: 0,
          video_frame_rate_limit: 0,
          video_matrix_limit: 0,
        },
        polls: {
          max_options: 4,
          max_characters_per_option: 50,
          min_expiration: 300,
          max_expiration: 2629746,
        },
        translation: { enabled: false },
      },
      registrations: { enabled: false, approval_required: false, message: null },
      contact: { email: '', account: this.account(bot) },
      rules: [],
    };
  }

  #user(handle: string): SandboxUser {
    const user = this.platform.getUser(handle);
    if (user) return user;
    return { handle, displayName: handle, isBot: false, isParody: false, followers: 0, createdAt: 0 };
  }

  #mentionTarget(username: string, domain: string | null): MentionTarget | null {
    if (domain === null || domain.toLowerCase() === this.domain.toLowerCase()) {
      const user = this.platform.getUser(username);
      return user
        ? { username: user.handle, acct: user.handle, url: `${this.baseUrl}/@${user.handle}` }
        : null;
    }
    // A remote account: taken as resolved, as Mastodon's WebFinger lookup would.
    const acct = `${username.toLowerCase()}@${domain.toLowerCase()}`;
    return {
      username: username.toLowerCase(),
      acct,
      url: `https://${domain.toLowerCase()}/@${username.toLowerCase()}`,
    };
  }
}
