/**
 * The emulator's in-memory GitHub: users, tokens and repositories with everything the product
 * touches. Tests seed it before a run and inspect it after; the route handlers read and write the
 * same records. Records keep semantic values only; the JSON GitHub would send is built from them by
 * each resource's file, because URLs depend on the address the server listens on.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createZip } from './zip.js';

export type UserType = 'User' | 'Bot' | 'Organization';
/** Repository roles, strongest first, as GitHub names them. */
export type Role = 'admin' | 'maintain' | 'write' | 'triage' | 'read';

export interface UserRecord {
  readonly login: string;
  readonly id: number;
  readonly type: UserType;
  readonly siteAdmin: boolean;
  readonly name: string | null;
  readonly email: string | null;
}

export interface TokenRecord {
  readonly login: string;
  /** What the token may do on every repository: `read` makes writes answer 403, as a fork's token does. */
  readonly access: 'read' | 'write';
}

export interface LabelRecord {
  readonly id: number;
  name: string;
  color: string;
  description: string | null;
  readonly isDefault: boolean;
}

export interface IssueRecord {
  readonly id: number;
  readonly number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'reopened' | 'not_planned' | 'duplicate' | null;
  readonly user: string;
  /** Lower-cased label names, in the order they were added. */
  labels: string[];
  locked: boolean;
  readonly createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  closedBy: string | null;
  /** Set when the issue is a pull request's conversation. */
  readonly isPullRequest: boolean;
}

export interface CommentRecord {
  readonly id: number;
  readonly issueNumber: number;
  body: string;
  readonly user: string;
  readonly createdAt: string;
  updatedAt: string;
}

