/** SetAsideFiles: the previous files whole after a failure, gone after a success. */
import { readdir, readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { SetAsideFiles } from '../../src/adapters/fs/set-aside-files.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.cleanup();
  ws = undefined;
});

describe('SetAsideFiles', () => {
  it('restore puts the previous files back and removes what had no previous file', async () => {
    ws = await createWorkspace({ 'out/model.onnx': 'old model', 'out/manifest.json': 'old' });
    const aside = new SetAsideFiles();
    const files = ['out/model.onnx', 'out/metrics.json', 'out/manifest.json'].map((f) =>
      ws!.path(f),
    );
    await aside.setAside(files);
    expect(await readdir(ws.path('out'))).toHaveLength(2); // only the hidden copies
    await ws.write('out/model.onnx', 'half a new model');
    await ws.write('out/metrics.json', '{}');
    await aside.restore();
    expect((await readdir(ws.path('out'))).sort()).toEqual(['manifest.json', 'model.onnx']);
    expect(await ws.read('out/model.onnx')).toBe('old model');
    expect(await ws.read('out/manifest.json')).toBe('old');
  });

  it('discard deletes the previous files, and a later restore changes nothing', async () => {
    ws = await createWorkspace({ 'out/model.onnx': 'old model' });
    const aside = new SetAsideFiles();
    await aside.setAside([ws.path('out/model.onnx')]);
    await ws.write('out/model.onnx', 'new model');
    await aside.discard();
    await aside.restore();
    expect(await readdir(ws.path('out'))).toEqual(['model.onnx']);
    expect(await readFile(ws.path('out/model.onnx'), 'utf8')).toBe('new model');
  });
});
