/**
 * Downloads one named asset of a registered version (the `profile.json` check-drift compares
 * with), verified against the digest the version's manifest records in `publication.assets` and,
 * on GitHub, against the asset digest GitHub computed. Local registries keep the asset in the
 * version folder (`<root>/<model>/v<version>/<name>`) and are verified the same way.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DataError } from '../../core/errors.js';
import type { Manifest } from '../../core/manifest/manifest.js';
import { sha256Digest } from '../../core/provenance/sha256.js';
import { formatVersionTag, normalizeVersion } from '../../core/registry/registry-port.js';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { GitHubRegistry } from '../github/github-registry.js';
import { LocalRegistry } from './local-registry.js';
import { parseManifestFor } from './verified-file.js';

function recordedDigest(manifest: Manifest, name: string, where: string): string {
  const entry = manifest.publication?.assets.find((asset) => asset.path === name);
  if (entry === undefined) {
    throw new DataError(
      `${where}: its manifest records no ${name} among the published assets (publication.assets), so the file cannot be verified`,
    );
  }
  return entry.digest;
}

function verify(bytes: Buffer, expected: string, what: string): void {
  const actual = sha256Digest(bytes);
  if (actual !== expected.toLowerCase()) {
    throw new DataError(
      `${what}: the downloaded bytes have digest ${actual}, but the manifest records ${expected}; the file was discarded.`,
    );
  }
}

/** The GitHub registry, able to fetch any asset of a version. */
export class GitHubAssetRegistry extends GitHubRegistry {
  async downloadAsset(
    model: string,
    version: string,
    name: string,
    destDir: string,
  ): Promise<string> {
    const bare = normalizeVersion(version);
    const tag = formatVersionTag(model, bare);
    const found = await this.release(model, bare);
    if (found === null)
      throw new DataError(`${model} v${bare} is not registered (no release ${tag}).`);
    const where = `release ${tag} (${found.version.releaseUrl})`;
    const byName = (wanted: string) => {
      const asset = found.assets.find((a) => a.name === wanted);
      if (asset === undefined) {
        throw new DataError(
          `${where} has no ${wanted} asset (it has: ${found.assets.map((a) => a.name).join(', ') || 'none'}).`,
        );
      }
      return asset;
    };
    const manifestAsset = byName('manifest.json');
    const asset = byName(name);
    const manifestBytes = await this.downloadSmallAsset(manifestAsset.id);
    if (manifestAsset.digest !== null)
      verify(manifestBytes, manifestAsset.digest, `${where} manifest.json`);
    const manifest = parseManifestFor(manifestBytes.toString('utf8'), {
      model,
      version: bare,
      where,
    });
    const bytes = await this.downloadSmallAsset(asset.id);
    verify(bytes, recordedDigest(manifest, name, where), `${where} ${name}`);
    if (asset.digest !== null) verify(bytes, asset.digest, `${where} ${name} (GitHub's digest)`);
    const target = path.join(destDir, name);
    await writeFileAtomic(target, bytes);
    return target;
  }
}

/** The local registry, reading an asset from the version folder after verifying it. */
export class LocalAssetRegistry extends LocalRegistry {
  async downloadAsset(model: string, version: string, name: string): Promise<string> {
    const bare = normalizeVersion(version);
    const dir = this.versionFolder(model, bare);
    const where = `${formatVersionTag(model, bare)} in the local registry (${dir})`;
    const manifest = await this.readManifest(model, bare);
    const file = path.join(dir, name);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      throw new DataError(`${where} has no ${name}.`, { cause: error });
    }
    const entry = manifest.publication?.assets.find((asset) => asset.path === name);
    if (entry !== undefined) verify(bytes, entry.digest, `${where} ${name}`);
    return file;
  }
}
