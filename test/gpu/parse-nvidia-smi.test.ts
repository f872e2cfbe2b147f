/**
 * The parsers on real nvidia-smi outputs (test/fixtures/nvidia-smi, sources in its README). Every
 * expected value was read off the fixture text, not produced by the parser.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  GPU_QUERY_FIELDS,
  cellNumber,
  cellText,
  mentionsMigDevices,
  parseCudaVersion,
  parseDriverVersion,
  parseGpuQuery,
  parseNvidiaSmiList,
  parseNvidiaSmiTable,
  parseQueryCsv,
  parseSampleQuery,
  queryGpuArgs,
  selectVisibleGpus,
  toGpuQueryRow,
  toGpusOutput,
} from '../../src/core/gpu/parse-nvidia-smi.js';

const fixture = (name: string): string =>
  readFileSync(path.join(import.meta.dirname, '../fixtures/nvidia-smi', name), 'utf8');

describe('cells', () => {
  it.each(['[N/A]', '[Not Supported]', '[Requested functionality has been deprecated]', 'N/A', ''])(
    'reads %j as missing',
    (raw) => {
      expect(cellText(raw)).toBeNull();
      expect(cellNumber(raw)).toBeNull();
    },
  );

  it('reads numbers with or without their unit', () => {
    expect(cellNumber('81559 MiB')).toBe(81559);
    expect(cellNumber('81559')).toBe(81559);
    expect(cellNumber('52 %')).toBe(52);
    expect(cellNumber('69.85 W')).toBe(69.85);
    expect(cellNumber('P0')).toBeNull();
  });
});

describe('--query-gpu CSV', () => {
  it('asks for header-less, unit-less CSV of the fields the probe needs', () => {
    expect(queryGpuArgs(GPU_QUERY_FIELDS)).toEqual([
      '--query-gpu=index,name,uuid,memory.total,memory.used,utilization.gpu,driver_version',
      '--format=csv,noheader,nounits',
    ]);
  });

  it('reads every field of an H100 capture by its header, units and all', () => {
    const { rows, unparsed } = parseQueryCsv(
      fixture('h100-80gb-hbm3__590.48.01.query-gpu-all.csv'),
    );
    expect(unparsed).toEqual([]);
    expect(rows).toHaveLength(1);
    const [record] = rows;
    expect(record?.['timestamp']).toBe('2026/07/14 08:12:38.696');
    expect(record?.['name']).toBe('NVIDIA H100 80GB HBM3');
    expect(record?.['memory.total']).toBe('81559 MiB');
    expect(record?.['display_mode']).toBeNull(); // [Requested functionality has been deprecated]
    expect(record?.['fabric.health.summary']).toBeNull(); // bare N/A
    expect(record?.['platform.chassis_serial_number']).toBeNull(); // empty cell: ", ,"
    expect(record?.['platform.peer_type']).toBe('Direct Connected');
    expect(cellNumber(record?.['power.draw'])).toBe(69.85);
    expect(toGpuQueryRow(record ?? {})).toEqual({
      index: 0,
      name: 'NVIDIA H100 80GB HBM3',
      uuid: 'GPU-00000000-0000-0000-0000-000000000000',
      memoryTotalMiB: 81559,
      memoryUsedMiB: 0,
      utilizationPercent: 0,
      driver: '590.48.01',
    });
  });

  it('reads a MIG-enabled H100, whose utilization is [N/A]', () => {
    const [record] = parseQueryCsv(fixture('h100-mig__590.48.01.query-gpu-all.csv')).rows;
    expect(record?.['mig.mode.current']).toBe('Enabled');
    expect(toGpuQueryRow(record ?? {})).toMatchObject({
      memoryTotalMiB: 81559,
      memoryUsedMiB: 59,
      utilizationPercent: null,
    });
  });

  it('reads a header-less, unit-less line with a spaced name, a uuid alias and a bare N/A', () => {
    const fields = [
      'power.limit',
      'power.min_limit',
      'power.max_limit',
      'memory.total',
      'vbios_version',
      'driver_version',
      'name',
      'gpu_uuid',
      'power.draw',
      'temperature.gpu',
      'temperature.memory',
      'clocks.current.graphics',
      'clocks.sm',
      'clocks.mem',
      'utilization.gpu',
      'utilization.memory',
      'fan.speed',
      'pcie.link.width.current',
      'pstate',
    ];
    const { rows, unparsed } = parseQueryCsv(fixture('rtx-2080__440.64.query-gpu.txt'), fields);
    expect(unparsed).toEqual([]);
    const [record] = rows;
    expect(record?.['name']).toBe('GeForce RTX 2080');
    expect(record?.['gpu_uuid']).toBe('GPU-22b2c6ac-2d49-4863-197c-9c469071178a');
    expect(record?.['driver_version']).toBe('440.64');
    expect(cellNumber(record?.['memory.total'])).toBe(7979);
    expect(record?.['temperature.memory']).toBeNull();
    expect(cellNumber(record?.['utilization.gpu'])).toBe(86);
    expect(record?.['pstate']).toBe('P2');
  });

  it.each([['i3pystatus-776__na.query-gpu.txt'], ['i3pystatus-776__not-supported.query-gpu.txt']])(
    'reads an unsupported fan speed as missing (%s)',
    (file) => {
      const fields = [
        'memory.total',
        'memory.free',
        'memory.used',
        'temperature.gpu',
        'fan.speed',
        'utilization.gpu',
        'utilization.memory',
      ];
      const [record] = parseQueryCsv(fixture(file), fields).rows;
      expect(cellNumber(record?.['memory.total'])).toBe(2004);
      expect(cellNumber(record?.['memory.used'])).toBe(0);
      expect(record?.['fan.speed']).toBeNull();
      expect(cellNumber(record?.['utilization.gpu'])).toBe(0);
    },
  );

  it('reads values that keep their units, next to [Not Supported]', () => {
    const fields = [
      'gpu_name',
      'utilization.gpu',
      'utilization.memory',
      'temperature.gpu',
      'power.draw',
      'power.limit',
      'fan.speed',
      'pstate',
      'clocks.current.graphics',
      'clocks.current.memory',
      'power.max_limit',
      'power.default_limit',
    ];
    const [record] = parseQueryCsv(
      fixture('gtx-770__megaminer-235.query-gpu-units.txt'),
      fields,
    ).rows;
    expect(record?.['gpu_name']).toBe('GeForce GTX 770');
    expect(record?.['utilization.gpu']).toBeNull();
    expect(cellNumber(record?.['temperature.gpu'])).toBe(52);
    expect(cellNumber(record?.['fan.speed'])).toBe(52);
    expect(record?.['pstate']).toBe('P0');
  });

  it('reads the GB10, which has no memory figures of its own', () => {
    const fields = ['memory.used', 'memory.total', 'utilization.memory'];
    const [record] = parseQueryCsv(fixture('gb10__llama-swap-782.query-gpu.txt'), fields).rows;
    expect(record).toEqual({
      'memory.used': null,
      'memory.total': null,
      'utilization.memory': '0',
    });
  });

  it('reads one row per GPU', () => {
    const fields = ['name', 'memory.total', 'driver_version', 'pci.device_id'];
    const { rows } = parseQueryCsv(fixture('quadro-rtx-6000__570.211.01.query-gpu.txt'), fields);
    expect(rows).toHaveLength(2);
    for (const record of rows) {
      expect(record).toEqual({
        name: 'Quadro RTX 6000',
        'memory.total': '24576 MiB',
        driver_version: '570.211.01',
        'pci.device_id': '0x1E3010DE',
      });
    }
  });

  it('sets aside what is not a row, such as the driver failure message', () => {
    const message = fixture('driver-not-loaded.txt').trim();
    expect(parseGpuQuery(message)).toEqual({ rows: [], unparsed: [message] });
    expect(parseSampleQuery(message)).toEqual({ rows: [], unparsed: [message] });
  });

  it('keeps the rows around a message line and skips a header that matches the fields', () => {
    // Built from the H100 capture's values; the middle line is the message nvidia-smi prints
    // for a GPU it lost (quoted in akash-network/support#209).
    const text = [
      'index, name, uuid, memory.total [MiB], memory.used [MiB], utilization.gpu [%], driver_version',
      '0, NVIDIA H100 80GB HBM3, GPU-00000000-0000-0000-0000-000000000000, 81559, 0, 0, 590.48.01',
      'Unable to determine the device handle for GPU0000:A1:00.0: Unknown Error',
    ].join('\n');
    const { rows, unparsed } = parseGpuQuery(text);
    expect(rows.map((row) => row.index)).toEqual([0]);
    expect(unparsed).toEqual([
      'Unable to determine the device handle for GPU0000:A1:00.0: Unknown Error',
    ]);
  });

  it('folds extra cells back into the name: nvidia-smi does not quote (synthetic name)', () => {
    // No real product name has a comma; this guards the only free-text field if one ever does.
    const { rows } = parseGpuQuery('3, Example GPU, Rev. B, GPU-abc, 1024, 10, 5, 550.00\n');
    expect(rows).toEqual([
      {
        index: 3,
        name: 'Example GPU, Rev. B',
        uuid: 'GPU-abc',
        memoryTotalMiB: 1024,
        memoryUsedMiB: 10,
        utilizationPercent: 5,
        driver: '550.00',
      },
    ]);
  });

  it('reads a sample of the sampler query, [N/A] included', () => {
    expect(parseSampleQuery('0, 19818, 100\n1, 59, [N/A]\n').rows).toEqual([
      { index: 0, memoryUsedMiB: 19818, utilizationPercent: 100 },
      { index: 1, memoryUsedMiB: 59, utilizationPercent: null },
    ]);
  });
});

describe('versions', () => {
  it.each([
    ['h100-80gb-hbm3__590.48.01.version.txt', '590.48.01', '13.1'],
    // Driver 610: the old lines hold "Deprecated, see ..." and must not be read.
    ['h200-mig__610.43.02.version.txt', '610.43.02', '13.3'],
    // Driver 610 -q: the old lines still hold a value, followed by a deprecation note.
    ['h200-mig__610.43.02.q-header.txt', '610.43.02', '13.3'],
    ['h100-80gb-hbm3__590.48.01.table-load.txt', '590.48.01', '13.1'],
    ['h200-mig__610.43.02.table.txt', '610.43.02', '13.3'],
    ['rtx-4070__550.40.07.table.txt', '550.40.07', '12.4'],
    ['titan-xp__450.57.table.txt', '450.57', '11.0'],
    ['a100-sxm4__470.82.01.table-excerpt.txt', '470.82.01', '11.4'],
    ['a40x10__550.127.05.table.txt', '550.127.05', '12.4'],
    // Driver 396 printed no CUDA version in the header.
    ['gtx-1070__396.24.table-excerpt.txt', '396.24', null],
  ])('reads %s: driver %s, CUDA %s', (file, driver, cuda) => {
    const text = fixture(file);
    expect(parseDriverVersion(text)).toBe(driver);
    expect(parseCudaVersion(text)).toBe(cuda);
  });
});

describe('versions, quoted from issues', () => {
  it('reads no CUDA version where nvidia-smi -q says Not Found', () => {
    // The first lines of `nvidia-smi -q -d MEMORY,PERFORMANCE` in bigstack-oss/cubecos#312.
    const text = [
      'Timestamp                                 : Wed Jan 14 15:17:09 2026',
      'Driver Version                            : 580.105.06',
      'CUDA Version                              : Not Found',
    ].join('\n');
    expect(parseCudaVersion(text)).toBeNull();
    expect(parseDriverVersion(text)).toBe('580.105.06');
  });
});

describe('the nvidia-smi table', () => {
  it('reads the GPU block and ignores the process list', () => {
    expect(parseNvidiaSmiTable(fixture('h100-80gb-hbm3__590.48.01.table-load.txt'))).toEqual({
      driver: '590.48.01',
      cuda: '13.1',
      gpus: [
        {
          index: 0,
          name: 'NVIDIA H100 80GB HBM3',
          nameTruncated: false,
          busId: '00000000:00:09.0',
          memoryUsedMiB: 19818,
          memoryTotalMiB: 81559,
          utilizationPercent: 100,
        },
      ],
    });
  });

  it('reads the GPU of a MIG table, not its MIG devices; utilization N/A', () => {
    const { gpus } = parseNvidiaSmiTable(fixture('h100-mig__590.48.01.table-load.txt'));
    expect(gpus).toEqual([
      expect.objectContaining({
        index: 0,
        memoryUsedMiB: 11125,
        memoryTotalMiB: 81559,
        utilizationPercent: null,
      }),
    ]);
  });

  it('reads the driver 610 header', () => {
    const table = parseNvidiaSmiTable(fixture('h200-mig__610.43.02.table.txt'));
    expect(table.driver).toBe('610.43.02');
    expect(table.cuda).toBe('13.3');
    expect(table.gpus).toEqual([
      {
        index: 0,
        name: 'NVIDIA H200',
        nameTruncated: false,
        busId: '00000000:83:00.0',
        memoryUsedMiB: 44,
        memoryTotalMiB: 143771,
        utilizationPercent: null,
      },
    ]);
  });

  it('reads a pasted consumer GPU with a prompt line above it', () => {
    expect(parseNvidiaSmiTable(fixture('rtx-4070__550.40.07.table.txt')).gpus).toEqual([
      {
        index: 0,
        name: 'NVIDIA GeForce RTX 4070',
        nameTruncated: false,
        busId: '00000000:2D:00.0',
        memoryUsedMiB: 430,
        memoryTotalMiB: 12282,
        utilizationPercent: 1,
      },
    ]);
  });

  it('reads the narrow pre-530 layout', () => {
    expect(parseNvidiaSmiTable(fixture('titan-xp__450.57.table.txt')).gpus).toEqual([
      {
        index: 0,
        name: 'TITAN Xp',
        nameTruncated: false,
        busId: '00000000:17:00.0',
        memoryUsedMiB: 7,
        memoryTotalMiB: 12196,
        utilizationPercent: 0,
      },
    ]);
    expect(parseNvidiaSmiTable(fixture('gtx-1070__396.24.table-excerpt.txt')).gpus).toEqual([
      {
        index: 0,
        name: 'GeForce GTX 1070',
        nameTruncated: false,
        busId: '00000000:24:00.0',
        memoryUsedMiB: 1917,
        memoryTotalMiB: 8114,
        utilizationPercent: 0,
      },
    ]);
  });

  it('flags a name the driver cut short, in a paste that ends mid-border', () => {
    expect(parseNvidiaSmiTable(fixture('a100-sxm4__470.82.01.table-excerpt.txt')).gpus).toEqual([
      {
        index: 0,
        name: 'NVIDIA A100-SXM...',
        nameTruncated: true,
        busId: '00000000:01:00.0',
        memoryUsedMiB: 5140,
        memoryTotalMiB: 40536,
        utilizationPercent: 100,
      },
    ]);
  });

  it('reads all ten GPUs of a multi-GPU box in order', () => {
    const { gpus } = parseNvidiaSmiTable(fixture('a40x10__550.127.05.table.txt'));
    expect(gpus.map((gpu) => gpu.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(gpus.map((gpu) => gpu.busId.slice(9, 11))).toEqual([
      '4F',
      '52',
      '53',
      '56',
      '57',
      'CE',
      'D1',
      'D2',
      'D5',
      'D6',
    ]);
    for (const gpu of gpus) {
      expect(gpu).toMatchObject({
        name: 'NVIDIA A40',
        memoryUsedMiB: 1,
        memoryTotalMiB: 46068,
        utilizationPercent: 0,
      });
    }
  });

  it('finds no GPU in text that is not a table', () => {
    expect(parseNvidiaSmiTable(fixture('driver-not-loaded.txt'))).toEqual({
      driver: null,
      cuda: null,
      gpus: [],
    });
  });
});

describe('nvidia-smi -L', () => {
  it('lists MIG devices under their GPU', () => {
    expect(parseNvidiaSmiList(fixture('h100-mig__590.48.01.list.txt'))).toEqual([
      {
        index: 0,
        name: 'NVIDIA H100 80GB HBM3',
        uuid: 'GPU-00000000-0000-0000-0000-000000000000',
        mig: [
          { profile: '3g.40gb', index: 0, uuid: 'MIG-00000000-0000-0000-0000-000000000000' },
          { profile: '2g.20gb', index: 1, uuid: 'MIG-00000001-0000-0000-0000-000000000001' },
          { profile: '1g.10gb', index: 2, uuid: 'MIG-00000002-0000-0000-0000-000000000002' },
          { profile: '1g.10gb', index: 3, uuid: 'MIG-00000003-0000-0000-0000-000000000003' },
        ],
      },
    ]);
  });

  it('lists an 8-GPU box with seven MIG devices each', () => {
    const gpus = parseNvidiaSmiList(fixture('h100-80gb-hbm3-x8-mig.list.txt'));
    expect(gpus.map((gpu) => gpu.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(gpus.every((gpu) => gpu.mig.length === 7)).toBe(true);
    expect(gpus[3]?.uuid).toBe('GPU-8e70d727-bd2d-0723-0bf5-015d93cb90e6');
    expect(gpus[3]?.mig[6]).toEqual({
      profile: '1g.10gb',
      index: 6,
      uuid: 'MIG-e8e301bc-4401-54d8-9d9c-27864466d1e6',
    });
  });
});

describe('CUDA_VISIBLE_DEVICES', () => {
  const list = parseNvidiaSmiList(fixture('h100-80gb-hbm3-x8-mig.list.txt'));
  const gpus = list.map(({ index, uuid }) => ({ index, uuid }));
  const pick = (value: string | undefined, withList = true) => {
    const selection = selectVisibleGpus(gpus, value, withList ? list : []);
    return { indices: selection.visible.map((entry) => entry.gpu.index), notes: selection.notes };
  };

  it('shows every GPU when unset', () => {
    expect(pick(undefined)).toEqual({ indices: [0, 1, 2, 3, 4, 5, 6, 7], notes: [] });
  });

  it.each(['', '-1'])('shows none for %j, without complaint', (value) => {
    expect(pick(value)).toEqual({ indices: [], notes: [] });
  });

  it('enumerates in the order given', () => {
    expect(pick('2,0').indices).toEqual([2, 0]);
  });

  it('stops at the first invalid entry, as the CUDA guide example 0,2,-1,1', () => {
    expect(pick('0,2,-1,1').indices).toEqual([0, 2]);
  });

  it('stops at an index that names no GPU, and says so', () => {
    const { indices, notes } = pick('1,9,2');
    expect(indices).toEqual([1]);
    expect(notes).toEqual([
      "CUDA_VISIBLE_DEVICES entry '9' is not the index of any GPU; CUDA hides it and every entry after it",
    ]);
  });

  it('accepts a unique UUID prefix and refuses an ambiguous one', () => {
    expect(pick('GPU-8e70d727').indices).toEqual([3]);
    expect(pick('gpu-8E70D727-bd2d-0723-0bf5-015d93cb90e6').indices).toEqual([3]);
    // GPU-7e7d2a20… (GPU 1) and GPU-7d6267d7… (GPU 5) share the prefix GPU-7.
    const ambiguous = pick('GPU-7');
    expect(ambiguous.indices).toEqual([]);
    expect(ambiguous.notes[0]).toContain('matches several GPU UUIDs');
  });

  it('maps a MIG device to its GPU through nvidia-smi -L', () => {
    const selection = selectVisibleGpus(gpus, 'MIG-e8e301bc-4401-54d8-9d9c-27864466d1e6', list);
    expect(selection.visible).toEqual([
      {
        gpu: { index: 3, uuid: 'GPU-8e70d727-bd2d-0723-0bf5-015d93cb90e6' },
        mig: { uuid: 'MIG-e8e301bc-4401-54d8-9d9c-27864466d1e6', profile: '1g.10gb' },
      },
    ]);
    expect(pick('MIG-e8e301bc-4401-54d8-9d9c-27864466d1e6', false).notes[0]).toContain(
      'is not the UUID of any MIG device nvidia-smi -L lists',
    );
  });

  it('reads the MIG-GPU-<uuid>/<gi>/<ci> form of older drivers', () => {
    const selection = selectVisibleGpus(
      gpus,
      'MIG-GPU-63d1e50a-b952-d15c-0740-12bc14859142/1/0',
      [],
    );
    expect(selection.visible).toEqual([
      {
        gpu: { index: 0, uuid: 'GPU-63d1e50a-b952-d15c-0740-12bc14859142' },
        mig: { uuid: 'MIG-GPU-63d1e50a-b952-d15c-0740-12bc14859142/1/0', profile: null },
      },
    ]);
  });

  it('lists a GPU once however often it is named', () => {
    expect(pick('0,0,GPU-63d1e50a').indices).toEqual([0]);
  });

  it('hides everything after a value that is no selector at all', () => {
    const { indices, notes } = pick('NoDevFiles');
    expect(indices).toEqual([]);
    expect(notes[0]).toContain('is neither an index nor a GPU or MIG UUID');
  });

  it('tells when nvidia-smi -L is needed', () => {
    expect(mentionsMigDevices('0,MIG-e8e301bc')).toBe(true);
    expect(mentionsMigDevices('0,1')).toBe(false);
    expect(mentionsMigDevices(undefined)).toBe(false);
  });
});

describe('the gpus output', () => {
  it('keeps name, memory, driver and CUDA', () => {
    expect(
      toGpusOutput([
        {
          index: 0,
          uuid: 'GPU-00000000-0000-0000-0000-000000000000',
          name: 'NVIDIA H100 80GB HBM3',
          memoryMiB: 81559,
          driver: '590.48.01',
          cuda: '13.1',
        },
      ]),
    ).toEqual([
      { name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, driver: '590.48.01', cuda: '13.1' },
    ]);
  });
});
