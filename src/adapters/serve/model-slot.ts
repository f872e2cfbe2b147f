/**
 * The served model, swappable while requests are in flight. A request takes a lease on the
 * current model and returns it when done; a swap makes the new model current at once and closes
 * the old one only after its last lease ends, so no request ever runs on a released session.
 */
export interface Swappable {
  release(): Promise<void>;
}

export interface Lease<T> {
  readonly value: T;
  done(): void;
}

export class ModelSlot<T extends Swappable> {
  #current: { value: T; leases: number; retired: boolean; closed: Promise<void> | null };

  constructor(initial: T) {
    this.#current = { value: initial, leases: 0, retired: false, closed: null };
  }

  get value(): T {
    return this.#current.value;
  }

  acquire(): Lease<T> {
    const entry = this.#current;
    entry.leases += 1;
    let returned = false;
    return {
      value: entry.value,
      done: () => {
        if (returned) return;
        returned = true;
        entry.leases -= 1;
        if (entry.retired && entry.leases === 0) entry.closed ??= entry.value.release();
      },
    };
  }

  /** Makes `next` current; resolves once the previous model has been released. */
  async swap(next: T): Promise<void> {
    const previous = this.#current;
    this.#current = { value: next, leases: 0, retired: false, closed: null };
    previous.retired = true;
    if (previous.leases === 0) previous.closed ??= previous.value.release();
    await waitClosed(previous);
  }

  /** Releases the current model once its leases end (shutdown). */
  async close(): Promise<void> {
    const entry = this.#current;
    entry.retired = true;
    if (entry.leases === 0) entry.closed ??= entry.value.release();
    await waitClosed(entry);
  }
}

async function waitClosed(entry: { closed: Promise<void> | null; leases: number }): Promise<void> {
  while (entry.closed === null) await new Promise((resolve) => setTimeout(resolve, 5));
  await entry.closed;
}
