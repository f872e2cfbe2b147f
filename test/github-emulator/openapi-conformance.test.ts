import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { routes, type Exchange } from '../support/github-emulator/index.js';
import { useGitHubEmulator } from '../support/github-emulator/harness.js';
import {
  OpenApiConformance,
  toJsonSchema,
} from '../support/github-emulator/openapi-conformance.js';

const gh = useGitHubEmulator();
const ISSUE = '/repos/{owner}/{repo}/issues/{issue_number}';

/** A recorded exchange with some fields replaced, to feed the checker shapes GitHub never sends. */
function forged(base: Exchange, changes: Partial<Exchange>): Exchange {
  return { ...base, ...changes };
}

describe('the OpenAPI conformance check', () => {
  it('reads the OpenAPI 3.0 description, whose nullable fields it rewrites for JSON Schema', () => {
    const require = createRequire(import.meta.url);
    const pkg = JSON.parse(
      readFileSync(require.resolve('@octokit/openapi/package.json'), 'utf8'),
    ) as {
      version: string;
    };
    expect(OpenApiConformance.load().version).toBe(pkg.version);
    expect(toJsonSchema({ type: 'string', nullable: true, example: 'x' })).toEqual({
      anyOf: [{ type: 'string' }, { type: 'null' }],
    });
    expect(toJsonSchema({ type: 'string', enum: ['a'], nullable: true })).toEqual({
      anyOf: [{ type: 'string', enum: ['a', null] }, { type: 'null' }],
    });
    // Property names are data, not keywords: a property called "example" stays.
    expect(toJsonSchema({ type: 'object', properties: { example: { type: 'integer' } } })).toEqual({
      type: 'object',
      properties: { example: { type: 'integer' } },
    });
  });

  it('finds each emulator route in the description, literal segments winning', () => {
    const conformance = OpenApiConformance.load();
    const api = routes.filter((r) => !r.public);
    for (const route of api) {
      const sample = route.template.replace(/\{[^}]+\}/g, (m) => (m === '{ref}' ? 'main' : 'x1'));
      expect(conformance.templateFor(sample), route.template).toBe(route.template);
    }
    expect(conformance.templateFor('/repos/o/r/releases/assets/5')).toBe(
      '/repos/{owner}/{repo}/releases/assets/{asset_id}',
    );
    // Refs span segments where the description says so, whether slashes come raw or encoded.
    expect(conformance.templateFor('/repos/o/r/git/matching-refs/tags/iris%23production%23')).toBe(
      '/repos/{owner}/{repo}/git/matching-refs/{ref}',
    );
    expect(conformance.templateFor('/repos/o/r/git/ref/tags%2Firis')).toBe(
      '/repos/{owner}/{repo}/git/ref/{ref}',
    );
    expect(conformance.templateFor('/repos/o/r/commits/feature%2Fx/check-runs')).toBe(
      '/repos/{owner}/{repo}/commits/{ref}/check-runs',
    );
  });

  it('accepts a real response and rejects malformed ones', async () => {
    const { octokit, repo } = gh;
    const conformance = OpenApiConformance.load();
    const created = await octokit.rest.issues.create({ ...repo, title: 'shape', labels: ['l'] });
    const good = created.data as unknown as Record<string, unknown>;
    expect(conformance.validateBody('GET', ISSUE, 200, good)).toEqual([]);

    expect(
      conformance.validateBody('GET', ISSUE, 200, { ...good, number: String(good['number']) }),
    ).toEqual(['issues/get 200: /number must be integer']);
    const { user: _user, ...withoutUser } = good;
    expect(conformance.validateBody('GET', ISSUE, 200, withoutUser)).toContain(
      "issues/get 200: (body) must have required property 'user'",
    );
    expect(
      conformance.validateBody('GET', ISSUE, 200, { ...good, closed_at: 'yesterday' }),
    ).toContain('issues/get 200: /closed_at must match format "date-time"');
    expect(
      conformance.validateBody('GET', ISSUE, 200, { ...good, state_reason: 'abandoned' }),
    ).toContain('issues/get 200: /state_reason must be equal to one of the allowed values');
    // Errors are held to GitHub's error shapes too.
    expect(
      conformance.validateBody('POST', '/repos/{owner}/{repo}/labels', 422, { message: 'x' }),
    ).toContain("issues/create-label 422: (body) must have required property 'documentation_url'");
  });

  it('flags wrong statuses, missing headers, unknown paths and bodies where none belong', async () => {
    const { octokit, repo } = gh;
    const conformance = OpenApiConformance.load();
    await octokit.rest.issues.create({ ...repo, title: 'headers' });
    const create = gh.emulator.exchanges.findLast(
      (e) => e.method === 'POST' && e.path.endsWith('/issues'),
    );
    expect(create).toBeDefined();
    const real = create as Exchange;
    expect(conformance.check([real]).problems).toEqual([]);

    const { location: _location, ...noLocation } = real.responseHeaders;
    const problems = conformance.check([
      forged(real, { status: 200 }),
      forged(real, { responseHeaders: noLocation }),
      forged(real, {
        path: '/repos/octo-org/models/isues',
        url: '/repos/octo-org/models/isues',
        template: undefined,
      }),
      forged(real, { status: 204 }),
      forged(real, { responseHeaders: { ...real.responseHeaders, 'content-type': 'text/plain' } }),
    ]).problems;
    expect(problems).toEqual([
      expect.stringContaining('status 200 is not documented for issues/create'),
      expect.stringContaining('documented header Location is missing'),
      expect.stringContaining('no path of the OpenAPI description matches'),
      expect.stringContaining('status 204 is not documented for issues/create'),
      expect.stringContaining('content-type text/plain for a JSON body'),
    ]);
  });

  it('has checked every operation the other test files use, in this file at least once', async () => {
    const { octokit, repo } = gh;
    await octokit.rest.repos.get(repo);
    const { checked, problems } = OpenApiConformance.load().check(gh.emulator.exchanges);
    expect(problems).toEqual([]);
    expect([...checked.keys()]).toEqual(
      expect.arrayContaining([
        'GET /repos/{owner}/{repo} 200',
        'POST /repos/{owner}/{repo}/issues 201',
      ]),
    );
  });
});
