/**
 * Phrase tables for generated traffic. Combined at random they give a few thousand
 * distinct, natural-sounding posts; every post that should be answerable is well over the
 * default minimum length.
 */
export const OPENERS = [
  'Hey',
  'Quick question for',
  'Hi there',
  'Curious what',
  'Morning',
  'Okay so',
  'Honest question',
  'Wondering if',
  'Random thought',
  'Help me out here',
];

export const QUESTIONS = [
  'what is the best way to keep a reply bot from answering the same post twice?',
  'how do you decide which mentions are worth a reply and which are noise?',
  'does it make sense to queue replies instead of answering everything at once?',
  'how should an automated account handle rate limits without losing work?',
  'is there a clean way to prove every reply was actually authorised?',
  'what happens if the process crashes right in the middle of posting?',
  'how do you stop a bot from replying inside long threads it was never invited to?',
  'would you recommend SQLite for a small job queue like this?',
  'any tips on writing replies that do not sound like a template?',
  'how many replies per hour feels polite rather than spammy?',
  'can you explain how opt-out works if someone wants fewer replies?',
  'how do you test timeouts when the network lies about what happened?',
  'what metrics would you watch first when nothing seems to be posting?',
  'is it better to fail closed when you cannot tell if a post is a reply?',
  'how do quiet hours work across time zones?',
];

export const CLOSERS = ['Thanks!', 'Appreciate it.', 'Cheers.', '', 'Would love your take.', 'No rush.'];

export const KEYWORD_POSTS = [
  'Been reading about replywright and the idea of permits before every reply makes a lot of sense.',
  'Anyone tried replywright for a community account? Curious how it handles bursts of mentions.',
  'The replywright proof report idea is neat: every reply traced back to why it was sent.',
  'Thinking about setting up replywright for our support handle this weekend.',
  'Hot take: replywright style caps should be the default for every automated account.',
  'Watched a talk on replywright and crash-proof posting, still processing it.',
];

export const CHATTER = [
  'Anyone else find that the build is always broken on Monday mornings?',
  'Finally moved our queue to SQLite in WAL mode and it is so much calmer now.',
  'Hot coffee, cold logs, and a flaky integration test. Classic Thursday.',
  'Spent the afternoon deleting code and the system got faster. Recommended.',
  'What is everyone reading this week? I need a good book about distributed systems.',
  'Our on-call rotation finally has a runbook for the retry storm we had last month.',
  'Small wins: the dashboard now shows why a job failed instead of just that it failed.',
  'Is it just me or are timeouts the hardest thing to get right in any client library?',
];

export const REPLIES = [
  'Totally agree with this, we saw the same thing last quarter.',
  'Not sure I follow, could you share an example of what you mean?',
  'This is a great point and more people should hear it.',
  'We tried that and it worked until the traffic doubled.',
  'Interesting, how long did it take you to notice the problem?',
  'Same here. The fix was boring but it held up well.',
];

export const REPLIES_TO_BOT = [
  'thanks, but how does that work when the network drops halfway?',
  'that helps, could you say more about the retry part?',
  'interesting answer, does the same apply to quiet hours?',
  'makes sense. What would you do differently with a bigger queue?',
];

export const STOP_TEXTS = ['stop', 'Stop replying to me please.', 'STOP', 'please stop, not interested'];

export const SPAM_TEXTS = [
  'FREE crypto giveaway!!! click http://free-coins.example/claim BUY NOW',
  'Win 10 BTC today only, click http://win-big.example/now BUY NOW before it ends',
  'Limited offer: double your crypto, click http://moon-coin.example BUY NOW',
];

export const SHORT_TEXTS = ['hi', 'yo', '?', 'ok', 'ty'];
