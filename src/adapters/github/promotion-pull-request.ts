/**
 * Opens, or updates, the one promotion pull request of a model and stage: "Promote <model>
 * vX.Y.Z to production", changing the tracked promotion file, labelled `mlops:promotion`, with the
 * evaluation against the current production version in its body. Like a release PR, it lives on
 * its own branch (`mlops/promote/<model>`), which is reset to the default branch whenever no
 * promotion is open, so the diff is always the one-line change a reviewer approves.
 */
import { parse as parseYaml } from 'yaml';
import { GitHubApiError } from '../../core/errors.js';
import { renderEvaluationComment } from '../../core/evaluate/render-comment.js';
import type { Logger } from '../../core/logger.js';
import { codeSpan, escapeUserText } from '../../core/markdown/escape.js';
import { promotionFile, renderPromotionFile } from '../../core/registry/promotion-file.js';
import type { PromotionRequests } from '../../core/registry/promotion-port.js';
import { withGitHubErrors, type Octokit } from './octokit.js';

export const PROMOTION_LABEL = 'mlops:promotion';
/** Room left for our header around the evaluation, below GitHub's 65,536-character body limit. */
const EVALUATION_MAX = 60_000;

export function promotionBranch(model: string): string {
  return `mlops/promote/${model}`;
}

export function createPromotionRequests(options: {
  readonly octokit: Octokit;
  readonly owner: string;
  readonly repo: string;
  readonly logger: Logger;
}): PromotionRequests {
  const { octokit, owner, repo, logger } = options;
  const notFound = (error: unknown) => error instanceof GitHubApiError && error.status === 404;

  return {
    async open(request) {
      const { data: repository } = await withGitHubErrors(() =>
        octokit.rest.repos.get({ owner, repo }),
      );
      const base = repository.default_branch;
      const { data: baseRef } = await withGitHubErrors(() =>
        octokit.rest.git.getRef({ owner, repo, ref: `heads/${base}` }),
      );
      const branch = promotionBranch(request.model);
      const { data: open } = await withGitHubErrors(() =>
        octokit.rest.pulls.list({ owner, repo, head: `${owner}:${branch}`, state: 'open' }),
      );
      const existing = open[0];

      // The branch: created, or reset to the default branch when no promotion is open on it.
      let branchExists = true;
      try {
        await withGitHubErrors(() =>
          octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` }),
        );
      } catch (error) {
        if (!notFound(error)) throw error;
        branchExists = false;
      }
      if (!branchExists) {
        await withGitHubErrors(() =>
          octokit.rest.git.createRef({
            owner,
            repo,
            ref: `refs/heads/${branch}`,
            sha: baseRef.object.sha,
          }),
        );
      } else if (existing === undefined) {
        await withGitHubErrors(() =>
          octokit.rest.git.updateRef({
            owner,
            repo,
            ref: `heads/${branch}`,
            sha: baseRef.object.sha,
            force: true,
          }),
        );
      }

      // The file: the other stages it records are kept.
      const file = promotionFile(request.model);
      let sha: string | undefined;
      let stages: Record<string, string> = {};
      try {
        const { data } = await withGitHubErrors(() =>
          octokit.rest.repos.getContent({ owner, repo, path: file, ref: branch }),
        );
        if (!Array.isArray(data) && data.type === 'file') {
          sha = data.sha;
          const text = Buffer.from(data.content, 'base64').toString('utf8');
          const parsed = (parseYaml(text) ?? {}) as Record<string, unknown>;
          stages = Object.fromEntries(
            Object.entries(parsed).filter(
              (entry): entry is [string, string] =>
                entry[0] !== 'model' && typeof entry[1] === 'string',
            ),
          );
        }
      } catch (error) {
        if (!notFound(error)) throw error;
      }
      const content = renderPromotionFile(request.model, {
        ...stages,
        [request.stage]: request.version,
      });
      const encoded = Buffer.from(content, 'utf8').toString('base64');
      if (stages[request.stage] !== `v${request.version}`) {
        await withGitHubErrors(() =>
          octokit.rest.repos.createOrUpdateFileContents({
            owner,
            repo,
            path: file,
            branch,
            message: `Promote ${request.model} v${request.version} to ${request.stage}`,
            content: encoded,
            ...(sha !== undefined && { sha }),
          }),
        );
      }

      await ensureLabel(octokit, owner, repo);
      const title = `Promote ${request.model} v${request.version} to ${request.stage}`;
      const body = renderPromotionBody(request);
      let number: number;
      let url: string;
      let action: string;
      if (existing !== undefined) {
        const { data } = await withGitHubErrors(() =>
          octokit.rest.pulls.update({ owner, repo, pull_number: existing.number, title, body }),
        );
        ({ number, html_url: url } = data);
        action = 'updated';
      } else {
        const { data } = await withGitHubErrors(() =>
          octokit.rest.pulls.create({ owner, repo, head: branch, base, title, body }),
        );
        ({ number, html_url: url } = data);
        action = 'created';
      }
      await withGitHubErrors(() =>
        octokit.rest.issues.addLabels({
          owner,
          repo,
          issue_number: number,
          labels: [PROMOTION_LABEL],
        }),
      );
      logger.debug(`Promotion pull request #${number} ${action} on ${branch}.`);
      return { url, number, action };
    },
  };
}

async function ensureLabel(octokit: Octokit, owner: string, repo: string): Promise<void> {
  try {
    await withGitHubErrors(() =>
      octokit.rest.issues.getLabel({ owner, repo, name: PROMOTION_LABEL }),
    );
  } catch (error) {
    if (!(error instanceof GitHubApiError && error.status === 404)) throw error;
    try {
      await withGitHubErrors(() =>
        octokit.rest.issues.createLabel({
          owner,
          repo,
          name: PROMOTION_LABEL,
          color: '5319e7',
          description: 'Promotes a model version to a stage when merged (mlops-actions)',
        }),
      );
    } catch (created) {
      // Another run created it meanwhile.
      if (!(created instanceof GitHubApiError && created.status === 422)) throw created;
    }
  }
}

function renderPromotionBody(request: Parameters<PromotionRequests['open']>[0]): string {
  const current =
    request.current === null
      ? `Nothing serves **${request.stage}** yet: this is the first promotion.`
      : `Currently in **${request.stage}**: v${request.current.version} (${codeSpan(request.current.tag)}).`;
  const lines = [
    `Promotes **${escapeUserText(request.model, 100)} v${request.version}** ([release](${request.releaseUrl})) to **${request.stage}**.`,
    '',
    current,
    '',
    `Merging this pull request after an approving review records the promotion as the annotated tag \`${request.model}#${request.stage}#<n>\` (promote-model checks the approval and the release's digests first). To roll back, change ${codeSpan(promotionFile(request.model))} to an older version in a pull request like this one.`,
  ];
  if (request.report !== null) {
    lines.push(
      '',
      '## Evaluation',
      '',
      renderEvaluationComment(request.report, {
        marker: `mlops:promotion-evaluation ${request.model}`,
        maxLength: EVALUATION_MAX,
      }),
    );
  } else {
    lines.push('', '_No evaluation report was given to publish-model._');
  }
  return lines.join('\n');
}
