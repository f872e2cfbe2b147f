/**
 * The version of mlops-actions that is running. Its one source is package.json: scripts/build.mjs
 * replaces `__MLOPS_VERSION__` with that version in every bundle, so `mlops --version`, the
 * manifests train writes and the release notes publish writes all name the code that made them.
 * Run from the TypeScript sources (tsx, vitest) nothing is injected and the version is `dev`,
 * which is never a released version.
 */
declare const __MLOPS_VERSION__: string | undefined;

export const MLOPS_VERSION: string =
  typeof __MLOPS_VERSION__ === 'string' && __MLOPS_VERSION__ !== '' ? __MLOPS_VERSION__ : 'dev';

/**
 * The tag of this repository a user's files should name for this version: `vX.Y.Z`, the immutable
 * release tag (major tags such as v1 move, and a 0.x release has no v1). From the sources, `v1`.
 */
export const RELEASE_REF: string = MLOPS_VERSION === 'dev' ? 'v1' : `v${MLOPS_VERSION}`;
