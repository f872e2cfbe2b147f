/**
 * The environment a training command runs with: an allow-list, never the runner's own
 * environment. A JavaScript action's process holds the runner's credentials and command files
 * (`ACTIONS_RUNTIME_TOKEN` and `ACTIONS_RESULTS_URL` upload artifacts as the run, e.g. a fake
 * `evaluation-<model>` before evaluate writes the real one; `ACTIONS_ID_TOKEN_REQUEST_*` mint
 * OIDC tokens; `INPUT_GITHUB-TOKEN` is the action's token; `GITHUB_OUTPUT`, `GITHUB_ENV`,
 * `GITHUB_PATH` and `GITHUB_STATE` change later steps). User code gets what a training script
 * legitimately needs, listed here and in the README's training contract, plus the names the
 * user adds (`train.env` in mlops.yml, the `env` input of the train action).
 */

/** Names passed as they are. */
const ALLOWED_NAMES: ReadonlySet<string> = new Set([
  // The process basics.
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'TERM',
  'TZ',
  'TMPDIR',
  'TMP',
  'TEMP',
  'HOSTNAME',
  'LD_LIBRARY_PATH',
  'PKG_CONFIG_PATH',
  // Network and certificates (a corporate proxy, a private CA).
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
  // Python environments (actions/setup-python, venv, conda) and thread counts.
  'VIRTUAL_ENV',
  'pythonLocation',
  'Python_ROOT_DIR',
  'Python2_ROOT_DIR',
  'Python3_ROOT_DIR',
  'OMP_NUM_THREADS',
  'MKL_NUM_THREADS',
  'OPENBLAS_NUM_THREADS',
  'HF_HOME',
  'TORCH_HOME',
  // The runner, without its credentials.
  'CI',
  'RUNNER_OS',
  'RUNNER_ARCH',
  'RUNNER_NAME',
  'RUNNER_ENVIRONMENT',
  'RUNNER_TEMP',
  'RUNNER_TOOL_CACHE',
  'RUNNER_DEBUG',
  // The run's context: public facts about the run, no token and no command file.
  'GITHUB_ACTIONS',
  'GITHUB_SHA',
  'GITHUB_REF',
  'GITHUB_REF_NAME',
  'GITHUB_REF_TYPE',
  'GITHUB_HEAD_REF',
  'GITHUB_BASE_REF',
  'GITHUB_REPOSITORY',
  'GITHUB_REPOSITORY_ID',
  'GITHUB_REPOSITORY_OWNER',
  'GITHUB_REPOSITORY_OWNER_ID',
  'GITHUB_RUN_ID',
  'GITHUB_RUN_NUMBER',
  'GITHUB_RUN_ATTEMPT',
  'GITHUB_WORKFLOW',
  'GITHUB_WORKFLOW_REF',
  'GITHUB_WORKFLOW_SHA',
  'GITHUB_JOB',
  'GITHUB_EVENT_NAME',
  'GITHUB_ACTOR',
  'GITHUB_ACTOR_ID',
  'GITHUB_TRIGGERING_ACTOR',
  'GITHUB_SERVER_URL',
  'GITHUB_API_URL',
  'GITHUB_GRAPHQL_URL',
  'GITHUB_WORKSPACE',
  'GITHUB_RETENTION_DAYS',
]);

/** Families passed by prefix: locale, GPU stacks, Python, conda, XDG dirs, our own contract. */
const ALLOWED_PREFIXES: readonly string[] = [
  'LC_',
  'CUDA_',
  'NVIDIA_',
  'NCCL_',
  'CUDNN_',
  'PYTHON',
  'CONDA_',
  'XDG_',
  'MLOPS_',
];

/**
 * Never passed, even when the user lists them: the runner's and the action's credentials and
 * the files through which a step changes the job.
 */
const FORBIDDEN: readonly RegExp[] = [
  /^ACTIONS_/,
  /^INPUT_/,
  /^GITHUB_TOKEN$/,
  /^GITHUB_(OUTPUT|ENV|STATE|PATH|STEP_SUMMARY|EVENT_PATH)$/,
  /^GITHUB_ACTION(_.*)?$/,
  /^RUNNER_TRACKING_ID$/,
];

/** Whether `name` may never reach user code; the reason, or null. */
export function forbiddenTrainingVariable(name: string): string | null {
  return FORBIDDEN.some((re) => re.test(name))
    ? `${name} is one of the runner's credentials or command files, never passed to the training command`
    : null;
}

/** The allow-list rule for one name (without the user's additions). */
export function allowedTrainingVariable(name: string): boolean {
  if (forbiddenTrainingVariable(name) !== null) return false;
  return ALLOWED_NAMES.has(name) || ALLOWED_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/**
 * The training command's environment: the allowed part of `env`, the user's `extra` names
 * (exact names, or a prefix ending in `*`), then `contract` (the MLOPS_* variables) on top.
 */
export function trainingProcessEnv(options: {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly extra: readonly string[];
  readonly contract: Readonly<Record<string, string>>;
}): Record<string, string> {
  const userRule = (name: string): boolean =>
    options.extra.some((pattern) =>
      pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern,
    );
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.env)) {
    if (value === undefined) continue;
    if (forbiddenTrainingVariable(name) !== null) continue;
    if (allowedTrainingVariable(name) || userRule(name)) out[name] = value;
  }
  return { ...out, ...options.contract };
}

/** The names and patterns `train.env` accepts: a variable name, or a prefix and `*`. */
export const TRAINING_ENV_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*\*?$/;
