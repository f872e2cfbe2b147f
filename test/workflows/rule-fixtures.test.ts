/**
 * A rule that cannot fail is worthless: each rule against small bad workflows
 * (test/fixtures/workflows/bad-*.yml) must report exactly the problems planted in them, and
 * nothing for the lines marked fine.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  artipackedRule,
  botPullRequestsRule,
  cachePoisoningRule,
  callerPermissionsRule,
  concurrencyRule,
  dangerousTriggersRule,
  jobPermissionsRule,
  labelledCommitRule,
  loadWorkflow,
  ownActionInputsRule,
  parsesRule,
  repoRoot,
  resolveOwnWorkflow,
  reusableInterfaceRule,
  rules,
  secretsInheritRule,
  selfHostedRunnerRule,
  templateInjectionRule,
  unpinnedUsesRule,
  workflowPermissionsRule,
  type Rule,
} from './workflow-rules.js';

const fixtures = path.join(repoRoot, 'test/fixtures/workflows');

/** fixture → rule → one pattern per expected problem, in order. */
const cases: Array<[fixture: string, rule: Rule, expected: RegExp[]]> = [
  [
    'bad-parse.yml',
    parsesRule,
    [
      /bad-parse\.yml \(Line: 9, Col: 7\): Unexpected value 'pull-request'/,
      /bad-parse\.yml \(Line: 10, Col: 5\): Unexpected value 'timeout'/,
    ],
  ],
  [
    'bad-parse-semantic.yml',
    parsesRule,
    [
      /bad-parse-semantic\.yml \(Line: 9, Col: 13\): Job 'build' depends on unknown job 'missing'/,
      /Invalid input, no-such-input is not defined in the referenced workflow/,
      /Invalid secret, no-such-secret is not defined in the referenced workflow/,
    ],
  ],
  [
    'bad-workflow-permissions-missing.yml',
    workflowPermissionsRule,
    [/no top-level `permissions:`/],
  ],
  [
    'bad-workflow-permissions-write.yml',
    workflowPermissionsRule,
    [/top-level `issues: write`/, /top-level `pull-requests: write`/],
  ],
  ['bad-workflow-permissions-write-all.yml', workflowPermissionsRule, [/`permissions: write-all`/]],
  [
    'bad-job-permissions.yml',
    jobPermissionsRule,
    [
      /job inherits: no `permissions:`/,
      /job everything: `permissions: write-all`/,
      /job unexplained: `issues: write` has no comment/,
    ],
  ],
  [
    'bad-dangerous-triggers.yml',
    dangerousTriggersRule,
    [/on: pull_request_target/, /on: workflow_run/],
  ],
  [
    'bad-template-injection.yml',
    templateInjectionRule,
    [
      /step "title": `\$\{\{ github\.event\.pull_request\.title \}\}`/,
      /step "branch": `\$\{\{ github\.head_ref \}\}`/,
      /step "reason": `\$\{\{ inputs\.reason \}\}`/,
      /step "output": `\$\{\{ steps\.previous\.outputs\.value \}\}`/,
    ],
  ],
  [
    'bad-unpinned-uses.yml',
    unpinnedUsesRule,
    [
      /job call: `someone\/workflows\/\.github\/workflows\/build\.yml@main` is not pinned/,
      /`actions\/checkout@v5` is not pinned/,
      /`actions\/setup-node@main` is not pinned/,
      /`actions\/cache@0c45773` is not pinned/,
      /`actions\/download-artifact@634f93cb2916e3fdff6788551b99b062d0335ce0`: add the version/,
      /`docker:\/\/alpine:3\.20`: pin the image by digest/,
      /`mlops-actions\/mlops-actions\/actions\/train@main`: our own actions are used at @v1/,
    ],
  ],
  ['bad-publish-concurrency.yml', concurrencyRule, [/job publish: no concurrency group/]],
  [
    'bad-promote-concurrency.yml',
    concurrencyRule,
    [/workflow: a promote workflow must say `cancel-in-progress: false`/, /job promote: a promote/],
  ],
  ['bad-drift-concurrency.yml', concurrencyRule, [/job report: no concurrency group/]],
  [
    'bad-self-hosted.yml',
    selfHostedRunnerRule,
    [
      /job ungated may run on a self-hosted runner when a fork opens a pull request/,
      /job ungated may run .* when a fork pushes after a maintainer labelled/,
      /job ungated may run .* when someone adds another label/,
      /job ungated may run .* when a fork pull request under pull_request_target/,
      /job sticky-label may run .* when a fork pushes after a maintainer labelled/,
      /job sticky-label may run .* when someone adds another label/,
      /job no-environment may run on a self-hosted runner: give it an `environment:`/,
      /job never-approvable does not run when a maintainer labels a fork's pull request/,
    ],
  ],
  [
    'bad-bot-pull-requests.yml',
    botPullRequestsRule,
    [
      /job trusts-branches may run on a self-hosted runner when Dependabot opens a pull request/,
      /job trusts-branches may run .* when Renovate pushes to its pull request/,
      /job trusts-branches may run .* when a bot pushes to a person's pull request/,
      /job trusts-branches may run .* when someone pushes to Dependabot's pull request labelled/,
      /job authorize-forks-only does not run when a maintainer labels Dependabot's pull request safe-to-train: job authorize it needs is skipped/,
    ],
  ],
  [
    'bad-labelled-commit.yml',
    labelledCommitRule,
    [
      /job merge-ref, checkout: on the safe-to-train path it checks out whatever the event's ref is/,
      /job unchecked-output, checkout: ref .*needs\.permission-only\.outputs\.sha.* comes from job permission-only, which does not compare/,
    ],
  ],
  [
    'bad-artipacked.yml',
    artipackedRule,
    [/job default, step 1 .*persist-credentials: false/, /job explicit, step 1 .*persist/],
  ],
  ['bad-secrets-inherit.yml', secretsInheritRule, [/job call: `secrets: inherit`/]],
  [
    'bad-caller-permissions.yml',
    callerPermissionsRule,
    [
      // authorize reads the pull request's current head (the labelled-commit check).
      /job authorize asks for `pull-requests: read`, the caller grants `none`/,
      // doctor reads the training environment.
      /job doctor asks for `actions: read`, the caller grants `none`/,
      /job evaluate asks for `pull-requests: write`, the caller grants `none`/,
      /job evaluate asks for `checks: write`, the caller grants `read`/,
      /job evaluate asks for `actions: read`, the caller grants `none`/,
    ],
  ],
  [
    'bad-reusable-interface.yml',
    reusableInterfaceRule,
    [/input config: no description/, /input labels: no type/, /secret token: no description/],
  ],
  [
    'bad-release-cache.yml',
    cachePoisoningRule,
    [/job build, step 1 .*`cache:` restores a cache/, /job build, step 2 .*restores a cache/],
  ],
  [
    'bad-own-action-inputs.yml',
    ownActionInputsRule,
    [
      /job train, step 1 .*`artifact` is not an input of actions\/train\/action\.yml/,
      /job train, step 2 .*`commands` is not an input of action\.yml/,
    ],
  ],
];

describe('each rule catches what it is for', () => {
  for (const [fixture, rule, expected] of cases) {
    it(`${rule.id} flags ${fixture}`, { timeout: 60_000 }, async () => {
      const workflow = await loadWorkflow(path.join(fixtures, fixture));
      expect(rule.appliesTo(workflow)).toBe(true);
      const problems = await rule.check(workflow, { resolve: resolveOwnWorkflow });
      expect(problems, problems.join('\n')).toHaveLength(expected.length);
      expected.forEach((pattern, index) => expect(problems[index]).toMatch(pattern));
    });
  }

  it('has at least one bad fixture for every rule', () => {
    const covered = new Set(cases.map(([, rule]) => rule.id));
    expect(rules.map((rule) => rule.id).filter((id) => !covered.has(id))).toEqual([]);
  });
});