export interface PullRecord {
  readonly id: number;
  readonly number: number;
  readonly headRef: string;
  headSha: string;
  baseRef: string;
  baseSha: string;
  draft: boolean;
  merged: boolean;
  mergedAt: string | null;
  mergedBy: string | null;
  mergeCommitSha: string | null;
  maintainerCanModify: boolean;
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'PENDING' | 'DISMISSED';

export interface ReviewRecord {
  readonly id: number;
  readonly pullNumber: number;
  readonly user: string;
  body: string;
  state: ReviewState;
  readonly commitId: string;
  submittedAt: string | null;
}

export interface ReleaseRecord {
  readonly id: number;
  tagName: string;
  targetCommitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  readonly author: string;
  readonly createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
  /** GitHub's `untagged-<hex>` name that a draft's URLs carry instead of its tag. */
  readonly untaggedName: string;
}

export interface AssetRecord {
  readonly id: number;
  readonly releaseId: number;
  name: string;
  label: string;
  readonly contentType: string;
  readonly data: Buffer;
  readonly digest: string;
  readonly uploader: string;
  downloadCount: number;
  readonly createdAt: string;
  updatedAt: string;
  /** Unguessable part of the redirect target, standing in for a signed storage URL. */
  readonly downloadKey: string;
}

export interface GitActor {
  readonly name: string;
  readonly email: string;
  readonly date: string;
}

/** A commit's files: path (no leading slash, `/` between directories) to content. */
export type FileTree = ReadonlyMap<string, Buffer>;

/** Changes to a tree: path to new content, or `null` to delete the file. */
export type FileChanges = Readonly<Record<string, string | Buffer | null>>;

export interface CommitRecord {
  readonly sha: string;
  /** Git's SHA of the root tree of `files`. */
  readonly treeSha: string;
  readonly message: string;
  readonly parents: readonly string[];
  readonly author: GitActor;
  readonly committer: GitActor;
  /** The full tree of the commit, not only what it changed. */
  readonly files: FileTree;
}

export interface TagObjectRecord {
  readonly sha: string;
  readonly tag: string;
  readonly message: string;
  readonly objectSha: string;
  readonly objectType: 'commit' | 'tree' | 'blob' | 'tag';
  readonly tagger: GitActor;
}

export interface AnnotationRecord {
  readonly path: string;
  readonly start_line: number;
  readonly end_line: number;
  readonly start_column?: number;
  readonly end_column?: number;
  readonly annotation_level: 'notice' | 'warning' | 'failure';
  readonly message: string;
  readonly title?: string;
  readonly raw_details?: string;
}

export type CheckStatus = 'queued' | 'in_progress' | 'completed';
export type CheckConclusion =
  'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required';

export interface CheckRunRecord {
  readonly id: number;
  readonly checkSuiteId: number;
  name: string;
  readonly headSha: string;
  status: CheckStatus;
  conclusion: CheckConclusion | null;
  externalId: string;
  detailsUrl: string | null;
  startedAt: string | null;
  completedAt: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: AnnotationRecord[];
  /** The GitHub App that wrote it; absent: GitHub Actions (what `GITHUB_TOKEN` writes as). */
  app?: { readonly id: number; readonly slug: string; readonly name: string };
}

export type CommitState = 'error' | 'failure' | 'pending' | 'success';

export interface StatusRecord {
  readonly id: number;
  readonly sha: string;
  readonly state: CommitState;
  readonly targetUrl: string | null;
  readonly description: string | null;
  readonly context: string;
  readonly creator: string;
  readonly createdAt: string;
}

export interface WorkflowRecord {
  readonly id: number;
  readonly name: string;
  /** `.github/workflows/<file>`; its file name also identifies the workflow in URLs. */
  readonly path: string;
}

export interface WorkflowRunRecord {
  readonly id: number;
  readonly workflowId: number;
  readonly runNumber: number;
  readonly event: string;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion: string | null;
  readonly headBranch: string | null;
  readonly headSha: string;
  readonly displayTitle: string;
  readonly actor: string;
  readonly createdAt: string;
  updatedAt: string;
  /** The repository the run's head is in (a fork's, for a fork's pull request); default: this one. */
  readonly headRepositoryId?: number;
  readonly runAttempt?: number;
  /** Reusable workflows the run called, as `referenced_workflows` lists them. */
  readonly referencedWorkflows?: readonly { path: string; sha: string; ref?: string }[];
}

export interface ArtifactRecord {
  readonly id: number;
  readonly runId: number;
  readonly name: string;
  /** The zip GitHub would serve, built when the artifact is seeded. */
  readonly zip: Buffer;
  readonly digest: string;
  expired: boolean;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly downloadKey: string;
}

export interface DispatchRecord {
  readonly workflowId: number;
  readonly workflowPath: string;
  readonly ref: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly actor: string;
  readonly runId: number;
  readonly at: string;
}

export interface RateLimitRecord {
  limit: number;
  remaining: number;
  /** Epoch seconds when `remaining` returns to `limit`. */
  reset: number;
  used: number;
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** Git's object ID: the SHA-1 of `<type> <length>\0<content>`. */
function gitObjectSha(type: 'blob' | 'tree', content: Buffer): string {
  return createHash('sha1').update(`${type} ${content.length}\0`).update(content).digest('hex');
}

/** The SHA git gives a file's content (`git hash-object`), which the contents API calls `sha`. */
export function blobSha(content: Buffer | string): string {
  return gitObjectSha('blob', typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
}

/** Git's SHA of the empty tree. */
export const EMPTY_TREE_SHA = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/**
 * Git's SHA of the tree holding `files` under `prefix` (`''` for the root, else `dir/`), built as
 * git builds tree objects: one entry per name, sorted as git sorts them (a directory as if its name
 * ended in `/`), files as mode 100644. So a directory's SHA is what `git rev-parse HEAD:dir` says.
 */
export function treeSha(files: FileTree, prefix = ''): string {
  const entries = new Map<string, { mode: string; sha: string }>();
  for (const [path, content] of files) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash < 0) {
      entries.set(rest, { mode: '100644', sha: blobSha(content) });
    } else {
      const dir = rest.slice(0, slash);
      if (!entries.has(`${dir}/`)) {
        entries.set(`${dir}/`, { mode: '40000', sha: treeSha(files, `${prefix}${dir}/`) });
      }
    }
  }
  const sorted = [...entries.entries()].sort(([a], [b]) =>
    Buffer.compare(Buffer.from(a), Buffer.from(b)),
  );
  const body = Buffer.concat(
    sorted.map(([key, entry]) =>
      Buffer.concat([
        Buffer.from(`${entry.mode} ${key.replace(/\/$/, '')}\0`, 'utf8'),
        Buffer.from(entry.sha, 'hex'),
      ]),
    ),
  );
  return gitObjectSha('tree', body);
}

/** `tree` with `changes` applied: a string or Buffer writes the file, `null` deletes it. */
export function applyChanges(tree: FileTree, changes: FileChanges): Map<string, Buffer> {
  const files = new Map(tree);
  for (const [path, content] of Object.entries(changes)) {
    if (content === null) files.delete(path);
    else files.set(path, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
  }
  return files;
}

function toTree(files: FileTree | Readonly<Record<string, string | Buffer>>): Map<string, Buffer> {
  return files instanceof Map
    ? new Map(files as FileTree)
    : applyChanges(new Map(), files as Readonly<Record<string, string | Buffer>>);
}

export function sha256Digest(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** GitHub's timestamps: ISO 8601 in UTC without milliseconds. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class RepoState {
  readonly collaborators = new Map<string, Role>();
  readonly labels = new Map<string, LabelRecord>();
  readonly issues = new Map<number, IssueRecord>();
  readonly comments = new Map<number, CommentRecord>();
  readonly pulls = new Map<number, PullRecord>();
  readonly reviews = new Map<number, ReviewRecord>();
  readonly releases = new Map<number, ReleaseRecord>();
  readonly assets = new Map<number, AssetRecord>();
  /** Full ref name (`refs/heads/main`) to the SHA it points at. */
  readonly refs = new Map<string, string>();
  readonly commits = new Map<string, CommitRecord>();
  readonly tagObjects = new Map<string, TagObjectRecord>();
  readonly checkRuns = new Map<number, CheckRunRecord>();
  readonly statuses: StatusRecord[] = [];
  readonly workflows = new Map<number, WorkflowRecord>();
  readonly runs = new Map<number, WorkflowRunRecord>();
  readonly artifacts = new Map<number, ArtifactRecord>();
  readonly dispatches: DispatchRecord[] = [];
  /** Issues and pull requests share one sequence of numbers, as on GitHub. */
  nextNumber = 1;

  constructor(
    readonly world: EmulatorState,
    readonly id: number,
    readonly owner: UserRecord,
    readonly name: string,
    readonly isPrivate: boolean,
    public defaultBranch: string,
    readonly createdAt: string,
  ) {}

  get fullName(): string {
    return `${this.owner.login}/${this.name}`;
  }

  /** The role `login` holds here; the owner is admin. */
  roleOf(login: string): Role | undefined {
    if (login.toLowerCase() === this.owner.login.toLowerCase()) return 'admin';
    return this.collaborators.get(login.toLowerCase());
  }

  addCollaborator(login: string, role: Role = 'write'): UserRecord {
    const user = this.world.user(login) ?? this.world.addUser(login);
    this.collaborators.set(login.toLowerCase(), role);
    return user;
  }

  addLabel(
    name: string,
    options: { color?: string; description?: string | null } = {},
  ): LabelRecord {
    const label: LabelRecord = {
      id: this.world.nextId(),
      name,
      color: options.color ?? 'ededed',
      description: options.description ?? null,
      isDefault: false,
    };
    this.labels.set(name.toLowerCase(), label);
    return label;
  }

  /**
   * Adds a commit object; its SHA is a Git-like hash of its content, so it is stable per content.
   * `files` is the commit's full tree; without it a commit has its first parent's tree, and a
   * commit without parents is empty.
   */
  addCommit(
    options: {
      message?: string;
      parents?: readonly string[];
      author?: Partial<GitActor>;
      committer?: Partial<GitActor>;
      files?: FileTree | Readonly<Record<string, string | Buffer>>;
    } = {},
  ): CommitRecord {
    const date = options.author?.date ?? this.world.timestamp();
    const author: GitActor = {
      name: options.author?.name ?? 'Mona Lisa',
      email: options.author?.email ?? 'mona@example.com',
      date,
    };
    const committer: GitActor = {
      name: options.committer?.name ?? author.name,
      email: options.committer?.email ?? author.email,
      date: options.committer?.date ?? date,
    };
    const message = options.message ?? `Commit ${this.commits.size + 1}`;
    const parents = options.parents ?? [];
    const first = parents[0] !== undefined ? this.commits.get(parents[0]) : undefined;
    const files: FileTree =
      options.files !== undefined ? toTree(options.files) : (first?.files ?? new Map());
    const tree = treeSha(files);
    const content = [
      `tree ${tree}`,
      ...parents.map((p) => `parent ${p}`),
      `author ${author.name} <${author.email}> ${author.date}`,
      `committer ${committer.name} <${committer.email}> ${committer.date}`,
      '',
      message,
    ].join('\n');
    const commit: CommitRecord = {
      sha: sha1(`commit ${Buffer.byteLength(content)}\0${content}`),
      treeSha: tree,
      message,
      parents,
      author,
      committer,
      files,
    };
    this.commits.set(commit.sha, commit);
    return commit;
  }

  /**
   * Points `branch` at `sha` (creating the branch), and moves the head of the open pull requests
   * from that branch with it, as a push does on GitHub.
   */
  moveBranch(branch: string, sha: string): void {
    this.refs.set(`refs/heads/${branch}`, sha);
    for (const pull of this.pulls.values()) {
      if (pull.headRef === branch && this.issues.get(pull.number)?.state === 'open') {
        pull.headSha = sha;
      }
    }
  }

  /**
   * Adds a commit on top of `branch` and moves the branch to it. `changes` apply to the parent's
   * files (`null` deletes). A branch that does not exist yet starts with a root commit, whose tree
   * is `changes` alone.
   */
  commitOnBranch(
    branch: string,
    message?: string,
    changes: FileChanges = {},
    options: { author?: Partial<GitActor>; committer?: Partial<GitActor> } = {},
  ): CommitRecord {
    const parent = this.refs.get(`refs/heads/${branch}`);
    const parentFiles = parent !== undefined ? this.commits.get(parent)?.files : undefined;
    const commit = this.addCommit({
      ...(message !== undefined && { message }),
      ...(options.author !== undefined && { author: options.author }),
      ...(options.committer !== undefined && { committer: options.committer }),
      parents: parent !== undefined ? [parent] : [],
      files: applyChanges(parentFiles ?? new Map(), changes),
    });
    this.moveBranch(branch, commit.sha);
    return commit;
  }

  /**
   * Seeds files: commits `changes` (`null` deletes) on `branch`. Unlike `commitOnBranch`, a branch
   * that does not exist yet starts from the default branch, as a branch created on GitHub would.
   */
  writeFiles(branch: string, changes: FileChanges, message?: string): CommitRecord {
    const ref = `refs/heads/${branch}`;
    if (!this.refs.has(ref)) {
      const base = this.refs.get(`refs/heads/${this.defaultBranch}`);
      if (base !== undefined) this.refs.set(ref, base);
    }
    return this.commitOnBranch(
      branch,
      message ?? `Update ${Object.keys(changes).join(', ')}`,
      changes,
    );
  }

  /** A file's content at a branch, tag or commit SHA; undefined when either is absent. */
  readFile(refOrSha: string, path: string): Buffer | undefined {
    const sha = this.resolveCommitish(refOrSha);
    return sha !== undefined ? this.commits.get(sha)?.files.get(path) : undefined;
  }

  /**
   * A best common ancestor of two commits: the first commit reachable from `b`, breadth first,
   * that is also reachable from `a`. Criss-cross histories with several best bases are not
   * considered; undefined when the histories share nothing.
   */
  mergeBase(a: string, b: string): string | undefined {
    const fromA = new Set<string>();
    const stack = [a];
    while (stack.length > 0) {
      const sha = stack.pop() as string;
      if (fromA.has(sha)) continue;
      fromA.add(sha);
      stack.push(...(this.commits.get(sha)?.parents ?? []));
    }
    const queue = [b];
    const seen = new Set<string>();
    for (let i = 0; i < queue.length; i += 1) {
      const sha = queue[i] as string;
      if (fromA.has(sha)) return sha;
      if (seen.has(sha)) continue;
      seen.add(sha);
      queue.push(...(this.commits.get(sha)?.parents ?? []));
    }
    return undefined;
  }

  addWorkflow(file: string, name?: string): WorkflowRecord {
    const workflow: WorkflowRecord = {
      id: this.world.nextId(),
      name: name ?? file.replace(/\.ya?ml$/, ''),
      path: `.github/workflows/${file}`,
    };
    this.workflows.set(workflow.id, workflow);
    return workflow;
  }

  addWorkflowRun(
    workflow: WorkflowRecord,
    options: {
      event?: string;
      branch?: string | null;
      headSha?: string;
      status?: WorkflowRunRecord['status'];
      conclusion?: string | null;
      actor?: string;
      displayTitle?: string;
      headRepositoryId?: number;
      runAttempt?: number;
      referencedWorkflows?: WorkflowRunRecord['referencedWorkflows'];
    } = {},
  ): WorkflowRunRecord {
    const branch = options.branch === undefined ? this.defaultBranch : options.branch;
    const headSha =
      options.headSha ??
      (branch !== null ? this.refs.get(`refs/heads/${branch}`) : undefined) ??
      this.commitOnBranch(branch ?? this.defaultBranch).sha;
    const now = this.world.timestamp();
    const run: WorkflowRunRecord = {
      id: this.world.nextId(),
      workflowId: workflow.id,
      runNumber: [...this.runs.values()].filter((r) => r.workflowId === workflow.id).length + 1,
      event: options.event ?? 'push',
      status: options.status ?? 'completed',
      conclusion:
        options.conclusion !== undefined
          ? options.conclusion
          : (options.status ?? 'completed') === 'completed'
            ? 'success'
            : null,
      headBranch: branch,
      headSha,
      displayTitle: options.displayTitle ?? workflow.name,
      actor: options.actor ?? this.owner.login,
      createdAt: now,
      updatedAt: now,
      ...(options.headRepositoryId !== undefined && { headRepositoryId: options.headRepositoryId }),
      ...(options.runAttempt !== undefined && { runAttempt: options.runAttempt }),
      ...(options.referencedWorkflows !== undefined && {
        referencedWorkflows: options.referencedWorkflows,
      }),
    };
    this.runs.set(run.id, run);
    return run;
  }

  /** An artifact of `run` holding `files` (path to content), zipped as GitHub serves it. */
  addArtifact(
    run: WorkflowRunRecord,
    name: string,
    files: Readonly<Record<string, string | Buffer>>,
    options: { expired?: boolean } = {},
  ): ArtifactRecord {
    const created = this.world.clock();
    const zip = createZip(
      Object.entries(files).map(([path, content]) => ({
        name: path,
        data: typeof content === 'string' ? Buffer.from(content, 'utf8') : content,
      })),
      created,
    );
    const artifact: ArtifactRecord = {
      id: this.world.nextId(),
      runId: run.id,
      name,
      zip,
      digest: sha256Digest(zip),
      expired: options.expired ?? false,
      createdAt: isoSeconds(created),
      expiresAt: isoSeconds(new Date(created.getTime() + 90 * 24 * 3600 * 1000)),
      downloadKey: randomBytes(12).toString('hex'),
    };
    this.artifacts.set(artifact.id, artifact);
    return artifact;
  }

  /** Seeds an issue without a request; labels are created when missing. */
  addIssue(
    options: {
      title?: string;
      body?: string | null;
      user?: string;
      labels?: readonly string[];
      state?: 'open' | 'closed';
    } = {},
  ): IssueRecord {
    const now = this.world.timestamp();
    const labels: string[] = [];
    for (const name of options.labels ?? []) {
      if (!this.labels.has(name.toLowerCase())) this.addLabel(name);
      labels.push(name.toLowerCase());
    }
    const closed = options.state === 'closed';
    const number = this.nextNumber++;
    const user = options.user ?? this.owner.login;
    const issue: IssueRecord = {
      id: this.world.nextId(),
      number,
      title: options.title ?? `Issue ${number}`,
      body: options.body ?? null,
      state: closed ? 'closed' : 'open',
      stateReason: closed ? 'completed' : null,
      user,
      labels,
      locked: false,
      createdAt: now,
      updatedAt: now,
      closedAt: closed ? now : null,
      closedBy: closed ? user : null,
      isPullRequest: false,
    };
    this.issues.set(number, issue);
    return issue;
  }

  /** Seeds a comment on issue or pull request `issueNumber`. */
  addComment(issueNumber: number, body: string, user: string = this.owner.login): CommentRecord {
    const now = this.world.timestamp();
    const comment: CommentRecord = {
      id: this.world.nextId(),
      issueNumber,
      body,
      user,
      createdAt: now,
      updatedAt: now,
    };
    this.comments.set(comment.id, comment);
    return comment;
  }

  /** Every pull request and issue record by number, for lookups that accept either. */
  issue(number: number): IssueRecord | undefined {
    return this.issues.get(number);
  }

  /** Resolves a branch, tag or SHA (full or abbreviated) to a commit SHA, peeling tag objects. */
  resolveCommitish(ref: string): string | undefined {
    const candidates = [ref, `refs/heads/${ref}`, `refs/tags/${ref}`, `refs/${ref}`];
    for (const name of candidates) {
      const sha = this.refs.get(name);
      if (sha !== undefined) return this.peel(sha);
    }
    if (/^[0-9a-f]{7,40}$/.test(ref)) {
      for (const sha of this.commits.keys()) if (sha.startsWith(ref)) return sha;
    }
    return undefined;
  }

  /** The commit an object SHA ends at, following annotated tags. */
  peel(sha: string): string | undefined {
    let current = sha;
    for (let hops = 0; hops < 10; hops += 1) {
      if (this.commits.has(current)) return current;
      const tag = this.tagObjects.get(current);
      if (tag === undefined) return undefined;
      current = tag.objectSha;
    }
    return undefined;
  }

  /** Whether `ancestor` is reachable from `descendant` through parents. */
  isAncestor(ancestor: string, descendant: string): boolean {
    const seen = new Set<string>();
    const queue = [descendant];
    while (queue.length > 0) {
      const sha = queue.pop() as string;
      if (sha === ancestor) return true;
      if (seen.has(sha)) continue;
      seen.add(sha);
      queue.push(...(this.commits.get(sha)?.parents ?? []));
    }
    return false;
  }

  createTagObject(options: Omit<TagObjectRecord, 'sha'>): TagObjectRecord {
    const content = [
      `object ${options.objectSha}`,
      `type ${options.objectType}`,
      `tag ${options.tag}`,
      `tagger ${options.tagger.name} <${options.tagger.email}> ${options.tagger.date}`,
      '',
      options.message,
    ].join('\n');
    const tag: TagObjectRecord = {
      ...options,
      sha: sha1(`tag ${Buffer.byteLength(content)}\0${content}`),
    };
    this.tagObjects.set(tag.sha, tag);
    return tag;
  }

  /**
   * Marks an open pull request merged into its base, as a maintainer's merge would: a merge commit
   * on top of the base branch whose tree is the base's with the head's changes applied. The
   * changes are the files that differ between the merge base (`mergeBase`) and the head, each
   * taken whole from the head; this is a file-level three-way merge, not git's line-level one.
   * A file changed differently on both sides throws, where GitHub would refuse the merge.
   */
  mergePull(number: number, mergedBy: string = this.owner.login): PullRecord {
    const pull = this.pulls.get(number);
    const issue = this.issues.get(number);
    if (pull === undefined || issue === undefined) throw new Error(`No pull request #${number}`);
    const baseTip = this.refs.get(`refs/heads/${pull.baseRef}`) ?? pull.baseSha;
    const files = this.mergedFiles(baseTip, pull.headSha);
    const merge = this.addCommit({
      message: `Merge pull request #${number} from ${this.owner.login}/${pull.headRef}`,
      parents: [baseTip, pull.headSha],
      files,
    });
    this.refs.set(`refs/heads/${pull.baseRef}`, merge.sha);
    const now = this.world.timestamp();
    Object.assign(pull, { merged: true, mergedAt: now, mergedBy, mergeCommitSha: merge.sha });
    Object.assign(issue, { state: 'closed', closedAt: now, closedBy: mergedBy, updatedAt: now });
    return pull;
  }

  /** The tree of merging `head` into `base`, file by file (see `mergePull`). */
  private mergedFiles(base: string, head: string): Map<string, Buffer> {
    const empty: FileTree = new Map();
    const ancestor = this.mergeBase(base, head);
    const was = (ancestor !== undefined ? this.commits.get(ancestor)?.files : undefined) ?? empty;
    const ours = this.commits.get(base)?.files ?? empty;
    const theirs = this.commits.get(head)?.files ?? empty;
    const files = new Map(ours);
    const conflicts: string[] = [];
    for (const path of new Set([...was.keys(), ...theirs.keys()])) {
      const before = was.get(path);
      const after = theirs.get(path);
      if (sameContent(before, after)) continue;
      const current = ours.get(path);
      if (!sameContent(current, before) && !sameContent(current, after)) conflicts.push(path);
      else if (after === undefined) files.delete(path);
      else files.set(path, after);
    }
    if (conflicts.length > 0) {
      throw new Error(`Merge conflict in ${conflicts.sort().join(', ')}`);
    }
    return files;
  }
}

function sameContent(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a === undefined || b === undefined ? a === b : a.equals(b);
}

export interface EmulatorStateOptions {
  readonly now?: () => Date;
}

export class EmulatorState {
  readonly users = new Map<string, UserRecord>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly repos = new Map<string, RepoState>();
  readonly rateLimit: RateLimitRecord;
  private lastId = 1000;
  private readonly now: () => Date;

  constructor(options: EmulatorStateOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.rateLimit = {
      limit: 5000,
      remaining: 5000,
      used: 0,
      reset: Math.floor(this.now().getTime() / 1000) + 3600,
    };
  }

  /** One counter for every object, so IDs never collide across kinds (GitHub's are global too). */
  nextId(): number {
    this.lastId += 1;
    return this.lastId;
  }

  timestamp(): string {
    return isoSeconds(this.now());
  }

  clock(): Date {
    return this.now();
  }

  user(login: string): UserRecord | undefined {
    return this.users.get(login.toLowerCase());
  }

  addUser(
    login: string,
    options: { type?: UserType; id?: number; name?: string | null; email?: string | null } = {},
  ): UserRecord {
    const user: UserRecord = {
      login,
      id: options.id ?? this.nextId(),
      type: options.type ?? (login.endsWith('[bot]') ? 'Bot' : 'User'),
      siteAdmin: false,
      name: options.name ?? null,
      email: options.email ?? null,
    };
    this.users.set(login.toLowerCase(), user);
    return user;
  }

  addToken(token: string, login: string, access: TokenRecord['access'] = 'write'): void {
    if (this.user(login) === undefined) this.addUser(login);
    this.tokens.set(token, { login, access });
  }

  addRepo(
    owner: string,
    name: string,
    options: { private?: boolean; defaultBranch?: string; ownerType?: UserType } = {},
  ): RepoState {
    const ownerRecord =
      this.user(owner) ?? this.addUser(owner, { type: options.ownerType ?? 'User' });
    const repo = new RepoState(
      this,
      this.nextId(),
      ownerRecord,
      name,
      options.private ?? false,
      options.defaultBranch ?? 'main',
      this.timestamp(),
    );
    repo.commitOnBranch(repo.defaultBranch, 'Initial commit');
    this.repos.set(repo.fullName.toLowerCase(), repo);
    return repo;
  }

  repo(owner: string, name: string): RepoState | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  repoById(id: number): RepoState | undefined {
    for (const repo of this.repos.values()) if (repo.id === id) return repo;
    return undefined;
  }
}
