/**
 * `mlops doctor`'s judgement: repository settings in, one finding per setting out (ok, missing or
 * unknown, with the fix). Pure: the settings were read through `RepositorySettingsPort`.
 *
 * Why these settings (docs/gpu-runners.md, docs/workflows.md): for `pull_request` events GitHub
 * runs the workflow files as the pull request changed them, so a fork can add its own job on the
 * GPU runner's labels; the labels and environment of *our* workflow do not stop that. What does:
 * approval of fork runs for all outside collaborators, a runner group limited to this repository
 * and these workflows, and ephemeral runners. The `gpu-training` environment holds our own train
 * job for a reviewer (GitHub creates it unprotected on first use if it does not exist). Tag
 * rulesets keep a writer from moving or forging registry tags.
 */
import type {
  EnvironmentSettings,
  RepositorySettings,
  RunnerGroup,
  SettingRead,
  TagRuleset,
} from './settings-port.js';

export type FindingStatus = 'ok' | 'missing' | 'unknown';

export interface Finding {
  readonly id:
    | 'fork-approval'
    | 'environment'
    | 'version-tags'
    | 'stage-tags'
    | 'release-tags'
    | 'runner-group'
    | 'workflow-permissions';
  readonly title: string;
  readonly status: FindingStatus;
  /**
   * A missing required setting fails `mlops doctor` (exit 1); the others are advice. Required:
   * what keeps fork code off self-hosted runners (only when training uses them), and the `v*`
   * ruleset when asked for (`releaseTags`). Tag rulesets of the registry are strongly advised but
   * do not fail a pull request's run.
   */
  readonly required: boolean;
  readonly detail: string;
  /** What to do; empty when ok. */
  readonly fix: string;
}

export interface DoctorOptions {
  /** The environment the train job runs in; empty or absent: none (GitHub-hosted training). */
  readonly environment?: string | undefined;
  /** `runs-on` labels of the train job; empty or absent: GitHub-hosted runners only. */
  readonly gpuRunnerLabels?: readonly string[] | undefined;
  /** Also check rulesets on `v*` tags (a repository that releases its own actions). */
  readonly releaseTags?: boolean | undefined;
}

export interface DoctorReport {
  readonly repository: string;
  readonly findings: readonly Finding[];
  /** A required setting is missing. */
  readonly failed: boolean;
}

const ADMIN_READ =
  'a token with the Administration (read) permission on the repository (GITHUB_TOKEN never has it), or check by hand';

function unknown(
  base: Pick<Finding, 'id' | 'title' | 'required'>,
  read: { status: number; reason: string },
  where: string,
): Finding {
  return {
    ...base,
    status: 'unknown',
    detail: `could not read it (${read.status}: ${read.reason})`,
    fix: `run mlops doctor with ${ADMIN_READ}: ${where}`,
  };
}

const FORK_SETTING =
  'Settings → Actions → General → "Approval for running fork pull request workflows from contributors" → "Require approval for all external contributors"';

function forkApproval(settings: RepositorySettings, selfHosted: boolean): Finding {
  const base = {
    id: 'fork-approval',
    title: 'Fork pull requests wait for approval',
    required: selfHosted,
  } as const;
  const read = settings.forkApproval;
  if (read.kind === 'unreadable') return unknown(base, read, FORK_SETTING);
  if (read.value === 'all_external_contributors') {
    return {
      ...base,
      status: 'ok',
      detail: 'every outside collaborator’s workflow run waits for a maintainer’s approval',
      fix: '',
    };
  }
  return {
    ...base,
    status: 'missing',
    detail: `the policy is ${read.value}: a contributor who has had one pull request merged runs any workflow file their next pull request writes, on any runner label, without approval`,
    fix: FORK_SETTING,
  };
}

function environmentFinding(
  name: string,
  read: SettingRead<EnvironmentSettings | null>,
  required: boolean,
): Finding {
  const base = {
    id: 'environment',
    title: `Environment "${name}" has required reviewers`,
    required,
  } as const;
  const where = `Settings → Environments → ${name} → Required reviewers`;
  if (read.kind === 'unreadable') return unknown(base, read, where);
  if (read.value === null) {
    return {
      ...base,
      status: 'missing',
      detail: `"${name}" does not exist: GitHub creates it on the train job's first run, with no protection, so nothing holds a training run for review`,
      fix: `Settings → Environments → New environment "${name}", with required reviewers (and "Prevent self-review")`,
    };
  }
  const environment = read.value;
  if (environment.reviewers.length === 0) {
    return {
      ...base,
      status: 'missing',
      detail: `"${name}" exists without required reviewers: training runs start without anyone's approval`,
      fix: where,
    };
  }
  const notes = [
    `reviewers: ${environment.reviewers.join(', ')}`,
    environment.preventSelfReview
      ? 'self-review prevented'
      : 'self-review allowed (turn on "Prevent self-review" so that the author of a run cannot approve it)',
  ];
  return { ...base, status: 'ok', detail: notes.join('; '), fix: '' };
}

