/**
 * Progress as a user sees it: the line's words, the Actions log (a group, a line every 10 s or
 * each tenth, the final figures), and the terminal bar, each pinned.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  actionsProgress,
  progressFor,
  terminalProgress,
} from '../../src/adapters/progress/progress-reporters.js';
import {
  formatBytes,
  formatDuration,
  formatProgress,
} from '../../src/core/progress/format-progress.js';
import { silentProgress } from '../../src/core/progress/progress-port.js';

function fakeClock(start = 0) {
  let t = start;
  return { now: () => t, tick: (ms: number) => (t += ms) };
}

describe('formatProgress', () => {
  it('says records, bytes of the total, the share, the rate and the time left', () => {
    // 100 MiB of 400 MiB in 10 s: 25%, so 30 s left at that pace; 1,000,000 records / 10 s.
    expect(
      formatProgress({
        label: 'validate',
        bytes: 100 * 1024 * 1024,
        records: 1_000_000,
        totalBytes: 400 * 1024 * 1024,
        totalRecords: null,
        elapsedMs: 10_000,
      }),
    ).toMatchInlineSnapshot(
      `"validate: 1,000,000 records, 100.0 MiB of 400.0 MiB (25%), 100,000 records/s, 30 s left"`,
    );
  });

  it('falls back to records when bytes are unknown, and omits what it cannot know', () => {
    expect(
      formatProgress({
        label: 'score',
        bytes: 0,
        records: 50,
        totalBytes: null,
        totalRecords: 200,
        elapsedMs: 5_000,
      }),
    ).toMatchInlineSnapshot(`"score: 50 records (25%), 10 records/s, 15 s left"`);
    expect(
      formatProgress({
        label: 'read',
        bytes: 2048,
        records: 3,
        totalBytes: null,
        totalRecords: null,
        elapsedMs: 0,
      }),
    ).toMatchInlineSnapshot(`"read: 3 records, 2.0 KiB"`);
  });

  it('formats sizes and durations for people', () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(3 * 1024 ** 3)]).toEqual([
      '512 B',
      '1.5 KiB',
      '3.0 GiB',
    ]);
    expect([formatDuration(4_400), formatDuration(125_000), formatDuration(3_725_000)]).toEqual([
      '4 s',
      '2 min 05 s',
      '1 h 02 min',
    ]);
  });
});

describe('progress in an Actions log', () => {
  it('writes a group with a line every 10 s or each tenth, then the final figures', () => {
    const clock = fakeClock();
    const lines: string[] = [];
    const task = actionsProgress({ write: (line) => lines.push(line), clock }).start('drift', {
      bytes: 1000,
      records: null,
    });
    clock.tick(1000);
    task.advance({ bytes: 50, records: 500 }); // 5%, 1 s: nothing yet
    clock.tick(1000);
    task.advance({ bytes: 60, records: 600 }); // 11%: a tenth crossed
    clock.tick(10_000);
    task.advance({ bytes: 10, records: 100 }); // 12%, 10 s after the last line
    clock.tick(1000);
    task.advance({ bytes: 880, records: 8800 }); // 100%
    task.end();
    expect(lines).toMatchInlineSnapshot(`
      [
        "::group::drift: progress",
        "drift: 1,100 records, 110 B of 1000 B (11%), 550 records/s, 16 s left",
        "drift: 1,200 records, 120 B of 1000 B (12%), 100 records/s, 1 min 28 s left",
        "drift: 10,000 records, 1000 B of 1000 B (100%), 769 records/s",
        "::endgroup::",
      ]
    `);
  });

  it('shows nothing for work that ends before the first line is due', () => {
    const lines: string[] = [];
    const task = actionsProgress({ write: (line) => lines.push(line), clock: fakeClock() }).start(
      'x',
      {
        bytes: null,
        records: null,
      },
    );
    task.advance({ records: 10 });
    task.end();
    expect(lines).toEqual([]);
  });
});

describe('progress on a terminal', () => {
  it('draws a bar on stderr and clears it at the end', () => {
    let text = '';
    const stream = Object.assign(
      new Writable({
        write(chunk, _encoding, callback) {
          text += String(chunk);
          callback();
        },
      }),
      {
        isTTY: true,
        columns: 200,
        cursorTo: () => true,
        clearLine: () => true,
        moveCursor: () => true,
      },
    ) as unknown as NodeJS.WriteStream;
    const clock = fakeClock();
    const task = terminalProgress({ stream, clock }).start('validate', {
      bytes: 400,
      records: null,
    });
    clock.tick(2000);
    task.advance({ bytes: 100, records: 1000 });
    task.end();
    // eslint-disable-next-line no-control-regex
    const shown = text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
    expect(shown).toContain(
      '[#####---------------] validate: 1,000 records, 100 B of 400 B (25%), 500 records/s, 6 s left',
    );
  });

  it('is chosen by where it runs: Actions, a terminal, or nothing', () => {
    const tty = { isTTY: true } as NodeJS.WriteStream;
    const pipe = { isTTY: false } as NodeJS.WriteStream;
    expect(progressFor({ quiet: true, env: { GITHUB_ACTIONS: 'true' } })).toBe(silentProgress);
    expect(progressFor({ env: {}, stderr: pipe })).toBe(silentProgress);
    expect(progressFor({ env: {}, stderr: tty })).not.toBe(silentProgress);
    expect(progressFor({ env: { GITHUB_ACTIONS: 'true' }, stderr: pipe })).not.toBe(silentProgress);
  });
});
