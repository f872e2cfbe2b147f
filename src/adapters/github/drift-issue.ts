/**
 * The drift issue on GitHub: one open issue per model, labelled `mlops:drift` and found again by
 * its hidden marker (`<!-- mlops-actions:drift:<model> -->`), only among issues opened by the
 * token's own identity (as the sticky comment does, `resolveTokenLogin`): a triager can paste the
 * marker into an issue of their own, which must never be taken over (a warning names it); and
 * never a pull request. A re-run updates that issue (title, body, the severity label moved:
 * `retrain` for moderate, `needs-investigation` for severe) and comments on it; when drift is gone
 * it comments and closes it. Labels are created when missing.
 *
 * Two runs at once can both find no issue and both create one: after creating, the marked open
 * issues are listed again and every one but the oldest is closed as a duplicate, so all
 * interleavings end with one open issue. Also here: the retrain workflow dispatch.
 *
 * The same mechanics serve check-performance's issue (`performance-issue.ts`): a `MarkedIssueKind`
 * names the label, the marker and how a body records its severity.
 */
import { GitHubApiError } from '../../core/errors.js';
import { createSilentLogger, type Logger } from '../../core/logger.js';
import { driftIssueMarker, severityOfBody } from '../../core/drift-report/render-drift-issue.js';
import type { DriftIssueTracker, RetrainDispatcher } from '../../core/drift-report/drift-ports.js';
import type { MarkedIssueTracker } from '../../core/issues/marked-issue-port.js';
import type { DriftSeverity } from '../../core/drift-report/report.js';
import { withGitHubErrors, type Octokit } from './octokit.js';
import { resolveTokenLogin } from './sticky-comment.js';

export const DRIFT_LABEL = 'mlops:drift';
export const RETRAIN_LABEL = 'retrain';
export const INVESTIGATE_LABEL = 'needs-investigation';

const LABEL_COLORS: Record<string, { color: string; description: string }> = {
  [DRIFT_LABEL]: { color: 'd93f0b', description: 'Data drift found by mlops-actions check-drift' },
  [RETRAIN_LABEL]: {
    color: 'fbca04',
    description: 'Moderate drift: the model should be retrained',
  },
  [INVESTIGATE_LABEL]: { color: 'b60205', description: 'Severe drift: needs investigation' },
};

export interface GitHubDriftOptions {
  readonly octokit: Octokit;
  readonly owner: string;
  readonly repo: string;
  readonly logger?: Logger;
  /** The token's login when known (`<app-slug>[bot]` for an App token); else worked out. */
  readonly author?: string;
}

interface IssueLike {
  readonly number: number;
  readonly html_url: string;
  readonly body?: string | null;
  readonly pull_request?: unknown;
  readonly user?: { readonly login: string } | null;
  readonly labels: readonly (string | { readonly name?: string })[];
}

const labelName = (label: IssueLike['labels'][number]) =>
  typeof label === 'string' ? label : (label.name ?? '');

/** One kind of marked issue: its label, its marker, and the severity its body records. */
export interface MarkedIssueKind<S extends string> {
  /** The label every issue of this kind carries, such as `mlops:drift`. */
  readonly label: string;
  /** The word log lines use: `drift` issue, `performance` issue. */
  readonly noun: string;
  readonly marker: (model: string) => string;
  readonly severityOfBody: (body: string | null | undefined) => S | null;
  /** Colours and descriptions of labels created when missing (the severity labels are shared). */
  readonly labelStyles?: Readonly<Record<string, { color: string; description: string }>>;
}

export const DRIFT_ISSUE_KIND: MarkedIssueKind<DriftSeverity> = {
  label: DRIFT_LABEL,
  noun: 'drift',
  marker: driftIssueMarker,
  severityOfBody,
};

export function createGitHubDriftIssues(options: GitHubDriftOptions): DriftIssueTracker {
  return createGitHubMarkedIssues(options, DRIFT_ISSUE_KIND);
}