/** GitHub's ref-name patterns (fnmatch): `*` stops at `/`, `**` does not; `~ALL` is every ref. */
export function refPatternMatches(pattern: string, ref: string): boolean {
  if (pattern === '~ALL') return true;
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] as string;
    if (char === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i += 1;
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`).test(ref);
}

const TAG_RULES = ['update', 'deletion'] as const;

function tagRulesetFinding(
  options: {
    id: 'version-tags' | 'stage-tags' | 'release-tags';
    pattern: string;
    sample: string;
    what: string;
    required: boolean;
  },
  read: SettingRead<readonly TagRuleset[]>,
): Finding {
  const base = {
    id: options.id,
    title: `A tag ruleset protects ${options.pattern} (${options.what})`,
    required: options.required,
  };
  const fix = `Settings → Rules → Rulesets → New tag ruleset: target refs/tags/${options.pattern}, enforcement Active, rules "Restrict updates" and "Restrict deletions" (and "Restrict creations", with the identity that publishes and promotes as a bypass actor)`;
  if (read.kind === 'unreadable') return unknown(base, read, fix);
  const covering = read.value.filter(
    (ruleset) =>
      ruleset.enforcement === 'active' &&
      ruleset.include.some((p) => refPatternMatches(p, options.sample)) &&
      !ruleset.exclude.some((p) => refPatternMatches(p, options.sample)),
  );
  const rules = new Set(covering.flatMap((ruleset) => ruleset.rules));
  const lacking = TAG_RULES.filter((rule) => !rules.has(rule));
  if (covering.length === 0 || lacking.length > 0) {
    const inactive = read.value.filter(
      (r) =>
        r.enforcement !== 'active' && r.include.some((p) => refPatternMatches(p, options.sample)),
    );
    return {
      ...base,
      status: 'missing',
      detail:
        covering.length === 0
          ? `no active tag ruleset covers ${options.sample}${inactive.length > 0 ? ` (${inactive.map((r) => `"${r.name}" is ${r.enforcement}`).join(', ')})` : ''}: anyone with write access can move, delete or forge these tags`
          : `the rulesets covering ${options.sample} (${covering.map((r) => `"${r.name}"`).join(', ')}) lack ${lacking.map((r) => `"${r}"`).join(' and ')}`,
      fix,
    };
  }
  const creation = rules.has('creation')
    ? 'creation restricted too'
    : 'creation is not restricted (a writer can still create new tags of this form)';
  return {
    ...base,
    status: 'ok',
    detail: `${covering.map((r) => `"${r.name}"`).join(', ')}: updates and deletions restricted; ${creation}`,
    fix: '',
  };
}

const sameLabel = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function runnerGroupFinding(
  read: SettingRead<readonly RunnerGroup[] | null>,
  labels: readonly string[],
  repository: string,
): Finding {
  const base = {
    id: 'runner-group',
    title: 'GPU runners: a group limited to this repository and its workflows, ephemeral runners',
    required: labels.length > 0,
  } as const;
  const fix = `Organization settings → Actions → Runner groups: put the GPU runners in a group with "Selected repositories" (${repository} only), "Selected workflows" (this repository's mlops-pull-request.yml and mlops-retrain.yml at the default branch), and run them ephemeral (actions-runner-controller scale sets, or --ephemeral)`;
  if (labels.length === 0) {
    return {
      ...base,
      status: 'ok',
      detail: 'training runs on GitHub-hosted runners (no self-hosted runner labels given)',
      fix: '',
    };
  }
  if (read.kind === 'unreadable') {
    return unknown(base, read, fix.replace('Organization settings', 'the organization settings'));
  }
  if (read.value === null) {
    return {
      ...base,
      status: 'unknown',
      detail:
        'a personal repository has no runner groups: only fork-run approval and ephemeral runners keep fork code off repository-level runners',
      fix: 'register the GPU runners as ephemeral (one job each), or move the repository to an organization and use a runner group',
    };
  }
  const gpuGroups = read.value
    .map((group) => ({
      group,
      runners: group.runners.filter((runner) =>
        labels.every((label) => runner.labels.some((l) => sameLabel(l, label))),
      ),
    }))
    .filter((entry) => entry.runners.length > 0);
  if (gpuGroups.length === 0) {
    return {
      ...base,
      status: 'unknown',
      detail: `no runner with the labels ${labels.join(', ')} is in a runner group visible to this repository (repository-level runners cannot be limited to workflows)`,
      fix,
    };
  }
  const problems: string[] = [];
  for (const { group, runners } of gpuGroups) {
    if (group.visibility !== 'selected') {
      problems.push(`group "${group.name}" is visible to ${group.visibility} repositories`);
    }
    if (!group.restrictedToWorkflows || group.selectedWorkflows.length === 0) {
      problems.push(`group "${group.name}" runs any workflow`);
    }
    if (group.allowsPublicRepositories) {
      problems.push(`group "${group.name}" allows public repositories`);
    }
    const persistent = runners.filter((runner) => !runner.ephemeral).map((r) => r.name);
    if (persistent.length > 0) {
      problems.push(
        `runners ${persistent.join(', ')} in "${group.name}" are not ephemeral (a job can leave something behind for the next)`,
      );
    }
  }
  if (problems.length > 0) {
    return { ...base, status: 'missing', detail: problems.join('; '), fix };
  }
  return {
    ...base,
    status: 'ok',
    detail: gpuGroups
      .map(
        ({ group }) =>
          `"${group.name}": selected repositories, workflows ${group.selectedWorkflows.join(', ')}, ephemeral runners`,
      )
      .join('; '),
    fix: '',
  };
}

function workflowPermissionsFinding(read: RepositorySettings['workflowPermissions']): Finding {
  const base = {
    id: 'workflow-permissions',
    title: 'GITHUB_TOKEN is read-only by default and cannot approve pull requests',
    required: false,
  } as const;
  const fix =
    'Settings → Actions → General → Workflow permissions: "Read repository contents and packages permissions", and leave "Allow GitHub Actions to create and approve pull requests" off; publish opens the promotion pull request with a GitHub App token (docs/workflows.md)';
  if (read.kind === 'unreadable') return unknown(base, read, fix);
  const problems: string[] = [];
  if (read.value.defaultWorkflowPermissions !== 'read') {
    problems.push(
      'every workflow without a permissions: block gets a token that can write the repository',
    );
  }
  if (read.value.canApprovePullRequestReviews) {
    problems.push(
      '"Allow GitHub Actions to create and approve pull requests" is on: any workflow a writer pushes can approve a pull request (a promotion among them) with GITHUB_TOKEN',
    );
  }
  if (problems.length > 0) return { ...base, status: 'missing', detail: problems.join('; '), fix };
  return {
    ...base,
    status: 'ok',
    detail: 'read-only by default; GitHub Actions cannot create or approve pull requests',
    fix: '',
  };
}

export function diagnose(settings: RepositorySettings, options: DoctorOptions): DoctorReport {
  const labels = options.gpuRunnerLabels ?? [];
  const selfHosted = labels.length > 0;
  const findings: Finding[] = [forkApproval(settings, selfHosted)];
  if (options.environment && settings.environment !== undefined) {
    findings.push(environmentFinding(options.environment, settings.environment, selfHosted));
  }
  findings.push(
    runnerGroupFinding(settings.runnerGroups, labels, settings.repository),
    tagRulesetFinding(
      {
        id: 'version-tags',
        pattern: '*@v*',
        sample: 'refs/tags/model@v1.2.0',
        what: 'model versions',
        required: false,
      },
      settings.tagRulesets,
    ),
    tagRulesetFinding(
      {
        id: 'stage-tags',
        pattern: '*#*',
        sample: 'refs/tags/model#production#3',
        what: 'stage assignments',
        required: false,
      },
      settings.tagRulesets,
    ),
  );
  if (options.releaseTags) {
    findings.push(
      tagRulesetFinding(
        {
          id: 'release-tags',
          pattern: 'v*',
          sample: 'refs/tags/v1.2.0',
          what: 'releases of the actions',
          required: true,
        },
        settings.tagRulesets,
      ),
    );
  }
  findings.push(workflowPermissionsFinding(settings.workflowPermissions));
  return {
    repository: settings.repository,
    findings,
    failed: findings.some((f) => f.required && f.status === 'missing'),
  };
}

const MARK: Record<FindingStatus, string> = { ok: 'ok', missing: 'MISSING', unknown: 'unknown' };

/** Plain text, one block per finding, for the terminal. */
export function formatDoctorReport(report: DoctorReport): string {
  const lines = [`mlops doctor: ${report.repository}`, ''];
  for (const finding of report.findings) {
    const kind = finding.required ? 'required' : 'recommended';
    lines.push(`[${MARK[finding.status]}] ${finding.title} (${kind})`);
    lines.push(`    ${finding.detail}`);
    if (finding.fix !== '') lines.push(`    fix: ${finding.fix}`);
  }
  const missing = report.findings.filter((f) => f.required && f.status === 'missing').length;
  const unknowns = report.findings.filter((f) => f.status === 'unknown').length;
  lines.push(
    '',
    missing > 0
      ? `${missing} required setting${missing > 1 ? 's are' : ' is'} missing.`
      : 'No required setting is missing.',
  );
  if (unknowns > 0) {
    lines.push(
      `${unknowns} could not be read with this token: they are not judged (check them by hand).`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Escapes what GitHub's Markdown would read as markup in a table cell. */
function cell(text: string): string {
  return text.replace(/[\\|*_`<>[\]]/g, '\\$&').replace(/\n/g, ' ');
}

/** A Markdown table for a job summary. */
export function doctorMarkdown(report: DoctorReport): string {
  const rows = report.findings.map(
    (f) =>
      `| ${MARK[f.status]} | ${cell(f.title)}${f.required ? '' : ' (recommended)'} | ${cell(f.detail)}${f.fix ? `<br>**Fix:** ${cell(f.fix)}` : ''} |`,
  );
  return [
    `### mlops doctor: ${cell(report.repository)}`,
    '',
    '| Status | Setting | Detail |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
