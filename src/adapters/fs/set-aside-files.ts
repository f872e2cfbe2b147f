import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Files moved out of the way while a command makes their replacements, so that a failure can
 * put the previous ones back: the previous state whole, never a mix of old and new (a manifest
 * naming the old model's digest beside no model, say).
 *
 * `setAside` renames each file that exists to a hidden name in the same folder (a rename: no
 * copy, and atomic on one file system) and remembers it. `restore` removes whatever the failed
 * attempt left at those paths and renames the previous files back; a path that had no file
 * before has none after. `discard` deletes the set-aside files once the new ones are all written.
 */
export class SetAsideFiles {
  readonly #moved = new Map<string, string | null>();

  /** Moves `files` aside (those that exist); their paths are then free for the new ones. */
  async setAside(files: readonly string[]): Promise<void> {
    for (const file of files) {
      if (this.#moved.has(file)) continue;
      const hidden = path.join(
        path.dirname(file),
        `.${path.basename(file)}.previous-${randomBytes(6).toString('hex')}`,
      );
      try {
        await rename(file, hidden);
        this.#moved.set(file, hidden);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
          // Put back what was already moved before reporting the problem.
          await this.restore();
          throw error;
        }
        this.#moved.set(file, null);
      }
    }
  }

  /** After a failure: every path holds what it held before `setAside` (or nothing, as before). */
  async restore(): Promise<void> {
    const moved = [...this.#moved];
    this.#moved.clear();
    for (const [file, hidden] of moved) {
      await rm(file, { force: true });
      if (hidden !== null) await rename(hidden, file);
    }
  }

  /** After success: the previous files are deleted; a later `restore` does nothing. */
  async discard(): Promise<void> {
    const moved = [...this.#moved];
    this.#moved.clear();
    for (const [, hidden] of moved) {
      if (hidden !== null) await rm(hidden, { force: true });
    }
  }
}
