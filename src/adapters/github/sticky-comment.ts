/**
 * One sticky comment per pull request (or issue) and marker, kept up to date across re-runs and
 * safe against two runs at once.
 *
 * A comment is ours when its body holds the marker AND its author is the token's own identity;
 * anyone can paste a marker into a comment of their own, and that comment must never be edited.
 *
 * Who "self" is: `GET /user` answers only for user tokens (PATs, OAuth). `GITHUB_TOKEN` and
 * GitHub App installation tokens get 403 "Resource not accessible by integration" there (404 on
 * servers without the route), and then the identity is `github-actions[bot]`, the author of every
 * comment a workflow's `GITHUB_TOKEN` writes. For an App's installation token pass `author`
 * (`<app-slug>[bot]`, e.g. from actions/create-github-app-token's `app-slug` output).
 * `performed_via_github_app` is no help: it names an app acting for a user, and is null on the
 * bot's own comments. The guess is checked against the author GitHub reports on the comment we
 * create: if it differs, a warning says so and that author is used for the clean-up that follows.
 *
 * The race: two runs can both find no comment and both create one. After creating, the comments
 * are listed again; if more than one marked comment of ours exists, the oldest is kept (with our
 * body) and the others deleted, so every interleaving converges on one comment. The same clean-up
 * runs whenever a listing finds several.
 */
import { GitHubApiError } from '../../core/errors.js';
import { createSilentLogger, type Logger } from '../../core/logger.js';
import { toGitHubApiError, withGitHubErrors, type Octokit } from './octokit.js';

/** GitHub's limit on issue and pull request comment bodies, in characters. */
export const MAX_COMMENT_LENGTH = 65_536;
/** The user every `GITHUB_TOKEN` comment is written by. */
export const GITHUB_ACTIONS_BOT = 'github-actions[bot]';

export interface UpsertStickyCommentOptions {
  readonly octokit: Octokit;
  readonly owner: string;
  readonly repo: string;
  readonly issueNumber: number;
  /** A hidden HTML comment, e.g. `<!-- mlops-actions:evaluate:iris -->`; put at the body's top. */
  readonly marker: string;
  readonly body: string;
  readonly logger?: Logger;
  /** The token's login when known (`<app-slug>[bot]` for an App token); else worked out. */
  readonly author?: string;
}

export interface StickyCommentResult {
  readonly id: number;
  readonly url: string;
  readonly action: 'created' | 'updated' | 'unchanged';
}

interface Comment {
  readonly id: number;
  readonly body?: string | undefined;
  readonly html_url: string;
  readonly created_at: string;
  readonly user: { readonly login: string } | null;
}

/** Body lengths as GitHub counts them: characters (code points), not UTF-16 units. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/** The marker as a well-formed HTML comment, or a `TypeError`. */
export function assertMarker(marker: string): void {
  const inner = marker.slice(4, -3);
  if (
    !marker.startsWith('<!--') ||
    !marker.endsWith('-->') ||
    marker.length < 8 ||
    inner.trim() === '' ||
    inner.includes('--') ||
    /[\r\n]/.test(marker)
  ) {
    throw new TypeError(
      `A sticky comment marker is a one-line HTML comment such as "<!-- mlops-actions:evaluate:iris -->", got ${JSON.stringify(marker)}`,
    );
  }
}

/** The body as posted: the marker on the first line, then the text. */
export function stickyBody(marker: string, body: string): string {
  assertMarker(marker);
  const full = body.startsWith(marker) ? body : `${marker}\n${body}`;
  const length = characterCount(full);
  if (length > MAX_COMMENT_LENGTH) {
    // The renderers keep bodies within the limit; reaching here is a bug, not a user error.
    throw new RangeError(
      `Sticky comment body is ${length} characters with its marker, over GitHub's limit of ` +
        `${MAX_COMMENT_LENGTH}; the renderer must shorten it before it is posted.`,
    );
  }
  return full;
}

const identities = new WeakMap<Octokit, string>();

/**
 * The login the token writes as: `GET /user` for a user token, else `github-actions[bot]` (see the
 * file's comment). Remembered per client.
 */