export function createGitHubMarkedIssues<S extends string>(
  options: GitHubDriftOptions,
  kind: MarkedIssueKind<S>,
): MarkedIssueTracker<S> {
  const { octokit, owner, repo } = options;
  const logger = options.logger ?? createSilentLogger();
  const ensured = new Set<string>();
  /** Foreign issues with our marker, warned about once per run. */
  const warned = new Set<number>();

  const ensureLabel = async (name: string): Promise<void> => {
    if (ensured.has(name)) return;
    try {
      await withGitHubErrors(() => octokit.rest.issues.getLabel({ owner, repo, name }));
    } catch (error) {
      if (!(error instanceof GitHubApiError) || error.status !== 404) throw error;
      const style = kind.labelStyles?.[name] ??
        LABEL_COLORS[name] ?? { color: 'ededed', description: '' };
      try {
        await withGitHubErrors(() =>
          octokit.rest.issues.createLabel({ owner, repo, name, ...style }),
        );
        logger.info(`Created the label ${name}.`);
      } catch (createError) {
        // Another run created it in between: 422 already_exists.
        if (!(createError instanceof GitHubApiError) || createError.status !== 422)
          throw createError;
      }
    }
    ensured.add(name);
  };

  const listMarked = async (model: string): Promise<IssueLike[]> => {
    const marker = kind.marker(model);
    const issues: IssueLike[] = await withGitHubErrors(() =>
      octokit.paginate(octokit.rest.issues.listForRepo, {
        owner,
        repo,
        state: 'open',
        labels: kind.label,
        per_page: 100,
      }),
    );
    const self = (options.author ?? (await resolveTokenLogin(octokit, logger))).toLowerCase();
    const marked = issues
      .filter((issue) => issue.pull_request === undefined || issue.pull_request === null)
      .filter((issue) => (issue.body ?? '').includes(marker));
    const ours = marked.filter((issue) => issue.user?.login.toLowerCase() === self);
    for (const issue of marked) {
      if (ours.includes(issue) || warned.has(issue.number)) continue;
      warned.add(issue.number);
      logger.warning(
        `Ignoring #${issue.number}: it carries the ${kind.noun} marker of ${model} but was opened by ` +
          `@${issue.user?.login ?? 'an unknown user'}, not by ${self}; only our own issues are updated.`,
      );
    }
    return ours.sort((a, b) => a.number - b.number);
  };

  /** Keeps the oldest marked issue open; closes the others as duplicates of it. */
  const dedupe = async (issues: readonly IssueLike[]): Promise<IssueLike | undefined> => {
    const [oldest, ...others] = issues;
    for (const duplicate of others) {
      logger.warning(
        `Closing #${duplicate.number}: a duplicate ${kind.noun} issue of #${oldest?.number}.`,
      );
      await withGitHubErrors(() =>
        octokit.rest.issues.update({
          owner,
          repo,
          issue_number: duplicate.number,
          state: 'closed',
          state_reason: 'not_planned',
          body: `Duplicate of #${oldest?.number} (two ${kind.noun} checks ran at once).`,
        }),
      );
    }
    return oldest;
  };

  const comment = (issueNumber: number, body: string) =>
    withGitHubErrors(() =>
      octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body }),
    );

  return {
    async open(input) {
      for (const label of [kind.label, ...input.labels]) await ensureLabel(label);
      const wanted = (existing: readonly string[]) => [
        ...new Set([
          ...existing.filter((l) => !input.removeLabels.includes(l.toLowerCase())),
          kind.label,
          ...input.labels,
        ]),
      ];
      let found = await dedupe(await listMarked(input.model));
      if (found === undefined) {
        const { data } = await withGitHubErrors(() =>
          octokit.rest.issues.create({
            owner,
            repo,
            title: input.title,
            body: input.body,
            labels: wanted([]),
          }),
        );
        found = await dedupe(await listMarked(input.model));
        if (found === undefined || found.number === data.number) {
          logger.info(`Opened ${kind.noun} issue #${data.number}.`);
          return { number: data.number, url: data.html_url, created: true };
        }
        // Another run's issue is older: ours was closed as its duplicate; update that one.
      }
      const issue = found;
      const previous = kind.severityOfBody(issue.body);
      await withGitHubErrors(() =>
        octokit.rest.issues.update({
          owner,
          repo,
          issue_number: issue.number,
          title: input.title,
          body: input.body,
          labels: wanted(issue.labels.map(labelName)),
        }),
      );
      await comment(issue.number, input.comment(previous));
      logger.info(`Updated ${kind.noun} issue #${issue.number}.`);
      return { number: issue.number, url: issue.html_url, created: false };
    },

    async resolve(input) {
      const found = await dedupe(await listMarked(input.model));
      if (found === undefined) return null;
      await comment(found.number, input.comment);
      await withGitHubErrors(() =>
        octokit.rest.issues.update({
          owner,
          repo,
          issue_number: found.number,
          state: 'closed',
          state_reason: 'completed',
        }),
      );
      logger.info(
        `Closed ${kind.noun} issue #${found.number}: ${kind.noun === 'drift' ? 'drift is gone' : 'resolved'}.`,
      );
      return { number: found.number, url: found.html_url };
    },
  };
}

/** Dispatches a workflow (`POST /actions/workflows/{file}/dispatches`) on the default branch. */
export function createGitHubRetrainDispatcher(options: GitHubDriftOptions): RetrainDispatcher {
  const { octokit, owner, repo } = options;
  const logger = options.logger ?? createSilentLogger();
  return {
    async dispatch(workflow, inputs) {
      const { data } = await withGitHubErrors(() => octokit.rest.repos.get({ owner, repo }));
      const ref = data.default_branch;
      await withGitHubErrors(() =>
        octokit.rest.actions.createWorkflowDispatch({
          owner,
          repo,
          workflow_id: workflow,
          ref,
          inputs,
        }),
      );
      logger.info(`Dispatched ${workflow} on ${ref}.`);
    },
  };
}