export async function resolveTokenLogin(octokit: Octokit, logger?: Logger): Promise<string> {
  const known = identities.get(octokit);
  if (known !== undefined) return known;
  let login: string;
  try {
    login = (await octokit.rest.users.getAuthenticated()).data.login;
  } catch (error) {
    const mapped = toGitHubApiError(error);
    const integration =
      mapped.status === 404 || (mapped.status === 403 && !/rate limit/i.test(mapped.message));
    if (!integration) throw mapped;
    login = GITHUB_ACTIONS_BOT;
    logger?.debug(
      `GET /user answered ${mapped.status} (an installation token such as GITHUB_TOKEN); comments are written by ${login}.`,
    );
  }
  identities.set(octokit, login);
  return login;
}

function sameLogin(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}

function normalized(text: string | undefined): string {
  return (text ?? '').replace(/\r\n/g, '\n');
}

/** Oldest first: by creation time, then by ID (IDs grow with creation on GitHub). */
function byAge(a: Comment, b: Comment): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1;
  return a.id - b.id;
}

export async function upsertStickyComment(
  options: UpsertStickyCommentOptions,
): Promise<StickyCommentResult> {
  const { octokit, owner, repo, issueNumber, marker } = options;
  const logger = options.logger ?? createSilentLogger();
  const body = stickyBody(marker, options.body);
  const where = `${owner}/${repo}#${issueNumber}`;
  let self = options.author ?? (await resolveTokenLogin(octokit, logger));

  const listMarked = async (): Promise<Comment[]> => {
    const comments: Comment[] = await withGitHubErrors(() =>
      octokit.paginate(octokit.rest.issues.listComments, {
        owner,
        repo,
        issue_number: issueNumber,
        per_page: 100,
      }),
    );
    return comments
      .filter((c) => normalized(c.body).includes(marker) && sameLogin(c.user?.login, self))
      .sort(byAge);
  };

  const update = async (comment: Comment): Promise<Comment> =>
    (
      await withGitHubErrors(() =>
        octokit.rest.issues.updateComment({ owner, repo, comment_id: comment.id, body }),
      )
    ).data;

  const remove = async (comments: readonly Comment[]): Promise<void> => {
    for (const comment of comments) {
      try {
        await withGitHubErrors(() =>
          octokit.rest.issues.deleteComment({ owner, repo, comment_id: comment.id }),
        );
        logger.info(`Deleted duplicate sticky comment ${comment.html_url}.`);
      } catch (error) {
        // A concurrent run deleted it first: the outcome we wanted.
        if (!(error instanceof GitHubApiError && error.status === 404)) throw error;
      }
    }
  };

  /** Keeps `comments[0]` (the oldest) with our body and deletes the rest. */
  const settle = async (
    comments: readonly Comment[],
    createdId: number | undefined,
  ): Promise<StickyCommentResult> => {
    const [keep, ...others] = comments as [Comment, ...Comment[]];
    let action: StickyCommentResult['action'];
    let url = keep.html_url;
    if (keep.id === createdId) {
      action = 'created';
    } else if (normalized(keep.body) === normalized(body)) {
      action = 'unchanged';
    } else {
      url = (await update(keep)).html_url;
      action = 'updated';
    }
    await remove(others);
    logger.info(`Sticky comment on ${where} ${action}: ${url}`);
    return { id: keep.id, url, action };
  };

  const existing = await listMarked();
  if (existing.length > 0) return settle(existing, undefined);

  const { data: created } = await withGitHubErrors(() =>
    octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body }),
  );
  const actual = created.user?.login;
  if (actual !== undefined && !sameLogin(actual, self)) {
    logger.warning(
      `Sticky comments on ${where} were looked up as written by ${self}, but GitHub wrote this ` +
        `one as ${actual}; pass author: '${actual}' so that later runs find it instead of adding another.`,
    );
    self = actual;
  }
  // A concurrent run may have created its own between our listing and our create; a retried
  // create whose first attempt reached GitHub leaves a twin too. Listing again finds them. Our
  // own comment joins the list even when the listing does not show it yet (or any more).
  const after = await listMarked();
  const all = after.some((c) => c.id === created.id) ? after : [...after, created].sort(byAge);
  return settle(all, created.id);
}
